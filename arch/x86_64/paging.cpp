#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/stacks.h"
#include "tk/panic.h"

// Section bounds from arch/x86_64/kernel.ld (virtual addresses).
extern "C" char __text_start[], __text_end[];
extern "C" char __rodata_start[], __rodata_end[];
extern "C" char __data_start[], __data_end[];
extern "C" char __bss_start[], __bss_end[];

namespace tk::arch::paging {
namespace {

// Page-table entry bits (SDM Vol. 3A, Tables 5-15 to 5-20).
constexpr u64 kPresent = 1ull << 0;
constexpr u64 kWritable = 1ull << 1;
constexpr u64 kHuge = 1ull << 7;  // 2 MiB page in a page-directory entry
constexpr u64 kNoExecute = 1ull << 63;
constexpr u64 kWriteThrough = 1ull << 3;
constexpr u64 kCacheDisable = 1ull << 4;

// I/O APIC and local APIC registers (0xFEC00000-0xFEFFFFFF) must be mapped
// uncached (SDM Vol. 3A, 12.4.1): PCD|PWT on those 2 MiB direct-map pages.
constexpr u64 kApicWindowStart = 0xFEC00000;
constexpr u64 kApicWindowEnd = 0xFF000000;
constexpr u64 kAddressMask = 0x000FFFFFFFFFF000ull;

constexpr u64 kMinDirectMap = 4ull << 30;    // MMIO lives below 4 GiB
constexpr u64 kMaxDirectMap = 64ull << 30;   // bounded by the table pool below
constexpr usize kTablePool = 96;

// Every page table comes from this pool inside the kernel image, so a table's
// virtual address is its physical address + kKernelVirtualBase. This holds
// before and after the switch, which keeps translate() independent of the
// direct map.
alignas(kPageSize) u64 g_tables[kTablePool][512];
usize g_tables_used = 0;
u64* g_pml4 = nullptr;

u64 virt_to_phys_image(const void* p) { return u64(p) - kKernelVirtualBase; }
u64* table_at(u64 entry) { return reinterpret_cast<u64*>((entry & kAddressMask) + kKernelVirtualBase); }

u64* new_table() {
    if (g_tables_used == kTablePool) panic("paging: page-table pool exhausted");
    return g_tables[g_tables_used++];  // .bss: already zero
}

u64* next_level(u64* table, unsigned index) {
    if (!(table[index] & kPresent)) table[index] = virt_to_phys_image(new_table()) | kPresent | kWritable;
    return table_at(table[index]);
}

unsigned index_at(u64 virt, int level) { return unsigned(virt >> (12 + 9 * level)) & 511; }

void map_4k(u64 virt, u64 phys, u64 flags) {
    u64* pdpt = next_level(g_pml4, index_at(virt, 3));
    u64* pd = next_level(pdpt, index_at(virt, 2));
    u64* pt = next_level(pd, index_at(virt, 1));
    pt[index_at(virt, 0)] = phys | flags | kPresent;
}

void map_2m(u64 virt, u64 phys, u64 flags) {
    u64* pdpt = next_level(g_pml4, index_at(virt, 3));
    u64* pd = next_level(pdpt, index_at(virt, 2));
    pd[index_at(virt, 1)] = phys | flags | kPresent | kHuge;
}

u32 map_image_range(const char* start, const char* end, u64 flags) {
    u32 guards = 0;
    for (u64 v = u64(start) & ~(kPageSize - 1); v < u64(end); v += kPageSize) {
        if (stack_with_guard_at(v).record) {
            ++guards;
            continue;
        }
        map_4k(v, v - kKernelVirtualBase, flags);
    }
    return guards;
}

}  // namespace

Layout init(u64 highest_physical) {
    g_pml4 = new_table();
    u32 guards = 0;
    guards += map_image_range(__text_start, __text_end, 0);
    guards += map_image_range(__rodata_start, __rodata_end, kNoExecute);
    guards += map_image_range(__data_start, __data_end, kWritable | kNoExecute);
    guards += map_image_range(__bss_start, __bss_end, kWritable | kNoExecute);

    u64 direct = (highest_physical + (1ull << 30) - 1) & ~((1ull << 30) - 1);
    if (direct < kMinDirectMap) direct = kMinDirectMap;
    if (direct > kMaxDirectMap) direct = kMaxDirectMap;
    for (u64 p = 0; p < direct; p += 2ull << 20) {
        u64 flags = kWritable | kNoExecute;
        if (p + (2ull << 20) > kApicWindowStart && p < kApicWindowEnd) flags |= kCacheDisable | kWriteThrough;
        map_2m(kDirectMapBase + p, p, flags);
    }

    // The device window's top-level entry exists from the start, so every
    // copy of the kernel half (paging::ap_boot_cr3) sees later mappings.
    next_level(g_pml4, index_at(kDeviceWindowBase, 3));

    write_cr3(virt_to_phys_image(g_pml4));
    return Layout{direct, u32(g_tables_used), guards};
}

namespace {

struct DeviceRange {
    u64 physical, bytes, virt;  // 2 MiB-aligned
};
constexpr usize kMaxDeviceRanges = 32;
constexpr u64 kDeviceWindowBytes = 512ull << 30;
DeviceRange g_device_ranges[kMaxDeviceRanges];
usize g_device_range_count = 0;
u64 g_device_next = 0;  // bytes of the window handed out

}  // namespace

u64 map_device(u64 physical, u64 length) {
    constexpr u64 kLarge = 2ull << 20;
    u64 first = physical & ~(kLarge - 1);
    u64 end = (physical + length + kLarge - 1) & ~(kLarge - 1);
    if (end <= first) return 0;
    for (usize i = 0; i < g_device_range_count; ++i) {
        const DeviceRange& r = g_device_ranges[i];
        if (first >= r.physical && end <= r.physical + r.bytes) return r.virt + (physical - r.physical);
    }
    if (g_device_range_count == kMaxDeviceRanges || end - first > kDeviceWindowBytes - g_device_next) return 0;
    u64 virt = kDeviceWindowBase + g_device_next;
    for (u64 p = first; p < end; p += kLarge)
        map_2m(virt + (p - first), p, kWritable | kNoExecute | kCacheDisable | kWriteThrough);
    g_device_next += end - first;
    g_device_ranges[g_device_range_count++] = {first, end - first, virt};
    return virt + (physical - first);
}

u64 kernel_cr3() { return virt_to_phys_image(g_pml4); }

u64 ap_boot_cr3() {
    static u64* ap_pml4 = nullptr;
    if (!ap_pml4) {
        ap_pml4 = new_table();
        for (unsigned i = 256; i < 512; ++i) ap_pml4[i] = g_pml4[i];  // kernel half, shared
        u64* pdpt = next_level(ap_pml4, 0);
        u64* pd = next_level(pdpt, 0);
        pd[0] = 0 | kPresent | kWritable | kHuge;  // 0-2 MiB identity, executable
    }
    return virt_to_phys_image(ap_pml4);
}

Mapping translate(u64 virt) {
    Mapping m;
    u64* table = table_at(read_cr3());
    bool writable = true, executable = true;
    for (int level = 3; level >= 0; --level) {
        u64 entry = table[index_at(virt, level)];
        if (!(entry & kPresent)) return m;
        writable = writable && (entry & kWritable);
        executable = executable && !(entry & kNoExecute);
        u64 page_size = 1ull << (12 + 9 * level);
        if (level == 0 || (level <= 2 && (entry & kHuge))) {
            m.present = true;
            m.writable = writable;
            m.executable = executable;
            m.page_size = page_size;
            m.physical = (entry & kAddressMask & ~(page_size - 1)) | (virt & (page_size - 1));
            return m;
        }
        table = table_at(entry);
    }
    return m;
}

}  // namespace tk::arch::paging
