#include "kernel/book/order_book.h"

#include "kernel/feed/itch_offsets.h"
#include "kernel/net/wire.h"

namespace tk::book {
namespace {

using net::load_be16, net::load_be32, net::load_be64;
namespace at = itch::at;

// Table slots for `orders` live orders: a power of two with at least a fifth
// of it free, where Robin Hood probe lengths stay short.
u32 table_slots(u32 orders) {
    u64 want = u64(orders) + orders / 4 + 1;
    u64 slots = 16;
    while (slots < want) slots <<= 1;
    return u32(slots);
}
u32 log2(u32 power_of_two) { return u32(__builtin_ctz(power_of_two)); }

u64 round_up(u64 bytes) { return (bytes + kCacheLine - 1) & ~u64(kCacheLine - 1); }

// Bids sort high to low, asks low to high: "better" comes first.
bool better(u8 side, u32 a, u32 b) { return side == kBuy ? a > b : a < b; }

}  // namespace

Capacity Books::bounded(const Capacity& capacity) {
    Capacity c = capacity;
    if (c.orders > Capacity::kMax) c.orders = Capacity::kMax;
    if (c.levels > Capacity::kMax) c.levels = Capacity::kMax;
    if (c.locates < 1 || c.locates > kLocates) c.locates = kLocates;
    return c;
}

u64 Books::memory_bytes(const Capacity& capacity) {
    Capacity c = bounded(capacity);
    return round_up(u64(table_slots(c.orders)) * sizeof(Order)) + round_up(u64(c.levels) * sizeof(LevelNode)) +
           round_up(u64(c.locates) * sizeof(Head));
}

void Books::init(void* memory, const Capacity& capacity) {
    Capacity c = bounded(capacity);
    capacity_ = c;
    u32 slots = table_slots(c.orders);
    mask_ = slots - 1;
    shift_ = log2(slots);
    auto* at = static_cast<u8*>(memory);
    orders_ = reinterpret_cast<Order*>(at);
    at += round_up(u64(slots) * sizeof(Order));
    levels_ = reinterpret_cast<LevelNode*>(at);
    at += round_up(u64(c.levels) * sizeof(LevelNode));
    heads_ = reinterpret_cast<Head*>(at);
    __builtin_memset(static_cast<void*>(orders_), 0, u64(slots) * sizeof(Order));
    for (u32 i = 0; i < c.locates; ++i)
        heads_[i] = {{kNoLevel, kNoLevel}, {kNoLevel, kNoLevel}, {kNoLevel, kNoLevel}, 0, 0};
    free_level_ = kNoLevel;  // levels are handed out from unused_level_ up, then reused
    unused_level_ = 0;
    priority_state_ = 1;
    live_orders_ = live_levels_ = peak_orders_ = peak_levels_ = untrusted_books_ = 0;
    counters_ = {};
    change_ = {};
}

// --- The order table --------------------------------------------------------

// The reference's low bits, offset by a mix of its high bits: consecutive
// references take consecutive slots, and references a whole table apart do
// not pile onto one slot.
u32 Books::home(u64 reference) const {
    u64 high = reference >> shift_;
    return u32(reference + ((high * 0x9E3779B97F4A7C15ull) >> 32)) & mask_;
}

u32 Books::distance(u32 slot) const { return (slot - home(orders_[slot].reference)) & mask_; }

// Robin Hood invariant: every entry between a key's home and its slot is at
// least as far from its own home as the key would be there. So an empty slot,
// or an entry nearer its home than the probe is to ours, ends the search.
Order* Books::find(u64 reference) {
    u32 slot = home(reference);
    for (u32 d = 0;; ++d, slot = (slot + 1) & mask_) {
        Order& o = orders_[slot];
        if (!o.used || distance(slot) < d) return nullptr;
        if (o.reference == reference) return &o;
    }
}

// `order` is not in the table, and there is room (live orders < capacity).
void Books::insert(const Order& order) {
    Order carried = order;
    u32 slot = home(carried.reference);
    for (u32 d = 0;; ++d, slot = (slot + 1) & mask_) {
        Order& o = orders_[slot];
        if (!o.used) {
            o = carried;
            break;
        }
        u32 theirs = distance(slot);
        if (theirs < d) {  // the poorer entry takes the slot; the richer moves on
            Order moved = o;
            o = carried;
            carried = moved;
            d = theirs;
        }
    }
    if (++live_orders_ > peak_orders_) peak_orders_ = live_orders_;
}

// Backward shift: the entries after the hole move back one slot until one
// sits at its home (or a slot is empty), so no tombstones build up.
void Books::erase(Order* order) {
    u32 hole = u32(order - orders_);
    for (u32 next = (hole + 1) & mask_; orders_[next].used && distance(next) != 0; next = (next + 1) & mask_) {
        orders_[hole] = orders_[next];
        hole = next;
    }
    orders_[hole].used = 0;
    --live_orders_;
}

// --- Price levels -----------------------------------------------------------

u32 Books::new_level(u32 price) {
    u32 index;
    if (free_level_ != kNoLevel) {
        index = free_level_;
        free_level_ = levels_[index].worse;
    } else if (unused_level_ < capacity_.levels) {
        index = unused_level_++;
    } else {
        return kNoLevel;
    }
    // A fresh pseudo-random priority for every level opened (Marsaglia's
    // xorshift32): a reused slot does not bring its old one back, so no price
    // sequence can make a tree deep or a new best rise far each time.
    u32 x = priority_state_;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    priority_state_ = x;
    levels_[index] = {price, 0, 0, kNoLevel, kNoLevel, kNoLevel, kNoLevel, kNoLevel, x};
    if (++live_levels_ > peak_levels_) peak_levels_ = live_levels_;
    return index;
}

// `node` (a new leaf) becomes the `as_left` child of `parent`, then rises
// while its priority beats its parent's.
void Books::attach(Head& h, u8 side, u32 node, u32 parent, bool as_left) {
    levels_[node].up = parent;
    if (parent == kNoLevel) h.root[side] = node;
    else if (as_left) levels_[parent].left = node;
    else levels_[parent].right = node;
    while (levels_[node].up != kNoLevel && levels_[node].priority > levels_[levels_[node].up].priority)
        rotate_up(h, side, node);
}

// One rotation: `node` takes its parent's place, keeping the price order.
void Books::rotate_up(Head& h, u8 side, u32 n) {
    LevelNode& node = levels_[n];
    u32 p = node.up;
    LevelNode& parent = levels_[p];
    u32 g = parent.up;
    if (parent.left == n) {
        parent.left = node.right;
        if (node.right != kNoLevel) levels_[node.right].up = p;
        node.right = p;
    } else {
        parent.right = node.left;
        if (node.left != kNoLevel) levels_[node.left].up = p;
        node.left = p;
    }
    parent.up = n;
    node.up = g;
    if (g == kNoLevel) h.root[side] = n;
    else if (levels_[g].left == p) levels_[g].left = n;
    else levels_[g].right = n;
}

// Takes `node` out of the tree: rotated down below its children until it
// has at most one, then replaced by that one.
void Books::detach(Head& h, u8 side, u32 n) {
    LevelNode& node = levels_[n];
    while (node.left != kNoLevel && node.right != kNoLevel)
        rotate_up(h, side, levels_[node.left].priority > levels_[node.right].priority ? node.left : node.right);
    u32 child = node.left != kNoLevel ? node.left : node.right;
    u32 p = node.up;
    if (child != kNoLevel) levels_[child].up = p;
    if (p == kNoLevel) h.root[side] = child;
    else if (levels_[p].left == n) levels_[p].left = child;
    else levels_[p].right = child;
}

// The level of `price` on one side, created in its place if new; kNoLevel
// when a new one is needed and none is free. The best and worst ends are
// checked first (the busy top of a book, and orders placed beyond
// everything), then a short walk from the best for prices near it; anywhere
// else the tree is searched from its root, which also gives the new level's
// neighbours in the list.
u32 Books::level_for(Head& h, u8 side, u32 price) {
    constexpr u32 kNearBest = 32 * 100;  // $0.32 in Price(4)
    u32 best = h.best[side], worst = h.worst[side];
    u32 better_neighbour = kNoLevel, worse_neighbour = kNoLevel, parent = kNoLevel;
    bool as_left = false;
    if (best == kNoLevel) {
        // an empty side: the new level is the tree and both ends of the list
    } else if (price == levels_[best].price) {
        return best;
    } else if (better(side, price, levels_[best].price)) {
        worse_neighbour = parent = best;  // the best has no better child: the new one goes there
        as_left = true;
    } else if (price == levels_[worst].price) {
        return worst;
    } else if (better(side, levels_[worst].price, price)) {
        better_neighbour = parent = worst;
    } else if ((side == kBuy ? levels_[best].price - price : price - levels_[best].price) <= kNearBest) {
        // Most new levels open a few cents from the best: walk the list from
        // there (nodes in cache) rather than descend the tree from its root.
        u32 i = best;
        while (better(side, levels_[i].price, price)) i = levels_[i].worse;  // ends: price is not past the worst
        if (levels_[i].price == price) return i;
        better_neighbour = levels_[i].better;
        worse_neighbour = i;
        // Of two neighbours in price order one has its facing child free.
        as_left = levels_[better_neighbour].right != kNoLevel;
        parent = as_left ? worse_neighbour : better_neighbour;
    } else {
        for (u32 i = h.root[side]; i != kNoLevel;) {
            const LevelNode& l = levels_[i];
            if (l.price == price) return i;
            parent = i;
            as_left = better(side, price, l.price);
            if (as_left) {
                worse_neighbour = i;
                i = l.left;
            } else {
                better_neighbour = i;
                i = l.right;
            }
        }
    }
    u32 index = new_level(price);
    if (index == kNoLevel) return kNoLevel;
    LevelNode& l = levels_[index];
    l.better = better_neighbour;
    l.worse = worse_neighbour;
    if (better_neighbour == kNoLevel) h.best[side] = index;
    else levels_[better_neighbour].worse = index;
    if (worse_neighbour == kNoLevel) h.worst[side] = index;
    else levels_[worse_neighbour].better = index;
    attach(h, side, index, parent, as_left);
    return index;
}

void Books::unlink_level(Head& h, u8 side, u32 index) {
    detach(h, side, index);
    LevelNode& l = levels_[index];
    if (l.better == kNoLevel) h.best[side] = l.worse;
    else levels_[l.better].worse = l.worse;
    if (l.worse == kNoLevel) h.worst[side] = l.better;
    else levels_[l.worse].better = l.better;
    l.worse = free_level_;
    free_level_ = index;
    --live_levels_;
}

void Books::record(u8 side, const LevelNode& level) {
    if (change_.levels < 2) change_.level[change_.levels++] = {side, Price{level.price}, Shares{level.shares}, level.orders};
}

// --- Trust ------------------------------------------------------------------

void Books::status_changed(u16 locate, bool trusted) {
    if (trusted) {
        ++counters_.recovered;
        --untrusted_books_;
    } else {
        ++counters_.untrusted;
        ++untrusted_books_;
    }
    if (change_.status_changes < 2) {
        change_.status_locate[change_.status_changes] = Locate{locate};
        change_.status_trusted[change_.status_changes++] = trusted;
    }
}

void Books::lose(u16 locate) {
    Head& h = heads_[locate];
    if (h.lost) return;
    h.lost = 1;
    if (h.orphans == 0) status_changed(locate, false);
}

void Books::orphan_added(u16 locate) {
    Head& h = heads_[locate];
    if (h.orphans++ == 0 && !h.lost) status_changed(locate, false);
}

void Books::orphan_gone(u16 locate) {
    Head& h = heads_[locate];
    if (--h.orphans == 0 && !h.lost) status_changed(locate, true);
}

// --- Messages ---------------------------------------------------------------

// Returns false if the order was not kept (the caller's message then changed
// no book, unless it removed another order first).
bool Books::add(u16 locate, u64 reference, u8 side, u32 shares, u32 price) {
    if (shares == 0) {
        ++counters_.zero_shares;
        return false;
    }
    if (price == 0) {
        ++counters_.zero_price;
        return false;
    }
    if (find(reference)) {
        ++counters_.duplicate_order;
        lose(locate);
        return false;
    }
    if (live_orders_ == capacity_.orders) {
        ++counters_.table_full;
        lose(locate);
        return false;
    }
    Head& h = heads_[locate];
    u32 level = kNoLevel;
    if (side == kUnknownSide) {
        ++counters_.bad_side;
    } else {
        level = level_for(h, side, price);
        if (level == kNoLevel) ++counters_.levels_full;
    }
    insert({reference, shares, price, level, locate, side, 1});
    if (level == kNoLevel) {
        orphan_added(locate);
    } else {
        LevelNode& l = levels_[level];
        l.shares += shares;
        ++l.orders;
        record(side, l);
    }
    return true;
}

void Books::reduce(Order* o, u32 shares, bool executed) {
    if (shares > o->shares) {
        ++counters_.over_execution;
        lose(o->locate);
        shares = o->shares;
    }
    if (executed) {
        change_.executed = true;
        change_.executed_side = o->side;
        change_.executed_price = Price{o->price};
        change_.executed_shares = Shares{shares};
    }
    bool gone = shares == o->shares;
    if (o->level == kNoLevel) {
        if (gone) orphan_gone(o->locate);
    } else {
        LevelNode& l = levels_[o->level];
        l.shares -= shares;
        if (gone) --l.orders;
        record(o->side, l);
        if (l.orders == 0) unlink_level(heads_[o->locate], o->side, o->level);
    }
    if (gone) erase(o);
    else o->shares -= shares;
}

// Takes a shown order out of its level; it stays in the table as an orphan.
void Books::make_orphan(Order* o) {
    LevelNode& l = levels_[o->level];
    l.shares -= o->shares;
    --l.orders;
    record(o->side, l);
    if (l.orders == 0) unlink_level(heads_[o->locate], o->side, o->level);
    o->level = kNoLevel;
    orphan_added(o->locate);
}

i32 Books::apply(const u8* m, usize length) {
    (void)length;  // the ITCH layer has checked the length for the type
    u16 locate = load_be16(m + at::kStockLocate);
    change_.levels = 0;
    change_.executed = false;
    change_.status_changes = 0;
    // Every order message names a locate; one with no book changes nothing.
    auto out_of_range = [&] {
        ++counters_.locate_out_of_range;
        return -1;
    };
    switch (m[0]) {
        case 'A':    // Add Order (ITCH 5.0 section 4.3.1)
        case 'F': {  // Add Order with MPID (4.3.2): the same, then Attribution
            namespace a = at::add_order;
            if (locate >= capacity_.locates) return out_of_range();
            u8 side = m[a::kSide] == 'B' ? kBuy : m[a::kSide] == 'S' ? kSell : kUnknownSide;
            if (!add(locate, load_be64(m + a::kReference), side, load_be32(m + a::kShares), load_be32(m + a::kPrice)))
                return -1;
            break;
        }
        case 'E':    // Order Executed (4.4.1): reference, executed shares
        case 'C':    // Order Executed With Price (4.4.2): the same fields first
        case 'X':    // Order Cancel (4.4.3): reference, cancelled shares
        case 'D':    // Order Delete (4.4.4): reference
        case 'U': {  // Order Replace (4.4.5): original reference, new reference, shares, price
            // All five start with the reference, and E, C, X with the shares after it.
            static_assert(at::executed::kReference == at::cancel::kReference &&
                          at::replace::kOriginalReference == at::cancel::kReference &&
                          at::executed::kShares == at::cancel::kShares);
            if (locate >= capacity_.locates) return out_of_range();
            Order* o = find(load_be64(m + at::cancel::kReference));
            if (!o) {
                ++counters_.unknown_order;
                return -1;
            }
            if (o->locate != locate) {
                // Which book the exchange meant is unknown: nothing is applied,
                // and the order, which may have changed there, is no longer
                // shown; its book is trusted again once it leaves.
                ++counters_.locate_mismatch;
                if (o->level == kNoLevel) return -1;
                u16 book = o->locate;
                make_orphan(o);
                return book;
            }
            u32 shares = m[0] == 'D' || m[0] == 'U' ? 0 : load_be32(m + at::cancel::kShares);
            if (m[0] != 'D' && m[0] != 'U' && shares == 0) {  // an execution or cancel of nothing
                ++counters_.zero_shares;
                return -1;
            }
            if (m[0] == 'U') {
                u8 side = o->side;  // section 4.4.5: the new order keeps side and stock
                reduce(o, o->shares, false);
                namespace r = at::replace;
                add(locate, load_be64(m + r::kNewReference), side, load_be32(m + r::kShares),
                    load_be32(m + r::kPrice));
            } else {
                reduce(o, m[0] == 'D' ? o->shares : shares, m[0] == 'E' || m[0] == 'C');
            }
            break;
        }
        default:
            ++counters_.ignored;
            return -1;
    }
    ++counters_.applied;
    return locate;
}

u32 Books::depth(Locate locate, Side side, Level* out, u32 max) const {
    u32 n = 0;
    if (!has_book(locate)) return 0;
    for (u32 i = heads_[locate.value].best[side]; i != kNoLevel && n < max; i = levels_[i].worse, ++n)
        out[n] = {Price{levels_[i].price}, levels_[i].orders, Shares{levels_[i].shares}};
    return n;
}

namespace {

u64 fnv1a(u64 hash, u64 value, int bytes) {
    for (int i = 0; i < bytes; ++i, value >>= 8) hash = (hash ^ (value & 0xFF)) * 0x100000001B3ull;
    return hash;
}

}  // namespace

u64 Books::checksum() const {
    u64 hash = 0xCBF29CE484222325ull;
    for (u32 locate = 0; locate < capacity_.locates; ++locate) {
        for (u8 side = 0; side < 2; ++side) {
            for (u32 i = heads_[locate].best[side]; i != kNoLevel; i = levels_[i].worse) {
                const LevelNode& l = levels_[i];
                hash = fnv1a(hash, locate, 2);
                hash = fnv1a(hash, side, 1);
                hash = fnv1a(hash, l.price, 4);
                hash = fnv1a(hash, l.shares, 8);
                hash = fnv1a(hash, l.orders, 4);
            }
        }
    }
    return hash;
}

}  // namespace tk::book
