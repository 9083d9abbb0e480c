#include "kernel/trade/order_table.h"

namespace tk::trade {

void OrderTable::init(void* memory, u32 max_open) {
    u32 slots = slots_for(max_open);
    slots_ = static_cast<OpenOrder*>(memory);
    __builtin_memset(static_cast<void*>(slots_), 0, u64(slots) * sizeof(OpenOrder));
    mask_ = slots - 1;
    size_ = 0;
    max_open_ = max_open < kMaxOpen ? max_open : kMaxOpen;
}

OpenOrder* OrderTable::insert(OrderId id) {
    if (!id || size_ >= max_open_) return nullptr;
    for (u32 i = home(id);; i = (i + 1) & mask_) {
        OpenOrder& slot = slots_[i];
        if (slot.id == id) return nullptr;
        if (!slot.id) {
            slot = OpenOrder{};
            slot.id = id;
            ++size_;
            return &slot;
        }
    }
}

OpenOrder* OrderTable::find(OrderId id) {
    if (!id) return nullptr;
    // Ends: at least half the slots are free.
    for (u32 i = home(id);; i = (i + 1) & mask_) {
        if (slots_[i].id == id) return &slots_[i];
        if (!slots_[i].id) return nullptr;
    }
}

// Backward-shift deletion (Knuth, TAOCP 3, 6.4, Algorithm R): an entry after
// the hole moves into it unless its home lies cyclically in (hole, entry],
// where it would no longer be found.
void OrderTable::erase(OpenOrder* order) {
    u32 hole = u32(order - slots_);
    for (u32 i = (hole + 1) & mask_; slots_[i].id; i = (i + 1) & mask_) {
        u32 h = home(slots_[i].id);
        bool stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
        if (stays) continue;
        slots_[hole] = slots_[i];
        hole = i;
    }
    slots_[hole] = OpenOrder{};
    --size_;
}

}  // namespace tk::trade
