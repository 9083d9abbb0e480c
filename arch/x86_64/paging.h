// The kernel's page tables, built once at boot (4-level paging, SDM Vol. 3A,
// chapter 5.5):
//   - the kernel image at -2 GiB in 4 KiB pages with per-section rights:
//     .text read-only + executable; .rodata read-only; .data, .bss and
//     stacks writable + no-execute; each stack's guard page unmapped;
//   - all physical memory (at least the first 4 GiB, for MMIO) at
//     kDirectMapBase in 2 MiB pages, writable + no-execute;
//   - device memory (PCI BARs, the ECAM window) mapped on request at
//     kDeviceWindowBase, uncached;
//   - nothing else: no identity map, so a null pointer faults.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::arch::paging {

inline constexpr u64 kKernelVirtualBase = 0xFFFFFFFF80000000;
inline constexpr u64 kDirectMapBase = 0xFFFF800000000000;
inline constexpr u64 kDeviceWindowBase = 0xFFFFC00000000000;  // one PML4 slot: 512 GiB

struct Mapping {
    bool present = false;
    bool writable = false;
    bool executable = false;
    u64 physical = 0;
    u64 page_size = 0;
};

struct Layout {
    u64 direct_map_bytes;
    u32 table_pages_used;
    u32 guard_pages;
};

// Builds the tables and loads CR3. `highest_physical` is the top of RAM. Returns what was mapped.
Layout init(u64 highest_physical);

// Makes device memory [physical, +length) reachable, uncached (PCD|PWT), at
// fresh addresses in the device window, in whole 2 MiB pages. The direct map
// is left as it is, so no other CPU's TLB can hold a stale entry for these
// addresses, and RAM that shares a 2 MiB page with the device keeps its
// cached mapping there. A range inside one already mapped reuses it.
// Returns the virtual address of `physical`; 0 if the window is full.
u64 map_device(u64 physical, u64 length);

// Physical address of the kernel's PML4 (for CR3 on every CPU).
u64 kernel_cr3();

// Page tables for an application processor's first steps: the kernel's
// mappings plus an identity map of the first 2 MiB, where its real-mode
// trampoline runs. Built once; returns the PML4's physical address.
u64 ap_boot_cr3();

// Walks the live page tables.
Mapping translate(u64 virtual_address);

// The direct map's address of a physical one.
inline u64 physical_to_virtual(PhysAddr physical) { return physical.value + kDirectMapBase; }

}  // namespace tk::arch::paging
