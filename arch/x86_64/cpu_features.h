// What the CPU offers, from CPUID: the features the kernel cannot run without
// (it names the first one missing and stops, rather than take an
// invalid-opcode fault later) and those it uses when present.
#pragma once

#include "tk/types.h"

namespace tk::arch {

struct CpuFeatures {
    // Required.
    bool tsc;     // CPUID 1 EDX[4]: every clock in the kernel
    bool apic;    // CPUID 1 EDX[9]: timer, inter-processor wake-ups
    bool rdtscp;  // CPUID 8000_0001h EDX[27]: the end of every measured span (tk/tsc.h)
    bool nx;      // CPUID 8000_0001h EDX[20]: no-execute pages (paging sets EFER.NXE)
    // Used when present.
    bool invariant_tsc;  // CPUID 8000_0007h EDX[8]: TSC rate constant in every power state
    bool x2apic;         // CPUID 1 ECX[21]
    bool tsc_deadline;   // CPUID 1 ECX[24]
    bool xsave;          // CPUID 1 ECX[26]: else FXSAVE for tasks that use the FPU
    bool hypervisor;     // CPUID 1 ECX[31]
};

CpuFeatures read_cpu_features();

struct Requirement {
    const char* name;   // "RDTSCP"
    const char* cpuid;  // where CPUID reports it, for the refusal message
};

// The first required feature `cpu` lacks, or nullptr when it has them all.
const Requirement* missing_requirement(const CpuFeatures& cpu);

}  // namespace tk::arch
