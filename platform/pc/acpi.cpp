#include "platform/pc/acpi.h"

#include "arch/x86_64/paging.h"
#include "kernel/log/log.h"

namespace tk::pc {
namespace {

acpi::Tables g_tables;

// The direct map covers RAM and the first 4 GiB, where firmware tables live.
const void* read_physical(u64 physical, u64 length) {
    if (physical + length < physical) return nullptr;
    return reinterpret_cast<const void*>(arch::paging::physical_to_virtual(PhysAddr{physical}));
}

u64 scan_for_rsdp(u64 start, u64 length) {
    for (u64 p = start & ~15ull; p + sizeof(acpi::Rsdp) <= start + length; p += 16)
        if (acpi::valid_rsdp(*static_cast<const acpi::Rsdp*>(read_physical(p, 36)))) return p;
    return 0;
}

u64 find_rsdp() {
    // The BIOS data area word at 0x40E holds the EBDA segment.
    u64 ebda = u64(*static_cast<const u16*>(read_physical(0x40E, 2))) << 4;
    if (ebda >= 0x80000 && ebda < 0xA0000)
        if (u64 p = scan_for_rsdp(ebda, 1024)) return p;
    return scan_for_rsdp(0xE0000, 0x20000);
}

}  // namespace

bool acpi_init(const BootInfo& boot) {
    const char* source = "none";
    bool found = false;
    if (boot.has_rsdp) {
        source = "loader";
        found = g_tables.init(boot.rsdp, read_physical);
    } else if (boot.firmware == Firmware::Bios) {
        // Under UEFI there is no EBDA, and low memory holds whatever was
        // loaded there: it is never scanned.
        source = "bios-scan";
        u64 rsdp = find_rsdp();
        found = rsdp && g_tables.init(rsdp, read_physical);
    }
    if (!found) {
        log::info("acpi: no usable RSDP (looked: %s)", source);
        log::record("acpi", "present=0 rsdp-source=%s", source);
        return false;
    }
    log::info("acpi: RSDP from %s, %u tables (%u rejected)", source, g_tables.count(), g_tables.rejected());
    log::record("acpi", "present=1 rsdp-source=%s tables=%u rejected=%u", source, g_tables.count(),
                g_tables.rejected());
    return true;
}

const acpi::Tables& acpi_tables() { return g_tables; }

}  // namespace tk::pc
