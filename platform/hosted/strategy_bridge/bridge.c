/* The strategy ABI (kernel/trade/compiled_strategy.h) routed to Python, so
 * that a compiled strategy runs in the same backtest engine as its Python
 * run (tradekernel/strategy/hosted.py links this beside the object). */
#include <stdint.h>

typedef uint64_t (*send_order_fn)(uint16_t locate, uint8_t side, uint64_t shares, uint32_t price,
                                  uint32_t time_in_force);
typedef uint8_t (*cancel_order_fn)(uint64_t order);
typedef int64_t (*position_fn)(uint16_t locate);

send_order_fn tk_bridge_send_order;
cancel_order_fn tk_bridge_cancel_order;
position_fn tk_bridge_position;

uint64_t tk_strategy_send_order(void* orders, uint16_t locate, uint8_t side, uint64_t shares, uint32_t price,
                                uint32_t time_in_force) {
    (void)orders;
    return tk_bridge_send_order(locate, side, shares, price, time_in_force);
}

uint8_t tk_strategy_cancel_order(void* orders, uint64_t order) {
    (void)orders;
    return tk_bridge_cancel_order(order);
}

int64_t tk_strategy_position(void* orders, uint16_t locate) {
    (void)orders;
    return tk_bridge_position(locate);
}
