#include "platform/pc/pci_config.h"

#include "arch/x86_64/paging.h"
#include "drivers/pci.h"
#include "kernel/acpi/mcfg.h"
#include "kernel/log/log.h"

namespace tk::pc {

void pci_config_init(const acpi::Tables& tables) {
    acpi::EcamWindow window{};
    const acpi::SdtHeader* mcfg = tables.find("MCFG");
    if (mcfg && acpi::parse_mcfg(*mcfg, window)) {
        u64 mapped = arch::paging::map_device(window.base, window.bytes());
        drivers::pci_use_ecam(reinterpret_cast<volatile u8*>(mapped), window.start_bus, window.end_bus);
        log::info("pci: configuration space through ECAM at %#lx, buses %u-%u", (unsigned long)window.base,
                  window.start_bus, window.end_bus);
    } else {
        log::info("pci: no MCFG; configuration space through ports 0xCF8/0xCFC");
    }
    drivers::PciBusRange buses = drivers::pci_bus_range();
    log::record("pci-config", "mechanism=%s base=%#lx buses=%u-%u", drivers::pci_config_mechanism(),
                (unsigned long)(mcfg ? window.base : 0), buses.first, buses.last);
}

}  // namespace tk::pc
