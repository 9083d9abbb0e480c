// kernel_main: the bring-up order on bare metal. Each step depends on the one
// before it: the log needs the UART; fault reports need the GDT/IDT; the boot
// information must be read before paging removes the identity map; the log's
// time prefix needs the TSC frequency.

#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/interrupts.h"
#include "drivers/lapic.h"
#include "drivers/pic8259.h"
#include "drivers/pit.h"
#include "kernel/sched/scheduler.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/stacks.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/tsc_calibration.h"
#include "drivers/fw_cfg.h"
#include "drivers/uart16550.h"
#include "kernel/log/log.h"
#include "kernel/prof/symbols.h"
#include "kernel/mem/trading_guard.h"
#include "platform/pc/acpi.h"
#include "platform/pc/diagnostic_modes.h"
#include "platform/pc/journal.h"
#include "platform/pc/net.h"
#include "platform/pc/pci_config.h"
#include "platform/pc/sched_platform_pc.h"
#include "platform/pc/trading.h"
#include "platform/pc/smp.h"
#include "kernel/acpi/madt.h"
#include "platform/pc/boot_info.h"
#include "platform/pc/memory.h"
#include "platform/pc/clock.h"
#include "tk/panic.h"
#include "tk/platform.h"
#include "tk/tsc.h"
#include "tk/version.h"

