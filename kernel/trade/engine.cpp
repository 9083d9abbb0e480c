#include "kernel/trade/engine.h"

namespace tk::trade {

void Engine::init(net::NetStack* net, const EngineConfig& config) {
    books.init(orders_, kOrders, storage_, kBooks);
    // Cleared in place: `entry = Orders{}` may build its megabyte on the
    // stack first, and kernel stacks are 16-32 KiB. All-zero is its empty
    // state (plain data; the risk gate is set up below).
    __builtin_memset(static_cast<void*>(&entry), 0, sizeof entry);
    entry.net = net;
    entry.books = &books;
    entry.gateway = config.gateway;
    entry.gateway_port = config.gateway_port;
    entry.local_port = config.local_port;
    entry.risk.init(config.limits);
    __builtin_memset(static_cast<void*>(&strategy), 0, sizeof strategy);
    strategy.max_spread = config.max_spread;
    strategy.shares = config.shares;
    pipeline.init(&books, Strategy{&strategy, nullptr, nullptr, spread_taker_on_bbo}, &entry, net, config.rewinder);
}

}  // namespace tk::trade
