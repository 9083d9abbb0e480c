// Limit order books built from ITCH 5.0 order messages, for every stock
// locate the protocol can carry (0-65535): price levels on both sides, best
// bid and offer, depth, and whether each book can be trusted. All memory is
// given once at init() (set-up) and sized by a Capacity; applying a message
// allocates nothing.
//
// Storage, all in the one region init() is given:
// - Orders: an open-addressing table keyed by order reference number, Robin
//   Hood probing with backward-shift deletion. Nasdaq hands out references in
//   increasing order, so the slot is the reference itself (low bits) moved by
//   a mix of its high bits: orders added together sit together, and the busy
//   recent ones stay in cache. Each order names its price level, so an
//   execution, cancel or delete never searches for a price.
// - Levels: one pool for all books; each side of a book is a doubly linked
//   list from best to worst, for the top and for depth, and a treap by price,
//   for placing a new level. The top of a book costs the same whatever its
//   depth; a new level anywhere else costs O(log levels).
// - Book heads: one per locate (best and worst level of each side, level
//   counts, and the trust state).
//
// What every capacity limit and every input the specification does not
// cover does to a book is one policy, written in docs/order-books.md and
// followed by the Python reference (tradekernel/feed/reference_book.py).
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::book {

enum Side : u8 { kBuy = 0, kSell = 1 };
// An order whose Buy/Sell Indicator was neither 'B' nor 'S': kept, never shown.
inline constexpr u8 kUnknownSide = 2;
inline constexpr u32 kLocates = 1u << 16;  // ITCH 5.0 section 1.1: Stock Locate is 2 bytes

// What one price level holds, as depth() reports it.
struct Level {
    Price price;
    u32 orders;
    Shares shares;
};

// Set at start-up. `orders`: live orders at once over all books, orphans
// included; `levels`: price levels at once over all books and sides.
struct Capacity {
    u32 orders;
    u32 levels;
    // Books for locates 0 .. locates-1. Every locate ITCH can name by default;
    // fewer for a venue with fewer symbols, a test, a fuzz harness. A message
    // naming a locate beyond is refused and counted (locate_out_of_range).
    u32 locates = kLocates;

    // Orders and levels each at most 2^30: the table's slots (a power of
    // two, a fifth spare) and level indexes must fit in 32 bits.
    static constexpr u32 kMax = 1u << 30;
    constexpr bool valid() const { return orders <= kMax && levels <= kMax && locates >= 1 && locates <= kLocates; }
};

// What the kernel ships with, sized for a real Nasdaq day (docs/order-books.md
// cites the counts): the busiest published days peaked at about 5.3 million
// live orders (December 2025; about 1.9 million in 2019-2020), and the
// deepest books hold a few thousand levels a side. 270 MiB of tables.
inline constexpr Capacity kMarketDayCapacity{6'500'000, 2'000'000};

// One resting order, as the table keeps it.
struct Order {
    u64 reference;
    u32 shares;
    u32 price;
    u32 level;  // its price level; kNoLevel: an orphan, counted in its book
    u16 locate;
    u8 side;    // kBuy, kSell or kUnknownSide
    u8 used;    // 0: an empty slot
};

// What the last apply() changed, for the strategy's callbacks: the levels it
// touched (as they are now; 0 orders: the level is gone); for Order Executed
// (E, C) the resting order that traded; and the books whose trust changed.
struct LevelChange {
    u8 side;
    Price price;
    Shares shares;
    u32 orders;
};
struct Change {
    u32 levels;  // 0, 1 or 2 (Order Replace touches two)
    LevelChange level[2];
    bool executed;
    u8 executed_side;
    Price executed_price;                 // the resting order's price
    Shares executed_shares;
    u32 status_changes;                   // 0, 1 or 2 (a locate mismatch marks two books; a
    Locate status_locate[2];              // replaced orphan can untrust, trust and untrust one)
    bool status_trusted[2];               // the book's trust just after that change
};

struct BookCounters {
    u64 applied, ignored;  // order messages applied to a book; other types
    u64 unknown_order;     // E, C, X, D or U naming no live order
    // Rejected, the book still trusted: an order for no shares or at no price
    // cannot rest; an execution or cancel of no shares changes nothing.
    u64 zero_shares, zero_price;
    // Kept as orphans, the book untrusted until they leave: an unknown side,
    // no free price level, a message naming the order under another locate.
    u64 bad_side, levels_full, locate_mismatch;
    // The book untrusted for the rest of the session: an order that could not
    // be kept (table full, a reference already live), an execution or cancel
    // beyond the order's shares.
    u64 table_full, duplicate_order, over_execution;
    u64 untrusted, recovered;  // books that lost, and regained, trust
    u64 locate_out_of_range;   // an order message naming a locate with no book: refused
};

class Books {
public:
    static constexpr u32 kNoLevel = ~0u;

    // `capacity` as init() takes it: orders and levels cut to Capacity::kMax,
    // an impossible locate count made kLocates.
    static Capacity bounded(const Capacity& capacity);
    // Bytes of memory init() needs for `capacity`.
    static u64 memory_bytes(const Capacity& capacity);

    // `memory`: memory_bytes(capacity) bytes, 64-byte aligned, any contents.
    // `capacity` must be valid(); an invalid one is cut to Capacity::kMax.
    void init(void* memory, const Capacity& capacity);

    // Applies one ITCH message (already length-checked): A, F, E, C, X, D, U
    // change the books; others are ignored. Returns the locate whose book the
    // message changed, or -1 if it changed none.
    i32 apply(const u8* message, usize length);
    const Change& last_change() const { return change_; }

    // Up to `max` best levels of one side; returns how many.
    u32 depth(Locate locate, Side side, Level* out, u32 max) const;

    // A book is trusted unless it holds orphans or was lost this session.
    // A locate with no book (beyond capacity().locates) is untrusted and empty.
    bool has_book(Locate locate) const { return locate.value < capacity_.locates; }
    bool trusted(Locate locate) const {
        return has_book(locate) && heads_[locate.value].orphans == 0 && !heads_[locate.value].lost;
    }
    u32 orphans(Locate locate) const { return has_book(locate) ? heads_[locate.value].orphans : 0; }
    bool lost(Locate locate) const { return has_book(locate) && heads_[locate.value].lost; }
    u32 untrusted_books() const { return untrusted_books_; }

    u32 live_orders() const { return live_orders_; }
    u32 live_levels() const { return live_levels_; }
    u32 peak_orders() const { return peak_orders_; }
    u32 peak_levels() const { return peak_levels_; }
    const Capacity& capacity() const { return capacity_; }

    // FNV-1a (64-bit) over every price level of every book, locates in
    // ascending order, bids then offers, best first; per level its locate
    // (2 bytes), side (1), price (4), shares (8) and orders (4), little
    // endian. Equal books give equal checksums on any machine; the Python
    // reference computes the same (tradekernel/feed/reference_book.py).
    u64 checksum() const;
    const BookCounters& counters() const { return counters_; }

private:
    // A price level: in its side's list, best to worst, and in its side's
    // search tree (a treap: ordered by price, better to the left; a heap by
    // a pseudo-random priority drawn when the level opens), which finds the
    // place of a new price in O(log levels) however deep the side.
    struct LevelNode {
        u32 price;
        u32 orders;
        u64 shares;
        u32 better, worse;    // the list; kNoLevel at the ends
        u32 left, right, up;  // the tree; kNoLevel for none
        u32 priority;
    };
    struct Head {
        u32 best[2], worst[2];  // kNoLevel: the side is empty
        u32 root[2];            // of the side's tree
        u32 orphans;
        u8 lost;
    };

    u32 home(u64 reference) const;
    u32 distance(u32 slot) const;
    Order* find(u64 reference);
    void insert(const Order& order);
    void erase(Order* order);

    bool add(u16 locate, u64 reference, u8 side, u32 shares, u32 price);
    void reduce(Order* order, u32 shares, bool executed);
    void make_orphan(Order* order);
    u32 level_for(Head& head, u8 side, u32 price);
    u32 new_level(u32 price);
    void unlink_level(Head& head, u8 side, u32 index);
    void attach(Head& head, u8 side, u32 node, u32 parent, bool as_left);
    void rotate_up(Head& head, u8 side, u32 node);
    void detach(Head& head, u8 side, u32 node);
    void record(u8 side, const LevelNode& level);
    void lose(u16 locate);
    void orphan_added(u16 locate);
    void orphan_gone(u16 locate);
    void status_changed(u16 locate, bool trusted);

    Order* orders_ = nullptr;
    u32 mask_ = 0, shift_ = 0;
    LevelNode* levels_ = nullptr;
    u32 free_level_ = kNoLevel, unused_level_ = 0;
    u32 priority_state_ = 1;  // xorshift32: each new level's tree priority
    Head* heads_ = nullptr;
    Capacity capacity_{};
    u32 live_orders_ = 0, live_levels_ = 0, peak_orders_ = 0, peak_levels_ = 0;
    u32 untrusted_books_ = 0;
    BookCounters counters_{};
    Change change_{};
};

}  // namespace tk::book
