// PCI configuration space, enumeration, BARs and the capability list.
// Configuration space is reached through the memory-mapped ECAM window
// (PCI Express Base 4.0, 7.2.2) once the platform hands one over (from ACPI
// MCFG), else through the legacy ports 0xCF8/0xCFC (PCI Local Bus
// Specification 3.0, 3.2.2.3.2), which i440FX-era machines only have.
#pragma once

#include "tk/types.h"

namespace tk::drivers {

struct PciAddress {
    u8 bus, device, function;
};

struct PciDevice {
    PciAddress address;
    u16 vendor_id, device_id;
    u8 class_code, subclass;
};

// From now on configuration space is reached through ECAM: buses
// [start_bus, end_bus] through the window whose bus 0 would be at `bus0`
// (only the part for those buses is mapped, uncached). Up to kMaxEcamWindows;
// a bus no window covers does not exist. False when the windows are full.
inline constexpr u32 kMaxEcamWindows = 4;
bool pci_add_ecam_window(volatile u8* bus0, u8 start_bus, u8 end_bus);
// Through the legacy ports whatever the mechanism, for checking ECAM against
// them where a machine has both.
u32 pci_read32_ports(PciAddress a, u8 offset);
// "ecam" or "ports".
const char* pci_config_mechanism();

u32 pci_read32(PciAddress a, u8 offset);
u16 pci_read16(PciAddress a, u8 offset);
u8 pci_read8(PciAddress a, u8 offset);
void pci_write16(PciAddress a, u8 offset, u16 value);

// Calls fn(device) for every function present.
template <typename Fn>
void pci_for_each(Fn fn);

// Physical address of BAR `index` (64-bit BARs combined); 0 for I/O or unset.
u64 pci_bar_address(PciAddress a, u8 index);

// Turns on memory decoding and bus mastering (command register bits 1, 2).
void pci_enable(PciAddress a);

// Offset of the first capability with `id` at or after `start` (0 = from the
// list head); 0 when there is none.
u8 pci_find_capability(PciAddress a, u8 id, u8 start = 0);

// The buses configuration space reaches: 0..255 through the ports, from the
// lowest to the highest window's bus through ECAM.
struct PciBusRange {
    u32 first, last;
};
PciBusRange pci_bus_range();

template <typename Fn>
void pci_for_each(Fn fn) {
    PciBusRange range = pci_bus_range();
    for (u32 bus = range.first; bus <= range.last; ++bus) {
        for (u8 dev = 0; dev < 32; ++dev) {
            for (u8 fn_ = 0; fn_ < 8; ++fn_) {
                PciAddress a{u8(bus), dev, fn_};
                u16 vendor = pci_read16(a, 0x00);
                if (vendor == 0xFFFF) {
                    if (fn_ == 0) break;  // no device here
                    continue;
                }
                u32 class_reg = pci_read32(a, 0x08);
                fn(PciDevice{a, vendor, pci_read16(a, 0x02), u8(class_reg >> 24), u8(class_reg >> 16)});
                if (fn_ == 0 && !(pci_read8(a, 0x0E) & 0x80)) break;  // single-function
            }
        }
    }
}

}  // namespace tk::drivers
