#include "kernel/trade/pipeline.h"

#include "kernel/feed/itch.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/log/log.h"
#include "kernel/net/wire.h"
#include "tk/tsc.h"

namespace tk::trade {

using net::load_be16, net::load_be32, net::load_be64;
namespace at = itch::at;

void Pipeline::init(book::Books* books, Strategy strategy, MarketState* market, Orders* orders,
                    net::NetStack* net, const RewinderAddress& rewinder, const FeedSources& sources) {
    books_ = books;
    market_ = market;
    sources_ = sources;
    strategy_ = strategy;
    orders_ = orders;
    net_ = net;
    rewinder_ = rewinder;
    receiver_.init(Sequence{1}, on_message, on_request, this);
    counters_ = {};
}

void Pipeline::on_message(void* self_ptr, Sequence sequence, const u8* m, u16 length) {
    auto* self = static_cast<Pipeline*>(self_ptr);
    ++self->counters_.messages;
    bool stale = self->receiver_.behind();
    MarketState& market = *self->market_;
    if (stale != market.feed_stale) self->tell_feed(sequence);
    self->counters_.stale_messages += stale;
    if (itch::check(m, length) != itch::DecodeStatus::Ok) {
        ++self->counters_.rejected_messages;
        return;
    }
    // Orders sent from here on name this message in their token.
    market.trigger_sequence = sequence;
    Locate locate{load_be16(m + at::kStockLocate)};
    // Beyond the books' locates there is no symbol state either: the books
    // count an order message for such a locate; a trade on it is dropped.
    if (locate.value >= market.locates && (m[0] == 'P' || m[0] == 'Q')) {
        ++self->counters_.trades_out_of_range;
        return;
    }
    switch (m[0]) {
        case 'R':  // Stock Directory (ITCH 5.0 section 4.2.1)
            set_symbol(&market, locate, m + at::stock_directory::kStock);
            return;
        case 'P': {  // Trade, non-cross (4.5.1)
            namespace t = at::trade;
            self->on_trade({locate, char(m[t::kSide]), Price{load_be32(m + t::kPrice)},
                            Shares{load_be32(m + t::kShares)}, load_be64(m + t::kMatch), sequence},
                           true);
            return;
        }
        case 'Q': {  // Cross Trade (4.5.2): 8-byte shares
            namespace q = at::cross;
            self->on_trade({locate, ' ', Price{load_be32(m + q::kPrice)}, Shares{load_be64(m + q::kShares)},
                            load_be64(m + q::kMatch), sequence},
                           true);
            return;
        }
        default:
            break;
    }
    self->on_book_message(sequence, m, length);
}

// Any other message (the books count what they do not apply): the books
// first, then the strategy.
[[gnu::always_inline]] inline void Pipeline::on_book_message(Sequence sequence, const u8* m, u16 length) {
    i32 touched = books_->apply(m, length);
    const book::Change& c = books_->last_change();
    // Trust changes are rare; the symbol's flag is set before any callback
    // runs, so order entry already refuses (or accepts) orders on it.
    for (u32 i = 0; i < c.status_changes; ++i)
        market_->symbols[c.status_locate[i].value].book_untrusted = !books_->trusted(c.status_locate[i]);
    if (touched >= 0) tell_strategy(Locate{u16(touched)}, sequence, m);
    for (u32 i = 0; i < c.status_changes; ++i) tell_status(c.status_locate[i], c.status_trusted[i], sequence);
}

void Pipeline::deliver_book_message(Sequence sequence, const u8* m, u16 length) {
    ++counters_.messages;
    market_->trigger_sequence = sequence;
    on_book_message(sequence, m, length);
}

// A book's trust changed: counted, kept for the log, and the strategy told.
// Nothing is written here: a console line costs milliseconds on a real serial
// port and the trading core must not wait on it, so the first
// kKeptStatusChanges are kept and log_status_changes() writes them later.
void Pipeline::tell_status(Locate locate, bool trusted, Sequence sequence) {
    BookStatus status{locate, trusted, books_->orphans(locate), books_->lost(locate), sequence};
    u64 n = ++counters_.book_status_changes;
    if (n <= kKeptStatusChanges) status_log_[n - 1] = {locate, trusted, sequence};
    if (strategy_.on_status) strategy_.on_status(strategy_.state, &status, &market_->symbols[locate.value], orders_);
}

// The feed fell behind or caught up at `next_sequence`, the first message
// delivered in the new state: order entry is told before the strategy, and
// the period kept for the log.
void Pipeline::tell_feed(Sequence next_sequence) {
    bool stale = !market_->feed_stale;
    market_->feed_stale = stale;
    if (stale) {
        u64 n = ++counters_.stale_periods;
        if (n <= kKeptStalePeriods) stale_log_[n - 1] = {next_sequence, Sequence{0}};
    } else if (counters_.stale_periods <= kKeptStalePeriods) {
        stale_log_[counters_.stale_periods - 1].to = next_sequence;
    }
    FeedStatus status{stale, next_sequence, receiver_.known_end()};
    if (journal::Ring* j = orders_->journal) {
        // FeedBehind: next sequence, known end (u64 each); FeedCaughtUp: next sequence.
        u64 payload[2] = {next_sequence.value, status.known_end.value};
        j->append(stale ? journal::RecordType::FeedBehind : journal::RecordType::FeedCaughtUp, rdtsc(), payload,
                  stale ? 16 : 8);
    }
    if (strategy_.on_feed) strategy_.on_feed(strategy_.state, &status, orders_);
}

void Pipeline::log_stale_periods() const {
    u64 n = counters_.stale_periods;
    u32 kept = n < kKeptStalePeriods ? u32(n) : kKeptStalePeriods;
    for (u32 i = 0; i < kept; ++i)
        log::record("feed-stale", "from=%lu to=%lu", (unsigned long)stale_log_[i].from.value,
                    (unsigned long)stale_log_[i].to.value);
    log::record("feed-stale-summary", "periods=%lu logged=%u messages=%lu stale-now=%d", (unsigned long)n, kept,
                (unsigned long)counters_.stale_messages, market_->feed_stale);
}

void Pipeline::log_status_changes() const {
    u64 n = counters_.book_status_changes;
    u32 kept = n < kKeptStatusChanges ? u32(n) : kKeptStatusChanges;
    for (u32 i = 0; i < kept; ++i)
        log::record("book-status", "locate=%u trusted=%d sequence=%lu", status_log_[i].locate.value,
                    status_log_[i].trusted, (unsigned long)status_log_[i].sequence.value);
    log::record("book-status-summary", "changes=%lu logged=%u untrusted-now=%u", (unsigned long)n, kept,
                books_->untrusted_books());
}

void Pipeline::on_trade(const Trade& trade, bool counts_as_volume) {
    SymbolState& symbol = market_->symbols[trade.locate.value];
    if (counts_as_volume) symbol.volume += trade.shares;
    symbol.last_price = trade.price;
    ++counters_.trades;
    if (strategy_.on_trade) strategy_.on_trade(strategy_.state, &trade, &symbol, orders_);
}

// After a book message `m`: the execution it reports (Order Executed E at the
// order's price; C at its own Execution Price, counted as volume only if
// Printable), the levels it changed, then the BBO.
void Pipeline::tell_strategy(Locate locate, Sequence sequence, const u8* m) {
    const book::Change& c = books_->last_change();
    if (c.executed) {
        bool with_price = m[0] == 'C';
        char side = c.executed_side == book::kBuy ? 'B' : c.executed_side == book::kSell ? 'S' : ' ';
        namespace e = at::executed;
        Price price = with_price ? Price{load_be32(m + e::kPrice)} : c.executed_price;
        Trade trade{locate, side, price, c.executed_shares, load_be64(m + e::kMatch), sequence};
        on_trade(trade, !with_price || m[e::kPrintable] == 'Y');
    }
    if (strategy_.on_book) {
        for (u32 i = 0; i < c.levels; ++i) {
            const book::LevelChange& l = c.level[i];
            BookChange change{locate, l.side == book::kBuy ? 'B' : 'S', l.price, l.shares, l.orders, sequence};
            strategy_.on_book(strategy_.state, &change, &market_->symbols[locate.value], orders_);
        }
    }
    tell_strategy_if_bbo_changed(locate, sequence);
}

void Pipeline::tell_strategy_if_bbo_changed(Locate locate, Sequence sequence) {
    book::Level bid, ask;
    Bbo now{locate, Price{0}, Shares{0}, Price{0}, Shares{0}, sequence};
    if (books_->depth(locate, book::kBuy, &bid, 1)) now.bid_price = bid.price, now.bid_shares = bid.shares;
    if (books_->depth(locate, book::kSell, &ask, 1)) now.ask_price = ask.price, now.ask_shares = ask.shares;
    SymbolState& symbol = market_->symbols[locate.value];
    Bbo& last = symbol.bbo;
    if (now.bid_price == last.bid_price && now.bid_shares == last.bid_shares &&
        now.ask_price == last.ask_price && now.ask_shares == last.ask_shares)
        return;
    last = now;
    ++counters_.bbo_changes;
    if (strategy_.on_bbo) strategy_.on_bbo(strategy_.state, &now, &symbol, orders_);
}

// MoldUDP64 1.00, Request Packet: the downstream header's layout -- Session,
// Sequence Number of the first message wanted, Message Count -- sent alone.
void Pipeline::on_request(void* self_ptr, const char* session, Sequence first, u16 count) {
    auto* self = static_cast<Pipeline*>(self_ptr);
    const RewinderAddress& r = self->rewinder_;
    u8 request[mold::kHeader];
    mold::encode_request(session, first, count, request);
    if (r.ip && self->net_->send_udp(r.ip, r.port, r.local_port, request, sizeof request))
        ++self->counters_.requests_sent;
    else
        ++self->counters_.requests_unsent;
}

}  // namespace tk::trade
