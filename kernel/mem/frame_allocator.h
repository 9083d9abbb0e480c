// Physical frame allocator over the boot memory map: 4 KiB and 2 MiB frames.
//
// Two bitmaps, one bit per 4 KiB frame below `limit`: `used` (allocated or
// never available) and `reserved` (never available: firmware, kernel image,
// holes, the bitmaps themselves). A set-up-time allocator: it scans, so its
// cost grows with memory; the hot path uses object pools (kernel/mem/pool.h).
// After mem::start_trading() every request fails and is counted.
#pragma once

#include "kernel/boot/memory_map.h"
#include "kernel/mem/topology.h"
#include "tk/types.h"
#include "tk/units.h"

namespace tk::mem {

enum class FrameSize : u8 { Small, Large };  // 4 KiB, 2 MiB

inline constexpr u64 kSmallFrame = 4096;
inline constexpr u64 kLargeFrame = 2ull << 20;

inline u64 frame_bytes(FrameSize s) { return s == FrameSize::Small ? kSmallFrame : kLargeFrame; }

struct FrameStats {
    u64 total_frames;     // 4 KiB frames of usable memory managed
    u64 free_frames;      // of those, free now
    u64 small_allocated;  // live 4 KiB allocations
    u64 large_allocated;  // live 2 MiB allocations
    u64 failures;         // requests that found no memory (or were refused)
    u64 bad_frees;        // frees of frames that were not allocated
};

class FrameAllocator {
public:
    // Bytes of bitmap storage init() needs for memory below `limit`.
    static u64 bitmap_bytes(u64 limit);

    // `bitmaps` must hold bitmap_bytes(limit) bytes and is cleared here.
    // Usable regions of `map` become free, page-aligned inward; frame 0 is
    // never handed out, so 0 can mean failure. `topology` (optional) tells
    // which node each frame belongs to.
    void init(const MemoryMap& map, u64* bitmaps, u64 limit, const Topology* topology);

    // Physical address of a free frame (2 MiB frames are 2 MiB-aligned), on
    // `node` unless kAnyNode; 0 when none is free or trading has started.
    PhysAddr alloc(FrameSize size, u32 node = kAnyNode);

    // `count` physically contiguous 2 MiB frames (for tables sized at start-up,
    // such as the order books'); freed one by one with free(.., Large).
    PhysAddr alloc_large_run(u64 count, u32 node = kAnyNode);

    // Returns false, and counts, when the frames are misaligned, reserved or
    // not allocated (a 2 MiB frame freed as 4 KiB frames is not detected).
    bool free(PhysAddr physical, FrameSize size);

    FrameStats stats() const { return stats_; }
    u64 limit() const { return frames_ * kSmallFrame; }
    bool is_free(PhysAddr physical) const;

private:
    bool bit(const u64* map, u64 frame) const { return map[frame / 64] >> (frame % 64) & 1; }
    void set_bits(u64* map, u64 first, u64 count, bool value);
    bool all_bits(const u64* map, u64 first, u64 count, bool value) const;
    u64 find_free(u64 first, u64 end, u64 frames_needed, u64 align) const;
    u64 claim(u64 frames_needed, u64 align, u32 node);

    u64* used_ = nullptr;
    u64* reserved_ = nullptr;
    u64 frames_ = 0;
    const Topology* topology_ = nullptr;
    FrameStats stats_{};
};

}  // namespace tk::mem
