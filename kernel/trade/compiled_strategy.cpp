// The compiled strategy's ABI and report (declared in compiled_strategy.h).
#include "kernel/trade/compiled_strategy.h"

#include "kernel/log/log.h"

namespace tk::trade {

void compiled_fault_name(const CompiledStrategy& s, char* out, usize capacity) {
    const char* p = s.fault_names;
    for (u32 i = 0; i < s.fault->code && *p; ++p)
        if (*p == ',') ++i;
    usize n = 0;
    while (p[n] && p[n] != ',' && n + 1 < capacity) {
        out[n] = p[n];
        ++n;
    }
    out[n] = 0;
}

void log_compiled_strategy(const CompiledStrategy& s) {
    char fault[24];
    compiled_fault_name(s, fault, sizeof fault);
    log::record("strategy", "source=%s digest=%s fault=%s line=%u skipped=%lu", s.source, s.digest, fault,
                s.fault->line, (unsigned long)s.fault->skipped);
}

}  // namespace tk::trade

using namespace tk;

// The compiler lets only IOC and DAY through (a constant), so the cast
// names a TimeInForce.
extern "C" u64 tk_strategy_send_order(trade::Orders* orders, u16 locate, u8 side, u64 shares, u32 price,
                                      u32 time_in_force) {
    return trade::send_order(orders, Locate{locate}, char(side), Shares{shares}, Price{price},
                             trade::TimeInForce(time_in_force))
        .value;
}

extern "C" u8 tk_strategy_cancel_order(trade::Orders* orders, u64 order) {
    return trade::cancel_order(orders, trade::OrderId{order}) ? 1 : 0;
}

extern "C" i64 tk_strategy_position(trade::Orders* orders, u16 locate) {
    const trade::Position* p = trade::position(orders, Locate{locate});
    return p ? p->net : 0;
}
