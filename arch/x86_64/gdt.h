// Global descriptor table and task-state segment. The TSS exists in long mode
// only to give the CPU the interrupt stack table (IST): known-good stacks for
// exceptions that may arrive on a broken stack (SDM Vol. 3A, 7.14.5).
#pragma once

#include "tk/types.h"

namespace tk::arch {

inline constexpr u16 kKernelCodeSelector = 0x08;
inline constexpr u16 kKernelDataSelector = 0x10;
inline constexpr u16 kTssSelector = 0x18;

// IST slots (1-7; 0 means "no stack switch").
enum class Ist : u8 {
    None = 0,
    DoubleFault = 1,
    Nmi = 2,
    MachineCheck = 3,
    PageFault = 4,  // a stack overflow is a page fault on the guard page
};

inline constexpr u32 kMaxCpus = 8;

// Loads CPU `cpu`'s own GDT and TSS (each CPU has its own IST stacks).
void gdt_init(u32 cpu);

}  // namespace tk::arch
