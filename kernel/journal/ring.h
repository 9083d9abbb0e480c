// The journal's hand-off from the trading core to the core that writes the
// disk: a single-producer, single-consumer ring of fixed slots. The trading
// core fills a slot with a record's type, its TSC and its payload -- a few
// stores, no checksum, no lock, no call into the disk -- and publishes it
// with a release store of the head; the writer (kernel/journal/writer.h)
// numbers, checksums and writes the records on its own core.
//
// Full ring: the record is not kept, and counted (lost()). Once there is room
// again the producer puts a Lost record (how many) before its next record, so
// the journal says how many are missing and where. The trading path never
// waits for the disk.
#pragma once

#include "kernel/journal/record.h"

namespace tk::journal {

struct alignas(64) Slot {
    RecordType type;
    u8 length;  // of the payload
    u8 reserved[6];
    u64 tsc;
    u8 payload[kMaxPayload];
};
static_assert(sizeof(Slot) == 128);

class Ring {
public:
    static constexpr u32 kSlots = 4096;  // a power of two

    void init() {
        head_ = tail_ = cached_tail_ = 0;
        lost_ = pending_lost_ = 0;
    }

    // Producer (the trading core). A slot to fill, or nullptr if the ring is
    // full (counted); publish() hands the filled slot over.
    Slot* reserve() {
        if (head_ - cached_tail_ >= kSlots) [[unlikely]]
            return reserve_slow();
        return &slots_[head_ & (kSlots - 1)];
    }
    void publish() { __atomic_store_n(&head_, head_ + 1, __ATOMIC_RELEASE); }
    // The whole record at once, for the paths that are not hot.
    bool append(RecordType type, u64 tsc, const void* payload, usize length) {
        Slot* s = reserve();
        if (!s) return false;
        s->type = type;
        s->length = u8(length <= kMaxPayload ? length : kMaxPayload);
        s->tsc = tsc;
        const u8* from = static_cast<const u8*>(payload);
        for (usize i = 0; i < s->length; ++i) s->payload[i] = from[i];
        publish();
        return true;
    }

    // Consumer (the writer's core): the oldest published slot, or nullptr.
    const Slot* peek() const {
        return tail_ == __atomic_load_n(&head_, __ATOMIC_ACQUIRE) ? nullptr : &slots_[tail_ & (kSlots - 1)];
    }
    void pop() { __atomic_store_n(&tail_, tail_ + 1, __ATOMIC_RELEASE); }
    u64 lost() const { return __atomic_load_n(&lost_, __ATOMIC_RELAXED); }

private:
    // The ring looked full, or records were lost and a Lost record is due
    // (a loss sets cached_tail_ so that the next reserve() comes here).
    [[gnu::cold, gnu::noinline]] Slot* reserve_slow() {
        cached_tail_ = __atomic_load_n(&tail_, __ATOMIC_ACQUIRE);
        u64 needed = pending_lost_ ? 2 : 1;  // room for the record, and the Lost record before it
        if (kSlots - (head_ - cached_tail_) < needed) {
            __atomic_store_n(&lost_, lost_ + 1, __ATOMIC_RELAXED);
            ++pending_lost_;
            cached_tail_ = head_ - kSlots;
            return nullptr;
        }
        if (pending_lost_) {
            Slot& s = slots_[head_ & (kSlots - 1)];
            s.type = RecordType::Lost;
            s.length = sizeof pending_lost_;
            s.tsc = 0;
            __builtin_memcpy(s.payload, &pending_lost_, sizeof pending_lost_);
            pending_lost_ = 0;
            publish();
        }
        return &slots_[head_ & (kSlots - 1)];
    }

    // Each index on its own cache line: the producer writes head_ and reads
    // tail_ only when its cached copy says the ring is full.
    alignas(64) u64 head_ = 0;
    u64 cached_tail_ = 0;
    u64 lost_ = 0;
    u64 pending_lost_ = 0;  // lost since the last Lost record
    alignas(64) u64 tail_ = 0;
    Slot slots_[kSlots];
};

}  // namespace tk::journal
