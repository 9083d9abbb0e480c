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
constexpr u32 kTagEnd = 0, kTagCmdline = 1, kTagLoaderName = 2, kTagMmap = 6;

void parse_multiboot2_mmap(u64 tag, u32 size, BootInfo& out) {
    u32 entry_size = *at<u32>(tag + 8);
    if (entry_size < sizeof(Multiboot2MmapEntry)) return;
    for (u64 p = tag + 16; p + entry_size <= tag + size; p += entry_size) {
        auto* e = at<Multiboot2MmapEntry>(p);
        out.memory.add(e->base, e->length, region_type_from_e820(e->type));
    }
}

void parse_multiboot2(u64 info, BootInfo& out) {
    u32 total = *at<u32>(info);
    u64 p = info + 8, end = info + total;
    while (p + sizeof(Multiboot2Tag) <= end) {
        auto* tag = at<Multiboot2Tag>(p);
        if (tag->type == kTagEnd || tag->size < sizeof(Multiboot2Tag) || p + tag->size > end) break;
        const char* text = at<char>(p + 8);
        usize text_max = tag->size - 8;
        if (tag->type == kTagCmdline) out.cmdline.set(text, str_length_bounded(text, text_max));
        else if (tag->type == kTagLoaderName) copy_name(out.loader_name, text, text_max);
        else if (tag->type == kTagMmap) parse_multiboot2_mmap(p, tag->size, out);
        p += (tag->size + 7) & ~7u;
    }
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
