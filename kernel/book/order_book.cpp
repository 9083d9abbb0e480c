#include "kernel/book/order_book.h"

#include "kernel/net/wire.h"

namespace tk::book {
namespace {

u64 be64(const u8* p) { return u64(net::load_be32(p)) << 32 | net::load_be32(p + 4); }
u32 be32(const u8* p) { return net::load_be32(p); }
u16 be16(const u8* p) { return net::load_be16(p); }

u32 hash(u64 reference) {  // Fibonacci hashing: sequential references spread out
    return u32((reference * 0x9E3779B97F4A7C15ull) >> 32);
}

// Bids sort high to low, asks low to high: "better" comes first.
bool better(u8 side, u32 a, u32 b) { return side == kBuy ? a > b : a < b; }

}  // namespace

void Books::init(Order* orders, u32 order_capacity, Book* books, u32 book_capacity) {
    orders_ = orders;
    mask_ = order_capacity - 1;
    live_orders_ = 0;
    for (u32 i = 0; i < order_capacity; ++i) orders_[i] = Order{};
    books_ = books;
    book_capacity_ = book_capacity;
    books_used_ = 0;
    for (u16& i : book_index_) i = 0;
    counters_ = {};
}

Books::Book* Books::book_for(u16 locate, bool create) {
    if (locate >= kMaxLocates) return nullptr;
    if (book_index_[locate]) return &books_[book_index_[locate] - 1];
    if (!create || books_used_ == book_capacity_) return nullptr;
    Book& b = books_[books_used_++];
    b.levels[0] = b.levels[1] = 0;
    book_index_[locate] = u16(books_used_);
    return &b;
}

const Books::Book* Books::book_for(u16 locate) const {
    return locate < kMaxLocates && book_index_[locate] ? &books_[book_index_[locate] - 1] : nullptr;
}

Order* Books::slot_of(u64 reference) {
    for (u32 i = hash(reference) & mask_;; i = (i + 1) & mask_) {
        if (orders_[i].reference == reference || orders_[i].reference == 0) return &orders_[i];
    }
}

const Order* Books::find(u64 reference) const {
    for (u32 i = hash(reference) & mask_;; i = (i + 1) & mask_) {
        if (orders_[i].reference == reference) return &orders_[i];
        if (orders_[i].reference == 0) return nullptr;
    }
}

// Linear-probing deletion by backward shift (Knuth, TAOCP 6.4, Algorithm R).
void Books::erase(Order* order) {
    u32 hole = u32(order - orders_);
    for (u32 i = (hole + 1) & mask_; orders_[i].reference; i = (i + 1) & mask_) {
        u32 home = hash(orders_[i].reference) & mask_;
        bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
        if (movable) {
            orders_[hole] = orders_[i];
            hole = i;
        }
    }
    orders_[hole] = Order{};
    --live_orders_;
}

// Levels are kept worst first, best last, and searched from the best: the
// action of a day is at and near the best price, so the search ends within a
// few predictable steps and an insert or removal moves only the few levels
// above it. (A binary search measured no faster: its branches mispredict.)
void Books::level_add(Book& b, u8 side, u32 price, i64 shares, i32 orders) {
    Level* levels = b.side[side];
    u32& n = b.levels[side];
    u32 lo = n;  // first level not worse than `price`
    while (lo > 0 && !better(side, price, levels[lo - 1].price)) --lo;
    if (lo < n && levels[lo].price == price) {
        levels[lo].shares = u64(i64(levels[lo].shares) + shares);
        levels[lo].orders = u32(i32(levels[lo].orders) + orders);
        record(side, levels[lo]);
        if (levels[lo].orders == 0) {
            for (u32 i = lo; i + 1 < n; ++i) levels[i] = levels[i + 1];
            --n;
        }
        return;
    }
    if (n == kLevelsPerSide) {  // the worst level falls off: counted
        ++counters_.levels_full;
        if (lo == 0) return;
        for (u32 i = 0; i + 1 < lo; ++i) levels[i] = levels[i + 1];
        levels[lo - 1] = {price, u32(orders), u64(shares)};
        record(side, levels[lo - 1]);
        return;
    }
    for (u32 i = n; i > lo; --i) levels[i] = levels[i - 1];
    levels[lo] = {price, u32(orders), u64(shares)};
    record(side, levels[lo]);
    ++n;
}

void Books::record(u8 side, const Level& level) {
    if (change_.levels < 2) change_.level[change_.levels++] = {side, level.price, level.shares, level.orders};
}

bool Books::add(u16 locate, u64 reference, u8 side, u32 shares, u32 price) {
    Book* b = book_for(locate, true);
    if (!b) {
        ++counters_.bad_locate;
        return false;
    }
    Order* slot = slot_of(reference);
    if (slot->reference == reference) {
        ++counters_.duplicate_order;
        return false;
    }
    if (live_orders_ + 1 > mask_) {  // keep one empty slot: every probe ends
        ++counters_.table_full;
        return false;
    }
    *slot = {reference, price, shares, locate, side};
    ++live_orders_;
    level_add(*b, side, price, shares, 1);
    return true;
}

void Books::reduce(Order* order, u32 shares, bool executed) {
    if (shares > order->shares) {
        ++counters_.over_execution;
        shares = order->shares;
    }
    Book* b = book_for(order->locate, false);
    bool gone = shares == order->shares;
    if (executed) {
        change_.executed = true;
        change_.executed_side = order->side;
        change_.executed_price = order->price;
        change_.executed_shares = shares;
    }
    level_add(*b, order->side, order->price, -i64(shares), gone ? -1 : 0);
    if (gone) erase(order);
    else order->shares -= shares;
}

i32 Books::apply(const u8* m, usize length) {
    (void)length;  // the ITCH layer has checked the length for the type
    u16 locate = be16(m + 1);
    change_.levels = 0;
    change_.executed = false;
    switch (m[0]) {
        case 'A':
        case 'F': {
            u8 side = m[19] == 'B' ? kBuy : m[19] == 'S' ? kSell : 2;
            if (side == 2) {
                ++counters_.bad_side;
                return -1;
            }
            if (!add(locate, be64(m + 11), side, be32(m + 20), be32(m + 32))) return -1;
            break;
        }
        case 'E':
        case 'C':
        case 'X':
        case 'D': {
            Order* o = slot_of(be64(m + 11));
            if (o->reference == 0) {
                ++counters_.unknown_order;
                return -1;
            }
            locate = o->locate;
            reduce(o, m[0] == 'D' ? o->shares : be32(m + 19), m[0] == 'E' || m[0] == 'C');
            break;
        }
        case 'U': {
            Order* o = slot_of(be64(m + 11));
            if (o->reference == 0) {
                ++counters_.unknown_order;
                return -1;
            }
            locate = o->locate;
            u8 side = o->side;
            reduce(o, o->shares, false);  // section 4.4.5: the new order keeps side and stock
            if (!add(locate, be64(m + 19), side, be32(m + 27), be32(m + 31))) return -1;
            break;
        }
        default:
            ++counters_.ignored;
            return -1;
    }
    ++counters_.applied;
    return locate;
}

u32 Books::depth(u16 locate, Side side, Level* out, u32 max) const {
    const Book* b = book_for(locate);
    if (!b) return 0;
    u32 levels = b->levels[side];
    u32 n = levels < max ? levels : max;
    for (u32 i = 0; i < n; ++i) out[i] = b->side[side][levels - 1 - i];
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
    for (u32 locate = 0; locate < kMaxLocates; ++locate) {
        const Book* b = book_for(u16(locate));
        if (!b) continue;
        for (u8 side = 0; side < 2; ++side) {
            for (u32 i = b->levels[side]; i-- > 0;) {  // best first
                const Level& l = b->side[side][i];
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
