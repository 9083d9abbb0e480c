// C ABI over the OUCH encoder and risk gate for Python tests (test_ouch.py).

#include "platform/hosted/capi/tk_capi.h"

#include <cstring>

#include "kernel/trade/order_entry.h"
#include "kernel/trade/ouch.h"

using namespace tk;

namespace {
ouch::RiskGate g_gate;
}

extern "C" {

usize tk_ouch_enter(const char* token, char side, u32 shares, const char* stock, u32 price,
                    u32 time_in_force, const char* firm, u8* out) {
    ouch::EnterOrder o{};
    std::strncpy(o.token, token, sizeof o.token);
    o.side = side;
    o.shares = shares;
    std::strncpy(o.stock, stock, sizeof o.stock);
    o.price = Price{price};
    o.time_in_force = time_in_force;
    std::strncpy(o.firm, firm, sizeof o.firm);
    o.display = 'Y';
    o.capacity = 'P';
    o.intermarket_sweep = 'N';
    o.cross_type = 'N';
    o.customer_type = ' ';
    return ouch::encode_enter_order(o, out);
}

// `token`: its 14 bytes as they are, a NUL and what follows it included.
usize tk_ouch_cancel(const char* token, u32 shares, u8* out) {
    char t[14];
    std::memcpy(t, token, sizeof t);
    return ouch::encode_cancel_order(t, shares, out);
}

// The limits in RiskLimits order; `ticks_per_second` for the rate (0: none).
void tk_risk_init(u32 max_shares, i64 max_position, u32 collar_bps, u64 max_order_notional,
                  u64 max_session_notional, u32 max_orders_per_second, u32 max_open_orders, u64 ticks_per_second) {
    g_gate.init({max_shares, max_position, collar_bps, max_order_notional, max_session_notional,
                 max_orders_per_second, max_open_orders},
                ticks_per_second);
}
void tk_risk_kill() { g_gate.kill(); }
// The Order Token for (sequence, index) into out[14]; 0 when none is left.
int tk_order_token(u64 sequence, u32 index, char* out) { return trade::make_token(Sequence{sequence}, index, out); }
// check, then book the order as sent when it passed.
int tk_risk_check(char side, u32 shares, u32 price, i64 position, u32 reference, u64 now) {
    if (!g_gate.check(side, Shares{shares}, Price{price}, position, Price{reference}, Ticks{now})) return 0;
    g_gate.book(Shares{shares}, Price{price}, Ticks{now});
    return 1;
}
void tk_risk_order_done() { g_gate.order_done(); }
const char* tk_risk_counter_names() { return ouch::risk_counter_names(); }
void tk_risk_counters(u64* out) {
    ouch::RiskCounters c = g_gate.counters();
    std::memcpy(out, &c, sizeof c);
}

}  // extern "C"
