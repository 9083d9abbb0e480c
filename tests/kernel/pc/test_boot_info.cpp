// platform/pc/boot_info: Multiboot 2 information as GRUB builds it under UEFI,
// hand-made in a buffer (the parser reads what it is given the address of).

#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "platform/pc/boot_info.h"

using namespace tk;
using namespace tk::pc;

namespace {

alignas(8) u8 g_info[2048];
u32 g_at = 0;

void put_u32(u32 at, u32 v) { __builtin_memcpy(g_info + at, &v, 4); }
void put_u64(u32 at, u64 v) { __builtin_memcpy(g_info + at, &v, 8); }

void begin() {
    for (u8& b : g_info) b = 0;
    g_at = 8;
}
u32 tag(u32 type, u32 size) {
    u32 at = g_at;
    put_u32(at, type);
    put_u32(at + 4, size);
    g_at += (size + 7) & ~7u;
    return at;
}
void end() {
    tag(0, 8);
    put_u32(0, g_at);
}

// UEFI's descriptor: type, physical start, pages. 48 bytes, as OVMF reports,
// 8 more than the structure the parser knows.
constexpr u32 kDescriptorSize = 48;
void efi_mmap(const u64 (*entries)[3], u32 count) {
    u32 at = tag(17, 16 + count * kDescriptorSize);
    put_u32(at + 8, kDescriptorSize);
    put_u32(at + 12, 1);
    for (u32 i = 0; i < count; ++i) {
        u32 d = at + 16 + i * kDescriptorSize;
        put_u32(d, u32(entries[i][0]));
        put_u64(d + 8, entries[i][1]);
        put_u64(d + 24, entries[i][2]);
    }
}

void rsdp_tag(u32 type, u8 revision, u64 xsdt) {
    u32 length = revision >= 2 ? 36 : 20;
    u32 at = tag(type, 8 + length);
    u8* r = g_info + at + 8;
    __builtin_memcpy(r, "RSD PTR ", 8);
    r[15] = revision;
    put_u32(at + 8 + 16, 0x1000);  // RSDT
    if (revision >= 2) {
        put_u32(at + 8 + 20, 36);
        put_u64(at + 8 + 24, xsdt);
    }
    u8 sum = 0;
    for (u32 i = 0; i < 20; ++i) sum = u8(sum + r[i]);
    r[8] = u8(-sum);
    if (revision >= 2) {
        sum = 0;
        for (u32 i = 0; i < 36; ++i) sum = u8(sum + r[i]);
        r[32] = u8(-sum);
    }
}

}  // namespace

TK_PC_TEST(boot_info, efi_memory_map_is_used_when_it_is_the_only_one) {
    begin();
    const u64 entries[][3] = {
        {7, 0x0, 0xA0},              // conventional, 640 KiB
        {3, 0x100000, 0x100},        // boot services code: free after ExitBootServices
        {4, 0x200000, 0x100},        // boot services data, adjoining: one region
        {2, 0x300000, 0x10},         // loader data (this information): kept
        {9, 0x310000, 0x10},         // ACPI reclaimable
        {10, 0x320000, 0x10},        // ACPI NVS
        {5, 0x330000, 0x10},         // runtime services code: the firmware's for good
        {7, 0x400000, 0x1000},       // conventional, 16 MiB
        {7, 0x1400000, 0},           // no pages: ignored
    };
    efi_mmap(entries, 9);
    u32 st = tag(12, 16);
    put_u64(st + 8, 0x7F000000);
    end();
    BootInfo info;
    if (!TK_EXPECT(parse_boot_info(kMagicMultiboot2, u64(g_info), info))) return;
    TK_EXPECT(info.firmware == Firmware::Uefi);
    TK_EXPECT_EQ(info.efi_system_table, 0x7F000000ull);
    TK_EXPECT_EQ(info.efi_memory_descriptors, 9);
    TK_EXPECT(str_equal(info.memory_source, "efi"));
    TK_EXPECT_EQ(info.memory.usable_bytes(), (0xA0ull + 0x200 + 0x1000) << 12);
    const MemoryMap& m = info.memory;
    u32 found = 0;
    for (usize i = 0; i < m.count(); ++i) {
        if (m[i].base == 0x100000) found += m[i].length == 0x200000 && m[i].type == RegionType::Usable;
        if (m[i].base == 0x300000) found += m[i].type == RegionType::Reserved;
        if (m[i].base == 0x310000) found += m[i].type == RegionType::AcpiReclaimable;
        if (m[i].base == 0x320000) found += m[i].type == RegionType::AcpiNvs;
        if (m[i].base == 0x330000) found += m[i].type == RegionType::Reserved;
    }
    TK_EXPECT_EQ(found, 5);
    TK_EXPECT(!info.has_rsdp);
}

TK_PC_TEST(boot_info, e820_style_map_wins_over_the_efi_map) {
    begin();
    u32 mmap = tag(6, 16 + 24);
    put_u32(mmap + 8, 24);
    put_u64(mmap + 16, 0x100000);
    put_u64(mmap + 24, 0x800000);
    put_u32(mmap + 32, 1);
    const u64 entries[][3] = {{7, 0x0, 0x10000}};
    efi_mmap(entries, 1);
    end();
    BootInfo info;
    parse_boot_info(kMagicMultiboot2, u64(g_info), info);
    TK_EXPECT(str_equal(info.memory_source, "multiboot2"));
    TK_EXPECT_EQ(info.memory.usable_bytes(), 0x800000ull);
    TK_EXPECT_EQ(info.efi_memory_descriptors, 1);
    TK_EXPECT(info.firmware == Firmware::Uefi);
}

TK_PC_TEST(boot_info, loader_rsdp_copy_newest_valid_one_kept) {
    begin();
    rsdp_tag(14, 0, 0);
    rsdp_tag(15, 2, 0x2000);
    end();
    BootInfo info;
    parse_boot_info(kMagicMultiboot2, u64(g_info), info);
    TK_EXPECT(info.has_rsdp);
    TK_EXPECT_EQ(info.rsdp.revision, 2);
    TK_EXPECT_EQ(info.rsdp.xsdt_address, 0x2000ull);
    TK_EXPECT(info.firmware == Firmware::Bios);  // no EFI tags: a BIOS GRUB

    begin();
    rsdp_tag(15, 2, 0x2000);
    g_info[8 + 8 + 9] ^= 1;  // the copy's OEM id no longer sums to zero
    end();
    BootInfo corrupt;
    parse_boot_info(kMagicMultiboot2, u64(g_info), corrupt);
    TK_EXPECT(!corrupt.has_rsdp);
}

TK_PC_TEST(boot_info, efi_mmap_tag_shorter_than_its_descriptor_size_is_not_read) {
    begin();
    u32 at = tag(17, 16 + 20);  // claims 48-byte descriptors, holds 20 bytes
    put_u32(at + 8, kDescriptorSize);
    put_u32(at + 16, 7);
    end();
    BootInfo info;
    parse_boot_info(kMagicMultiboot2, u64(g_info), info);
    TK_EXPECT_EQ(info.efi_memory_descriptors, 0);
    TK_EXPECT_EQ(info.memory.count(), 0);
}
