// Time-stamp counter helpers. RDTSC/RDTSCP are unprivileged, so the same code
// serves the kernel and the hosted build.
//
// RDTSCP waits until all earlier instructions have executed before reading the
// counter (Intel SDM Vol. 2B, RDTSCP); the LFENCE after it keeps later
// instructions from starting before the read. Use tsc_begin()/tsc_end() around
// a measured span.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk {

inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64(hi) << 32) | lo;
}

// The TSC as a typed instant, for deadlines and spans that meet nanoseconds.
inline Ticks tsc_now() { return Ticks{rdtsc()}; }

// Returns the TSC and the IA32_TSC_AUX value (the CPU number on pc and Linux).
inline u64 rdtscp(u32* aux) {
    u32 lo, hi, c;
    asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
    if (aux) *aux = c;
    return (u64(hi) << 32) | lo;
}

// Start of a measured span: LFENCE orders the read after earlier instructions.
inline u64 tsc_begin() {
    asm volatile("lfence" ::: "memory");
    u64 t = rdtsc();
    asm volatile("lfence" ::: "memory");
    return t;
}

// End of a measured span.
inline u64 tsc_end() {
    u64 t = rdtscp(nullptr);
    asm volatile("lfence" ::: "memory");
    return t;
}

// a * b / c with a 128-bit intermediate, using MUL and DIV directly: the
// freestanding kernel has no __udivti3. Saturates if the quotient would not
// fit in 64 bits (DIV would raise #DE).
inline u64 mul_div_u64(u64 a, u64 b, u64 c) {
    u64 hi, lo;
    asm("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b) : "cc");
    if (c == 0 || hi >= c) return ~0ull;
    u64 quotient, remainder;
    asm("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(lo), "d"(hi), "rm"(c) : "cc");
    return quotient;
}

// Conversion between TSC ticks and nanoseconds, set once the frequency is known.
class TscClock {
public:
    constexpr TscClock() = default;
    explicit constexpr TscClock(u64 hz) : hz_(hz) {}

    constexpr u64 hz() const { return hz_; }
    constexpr bool known() const { return hz_ != 0; }

    // ticks * 1e9 overflows 64 bits after ~18 s at 1 GHz, hence mul_div_u64.
    // The only conversions between the two units (tk/units.h).
    Nanos to_ns(Ticks ticks) const { return Nanos{hz_ ? mul_div_u64(ticks.value, 1000000000u, hz_) : 0}; }
    Ticks to_ticks(Nanos ns) const { return Ticks{mul_div_u64(ns.value, hz_, 1000000000u)}; }

private:
    u64 hz_ = 0;
};

}  // namespace tk
