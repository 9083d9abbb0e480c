#include "arch/x86_64/cpu_features.h"

#include "arch/x86_64/cpu.h"

namespace tk::arch {

// Intel SDM vol. 2A, CPUID: leaf 1 (ECX, EDX feature flags), 8000_0001h
// (extended EDX), 8000_0007h (EDX[8] invariant TSC).
CpuFeatures read_cpu_features() {
    CpuFeatures f{};
    CpuidResult leaf1 = cpuid(1);
    f.tsc = leaf1.edx & (1u << 4);
    f.apic = leaf1.edx & (1u << 9);
    f.x2apic = leaf1.ecx & (1u << 21);
    f.tsc_deadline = leaf1.ecx & (1u << 24);
    f.xsave = leaf1.ecx & (1u << 26);
    f.hypervisor = leaf1.ecx & (1u << 31);
    u32 max_extended = cpuid(0x80000000).eax;
    if (max_extended >= 0x80000001) {
        CpuidResult ext = cpuid(0x80000001);
        f.rdtscp = ext.edx & (1u << 27);
        f.nx = ext.edx & (1u << 20);
    }
    if (max_extended >= 0x80000007) f.invariant_tsc = cpuid(0x80000007).edx & (1u << 8);
    return f;
}

const Requirement* missing_requirement(const CpuFeatures& cpu) {
    static constexpr Requirement kTsc{"TSC", "CPUID 1 EDX bit 4"};
    static constexpr Requirement kApic{"APIC", "CPUID 1 EDX bit 9"};
    static constexpr Requirement kRdtscp{"RDTSCP", "CPUID 8000_0001h EDX bit 27"};
    static constexpr Requirement kNx{"NX", "CPUID 8000_0001h EDX bit 20"};
    if (!cpu.tsc) return &kTsc;
    if (!cpu.apic) return &kApic;
    if (!cpu.rdtscp) return &kRdtscp;
    if (!cpu.nx) return &kNx;
    return nullptr;
}

}  // namespace tk::arch
