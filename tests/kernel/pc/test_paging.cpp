// arch/x86_64/paging: the rights the live page tables give each part of the
// kernel, read back by walking the tables the CPU uses (CR3).

#include "arch/x86_64/paging.h"
#include "arch/x86_64/stacks.h"
#include "kernel/test/ktest.h"

using namespace tk;
using tk::arch::paging::translate;

extern "C" char __text_start[], __rodata_start[], __data_start[], __bss_start[], __bss_end[];

namespace {

u64 g_some_data = 1;
u64 g_some_bss;
const u64 g_some_rodata[2] = {1, 2};

}  // namespace

TK_PC_TEST(paging, text_is_read_only_and_executable) {
    auto m = translate(u64(__text_start));
    TK_EXPECT(m.present);
    TK_EXPECT(!m.writable);
    TK_EXPECT(m.executable);
    TK_EXPECT_EQ(m.physical, u64(__text_start) - arch::paging::kKernelVirtualBase);
}

TK_PC_TEST(paging, rodata_is_read_only_no_execute) {
    auto m = translate(u64(&g_some_rodata));
    TK_EXPECT(m.present && !m.writable && !m.executable);
    TK_EXPECT(u64(&g_some_rodata) >= u64(__rodata_start));
}

TK_PC_TEST(paging, data_and_bss_are_writable_no_execute) {
    auto d = translate(u64(&g_some_data));
    auto b = translate(u64(&g_some_bss));
    TK_EXPECT(d.present && d.writable && !d.executable);
    TK_EXPECT(b.present && b.writable && !b.executable);
    TK_EXPECT(u64(&g_some_bss) >= u64(__bss_start) && u64(&g_some_bss) < u64(__bss_end));
}

TK_PC_TEST(paging, every_stack_has_an_unmapped_guard_page) {
    u32 stacks = 0;
    for (auto* s = arch::stacks_begin(); s < arch::stacks_end(); ++s) {
        for (u32 i = 0; i < s->count; ++i, ++stacks) {
            u64 guard = u64(s->guard) + u64(i) * s->stride;
            TK_EXPECT(!translate(guard).present);
            TK_EXPECT(!translate(guard + kPageSize - 1).present);
            auto low = translate(guard + kPageSize);  // first byte of the stack
            TK_EXPECT(low.present && low.writable && !low.executable);
        }
    }
    TK_EXPECT(stacks >= 5 + 64);  // boot, 4 IST stacks, the task stacks
}

TK_PC_TEST(paging, null_and_low_memory_are_unmapped) {
    TK_EXPECT(!translate(0).present);
    TK_EXPECT(!translate(0x7C00).present);
    TK_EXPECT(!translate(0x100000).present);  // the boot identity map is gone
}

TK_PC_TEST(paging, direct_map_covers_physical_memory) {
    auto m = translate(arch::paging::physical_to_virtual(PhysAddr{0x123456}));
    TK_EXPECT(m.present && m.writable && !m.executable);
    TK_EXPECT_EQ(m.physical, 0x123456);
    TK_EXPECT_EQ(m.page_size, 2u << 20);
    // The kernel's text seen through the direct map holds the same bytes.
    u64 text_phys = u64(__text_start) - arch::paging::kKernelVirtualBase;
    auto* alias = reinterpret_cast<const u8*>(arch::paging::physical_to_virtual(PhysAddr{text_phys}));
    TK_EXPECT_EQ(alias[0], reinterpret_cast<const u8*>(__text_start)[0]);
}
