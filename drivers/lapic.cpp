#include "drivers/lapic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "tk/tsc.h"

namespace tk::drivers {
namespace {

// Register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16), SDM 3A
// Table 12-1 and Table 12-6.
constexpr u32 kId = 0x20;
constexpr u32 kEoi = 0xB0;
constexpr u32 kSpurious = 0xF0;
constexpr u32 kIcrLow = 0x300;
constexpr u32 kIcrHigh = 0x310;
constexpr u32 kLvtTimer = 0x320;
constexpr u32 kTimerInitial = 0x380;
constexpr u32 kTimerCurrent = 0x390;
constexpr u32 kTimerDivide = 0x3E0;

constexpr u32 kMsrApicBase = 0x1B;
constexpr u32 kMsrTscDeadline = 0x6E0;
constexpr u64 kApicBaseEnable = 1ull << 11;
constexpr u64 kApicBaseX2 = 1ull << 10;

constexpr u32 kTimerModeOneShot = 0u << 17;
constexpr u32 kTimerModeDeadline = 2u << 17;
constexpr u32 kLvtMasked = 1u << 16;

bool g_x2apic = false;
bool g_deadline = false;
volatile u32* g_mmio = nullptr;
u64 g_timer_hz = 0;
u64 g_tsc_hz = 0;
u8 g_timer_vector = 0;

u32 read(u32 reg) {
    if (g_x2apic) return u32(arch::read_msr(0x800 + reg / 16));
    return g_mmio[reg / 4];
}

void write(u32 reg, u32 value) {
    if (g_x2apic) arch::write_msr(0x800 + reg / 16, value);
    else g_mmio[reg / 4] = value;
}

// APIC timer ticks per second, from a 10 ms TSC window (divide by 16).
u64 calibrate_timer(u64 tsc_hz) {
    write(kTimerDivide, 0x3);  // divide by 16
    write(kLvtTimer, kLvtMasked | kTimerModeOneShot);
    write(kTimerInitial, 0xFFFFFFFF);
    u64 start = rdtsc();
    while (rdtsc() - start < tsc_hz / 100) {
    }
    u32 elapsed = 0xFFFFFFFF - read(kTimerCurrent);
    write(kTimerInitial, 0);
    return u64(elapsed) * 100;
}

void write_icr(u32 apic_id, u32 low) {
    if (g_x2apic) {
        arch::write_msr(0x800 + kIcrLow / 16, (u64(apic_id) << 32) | low);  // one 64-bit write
        return;
    }
    write(kIcrHigh, apic_id << 24);
    write(kIcrLow, low);
    while (read(kIcrLow) & (1u << 12)) {  // delivery status: send pending
    }
}

}  // namespace

LapicInfo lapic_init(u8 spurious_vector, u8 timer_vector, u64 tsc_hz) {
    arch::CpuidResult leaf1 = arch::cpuid(1);
    g_x2apic = leaf1.ecx & (1u << 21);
    g_deadline = leaf1.ecx & (1u << 24);
    g_tsc_hz = tsc_hz;
    g_timer_vector = timer_vector;
    u64 base = arch::read_msr(kMsrApicBase);
    base |= kApicBaseEnable;
    if (g_x2apic) base |= kApicBaseX2;
    arch::write_msr(kMsrApicBase, base);
    if (!g_x2apic)
        g_mmio = reinterpret_cast<volatile u32*>(arch::paging::physical_to_virtual(PhysAddr{base & ~u64(0xFFF)}));
    write(kSpurious, (1u << 8) | spurious_vector);  // software enable
    if (!g_deadline && !g_timer_hz) g_timer_hz = calibrate_timer(tsc_hz);
    write(kLvtTimer, kLvtMasked);
    return {g_x2apic, g_deadline, lapic_id(), g_deadline ? 0 : g_timer_hz};
}

u32 lapic_id() { return g_x2apic ? read(kId) : read(kId) >> 24; }

void lapic_eoi() { write(kEoi, 0); }

void lapic_arm_timer(u64 deadline) {
    if (deadline == ~0ull) {
        write(kLvtTimer, kLvtMasked);
        if (g_deadline) arch::write_msr(kMsrTscDeadline, 0);
        else write(kTimerInitial, 0);
        return;
    }
    if (g_deadline) {
        write(kLvtTimer, kTimerModeDeadline | g_timer_vector);
        // SDM 3A 12.5.4.1: a deadline in the past fires at once.
        arch::write_msr(kMsrTscDeadline, deadline ? deadline : 1);
        return;
    }
    u64 now = rdtsc();
    u64 ticks = deadline > now ? mul_div_u64(deadline - now, g_timer_hz, g_tsc_hz) : 0;
    if (ticks == 0) ticks = 1;
    if (ticks > 0xFFFFFFFF) ticks = 0xFFFFFFFF;  // re-armed when it fires early
    write(kLvtTimer, kTimerModeOneShot | g_timer_vector);
    write(kTimerInitial, u32(ticks));
}

void lapic_send_ipi(u32 apic_id, u8 vector) { write_icr(apic_id, vector); }

void lapic_send_init(u32 apic_id) { write_icr(apic_id, (5u << 8) | (1u << 14)); }

void lapic_send_startup(u32 apic_id, u8 page) { write_icr(apic_id, (6u << 8) | page); }

}  // namespace tk::drivers
