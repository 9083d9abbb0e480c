#include "kernel/trade/engine.h"

namespace tk::trade {

void Engine::init(net::NetStack* net, const EngineConfig& config) {
    books.init(orders_, kOrders, storage_, kBooks);
    entry = Orders{};
    entry.net = net;
    entry.books = &books;
    entry.gateway = config.gateway;
    entry.gateway_port = config.gateway_port;
    entry.local_port = config.local_port;
    entry.risk.init(config.limits);
    strategy = SpreadTakerState{};
    strategy.max_spread = config.max_spread;
    strategy.shares = config.shares;
    pipeline.init(&books, Strategy{&strategy, nullptr, nullptr, spread_taker_on_bbo}, &entry, net, config.rewinder);
}

}  // namespace tk::trade
