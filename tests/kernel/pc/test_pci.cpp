// drivers/pci on this machine: where ECAM is in use (q35), every read through
// it equals the same read through the legacy ports, which q35 keeps too, and
// enumeration finds the same functions both ways.

#include "drivers/pci.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::drivers;

namespace {

// The functions the legacy ports see on bus 0..max_bus: (bus, device, function)
// packed as bus << 8 | device << 3 | function.
u32 enumerate_ports(u32 max_bus, u16* out, u32 capacity) {
    u32 n = 0;
    for (u32 bus = 0; bus <= max_bus; ++bus)
        for (u8 dev = 0; dev < 32; ++dev)
            for (u8 fn = 0; fn < 8; ++fn) {
                PciAddress a{u8(bus), dev, fn};
                if (u16(pci_read32_ports(a, 0)) == 0xFFFF) {
                    if (fn == 0) break;
                    continue;
                }
                if (n < capacity) out[n++] = u16(bus << 8 | dev << 3 | fn);
                if (fn == 0 && !((pci_read32_ports(a, 0x0C) >> 16) & 0x80)) break;
            }
    return n;
}

}  // namespace

TK_PC_TEST(pci, ecam_reads_equal_port_reads_on_every_function) {
    if (!str_equal(pci_config_mechanism(), "ecam")) {
        // No MCFG (pc): the driver must be on the ports, and say so.
        TK_EXPECT(str_equal(pci_config_mechanism(), "ports"));
        TK_EXPECT_EQ(pci_bus_range().last, 255u);
        return;
    }
    u32 functions = 0;
    pci_for_each([&](const PciDevice& d) {
        ++functions;
        for (u8 offset = 0; offset < 0x40; offset += 4)
            TK_EXPECT_EQ(pci_read32(d.address, offset), pci_read32_ports(d.address, offset));
    });
    TK_EXPECT(functions >= 3);  // a host bridge and the chipset's functions at least
}

TK_PC_TEST(pci, enumeration_finds_what_the_ports_find) {
    u16 by_ports[256];
    u32 ports = enumerate_ports(pci_bus_range().last, by_ports, 256);
    u32 n = 0;
    bool same = true;
    pci_for_each([&](const PciDevice& d) {
        u16 key = u16(d.address.bus << 8 | d.address.device << 3 | d.address.function);
        same = same && n < ports && by_ports[n] == key;
        ++n;
    });
    TK_EXPECT_EQ(n, ports);
    TK_EXPECT(same);
}