extern "C" char __kernel_phys_start[];
extern "C" char __kernel_bss_end_phys[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace tk::pc {
namespace {

BootInfo g_boot;
TscClock g_tsc;
sched::Config g_sched_config;

void run_global_constructors() {
    for (auto* ctor = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
}

void read_host_cmdline(CommandLine& cmdline) {
    char text[CommandLine::kCapacity];
    usize n = drivers::fw_cfg_read_file("opt/tradekernel/cmdline", text, sizeof text);
    if (n) cmdline.set(text, n);
}

void print_memory_map(const MemoryMap& map) {
    log::info("memory map: %zu regions, %lu MiB usable", map.count(),
              (unsigned long)(map.usable_bytes() >> 20));
    for (usize i = 0; i < map.count(); ++i) {
        const MemoryRegion& r = map[i];
        log::raw("    %016lx-%016lx  %-16s %8lu KiB\n", (unsigned long)r.base,
                 (unsigned long)(r.end() - 1), region_type_name(r.type),
                 (unsigned long)(r.length >> 10));
        log::record("mmap", "index=%zu base=%#lx length=%#lx type=%s", i, (unsigned long)r.base,
                    (unsigned long)r.length, region_type_name(r.type));
    }
    log::record("mmap-summary", "regions=%zu usable-bytes=%lu dropped=%u", map.count(),
                (unsigned long)map.usable_bytes(), map.dropped());
}

// "1,3" -> bits 1 and 3.
u64 parse_cpu_list(StringView list) {
    u64 mask = 0;
    u32 value = 0;
    bool digits = false;
    for (usize i = 0; i <= list.length; ++i) {
        char c = i < list.length ? list.data[i] : ',';
        if (c >= '0' && c <= '9') {
            value = value * 10 + u32(c - '0');
            digits = true;
        } else if (c == ',') {
            if (digits && value < 64) mask |= 1ull << value;
            value = 0;
            digits = false;
        }
    }
    return mask;
}

void init_apic_and_scheduler() {
    drivers::pic_disable();
    arch::set_interrupt_controller({drivers::kLegacyPicBase});
    arch::set_cpu_index(0);
    u64 xcr0 = arch::fpu_init_cpu();
    log::record("fpu", "xsave=%d xcr0=%#lx", xcr0 != 0, (unsigned long)xcr0);
    drivers::LapicInfo apic =
        drivers::lapic_init(arch::kSpuriousVector, arch::kTimerVector, g_tsc.hz());
    arch::set_interrupt_handler(arch::kTimerVector, sched::on_timer);
    arch::set_interrupt_handler(arch::kWakeVector, sched::on_kick);
    log::info("apic: id %u, %s mode, timer %s", apic.id, apic.x2apic ? "x2APIC" : "xAPIC",
              apic.tsc_deadline ? "TSC-deadline" : "one-shot (calibrated against the TSC)");
    log::record("apic", "id=%u x2apic=%d tsc-deadline=%d timer-hz=%lu", apic.id, apic.x2apic,
                apic.tsc_deadline, (unsigned long)apic.timer_hz);
    // Every CPU the MADT lists gets a scheduler; the APs join it as they start.
    acpi::Processors cpus{};
    if (const acpi::SdtHeader* madt = acpi_tables().find("APIC")) cpus = acpi::parse_madt(*madt);
    sched::Config config;
    config.cores = cpus.count ? cpus.count : 1;
    if (config.cores > arch::kMaxCpus) config.cores = arch::kMaxCpus;
    config.clock = g_tsc;
    config.isolated = parse_cpu_list(g_boot.cmdline.value("isolate"));
    u64 slice_us = 0;
    if (parse_u64(g_boot.cmdline.value("timeslice-us"), slice_us)) config.time_slice = Nanos{slice_us * 1000};
    sched::init(config);
    g_sched_config = config;
    u32 online = cpus.count > 1 ? smp_start(cpus) : 1;
    log::record("smp", "cpus=%u online=%u isolated=%#lx", config.cores, online,
                (unsigned long)config.isolated);
    if (online < config.cores) log::info("smp: tasks on CPUs that did not start never run");
}

void init_tsc(u64 boot_tsc) {
    arch::TscInfo tsc =
        arch::calibrate_tsc({"pit", drivers::kPitHz, drivers::pit_start_countdown, drivers::pit_countdown_done});
    g_tsc = TscClock(tsc.hz);
    log::set_clock(g_tsc, boot_tsc);
    log::info("tsc: %lu.%03lu MHz (source %s, invariant %s, rdtscp %s)",
              (unsigned long)(tsc.hz / 1000000), (unsigned long)(tsc.hz / 1000 % 1000), tsc.source,
              tsc.invariant ? "yes" : "no", tsc.rdtscp ? "yes" : "no");
    log::record("tsc", "hz=%lu source=%s invariant=%d rdtscp=%d cpuid-base-mhz=%u",
                (unsigned long)tsc.hz, tsc.source, tsc.invariant, tsc.rdtscp, tsc.cpuid_base_mhz);
}

[[noreturn]] void run_mode(const CommandLine& cmdline) {
    StringView mode = cmdline.value("mode");
    if (is_diagnostic_mode(mode)) {
        run_diagnostic_mode(mode, cmdline);
        log::info("mode=%.*s is not in the %s kernel (make release leaves out tests, benchmarks and faults)",
                  int(mode.length), mode.data, build_name());
        log::record("mode-refused", "mode=%.*s build=%s", int(mode.length), mode.data, build_name());
        platform::exit(ExitStatus::UnknownMode);
    }
    if (mode.equals("net")) {
        if (!net_init(cmdline, NetServices::EchoAndAcknowledge)) panic("mode=net: no usable network device");
        mem::start_trading();
        net_run();
    }
    if (mode.equals("trade")) {
        if (!net_init(cmdline, NetServices::None)) panic("mode=trade: no usable network device");
        // The last CPU, isolated with isolate=<n> on the command line.
        u32 core = pc::cpu_count() - 1;
        if (!trade_init(cmdline, core)) panic("mode=trade: could not start the trading task");
        mem::start_trading();
        log::info("trade: trading task on CPU %u%s", core, sched::core_isolated(core) ? " (isolated)" : "");
        if (core == 0) sched::run_forever();
        if (journal_ring()) journal_run();  // the journal's writer takes this CPU
        for (;;) asm volatile("hlt");
    }
    // Set-up is over: from here only pools may allocate.
    mem::start_trading();
    log::info("boot complete");
    log::record("ready", "platform=pc");
    if (mode.equals("idle")) {
        log::info("idle (mode=idle): halting until QEMU is stopped");
        for (;;) asm volatile("hlt");
    }
    platform::exit(ExitStatus::Success);
}

// Before anything that needs them: a CPU without a required feature gets one
// line naming it and a distinct exit status, not an invalid-opcode fault.
void check_cpu() {
    arch::CpuFeatures cpu = arch::read_cpu_features();
    log::record("cpu", "tsc=%d apic=%d rdtscp=%d nx=%d invariant-tsc=%d x2apic=%d tsc-deadline=%d xsave=%d "
                "hypervisor=%d", cpu.tsc, cpu.apic, cpu.rdtscp, cpu.nx, cpu.invariant_tsc, cpu.x2apic,
                cpu.tsc_deadline, cpu.xsave, cpu.hypervisor);
    if (const arch::Requirement* r = arch::missing_requirement(cpu)) {
        log::info("cpu: TradeKernel needs %s (%s), which this CPU does not have; stopping", r->name, r->cpuid);
        log::record("cpu-refused", "missing=%s", r->name);
        platform::exit(ExitStatus::UnsupportedCpu);
    }
    log::info("cpu: invariant TSC %s, x2APIC %s, TSC-deadline %s, XSAVE %s", cpu.invariant_tsc ? "yes" : "no",
              cpu.x2apic ? "yes" : "no (xAPIC)", cpu.tsc_deadline ? "yes" : "no (one-shot)",
              cpu.xsave ? "yes" : "no (FXSAVE)");
}

}  // namespace

const BootInfo& boot_info() { return g_boot; }
const TscClock& tsc_clock() { return g_tsc; }
const sched::Config& boot_sched_config() { return g_sched_config; }

extern "C" [[noreturn]] void kernel_main(u64 magic, u64 boot_info_physical) {
    u64 boot_tsc = rdtsc();
    drivers::uart_init();
    log::raw("\nTradeKernel %s (x86_64, pc)\n", kVersion);
    arch::gdt_init(0);
    arch::idt_init();
    arch::set_task_stack_owner(task_name_for_stack);
    check_cpu();
    run_global_constructors();

    if (!parse_boot_info(magic, boot_info_physical, g_boot))
        panic("unknown boot protocol magic %#lx", (unsigned long)magic);
    read_host_cmdline(g_boot.cmdline);
    g_boot.memory.reserve(u64(__kernel_phys_start), u64(__kernel_bss_end_phys - __kernel_phys_start),
                          RegionType::Kernel);

    arch::paging::Layout layout = arch::paging::init(g_boot.memory.highest_ram_address());
    init_tsc(boot_tsc);

    log::info("boot: loader %s%s%s%s", g_boot.loader, g_boot.loader_name[0] ? " (" : "",
              g_boot.loader_name, g_boot.loader_name[0] ? ")" : "");
    char shown[CommandLine::kCapacity];
    g_boot.cmdline.copy_hiding("secret", shown, sizeof shown);
    log::info("boot: cmdline \"%s\"", shown);
    log::info("boot: %s firmware, memory map from %s%s", firmware_name(g_boot.firmware), g_boot.memory_source,
              g_boot.efi_memory_descriptors ? " (the loader also passed the EFI memory map)" : "");
    log::record("boot",
                "platform=pc build=%s loader=%s firmware=%s memory-map=%s efi-descriptors=%u version=%s symbols=%u",
                build_name(), g_boot.loader, firmware_name(g_boot.firmware), g_boot.memory_source,
                g_boot.efi_memory_descriptors, kVersion, kernel_symbols().count());
    acpi_init(g_boot);
    pci_config_init(acpi_tables());
    memory_init(g_boot.memory);
    init_apic_and_scheduler();
    print_memory_map(g_boot.memory);
    log::info("paging: kernel image at %#lx, direct map of %lu GiB at %#lx, %u guard pages, %u table pages",
              (unsigned long)arch::paging::kKernelVirtualBase, (unsigned long)(layout.direct_map_bytes >> 30),
              (unsigned long)arch::paging::kDirectMapBase, layout.guard_pages, layout.table_pages_used);
    log::record("paging", "direct-map-bytes=%lu guard-pages=%u table-pages=%u",
                (unsigned long)layout.direct_map_bytes, layout.guard_pages, layout.table_pages_used);
    run_mode(g_boot.cmdline);
}

}  // namespace tk::pc
