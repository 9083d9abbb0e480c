#include "arch/x86_64/tsc_calibration.h"

#include "arch/x86_64/cpu.h"
#include "tk/tsc.h"

namespace tk::arch {
namespace {

// CPUID 15h: TSC = crystal * EBX / EAX (SDM Vol. 2A, CPUID leaf 15h). ECX is
// the crystal in Hz; zero means "not enumerated".
u64 tsc_hz_from_cpuid_15h() {
    if (cpuid(0).eax < 0x15) return 0;
    CpuidResult r = cpuid(0x15);
    if (r.eax == 0 || r.ebx == 0 || r.ecx == 0) return 0;
    return u64(r.ecx) * r.ebx / r.eax;
}

// Counts TSC ticks across a 10 ms countdown of the reference; the median of
// three runs keeps one run disturbed by the host (under emulation) from
// skewing it.
u64 tsc_hz_from_reference(const ReferenceTimer& reference) {
    const u16 ticks = u16(reference.hz / 100);  // 10 ms
    u64 samples[3];
    for (u64& s : samples) {
        reference.start_countdown(ticks);
        u64 start = rdtsc();
        while (!reference.countdown_done()) {
        }
        s = (rdtsc() - start) * reference.hz / ticks;
    }
    if (samples[0] > samples[1]) { u64 t = samples[0]; samples[0] = samples[1]; samples[1] = t; }
    if (samples[1] > samples[2]) { u64 t = samples[1]; samples[1] = samples[2]; samples[2] = t; }
    if (samples[0] > samples[1]) { u64 t = samples[0]; samples[0] = samples[1]; samples[1] = t; }
    return samples[1];
}

}  // namespace

TscInfo calibrate_tsc(const ReferenceTimer& reference) {
    TscInfo info{};
    u32 max_extended = cpuid(0x80000000).eax;
    if (max_extended >= 0x80000007) info.invariant = cpuid(0x80000007).edx & (1u << 8);
    if (max_extended >= 0x80000001) info.rdtscp = cpuid(0x80000001).edx & (1u << 27);
    if (cpuid(0).eax >= 0x16) info.cpuid_base_mhz = cpuid(0x16).eax & 0xFFFF;

    // Under a hypervisor (CPUID 1 ECX[31]) leaf 15h describes the host part,
    // not the emulated counter, so measure instead.
    bool hypervisor = cpuid(1).ecx & (1u << 31);
    u64 hz = hypervisor ? 0 : tsc_hz_from_cpuid_15h();
    if (hz) {
        info.hz = hz;
        info.source = "cpuid-15h";
    } else {
        info.hz = tsc_hz_from_reference(reference);
        info.source = reference.name;
    }
    return info;
}

}  // namespace tk::arch
