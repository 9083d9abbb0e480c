// What the boot established: memory map, clock, symbols.

#include "kernel/prof/symbols.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "platform/pc/boot_info.h"
#include "platform/pc/clock.h"

using namespace tk;

extern "C" char __kernel_phys_start[], __kernel_bss_end_phys[];

TK_PC_TEST(boot, memory_map_has_ram_and_the_kernel) {
    const MemoryMap& m = pc::boot_info().memory;
    TK_EXPECT(m.count() >= 2);
    TK_EXPECT(m.usable_bytes() >= 32u << 20);  // tests boot with 128 MiB
    bool kernel_found = false;
    for (usize i = 0; i < m.count(); ++i) {
        if (i) TK_EXPECT(m[i].base >= m[i - 1].end());  // sorted, no overlap
        // Kernel regions: the image (with the frame bitmaps), and the AP
        // trampoline page at 0x8000.
        if (m[i].type == RegionType::Kernel && m[i].base <= u64(__kernel_phys_start) &&
            m[i].end() >= u64(__kernel_bss_end_phys))
            kernel_found = true;
    }
    TK_EXPECT(kernel_found);
}

TK_PC_TEST(boot, tsc_frequency_is_plausible) {
    u64 hz = pc::tsc_clock().hz();
    TK_EXPECT(hz >= 100'000'000ull);     // 100 MHz
    TK_EXPECT(hz <= 10'000'000'000ull);  // 10 GHz
    u32 aux;
    u64 a = rdtscp(&aux);
    TK_EXPECT(rdtscp(&aux) > a);
}

TK_PC_TEST(boot, symbol_table_names_this_function) {
    ResolvedSymbol r;
    TK_EXPECT(kernel_symbols().count() > 10);
    u64 here = u64(__builtin_return_address(0));  // inside test::run_all
    TK_EXPECT(kernel_symbols().resolve(here, r));
    TK_EXPECT(str_equal(r.name, "tk::test::run_all"));
}
