// What the boot loader told us, in one shape whichever loader it was.
#pragma once

#include "kernel/boot/cmdline.h"
#include "kernel/boot/memory_map.h"
#include "tk/types.h"

namespace tk::pc {

// RDI on entry to kernel_entry64, naming the boot protocol.
inline constexpr u32 kMagicTradeKernelBios = 0x49424B54;  // "TKBI", boot/boot.asm
inline constexpr u32 kMagicMultiboot1 = 0x2BADB002;       // Multiboot 0.6.96, 3.2
inline constexpr u32 kMagicMultiboot2 = 0x36D76289;       // Multiboot2 2.0, 3.2

struct BootInfo {
    const char* loader = "unknown";  // "bios", "multiboot1", "multiboot2"
    char loader_name[64] = {};       // as the loader calls itself, if it says
    MemoryMap memory;
    CommandLine cmdline;
};

// Reads the loader's structures through the boot identity map (first 4 GiB).
// Must run before arch::paging::init() removes that map. Returns false for
// an unknown magic.
bool parse_boot_info(u64 magic, u64 info_physical, BootInfo& out);

// The boot information of this boot (kept by kernel_main).
const BootInfo& boot_info();

}  // namespace tk::pc
