#include "platform/pc/boot_info.h"

#include "kernel/lib/string.h"

namespace tk::pc {
namespace {

template <typename T>
const T* at(u64 physical) {
    return reinterpret_cast<const T*>(physical);
}

// Copies a loader string: the loader's memory is unmapped once paging starts.
void copy_name(char (&dst)[64], const char* src, usize max) {
    usize n = str_length_bounded(src, max < sizeof dst - 1 ? max : sizeof dst - 1);
    for (usize i = 0; i < n; ++i) dst[i] = src[i];
    dst[n] = '\0';
}

// Written by boot/boot.asm: magic, entry count, then E820 entries of 24 bytes
// (base, length, type, ACPI 3.0 extended attributes).
struct __attribute__((packed)) BiosBootInfo {
    u32 magic;
    u32 e820_count;
};
struct __attribute__((packed)) E820Entry {
    u64 base;
    u64 length;
    u32 type;
    u32 extended;
};
constexpr u32 kMaxE820 = 128;

void parse_bios(u64 info, BootInfo& out) {
    auto* header = at<BiosBootInfo>(info);
    auto* entries = at<E820Entry>(info + sizeof(BiosBootInfo));
    u32 count = header->e820_count < kMaxE820 ? header->e820_count : kMaxE820;
    for (u32 i = 0; i < count; ++i)
        out.memory.add(entries[i].base, entries[i].length, region_type_from_e820(entries[i].type));
    out.memory_source = "e820";
}

// Multiboot 1 information structure (Multiboot 0.6.96, 3.3).
struct __attribute__((packed)) Multiboot1Info {
    u32 flags;
    u32 mem_lower, mem_upper;
    u32 boot_device;
    u32 cmdline;
    u32 mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr;
    u32 config_table;
    u32 boot_loader_name;
};
struct __attribute__((packed)) Multiboot1MmapEntry {
    u32 size;  // of the rest of the entry
    u64 base;
    u64 length;
    u32 type;
};

void parse_multiboot1(u64 info, BootInfo& out) {
    auto* mbi = at<Multiboot1Info>(info);
    if (mbi->flags & (1u << 2)) {
        const char* cmd = at<char>(mbi->cmdline);
        out.cmdline.set(cmd, str_length_bounded(cmd, CommandLine::kCapacity));
    }
    if (mbi->flags & (1u << 9)) copy_name(out.loader_name, at<char>(mbi->boot_loader_name), 63);
    if (!(mbi->flags & (1u << 6))) return;
    out.memory_source = "multiboot1";
    u64 p = mbi->mmap_addr, end = p + mbi->mmap_length;
    while (p + sizeof(Multiboot1MmapEntry) <= end) {
        auto* e = at<Multiboot1MmapEntry>(p);
        out.memory.add(e->base, e->length, region_type_from_e820(e->type));
        if (e->size < 20) break;  // malformed: would loop or misparse
        p += e->size + sizeof(u32);
    }
}

// Multiboot 2 information (Multiboot2 2.0, 3.6): a size-prefixed list of
// 8-byte-aligned tags.
struct Multiboot2Tag {
    u32 type;
    u32 size;
};
struct Multiboot2MmapEntry {
    u64 base;
    u64 length;
    u32 type;
    u32 reserved;
};
constexpr u32 kTagEnd = 0, kTagCmdline = 1, kTagLoaderName = 2, kTagMmap = 6, kTagEfi64SystemTable = 12,
              kTagAcpiOldRsdp = 14, kTagAcpiNewRsdp = 15, kTagEfiMmap = 17;

void parse_multiboot2_mmap(u64 tag, u32 size, BootInfo& out) {
    u32 entry_size = *at<u32>(tag + 8);
    if (entry_size < sizeof(Multiboot2MmapEntry)) return;
    for (u64 p = tag + 16; p + entry_size <= tag + size; p += entry_size) {
        auto* e = at<Multiboot2MmapEntry>(p);
        out.memory.add(e->base, e->length, region_type_from_e820(e->type));
    }
    out.memory_source = "multiboot2";
}

// UEFI 2.10, 7.2.3 (EFI_BOOT_SERVICES.GetMemoryMap): descriptors of
// descriptor_size bytes (at least the 40 of this struct; later firmware may
// add fields), each a run of 4 KiB pages.
struct EfiMemoryDescriptor {
    u32 type;
    u32 pad;
    u64 physical_start;
    u64 virtual_start;
    u64 pages;
    u64 attribute;
};
static_assert(sizeof(EfiMemoryDescriptor) == 40);

// The kernel is entered after ExitBootServices, so boot-services memory is
// free RAM. Loader code and data stay reserved: this boot information lives
// there. Runtime-services memory stays reserved for the firmware for good.
RegionType region_type_from_efi(u32 type) {
    switch (type) {
        case 3: case 4: case 7: return RegionType::Usable;  // boot services code/data, conventional
        case 9: return RegionType::AcpiReclaimable;
        case 10: return RegionType::AcpiNvs;
        case 8: return RegionType::Bad;  // EfiUnusableMemory
        default: return RegionType::Reserved;
    }
}

// Real servers' EFI maps run to hundreds of descriptors, mostly neighbours of
// one type: runs are merged before they reach the map's fixed capacity.
void parse_efi_mmap(u64 tag, u32 size, BootInfo& out, bool use) {
    u32 descriptor_size = *at<u32>(tag + 8);
    if (descriptor_size < sizeof(EfiMemoryDescriptor)) return;
    u64 run_base = 0, run_length = 0;
    RegionType run_type = RegionType::Reserved;
    for (u64 p = tag + 16; p + descriptor_size <= tag + size; p += descriptor_size) {
        auto* d = at<EfiMemoryDescriptor>(p);
        ++out.efi_memory_descriptors;
        if (!use || d->pages == 0 || d->pages >= (1ull << 52)) continue;
        RegionType type = region_type_from_efi(d->type);
        if (run_length && type == run_type && run_base + run_length == d->physical_start) {
            run_length += d->pages << 12;
            continue;
        }
        if (run_length) out.memory.add(run_base, run_length, run_type);
        run_base = d->physical_start, run_length = d->pages << 12, run_type = type;
    }
    if (run_length) out.memory.add(run_base, run_length, run_type);
    if (use) out.memory_source = "efi";
}

void copy_rsdp(u64 bytes, u32 length, BootInfo& out) {
    acpi::Rsdp rsdp{};
    u32 n = length < sizeof rsdp ? length : u32(sizeof rsdp);
    auto* dst = reinterpret_cast<u8*>(&rsdp);
    for (u32 i = 0; i < n; ++i) dst[i] = at<u8>(bytes)[i];
    // A newer RSDP wins over the ACPI 1.0 one when the loader passes both.
    if (acpi::valid_rsdp(rsdp) && (!out.has_rsdp || rsdp.revision >= out.rsdp.revision)) {
        out.rsdp = rsdp;
        out.has_rsdp = true;
    }
}

void parse_multiboot2(u64 info, BootInfo& out) {
    u32 total = *at<u32>(info);
    u64 p = info + 8, end = info + total;
    u64 efi_mmap = 0;
    u32 efi_mmap_size = 0;
    while (p + sizeof(Multiboot2Tag) <= end) {
        auto* tag = at<Multiboot2Tag>(p);
        if (tag->type == kTagEnd || tag->size < sizeof(Multiboot2Tag) || p + tag->size > end) break;
        const char* text = at<char>(p + 8);
        usize text_max = tag->size - 8;
        switch (tag->type) {
            case kTagCmdline: out.cmdline.set(text, str_length_bounded(text, text_max)); break;
            case kTagLoaderName: copy_name(out.loader_name, text, text_max); break;
            case kTagMmap: parse_multiboot2_mmap(p, tag->size, out); break;
            case kTagEfi64SystemTable:
                if (tag->size >= 16) out.efi_system_table = *at<u64>(p + 8);
                out.firmware = Firmware::Uefi;
                break;
            case kTagAcpiOldRsdp:
            case kTagAcpiNewRsdp: copy_rsdp(p + 8, tag->size - 8, out); break;
            case kTagEfiMmap:
                if (tag->size >= 16) efi_mmap = p, efi_mmap_size = tag->size;
                out.firmware = Firmware::Uefi;
                break;
            default: break;
        }
        p += (tag->size + 7) & ~7u;
    }
    // GRUB passes both maps under UEFI; its E820-style one is derived from the
    // EFI map. The EFI map is the source only when it is the sole one.
    if (efi_mmap) parse_efi_mmap(efi_mmap, efi_mmap_size, out, out.memory.count() == 0);
}

}  // namespace

bool parse_boot_info(u64 magic, u64 info, BootInfo& out) {
    switch (u32(magic)) {
        case kMagicTradeKernelBios: out.loader = "bios"; parse_bios(info, out); break;
        case kMagicMultiboot1: out.loader = "multiboot1"; parse_multiboot1(info, out); break;
        case kMagicMultiboot2: out.loader = "multiboot2"; parse_multiboot2(info, out); break;
        default: return false;
    }
    out.memory.normalize();
    return true;
}

}  // namespace tk::pc
