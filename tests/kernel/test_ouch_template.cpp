// kernel/trade/ouch: the trading path's Enter Order encoder
// (EnterOrderTemplate) against encode_enter_order, the reference, over
// random orders: every Alpha field ending at each of its bytes, every side,
// share counts and prices to their limits.

#include "kernel/test/ktest.h"
#include "kernel/trade/ouch.h"

using namespace tk;

namespace {

u64 g_x = 0x2545F4914F6CDD1Dull;
u64 next_random() {
    g_x ^= g_x << 13, g_x ^= g_x >> 7, g_x ^= g_x << 17;  // xorshift
    return g_x;
}

// `width` printable characters, cut by a NUL at a random place (or none).
void random_alpha(char* out, usize width) {
    usize nul = next_random() % (width + 1);
    for (usize i = 0; i < width; ++i) out[i] = i == nul ? '\0' : char('!' + next_random() % 94);
}

}  // namespace

TK_TEST(ouch, the_enter_order_template_writes_what_encode_enter_order_writes) {
    const char sides[] = {'B', 'S', 'T', 'E'};
    const u32 extremes[] = {0, 1, 0x7FFFFFFF, 0xFFFFFFFF};
    for (u32 round = 0; round < 2000; ++round) {
        ouch::EnterOrder order{};
        random_alpha(order.firm, 4);
        order.display = char('A' + next_random() % 26);
        order.capacity = char('A' + next_random() % 26);
        order.intermarket_sweep = next_random() % 2 ? 'Y' : 'N';
        order.minimum_quantity = u32(next_random());
        order.cross_type = char('A' + next_random() % 26);
        order.customer_type = char(' ' + next_random() % 64);
        ouch::EnterOrderTemplate fast;
        fast.prepare(order);  // its own token, side, shares, stock, price and TIF are written over

        for (char& c : order.token) c = char('0' + next_random() % 10);
        order.side = sides[next_random() % 4];
        order.shares = round % 8 < 4 ? extremes[round % 4] : u32(next_random());
        random_alpha(order.stock, 8);
        order.price = Price{round % 8 >= 4 ? extremes[round % 4] : u32(next_random())};
        order.time_in_force = round % 3 == 0 ? 0 : round % 3 == 1 ? 99999 : u32(next_random());

        u8 expected[ouch::kEnterOrderLength], written[ouch::kEnterOrderLength + 1];
        TK_EXPECT_EQ(ouch::encode_enter_order(order, expected), ouch::kEnterOrderLength);
        written[ouch::kEnterOrderLength] = 0xA5;  // not written past the message
        fast.write(written, order.token, order.side, order.shares, order.stock, order.price, order.time_in_force);
        usize differ = ouch::kEnterOrderLength;
        for (usize i = 0; i < ouch::kEnterOrderLength && differ == ouch::kEnterOrderLength; ++i)
            if (written[i] != expected[i]) differ = i;
        TK_EXPECT_EQ(differ, ouch::kEnterOrderLength);  // the first byte that differs, if one does
        TK_EXPECT_EQ(written[ouch::kEnterOrderLength], 0xA5);
    }
}
