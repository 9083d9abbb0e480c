// Limit order books built from ITCH 5.0 order messages: one book per stock
// locate, price levels on both sides, best bid and offer, depth. All memory
// is given at init() (set-up); applying a message allocates nothing.
//
// Orders live in one open-addressing table keyed by order reference number
// (linear probing, backward-shift deletion, so no tombstones build up).
// Price levels are sorted arrays per side, worst first: the best level is
// the last element, so the busy top of the book moves the fewest entries.
#pragma once

#include "tk/types.h"

namespace tk::book {

enum Side : u8 { kBuy = 0, kSell = 1 };

struct Level {
    u32 price;   // Price(4): 4 implied decimals
    u32 orders;
    u64 shares;
};

struct Order {
    u64 reference;  // 0: empty slot
    u32 price;
    u32 shares;
    u16 locate;
    u8 side;
};

// What the last apply() changed, for the strategy's callbacks: the levels it
// touched (as they are now; 0 orders: the level is gone) and, for Order
// Executed (E, C), the resting order that traded.
struct LevelChange {
    u8 side;
    u32 price;
    u64 shares;
    u32 orders;
};
struct Change {
    u32 levels;  // 0, 1 or 2 (Order Replace touches two)
    LevelChange level[2];
    bool executed;
    u8 executed_side;
    u32 executed_price, executed_shares;  // the resting order's price
};

struct BookCounters {
    u64 applied, ignored;              // order messages applied; other types
    u64 unknown_order, duplicate_order;
    u64 table_full, levels_full, bad_locate, bad_side, over_execution;
};

class Books {
public:
    static constexpr u32 kLevelsPerSide = 256;
    static constexpr u32 kMaxLocates = 1 << 14;

    struct Book {
        u32 levels[2];
        Level side[2][kLevelsPerSide];
    };

    // `orders` holds `order_capacity` entries (a power of two); `books` holds
    // `book_capacity` books, handed to stock locates as they first appear.
    void init(Order* orders, u32 order_capacity, Book* books, u32 book_capacity);

    // Applies one ITCH message (already length-checked): A, F, E, C, X, D, U
    // change the book; others are ignored. Returns the locate it touched, or
    // -1 if none.
    i32 apply(const u8* message, usize length);
    const Change& last_change() const { return change_; }

    // Up to `max` best levels of one side; returns how many.
    u32 depth(u16 locate, Side side, Level* out, u32 max) const;
    const Order* find(u64 reference) const;
    u32 live_orders() const { return live_orders_; }

    // FNV-1a (64-bit) over every price level of every book, locates in
    // ascending order, bids then offers, best first; per level its locate
    // (2 bytes), side (1), price (4), shares (8) and orders (4), little
    // endian. Equal books give equal checksums on any machine; the Python
    // reference computes the same (tradekernel/feed/reference_book.py).
    u64 checksum() const;
    const BookCounters& counters() const { return counters_; }

private:
    Book* book_for(u16 locate, bool create);
    const Book* book_for(u16 locate) const;
    bool add(u16 locate, u64 reference, u8 side, u32 shares, u32 price);
    void reduce(Order* order, u32 shares, bool executed);  // removes the order at zero
    void record(u8 side, const Level& level);
    void level_add(Book& b, u8 side, u32 price, i64 shares, i32 orders);
    Order* slot_of(u64 reference);
    void erase(Order* order);

    Order* orders_ = nullptr;
    u32 mask_ = 0;
    u32 live_orders_ = 0;
    Book* books_ = nullptr;
    u32 book_capacity_ = 0, books_used_ = 0;
    u16 book_index_[kMaxLocates] = {};  // locate -> book index + 1
    BookCounters counters_{};
    Change change_{};
};

}  // namespace tk::book
