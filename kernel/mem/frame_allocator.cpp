#include "kernel/mem/frame_allocator.h"

#include "kernel/mem/trading_guard.h"

namespace tk::mem {
namespace {

constexpr u64 kLargeFrames = kLargeFrame / kSmallFrame;  // 512

u64 words_for(u64 frames) { return (frames + 63) / 64; }

}  // namespace

u64 FrameAllocator::bitmap_bytes(u64 limit) { return 2 * words_for(limit / kSmallFrame) * 8; }

void FrameAllocator::set_bits(u64* map, u64 first, u64 count, bool value) {
    for (u64 f = first; f < first + count && f < frames_; ++f) {
        u64 mask = 1ull << (f % 64);
        map[f / 64] = value ? map[f / 64] | mask : map[f / 64] & ~mask;
    }
}

bool FrameAllocator::all_bits(const u64* map, u64 first, u64 count, bool value) const {
    if (first + count > frames_) return false;
    for (u64 f = first; f < first + count; ++f)
        if (bit(map, f) != value) return false;
    return true;
}

void FrameAllocator::init(const MemoryMap& map, u64* bitmaps, u64 limit, const Topology* topology) {
    frames_ = limit / kSmallFrame;
    u64 words = words_for(frames_);
    used_ = bitmaps;
    reserved_ = bitmaps + words;
    topology_ = topology;
    stats_ = {};
    for (u64 i = 0; i < 2 * words; ++i) bitmaps[i] = ~0ull;  // all unavailable
    for (usize i = 0; i < map.count(); ++i) {
        const MemoryRegion& r = map[i];
        if (r.type != RegionType::Usable) continue;
        u64 first = (r.base + kSmallFrame - 1) / kSmallFrame;
        u64 end = r.end() / kSmallFrame;
        if (end > frames_) end = frames_;
        if (first == 0) first = 1;  // physical 0 stays reserved: 0 means failure
        if (end <= first) continue;
        set_bits(used_, first, end - first, false);
        set_bits(reserved_, first, end - first, false);
        stats_.total_frames += end - first;
    }
    stats_.free_frames = stats_.total_frames;
}

// First run of `frames_needed` free frames in [first, end), starting at a
// multiple of `align` frames; frames_ when none.
u64 FrameAllocator::find_free(u64 first, u64 end, u64 frames_needed, u64 align) const {
    if (end > frames_) end = frames_;
    first = (first + align - 1) / align * align;
    for (u64 f = first; f + frames_needed <= end; f += align) {
        if (frames_needed == 1) {
            // Skip whole words of used frames.
            if (f % 64 == 0 && used_[f / 64] == ~0ull) {
                f += 63;
                continue;
            }
            if (!bit(used_, f)) return f;
        } else if (all_bits(used_, f, frames_needed, false)) {
            return f;
        }
    }
    return frames_;
}

PhysAddr FrameAllocator::alloc(FrameSize size, u32 node) {
    u64 need = size == FrameSize::Small ? 1 : kLargeFrames;
    u64 found = claim(need, need, node);
    if (found) ++(size == FrameSize::Small ? stats_.small_allocated : stats_.large_allocated);
    return PhysAddr{found};
}

PhysAddr FrameAllocator::alloc_large_run(u64 count, u32 node) {
    if (count == 0) return PhysAddr{0};
    u64 found = claim(count * kLargeFrames, kLargeFrames, node);
    if (found) stats_.large_allocated += count;
    return PhysAddr{found};
}

u64 FrameAllocator::claim(u64 need, u64 align, u32 node) {
    if (!permit_allocation("frame")) {
        ++stats_.failures;
        return 0;
    }
    u64 found = frames_;
    if (node == kAnyNode || !topology_ || topology_->range_count == 0) {
        found = find_free(1, frames_, need, align);
    } else {
        for (u32 i = 0; i < topology_->range_count && found == frames_; ++i) {
            const NodeRange& r = topology_->ranges[i];
            if (r.node != node) continue;
            found = find_free(r.base / kSmallFrame, (r.base + r.length) / kSmallFrame, need, align);
        }
    }
    if (found == frames_) {
        ++stats_.failures;
        return 0;
    }
    set_bits(used_, found, need, true);
    stats_.free_frames -= need;
    return found * kSmallFrame;
}

bool FrameAllocator::free(PhysAddr address, FrameSize size) {
    u64 physical = address.value;
    u64 need = size == FrameSize::Small ? 1 : kLargeFrames;
    u64 first = physical / kSmallFrame;
    bool aligned = physical % frame_bytes(size) == 0;
    u64& live = size == FrameSize::Small ? stats_.small_allocated : stats_.large_allocated;
    if (!aligned || live == 0 || !all_bits(used_, first, need, true) ||
        !all_bits(reserved_, first, need, false)) {
        ++stats_.bad_frees;
        return false;
    }
    set_bits(used_, first, need, false);
    stats_.free_frames += need;
    --live;
    return true;
}

bool FrameAllocator::is_free(PhysAddr physical) const {
    u64 f = physical.value / kSmallFrame;
    return f < frames_ && !bit(used_, f);
}

}  // namespace tk::mem
