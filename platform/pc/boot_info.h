// What the boot loader told us, in one shape whichever loader it was.
#pragma once

#include "kernel/acpi/tables.h"
#include "kernel/boot/cmdline.h"
#include "kernel/boot/memory_map.h"
#include "tk/types.h"

namespace tk::pc {

// RDI on entry to kernel_entry64, naming the boot protocol.
inline constexpr u32 kMagicTradeKernelBios = 0x49424B54;  // "TKBI", boot/boot.asm
inline constexpr u32 kMagicMultiboot1 = 0x2BADB002;       // Multiboot 0.6.96, 3.2
inline constexpr u32 kMagicMultiboot2 = 0x36D76289;       // Multiboot2 2.0, 3.2

// Which firmware started the loader. Under UEFI there is no BIOS data area,
// EBDA or legacy ACPI area to scan: what the kernel needs must come from the
// loader (Multiboot 2 passes the EFI system table, the EFI memory map and a
// copy of the RSDP).
enum class Firmware : u8 { Bios, Uefi };

struct BootInfo {
    const char* loader = "unknown";  // "bios", "multiboot1", "multiboot2"
    char loader_name[64] = {};       // as the loader calls itself, if it says
    Firmware firmware = Firmware::Bios;
    MemoryMap memory;
    const char* memory_source = "none";  // "e820", "multiboot1", "multiboot2", "efi"
    u32 efi_memory_descriptors = 0;      // in the EFI memory map tag, if there was one
    u64 efi_system_table = 0;            // physical; 0 unless booted from UEFI
    // A copy of the RSDP the loader found (Multiboot2 2.0, 3.6.11 and 3.6.12):
    // the only way to the ACPI tables under UEFI without EFI calls.
    acpi::Rsdp rsdp{};
    bool has_rsdp = false;
    CommandLine cmdline;
};

inline const char* firmware_name(Firmware f) { return f == Firmware::Uefi ? "uefi" : "bios"; }

// Reads the loader's structures through the boot identity map (first 4 GiB).
// Must run before arch::paging::init() removes that map. Returns false for
// an unknown magic.
bool parse_boot_info(u64 magic, u64 info_physical, BootInfo& out);

// The boot information of this boot (kept by kernel_main).
const BootInfo& boot_info();

}  // namespace tk::pc
