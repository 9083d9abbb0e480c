// The orders we have sent and not yet seen done: each one's state as the
// venue's answers (kernel/trade/ouch_outbound.h) move it. An order is found by
// its token key (OrderId). Done orders (filled, cancelled, rejected) leave
// the table: what they did is in the position and the counters.
//
// Capacity: the risk gate never lets more than max_open_orders be open
// (RiskLimits), and the table has at least twice as many slots, so an insert
// always finds one and a probe stays short. Open addressing with linear
// probing; erase shifts the following entries back (no tombstones), so a
// day of inserts and erases never degrades the probes.
#pragma once

#include "kernel/trade/strategy.h"
#include "tk/prefetch.h"

namespace tk::trade {

struct OpenOrder {
    OrderId id;         // 0: a free slot
    Locate locate;
    char side;          // 'B', 'S', 'T', 'E'
    OrderState state;
    bool cancel_sent;   // a Cancel Order went out for it
    bool day;           // time in force: the market's hours (else immediate or cancel)
    u8 resends;         // the Enter Order sent again while no answer came
    Price price;
    Shares shares;      // as sent
    Shares open;        // not yet executed or cancelled
    Shares filled;
    u64 reference;      // the venue's Order Reference Number, from Accepted
    Ticks sent_at;      // the last time its Enter Order went out
};
// A slot is one cache line, and the table starts on one (Engine::init), so
// warm() brings a whole slot.
static_assert(sizeof(OpenOrder) == 64);

class OrderTable {
public:
    // Bytes of start-up memory for `max_open` open orders.
    static u64 memory_bytes(u32 max_open) { return u64(slots_for(max_open)) * sizeof(OpenOrder); }

    // `memory`: memory_bytes(max_open) bytes, 8-byte aligned.
    void init(void* memory, u32 max_open);

    // A new slot for `id`, cleared but for the id; nullptr if `id` is 0, already
    // open, or more than max_open are open (the risk gate keeps it from that).
    OpenOrder* insert(OrderId id);
    // Brings the slot an insert of `id` looks at first into this core's
    // cache, ready to be written: for an idle moment before the insert.
    void warm(OrderId id) const {
        if (slots_) prefetch_for_write(&slots_[home(id)]);
    }
    OpenOrder* find(OrderId id);
    // `order` must come from insert() or find(); it is gone afterwards, and
    // so may be other pointers into the table (entries move back).
    void erase(OpenOrder* order);

    u32 size() const { return size_; }
    u32 slots() const { return mask_ + 1; }
    // Slot `i` (below slots()): the order in it, or nullptr if it is free.
    OpenOrder* at(u32 i) { return slots_[i & mask_].id ? &slots_[i & mask_] : nullptr; }
    u32 max_open() const { return max_open_; }
    // Hands each open order to `visit`, then takes it out; the table is
    // empty afterwards. (Each slot is emptied before the next is looked at:
    // an erase only moves later entries back into the emptied slot.)
    template <typename Visit>
    void take_all(Visit visit) {
        for (u32 i = 0; i <= mask_; ++i)
            while (slots_[i].id) {
                visit(slots_[i]);
                erase(&slots_[i]);
            }
    }
    // Each open order, in no set order: for reports at the session's end.
    template <typename Visit>
    void for_each(Visit visit) const {
        for (u32 i = 0; i <= mask_; ++i)
            if (slots_[i].id) visit(slots_[i]);
    }

private:
    // At least twice max_open, a power of two; max_open beyond kMaxOpen is
    // taken as kMaxOpen (the risk gate's limit above it then finds the table
    // full first: order_table_full).
    static constexpr u32 kMaxOpen = 1u << 24;
    static u32 slots_for(u32 max_open) {
        u64 wanted = 2 * u64(max_open < kMaxOpen ? max_open : kMaxOpen);
        u32 slots = 16;
        while (slots < wanted) slots *= 2;
        return slots;
    }
    u32 home(OrderId id) const { return u32((id.value * 0x9E3779B97F4A7C15ull) >> 32) & mask_; }

    OpenOrder* slots_ = nullptr;
    u32 mask_ = 0;
    u32 size_ = 0;
    u32 max_open_ = 0;
};

}  // namespace tk::trade
