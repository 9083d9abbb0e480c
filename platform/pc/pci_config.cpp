#include "platform/pc/pci_config.h"

#include "arch/x86_64/paging.h"
#include "drivers/pci.h"
#include "kernel/acpi/mcfg.h"
#include "kernel/log/log.h"

namespace tk::pc {

void pci_config_init(const acpi::Tables& tables) {
    acpi::EcamWindow windows[drivers::kMaxEcamWindows];
    acpi::McfgResult found{};
    u32 used = 0;
    if (const acpi::SdtHeader* mcfg = tables.find("MCFG")) found = acpi::parse_mcfg(*mcfg, windows, drivers::kMaxEcamWindows);
    for (u32 i = 0; i < found.windows; ++i) {
        const acpi::EcamWindow& w = windows[i];
        u64 mapped = arch::paging::map_device(w.first_bus_address(), w.bytes());
        if (!mapped) continue;
        // The driver indexes from bus 0; only the window's own buses are touched.
        auto* bus0 = reinterpret_cast<volatile u8*>(mapped - (u64(w.start_bus) << 20));
        if (!drivers::pci_add_ecam_window(bus0, w.start_bus, w.end_bus)) continue;
        ++used;
        log::info("pci: configuration space of buses %u-%u through ECAM at %#lx", w.start_bus, w.end_bus,
                  (unsigned long)w.first_bus_address());
        log::record("pci-ecam", "base=%#lx buses=%u-%u", (unsigned long)w.base, w.start_bus, w.end_bus);
    }
    if (!used) log::info("pci: no usable MCFG window; configuration space through ports 0xCF8/0xCFC");
    drivers::PciBusRange buses = drivers::pci_bus_range();
    log::record("pci-config", "mechanism=%s windows=%u buses=%u-%u other-segments=%u malformed=%u dropped=%u",
                drivers::pci_config_mechanism(), used, buses.first, buses.last, found.other_segments, found.malformed,
                found.dropped);
}

}  // namespace tk::pc
