#include "platform/pc/smp.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/stacks.h"
#include "drivers/lapic.h"
#include "kernel/log/log.h"
#include "kernel/sched/scheduler.h"
#include "platform/pc/clock.h"
#include "tk/tsc.h"

extern "C" const char ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_params[];

namespace tk::pc {
namespace {

struct TrampolineParams {
    u64 cr3;
    u64 stack;
    u64 entry;
    u64 cpu;
};

constexpr usize kApStackSize = 16 * 1024;
TK_GUARDED_STACK_ARRAY(g_ap_stacks, "ap-boot", kApStackSize, arch::kMaxCpus);

u32 g_apic_ids[arch::kMaxCpus];
u32 g_cpus = 1;
volatile u32 g_online = 1;

void wait_ns(u64 ns) {
    u64 end = rdtsc() + tsc_clock().to_ticks(Nanos{ns}).value;
    while (rdtsc() < end) {
    }
}

extern "C" [[noreturn]] void ap_entry64(u32 cpu) {
    arch::write_cr3(arch::paging::kernel_cr3());
    arch::gdt_init(cpu);
    arch::idt_load();
    arch::set_cpu_index(cpu);
    arch::fpu_init_cpu();
    drivers::lapic_init(arch::kSpuriousVector, arch::kTimerVector, tsc_clock().hz());
    __atomic_add_fetch(&g_online, 1, __ATOMIC_RELEASE);
    sched::run_forever();
}

bool start_one(u32 cpu, u32 apic_id) {
    auto* params = reinterpret_cast<TrampolineParams*>(
        arch::paging::physical_to_virtual(PhysAddr{kTrampolinePhysical}) + (ap_trampoline_params - ap_trampoline_start));
    params->cr3 = arch::paging::ap_boot_cr3();
    params->stack = u64(g_ap_stacks[cpu].bytes + kApStackSize);
    params->entry = u64(&ap_entry64);
    params->cpu = cpu;
    u32 before = g_online;
    drivers::lapic_send_init(apic_id);
    wait_ns(10'000'000);  // 10 ms after INIT (SDM 3A, 9.4.4.1)
    for (int attempt = 0; attempt < 2 && g_online == before; ++attempt) {
        drivers::lapic_send_startup(apic_id, u8(kTrampolinePhysical >> 12));
        for (int i = 0; i < 100 && g_online == before; ++i) wait_ns(1'000'000);
    }
    return g_online != before;
}

}  // namespace

u32 smp_start(const acpi::Processors& processors) {
    u32 bsp = drivers::lapic_id();
    g_apic_ids[0] = bsp;
    auto* page = reinterpret_cast<u8*>(arch::paging::physical_to_virtual(PhysAddr{kTrampolinePhysical}));
    for (const char* p = ap_trampoline_start; p < ap_trampoline_end; ++p) page[p - ap_trampoline_start] = u8(*p);
    for (u32 i = 0; i < processors.count && g_cpus < arch::kMaxCpus; ++i) {
        u32 apic_id = processors.apic_id[i];
        if (apic_id == bsp) continue;
        g_apic_ids[g_cpus] = apic_id;  // before the AP can take interrupts or IPIs
        if (start_one(g_cpus, apic_id)) {
            ++g_cpus;
        } else {
            log::info("smp: CPU with APIC ID %u did not start", apic_id);
        }
    }
    log::info("smp: %u CPU%s online", g_cpus, g_cpus == 1 ? "" : "s");
    return g_cpus;
}

u32 cpu_count() { return g_cpus; }
u32 apic_id_of(u32 cpu) { return g_apic_ids[cpu]; }

}  // namespace tk::pc
