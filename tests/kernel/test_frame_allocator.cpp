// kernel/mem/frame_allocator over a made-up memory map.

#include "kernel/mem/frame_allocator.h"
#include "kernel/mem/trading_guard.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::mem;

namespace {

constexpr u64 kLimit = 64ull << 20;  // 64 MiB of "physical" memory
u64 g_bitmaps[(kLimit / kSmallFrame / 64) * 2];

MemoryMap test_map() {
    MemoryMap m;
    m.add(0, 0x9F000, RegionType::Usable);
    m.add(0x9F000, 0x61000, RegionType::Reserved);
    m.add(0x100000, 0x200000, RegionType::Kernel);
    m.add(0x300000, 0x1000800, RegionType::Usable);  // ends mid-frame
    m.add(0x2000000, 0x2000000, RegionType::Usable);
    m.normalize();
    return m;
}

}  // namespace

TK_TEST(frames, respects_reserved_regions) {
    static_assert(sizeof g_bitmaps == (kLimit / kSmallFrame / 8) * 2);
    TK_EXPECT_EQ(FrameAllocator::bitmap_bytes(kLimit), sizeof g_bitmaps);
    static FrameAllocator fa;
    MemoryMap map = test_map();
    fa.init(map, g_bitmaps, kLimit, nullptr);
    // 0x1000..0x9F000, 0x300000..0x1300000 (partial last frame dropped), 0x2000000..
    u64 expected = (0x9F000 - 0x1000) / 4096 + 0x1000000 / 4096 + 0x2000000 / 4096;
    TK_EXPECT_EQ(fa.stats().total_frames, expected);
    TK_EXPECT(!fa.is_free(PhysAddr{0}));
    TK_EXPECT(!fa.is_free(PhysAddr{0x100000}));   // kernel
    TK_EXPECT(!fa.is_free(PhysAddr{0xA0000}));    // reserved
    TK_EXPECT(!fa.is_free(PhysAddr{0x1300000}));  // the partial frame
    TK_EXPECT(fa.is_free(PhysAddr{0x1000}));
    u64 seen_low = 0;
    for (u64 i = 0; i < expected; ++i) {
        u64 f = fa.alloc(FrameSize::Small).value;
        bool in_usable = (f >= 0x1000 && f < 0x9F000) || (f >= 0x300000 && f < 0x1300000) ||
                         (f >= 0x2000000 && f < 0x4000000);
        if (!in_usable) {
            TK_EXPECT(!"frame outside usable memory");
            break;
        }
        seen_low += f < 0x100000;
    }
    TK_EXPECT_EQ(seen_low, (0x9F000 - 0x1000) / 4096);
    TK_EXPECT_EQ(fa.alloc(FrameSize::Small).value, 0);  // exhausted
    TK_EXPECT_EQ(fa.stats().failures, 1);
    TK_EXPECT_EQ(fa.stats().free_frames, 0);
}

TK_TEST(frames, large_frames_are_aligned_and_freed) {
    static FrameAllocator fa;
    MemoryMap map = test_map();
    fa.init(map, g_bitmaps, kLimit, nullptr);
    u64 a = fa.alloc(FrameSize::Large).value;
    u64 b = fa.alloc(FrameSize::Large).value;
    TK_EXPECT(a != 0 && b != 0 && a != b);
    TK_EXPECT_EQ(a % kLargeFrame, 0);
    TK_EXPECT_EQ(b % kLargeFrame, 0);
    TK_EXPECT(a >= 0x300000);  // the low 640 KiB cannot hold one
    TK_EXPECT_EQ(fa.stats().large_allocated, 2);
    u64 before = fa.stats().free_frames;
    TK_EXPECT(fa.free(PhysAddr{a}, FrameSize::Large));
    TK_EXPECT_EQ(fa.stats().free_frames, before + 512);
    TK_EXPECT(!fa.free(PhysAddr{a}, FrameSize::Large));          // double free
    TK_EXPECT(!fa.free(PhysAddr{0x100000}, FrameSize::Small));   // reserved: never allocated
    TK_EXPECT(!fa.free(PhysAddr{b + 4096}, FrameSize::Large));   // misaligned
    TK_EXPECT_EQ(fa.stats().bad_frees, 3);
    TK_EXPECT_EQ(fa.alloc(FrameSize::Large).value, a);       // reused
}

TK_TEST(frames, node_requests_stay_on_the_node) {
    static FrameAllocator fa;
    static Topology topo;
    topo.nodes = 2;
    topo.range_count = 2;
    topo.ranges[0] = {0, 0x2000000, 0};
    topo.ranges[1] = {0x2000000, 0x2000000, 1};
    MemoryMap map = test_map();
    fa.init(map, g_bitmaps, kLimit, &topo);
    for (int i = 0; i < 50; ++i) {
        u64 f = fa.alloc(FrameSize::Small, 1).value;
        TK_EXPECT_EQ(topo.node_of(PhysAddr{f}), 1);
    }
    u64 big = fa.alloc(FrameSize::Large, 0).value;
    TK_EXPECT_EQ(topo.node_of(PhysAddr{big}), 0);
}

TK_TEST(frames, refused_after_trading_starts) {
    static FrameAllocator fa;
    MemoryMap map = test_map();
    fa.init(map, g_bitmaps, kLimit, nullptr);
    TK_EXPECT(fa.alloc(FrameSize::Small).value != 0);
    start_trading();
    TK_EXPECT_EQ(fa.alloc(FrameSize::Small).value, 0);
    TK_EXPECT_EQ(fa.alloc(FrameSize::Large).value, 0);
    TK_EXPECT_EQ(allocation_violations(), 2);
    TK_EXPECT_EQ(fa.stats().failures, 2);
    reset_trading_for_tests();
    TK_EXPECT(fa.alloc(FrameSize::Small).value != 0);
}

// The order books' start-up memory: a run of contiguous 2 MiB frames that
// need not be aligned to the run's own size, and nothing when no run fits.
TK_TEST(frames, large_runs_are_contiguous_and_fail_cleanly) {
    static FrameAllocator fa;
    MemoryMap map = test_map();
    fa.init(map, g_bitmaps, kLimit, nullptr);
    // Usable 2 MiB frames: 0x400000..0x1200000 (7, after the kernel and the
    // partial frame) and 0x2000000..0x4000000 (16).
    u64 run = fa.alloc_large_run(3).value;
    TK_EXPECT_EQ(run % kLargeFrame, 0);
    TK_EXPECT_EQ(run, 0x400000);  // the first fit, not aligned to 6 MiB
    for (u64 a = run; a < run + 3 * kLargeFrame; a += kSmallFrame) TK_EXPECT(!fa.is_free(PhysAddr{a}));
    TK_EXPECT_EQ(fa.stats().large_allocated, 3);
    TK_EXPECT_EQ(fa.alloc_large_run(16).value, 0x2000000);  // only the upper region holds 16
    TK_EXPECT_EQ(fa.alloc_large_run(5).value, 0);           // 4 left below, none above
    TK_EXPECT_EQ(fa.stats().failures, 1);
    TK_EXPECT_EQ(fa.alloc_large_run(0).value, 0);
    for (u64 i = 0; i < 3; ++i) TK_EXPECT(fa.free(PhysAddr{run + i * kLargeFrame}, FrameSize::Large));
    TK_EXPECT_EQ(fa.alloc_large_run(7).value, run);  // freed frames join the run again
}
