// libFuzzer: ITCH 5.0 messages into the order books (kernel/book/order_book.cpp)
// at a small capacity -- 48 orders, 24 levels, books for 4 locates -- so the
// table and the level pool fill. Each record is a message; one that fails
// itch::check is dropped, as the pipeline drops it. Locates are folded to
// 0-4 (4 has no book) and order references to 0-63, so messages meet each
// other's orders. After every message the books must agree with
// themselves: each side strictly ordered, no empty level, and the levels'
// orders plus the orphans equal to the live orders.

#include <cstdio>

#include "kernel/book/order_book.h"
#include "kernel/feed/itch.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/net/wire.h"
#include "tests/fuzz/fuzz_input.h"

using namespace tk;

namespace {

constexpr u16 kLocates = 4;
constexpr u64 kReferences = 64;
constexpr book::Capacity kCapacity{48, 24, kLocates};

void fold(u8* message, const itch::Field& f) {
    if (f.offset == itch::at::kStockLocate) {
        net::store_be16(message + f.offset, u16(net::load_be16(message + f.offset) % (kLocates + 1)));
        return;
    }
    bool reference = f.width == 8 && f.kind == itch::FieldKind::Integer && f.name[0] != 'm';  // not match_number
    if (!reference) return;
    net::store_be64(message + f.offset, net::load_be64(message + f.offset) % kReferences);
}

void check_books(const book::Books& books) {
    book::Level levels[kCapacity.levels + 1];
    u64 orders_on_levels = 0, orphans = 0, level_count = 0;
    for (u16 locate = 0; locate <= kLocates; ++locate) {  // kLocates: no book, always empty
        orphans += books.orphans(Locate{locate});
        for (book::Side side : {book::kBuy, book::kSell}) {
            u32 n = books.depth(Locate{locate}, side, levels, kCapacity.levels + 1);
            TK_FUZZ_ASSERT(n <= kCapacity.levels);
            for (u32 i = 0; i < n; ++i) {
                TK_FUZZ_ASSERT(levels[i].orders > 0 && levels[i].shares > Shares{0} && levels[i].price > Price{0});
                if (i) TK_FUZZ_ASSERT(side == book::kBuy ? levels[i].price < levels[i - 1].price
                                                        : levels[i].price > levels[i - 1].price);
                orders_on_levels += levels[i].orders;
            }
            level_count += n;
        }
    }
    TK_FUZZ_ASSERT(level_count == books.live_levels());
    TK_FUZZ_ASSERT(orders_on_levels + orphans == books.live_orders());
    TK_FUZZ_ASSERT(books.live_orders() <= kCapacity.orders);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const u64 bytes = book::Books::memory_bytes(kCapacity);
    static u8* memory = static_cast<u8*>(std::aligned_alloc(64, (bytes + 63) & ~u64(63)));
    static book::Books* books = new book::Books;
    books->init(memory, kCapacity);
    fuzz::Records records(data, size);
    std::unique_ptr<uint8_t[]> message;
    size_t length = 0;
    while (records.next(message, length, 64)) {
        if (itch::check(message.get(), length) != itch::DecodeStatus::Ok) continue;
        const itch::Layout* layout = itch::layout_of(char(message[0]));
        for (u8 i = 0; i < layout->field_count; ++i) fold(message.get(), layout->fields[i]);
        books->apply(message.get(), length);
        check_books(*books);
    }
    return 0;
}
