// The venue's answers applied to our orders (declared in order_entry.h). The
// answers arrive in the venue's sequence, each once (the order session's
// MoldUDP64 receiver drops duplicates and asks for what was lost), so each
// is applied as it comes. Order of events for one order (OUCH 4.2, section
// 3): Accepted, then Executed any number of times and Canceled, until no
// share is open; or Rejected alone; or Accepted with Order State 'D' (dead:
// accepted and cancelled at once) alone.
#include "kernel/trade/order_entry.h"

namespace tk::trade {
namespace {

Shares at_most(Shares shares, Shares limit, u64& inconsistent) {
    if (shares <= limit) return shares;
    ++inconsistent;
    return limit;
}

// Takes `shares` off the order's open shares and the side's open position.
void close(Orders* o, OpenOrder& order, Shares shares) {
    Position& held = o->positions[order.locate.value];
    Shares& open_side = ouch::is_buy(order.side) ? held.open_buy : held.open_sell;
    open_side = open_side >= shares ? open_side - shares : Shares{0};
    order.open -= shares;
    o->risk.close_shares(shares, order.price);
}

// `update` completed from the order as it is now.
void describe(OrderUpdate& update, const OpenOrder& order) {
    update.locate = order.locate;
    update.side = order.side;
    update.state = order.state;
    update.open = order.open;
    update.filled = order.filled;
}

void tell(Orders* o, const OrderUpdate& update) {
    if (o->strategy && o->strategy->on_order) o->strategy->on_order(o->strategy->state, &update, o);
}

// After an answer: a done order leaves the open figures and the table; the
// strategy is told.
void finish(Orders* o, OpenOrder* order, OrderUpdate& update) {
    describe(update, *order);
    if (is_done(order->state)) {
        o->risk.order_done();
        o->open.erase(order);
    }
    tell(o, update);
}

// System Event 'E', end of day: the venue has cancelled what rested (each
// with its Canceled before this), so an order still open here is one it
// never answered -- an Enter Order lost on the way, say. It is taken off the
// open figures, as cancelled with reason 'E', and counted. No order is sent
// from here on (rejected_day_closed), so a strategy told of one of these
// cannot add to the table while it is being emptied.
[[gnu::cold]] void end_of_day(Orders* o) {
    o->risk.close_day();
    o->open.take_all([o](OpenOrder& order) {
        ++o->counters.orders_unanswered;
        OrderUpdate update{};
        update.id = order.id;
        update.price = order.price;
        update.event = OrderEvent::Cancelled;
        update.shares = order.open;
        update.reason = 'E';
        close(o, order, order.open);
        order.state = OrderState::Cancelled;
        describe(update, order);
        o->risk.order_done();  // take_all erases it
        tell(o, update);
    });
}

}  // namespace

void apply_response(Orders* o, const ouch::Response& r) {
    using ouch::ResponseKind;
    OrderEntryCounters& c = o->counters;
    switch (r.kind) {
        case ResponseKind::Accepted:
        case ResponseKind::Executed:
        case ResponseKind::Canceled:
        case ResponseKind::Rejected:
            break;
        case ResponseKind::BrokenTrade:
            // The venue undid an execution: which order's, only its match
            // number says, and positions are no longer known. No new order
            // until someone looks: the kill switch, as tk-kill throws it.
            ++c.broken_trades;
            o->risk.kill();
            return;
        case ResponseKind::SystemEvent:
            ++c.other_answers;
            if (r.event == 'E') end_of_day(o);
            return;
        default:
            ++c.other_answers;
            return;
    }
    OpenOrder* order = o->open.find(token_id(r.token));
    if (!order) {
        ++c.unknown_order;
        return;
    }
    // An execution or a cancel of no shares says nothing: counted, not applied.
    if ((r.kind == ResponseKind::Executed || r.kind == ResponseKind::Canceled) && r.shares == Shares{0}) {
        ++c.inconsistent;
        return;
    }
    OrderUpdate update{};
    update.id = order->id;
    update.price = order->price;
    switch (r.kind) {
        case ResponseKind::Accepted:
            ++c.venue_accepted;
            if (order->state != OrderState::Pending) ++c.inconsistent;
            order->reference = r.reference;
            update.event = OrderEvent::Accepted;
            if (order->state == OrderState::Pending) order->state = OrderState::Live;
            if (r.order_state == 'D') {  // accepted and cancelled at once: nothing more follows
                update.event = OrderEvent::Cancelled;
                update.shares = order->open;
                close(o, *order, order->open);
                order->state = OrderState::Cancelled;
                ++c.orders_cancelled;
            }
            break;
        case ResponseKind::Executed: {
            ++c.venue_executions;
            if (order->state == OrderState::Pending) ++c.inconsistent;  // no Accepted first
            Shares shares = at_most(r.shares, order->open, c.inconsistent);
            Position& held = o->positions[order->locate.value];
            bool buy = ouch::is_buy(order->side);
            (buy ? held.bought : held.sold) += shares;
            held.net += buy ? i64(shares.value) : -i64(shares.value);
            close(o, *order, shares);
            order->filled += shares;
            order->state = order->open == Shares{0} ? OrderState::Filled : OrderState::PartlyFilled;
            if (order->state == OrderState::Filled) ++c.orders_filled;
            update.event = OrderEvent::Filled;
            update.shares = shares;
            update.price = r.price;
            break;
        }
        case ResponseKind::Canceled: {
            ++c.venue_cancels;
            Shares shares = at_most(r.shares, order->open, c.inconsistent);
            close(o, *order, shares);
            if (order->open == Shares{0}) {
                order->state = OrderState::Cancelled;
                ++c.orders_cancelled;
            } else {
                // A partial cancel ("reduce to"): the rest still works.
                order->cancel_sent = false;
            }
            update.event = OrderEvent::Cancelled;
            update.shares = shares;
            update.reason = r.reason;
            break;
        }
        default:  // Rejected
            ++c.venue_rejected;
            if (order->state != OrderState::Pending) ++c.inconsistent;
            close(o, *order, order->open);
            order->state = OrderState::Rejected;
            update.event = OrderEvent::Rejected;
            update.reason = r.reason;
            break;
    }
    finish(o, order, update);
}

}  // namespace tk::trade
