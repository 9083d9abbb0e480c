#include "kernel/trade/trading_mode.h"

#include "kernel/lib/format.h"
#include "kernel/log/log.h"
#include "kernel/net/control.h"
#include "kernel/prof/stats.h"

namespace tk::trade {
namespace {

// orders=N levels=N on the command line replace the market-day capacity.
book::Capacity capacity_from(const CommandLine& cmdline) {
    book::Capacity c = book::kMarketDayCapacity;
    u64 value = 0;
    if (parse_u64(cmdline.value("orders"), value) && value > 0 && value < (1u << 30)) c.orders = u32(value);
    if (parse_u64(cmdline.value("levels"), value) && value > 0 && value < (1u << 30)) c.levels = u32(value);
    return c;
}

// `name`=<ip> from the command line, or `fallback` if absent; false (and
// said) if given but not a unicast IPv4 address.
bool address_option(const CommandLine& cmdline, const char* name, net::Ipv4Address fallback,
                    net::Ipv4Address& out) {
    StringView text = cmdline.value(name);
    out = text.empty() ? fallback : net::parse_ipv4(text);
    bool unicast = out != 0 && out != 0xFFFFFFFF && (out >> 28) != 0xE;
    if (!unicast) log::info("trade: %s=%.*s is not a unicast IPv4 address", name, int(text.length), text.data);
    return unicast;
}

void pad_session(StringView name, char (&out)[11]) {
    for (usize i = 0; i < 10; ++i) out[i] = i < name.length ? name.data[i] : ' ';
    out[10] = 0;
}

}  // namespace

bool parse_trading_options(const CommandLine& cmdline, net::Ipv4Address own_ip, TradingOptions& out) {
    EngineConfig& config = out.config;
    net::Ipv4Address gateway, rewinder;
    if (!address_option(cmdline, "gateway", (own_ip & 0xFFFFFF00) | 2, gateway) ||
        !address_option(cmdline, "rewinder", gateway, rewinder))
        return false;
    config.gateway = gateway;
    config.rewinder = {rewinder, net::port::kRewinder, config.feed_port};
    // feed-source=<addresses>: the publishers the feed is taken from, beside
    // the rewinder; without it, the rewinder alone; feed-source=any: anyone.
    StringView sources = cmdline.value("feed-source");
    if (!sources.equals("any")) {
        i32 n = net::parse_ipv4_list(sources, config.feed_sources.address, FeedSources::kMax);
        if (n < 0) {
            log::info("trade: feed-source=%.*s is not up to %u IPv4 addresses (or any)", int(sources.length),
                      sources.data, FeedSources::kMax);
            return false;
        }
        config.feed_sources.count = u32(n);
        if (n == 0) config.feed_sources = {{rewinder}, 1};
    }
    char listed[80];
    usize at = 0;
    for (u32 i = 0; i < config.feed_sources.count; ++i) {
        net::Ipv4Address a = config.feed_sources.address[i];
        at += format(listed + at, sizeof listed - at, "%s%u.%u.%u.%u", i ? "," : "", a >> 24, a >> 16 & 0xFF,
                     a >> 8 & 0xFF, a & 0xFF);
    }
    log::record("feed-sources", "from=%s rewinder=%u.%u.%u.%u", config.feed_sources.count ? listed : "any",
                rewinder >> 24, rewinder >> 16 & 0xFF, rewinder >> 8 & 0xFF, rewinder & 0xFF);
    config.capacity = capacity_from(cmdline);
    // session=<name>: the MoldUDP64 session to accept, and no other. It is
    // required: a receiver that learns its session from the feed can be
    // switched by another session's packet before the first delivery, and
    // forgets what it knew of the real one (moldudp64.h).
    StringView session = cmdline.value("session");
    if (session.length < 1 || session.length > 10) {
        log::info("trade: session=<the MoldUDP64 session, 1-10 characters> is required");
        return false;
    }
    pad_session(session, out.session);
    log::record("feed-session", "expected=%.*s", int(session.length), out.session);
    // order-session=<name>: the session of the venue's answers. Without it,
    // the first the gateway sends with messages in it (only the gateway's
    // address is listened to, kernel/trade/order_session.h).
    StringView answers = cmdline.value("order-session");
    if (answers.length > 10) {
        log::info("trade: order-session= is at most 10 characters");
        return false;
    }
    if (!answers.empty()) pad_session(answers, out.order_session);
    // gateway-mac=<mac>: the gateway's address as configured (the router's,
    // if the gateway is off our subnet), never from ARP (which a host on the
    // segment can answer first at start-up).
    StringView configured_mac = cmdline.value("gateway-mac");
    out.gateway_mac_configured = net::parse_mac(configured_mac, out.gateway_mac);
    out.order_times = cmdline.has_flag("order-times");
    if (!out.gateway_mac_configured && !configured_mac.empty()) {
        log::info("trade: gateway-mac=%.*s is not a MAC address (aa:bb:cc:dd:ee:ff)", int(configured_mac.length),
                  configured_mac.data);
        return false;
    }
    return true;
}

void apply_trading_options(Engine& engine, net::NetStack& stack, const TradingOptions& options) {
    engine.pipeline.receiver().expect_session(options.session);
    if (options.order_session[0]) engine.answers.receiver().expect_session(options.order_session);
    if (options.gateway_mac_configured) {
        stack.add_neighbor(stack.next_hop(options.config.gateway), options.gateway_mac);
        const u8* m = options.gateway_mac.bytes;
        log::record("gateway", "mac=%02x:%02x:%02x:%02x:%02x:%02x source=configured", m[0], m[1], m[2], m[3], m[4],
                    m[5]);
    }
}

usize status_line(const Engine& engine, char* out, usize capacity) {
    const mold::Receiver& rx = engine.pipeline.receiver();
    return format(out, capacity,
                  "@tk status next=%lu messages=%lu orders=%lu gaps=%lu requests=%lu ended=%d answers-next=%lu",
                  (unsigned long)rx.next_sequence().value, (unsigned long)engine.pipeline.counters().messages,
                  (unsigned long)engine.entry.counters.orders, (unsigned long)rx.counters().gaps,
                  (unsigned long)rx.counters().retransmission_requests, rx.session_ended(),
                  (unsigned long)engine.answers.receiver().next_sequence().value);
}

void log_trading_report(const Engine& engine, TradingSpans& spans, const char* platform) {
    const mold::Receiver& feed = engine.pipeline.receiver();
    engine.log_records();
    char next[40];
    format(next, sizeof next, "next=%lu", (unsigned long)feed.next_sequence().value);
    log::counters("feed-counters", mold::counter_names(), reinterpret_cast<const u64*>(&feed.counters()),
                  sizeof(mold::Counters) / sizeof(u64), next);
    // The MoldUDP64 receiver of the venue's answers (kernel/trade/order_session.h).
    const mold::Receiver& answers = engine.answers.receiver();
    format(next, sizeof next, "next=%lu", (unsigned long)answers.next_sequence().value);
    log::counters("answer-counters", mold::counter_names(), reinterpret_cast<const u64*>(&answers.counters()),
                  sizeof(mold::Counters) / sizeof(u64), next);
    Spans* kept[] = {&spans.ring_to_doorbell, &spans.per_message};
    const char* names[] = {"ring_to_doorbell", "feed_per_message"};
    for (usize i = 0; i < 2; ++i) {
        usize n = kept[i]->count < Spans::kSamples ? kept[i]->count : Spans::kSamples;
        prof::report(names[i], platform, "tsc-ticks", prof::summarize(kept[i]->samples, n));
    }
    const OrderTimes& times = spans.order_times;
    if (!times.enabled) return;
    usize kept_times = times.count < OrderTimes::kSamples ? times.count : OrderTimes::kSamples;
    for (usize i = 0; i < kept_times; ++i)
        log::record("order-sent", "trigger=%lu tsc=%lu", (unsigned long)times.trigger[i].value,
                    (unsigned long)times.sent_tsc[i]);
    log::record("order-times", "frames=%lu kept=%lu", (unsigned long)times.count, (unsigned long)kept_times);
}

}  // namespace tk::trade
