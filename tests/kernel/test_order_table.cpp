// kernel/trade/order_table: open addressing with backward-shift deletion,
// against a plain array model, with keys chosen to collide.

#include "kernel/test/ktest.h"
#include "kernel/trade/order_entry.h"
#include "kernel/trade/order_table.h"

using namespace tk;

namespace {

constexpr u32 kMaxOpen = 64;
alignas(8) u8 g_memory[4096 * 2];
bool g_in[4096];

}  // namespace

TK_TEST(order_table, follows_a_model_through_inserts_and_erases) {
    trade::OrderTable t;
    TK_EXPECT(trade::OrderTable::memory_bytes(kMaxOpen) <= sizeof g_memory);
    t.init(g_memory, kMaxOpen);
    for (bool& b : g_in) b = false;
    u64 x = 0x9E3779B97F4A7C15ull;
    u32 open = 0;
    for (u32 step = 0; step < 20000; ++step) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift
        u32 key = 1 + u32(x % 4000);
        trade::OpenOrder* found = t.find(trade::OrderId{key});
        TK_EXPECT_EQ(found != nullptr, g_in[key]);
        if (found) {
            TK_EXPECT_EQ(found->id.value, key);
            TK_EXPECT_EQ(found->shares.value, u64(key) * 3);
            t.erase(found);
            g_in[key] = false;
            --open;
        } else if (open < kMaxOpen) {
            trade::OpenOrder* slot = t.insert(trade::OrderId{key});
            TK_EXPECT(slot != nullptr);
            if (!slot) return;
            slot->shares = Shares{u64(key) * 3};
            g_in[key] = true;
            ++open;
        } else {
            TK_EXPECT(t.insert(trade::OrderId{key}) == nullptr);  // full: the risk gate's limit
        }
        TK_EXPECT_EQ(t.size(), open);
    }
    u32 taken = 0;
    t.take_all([&](trade::OpenOrder& o) {
        TK_EXPECT(g_in[o.id.value]);
        ++taken;
    });
    TK_EXPECT_EQ(taken, open);
    TK_EXPECT_EQ(t.size(), 0u);
    TK_EXPECT(t.insert(trade::OrderId{0}) == nullptr);  // 0 is no order
}

// The id an order is filed under (order_id, which warm_next_order fetches
// the slot of) is the one its token reads back as (token_id), so an answer
// finds the order and the slot warmed is the slot taken.
TK_TEST(order_table, an_orders_id_is_its_tokens) {
    const u64 sequences[] = {0, 1, 42, 9'999'999'999ull};
    const u32 indexes[] = {0, 1, 9'999};
    for (u64 s : sequences)
        for (u32 i : indexes) {
            char token[14];
            TK_EXPECT(trade::make_token(Sequence{s}, i, token));
            TK_EXPECT_EQ(trade::token_id(token).value, trade::order_id(Sequence{s}, i).value);
        }
}
