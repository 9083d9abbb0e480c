// Tick to trade, in software: a MoldUDP64 datagram of ITCH 5.0 messages in,
// order books updated, the strategy told of best-bid-and-offer changes, its
// orders checked by the risk gate and sent as OUCH 4.2 over UDP. Gaps in the
// feed are recovered by retransmission requests to the rewinder; nothing
// after a gap reaches the books or the strategy until it is filled, and from
// the moment a gap is seen until the feed has caught up, the strategy is told
// the feed is stale and order entry refuses every order.
#pragma once

#include "kernel/book/order_book.h"
#include "kernel/feed/moldudp64.h"
#include "kernel/net/stack.h"
#include "kernel/trade/market_state.h"
#include "kernel/trade/order_entry.h"
#include "kernel/trade/strategy.h"

namespace tk::trade {

// One list, so the struct, the kernel's record and the host's names agree:
//   messages              ITCH messages delivered in sequence
//   rejected_messages     of them, malformed (type or length): skipped
//   requests_sent/unsent  retransmission requests to the rewinder
//   trades_out_of_range   P or Q naming a locate beyond the books': dropped
//   foreign_source        feed datagrams from no configured source: dropped
//   stale_periods         times the feed fell behind
//   stale_messages        messages delivered while it was behind
#define TK_PIPELINE_COUNTERS(X)                                                                   \
    X(messages) X(rejected_messages) X(trades) X(bbo_changes) X(book_status_changes)              \
    X(trades_out_of_range) X(requests_sent) X(requests_unsent) X(foreign_source) X(stale_periods) \
    X(stale_messages)

struct PipelineCounters {
#define TK_PIPELINE_COUNTER_FIELD(name) u64 name;
    TK_PIPELINE_COUNTERS(TK_PIPELINE_COUNTER_FIELD)
#undef TK_PIPELINE_COUNTER_FIELD
};

// Where MoldUDP64 retransmission requests go; the rewinder answers to the
// request's source port, which is the feed port, so answers enter the same
// receiver. An address of 0: gaps are detected and counted, never filled.
struct RewinderAddress {
    net::Ipv4Address ip;
    u16 port;
    u16 local_port;
};

// Who may send the feed: the configured publishers and the rewinder (its
// answers come to the feed port). MoldUDP64 carries no authentication, so a
// datagram from any other address is dropped and counted before the
// receiver reads it: heartbeats or messages forged from elsewhere cannot
// make the feed stale, draw requests or reach the books. A forger who spoofs
// a publisher's address is not stopped here; that takes the network (port
// security, source-specific multicast).
struct FeedSources {
    static constexpr u32 kMax = 4;
    net::Ipv4Address address[kMax];
    u32 count;  // 0: any source (feed-source=any)
};

class Pipeline {
public:
    static constexpr u32 kKeptStatusChanges = 64;
    // A day with loss has thousands of gaps; the first this many periods
    // behind are kept, so a test can model which orders were refused.
    static constexpr u32 kKeptStalePeriods = 1024;

    // Writes `market`; hands `orders` (order entry) to the strategy.
    void init(book::Books* books, Strategy strategy, MarketState* market, Orders* orders, net::NetStack* net,
              const RewinderAddress& rewinder, const FeedSources& sources);
    void set_strategy(Strategy strategy) { strategy_ = strategy; }
    const Strategy& strategy() const { return strategy_; }

    // A datagram to the feed port: from a feed source, its payload is a
    // MoldUDP64 packet.
    void on_feed_udp(const net::UdpDatagram& d) {
        if (!from_feed_source(d.source)) {
            ++counters_.foreign_source;
            return;
        }
        on_feed_datagram(d.payload.data, d.payload.length);
    }

    // One MoldUDP64 packet (a UDP payload), its source already checked.
    void on_feed_datagram(const u8* payload, usize length) {
        receiver_.receive(payload, length);
        if (receiver_.behind() != market_->feed_stale) tell_feed(receiver_.next_sequence());
    }

    // One ITCH message already in sequence, as the MoldUDP64 receiver delivers
    // it: for replaying a recorded day without the network.
    void on_itch_message(Sequence sequence, const u8* message, u16 length) {
        on_message(this, sequence, message, length);
    }

    // Whether a datagram from `source` is taken (feed-source= and the rewinder).
    bool from_feed_source(net::Ipv4Address source) const {
        if (sources_.count == 0 || source == rewinder_.ip) return true;
        for (u32 i = 0; i < sources_.count; ++i)
            if (sources_.address[i] == source) return true;
        return false;
    }

    // For the trading fast path (kernel/trade/fastpath.cpp): one book
    // message (A F E C X D U) that itch::check() passed, delivered in
    // sequence while the feed is not behind -- what on_message() does with
    // it then.
    void deliver_book_message(Sequence sequence, const u8* message, u16 length);

    mold::Receiver& receiver() { return receiver_; }
    const mold::Receiver& receiver() const { return receiver_; }
    const PipelineCounters& counters() const { return counters_; }

    // "@tk book-status locate=.. trusted=.. sequence=.." for each of the first
    // kKeptStatusChanges changes of book trust, then "@tk book-status-summary".
    void log_status_changes() const;
    // "@tk feed-stale from=.. to=.." for each of the first kKeptStalePeriods
    // periods behind (messages from..to-1 delivered stale; to=0: still
    // behind), then "@tk feed-stale-summary".
    void log_stale_periods() const;

private:
    static void on_message(void* self, Sequence sequence, const u8* message, u16 length);
    static void on_request(void* self, const char* session, Sequence first, u16 count);
    void on_book_message(Sequence sequence, const u8* message, u16 length);
    void on_trade(const Trade& trade, bool counts_as_volume);
    void tell_strategy(Locate locate, Sequence sequence, const u8* message);
    void tell_strategy_if_bbo_changed(Locate locate, Sequence sequence);
    void tell_status(Locate locate, bool trusted, Sequence sequence);
    [[gnu::cold, gnu::noinline]] void tell_feed(Sequence next_sequence);

    book::Books* books_ = nullptr;
    Strategy strategy_{};
    MarketState* market_ = nullptr;
    Orders* orders_ = nullptr;
    net::NetStack* net_ = nullptr;
    RewinderAddress rewinder_{};
    FeedSources sources_{};
    mold::Receiver receiver_;
    PipelineCounters counters_{};
    struct StatusChange {
        Locate locate;
        bool trusted;
        Sequence sequence;
    };
    StatusChange status_log_[kKeptStatusChanges]{};
    struct StalePeriod {
        Sequence from, to;
    };
    StalePeriod stale_log_[kKeptStalePeriods]{};
};

}  // namespace tk::trade
