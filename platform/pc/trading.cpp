#include "platform/pc/trading.h"

#include "kernel/lib/format.h"
#include "kernel/log/log.h"
#include "kernel/mem/trading_guard.h"
#include "kernel/prof/stats.h"
#include "kernel/sched/scheduler.h"
#include "kernel/net/control.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "platform/pc/clock.h"
#include "platform/pc/journal.h"
#include "platform/pc/memory.h"
#include "platform/pc/net.h"
#include "tk/platform.h"
#include "tk/tsc.h"
#include "kernel/net/ports.h"

namespace tk::pc {
namespace {

trade::Engine g_engine;
trade::SpreadTakerState g_strategy;  // the sample strategy (kernel/trade/strategy.h)
constexpr u16 kMarketDataPort = net::port::kFeed;
constexpr u16 kRewinderPort = net::port::kRewinder;

// In-guest spans, in TSC ticks (instructions under QEMU -icount shift=0).
// The first kSamples of each are kept; the rest only counted.
constexpr usize kSamples = 4096;
struct Spans {
    u64 samples[kSamples];
    usize count;
    void add(u64 ticks) {
        if (count < kSamples) samples[count] = ticks;
        ++count;
    }
};
Spans g_tick_to_trade;   // frame found by the poll -> OUCH frame handed to the NIC
Spans g_per_message;     // a market-data frame's handling / its messages

// "@tk status next=.. messages=.. orders=.. gaps=.. requests=.. ended=..
// answers-next=..": lets the venue see progress, and when the session and
// its answers to our orders are complete.
void on_status(const net::UdpDatagram& request) {
    const mold::Receiver& rx = g_engine.pipeline.receiver();
    char line[192];
    usize n = format(line, sizeof line,
                     "@tk status next=%lu messages=%lu orders=%lu gaps=%lu requests=%lu ended=%d answers-next=%lu",
                     (unsigned long)rx.next_sequence().value, (unsigned long)g_engine.pipeline.counters().messages,
                     (unsigned long)g_engine.entry.counters.orders, (unsigned long)rx.counters().gaps,
                     (unsigned long)rx.counters().retransmission_requests, rx.session_ended(),
                     (unsigned long)g_engine.answers.receiver().next_sequence().value);
    stack().reply_udp(request, reinterpret_cast<const u8*>(line), n);
}

// "02:54:00:12:34:56" -> bytes; false if malformed.
bool parse_mac(StringView text, net::MacAddress& out) {
    if (text.length != 17) return false;
    for (usize i = 0; i < 6; ++i) {
        u32 byte = 0;
        for (usize j = 0; j < 2; ++j) {
            char c = text.data[i * 3 + j];
            u32 digit = c >= '0' && c <= '9' ? u32(c - '0') : c >= 'a' && c <= 'f' ? u32(c - 'a' + 10)
                        : c >= 'A' && c <= 'F' ? u32(c - 'A' + 10) : 16u;
            if (digit == 16) return false;
            byte = byte * 16 + digit;
        }
        if (i < 5 && text.data[i * 3 + 2] != ':') return false;
        out.bytes[i] = u8(byte);
    }
    return true;
}

// "tk-kill": every later order is refused by the risk gate (and counted);
// the final trade-counters record says the switch was thrown.
void on_kill() {
    g_engine.entry.risk.kill();
    if (journal::Ring* j = g_engine.entry.journal) j->append(journal::RecordType::KillSwitch, rdtsc(), nullptr, 0);
}

// Polls the NIC until the MAC address of `ip`'s next hop is known (ARP),
// asking once a second.
bool resolve(net::Ipv4Address destination) {
    net::Ipv4Address ip = stack().next_hop(destination);
    net::MacAddress mac;
    for (int attempt = 0; attempt < 20 && !stack().arp_lookup(ip, mac); ++attempt) {
        u8 probe = 0;
        stack().send_udp(destination, 9, 9, &probe, 1);  // sends the ARP request
        u64 until = rdtsc() + 1'000'000'000ull;
        net::NetworkPacket p;
        while (rdtsc() < until && !stack().arp_lookup(ip, mac)) {
            if (nic().receive_packet(p)) {
                stack().receive(p.data, p.length);
                nic().release(p);
            }
        }
    }
    return stack().arp_lookup(ip, mac);
}

void report() {
    const mold::Counters& m = g_engine.pipeline.receiver().counters();
    g_engine.log_records();
    char next[40];
    format(next, sizeof next, "next=%lu", (unsigned long)g_engine.pipeline.receiver().next_sequence().value);
    log::counters("feed-counters", mold::counter_names(), reinterpret_cast<const u64*>(&m),
                  sizeof(mold::Counters) / sizeof(u64), next);
    // The MoldUDP64 receiver of the venue's answers (kernel/trade/order_session.h).
    const mold::Receiver& answers = g_engine.answers.receiver();
    format(next, sizeof next, "next=%lu", (unsigned long)answers.next_sequence().value);
    log::counters("answer-counters", mold::counter_names(), reinterpret_cast<const u64*>(&answers.counters()),
                  sizeof(mold::Counters) / sizeof(u64), next);
    usize n = g_tick_to_trade.count < kSamples ? g_tick_to_trade.count : kSamples;
    prof::report("tick_to_trade", "pc", "tsc-ticks", prof::summarize(g_tick_to_trade.samples, n));
    n = g_per_message.count < kSamples ? g_per_message.count : kSamples;
    prof::report("feed_per_message", "pc", "tsc-ticks", prof::summarize(g_per_message.samples, n));
    log_net_counters();
    log_journal_counters();
    // Nothing is allocated once trading starts: the free frames at the end
    // equal those at trade-ready, and the guard saw no attempt.
    log::record("memory", "frames-free=%lu alloc-violations=%u", (unsigned long)frames().stats().free_frames,
                mem::allocation_violations());
}

// The trading task: from here on the only code that touches the NIC.
void trading_task(void*) {
    drivers::VirtioNet& n = nic();
    net::NetStack& s = stack();
    net::NetworkPacket packet;
    while (!exit_requested()) {
        if (!n.receive_packet(packet)) {
            // Nothing from the NIC: a few slots of the open orders looked at
            // for an Enter Order gone unanswered (order_entry.h).
            trade::resend_unanswered(&g_engine.entry, Ticks{rdtsc()});
            __builtin_ia32_pause();
            continue;
        }
        u64 orders = g_engine.entry.counters.orders;
        u64 messages = g_engine.pipeline.counters().messages;
        // The common case in one function (kernel/trade/fastpath.h); anything
        // else through the stack.
        if (!trade::fastpath_receive(g_engine, s, packet.data, packet.length)) s.receive(packet.data, packet.length);
        n.release(packet);
        u64 handled = tsc_end();
        u64 new_messages = g_engine.pipeline.counters().messages - messages;
        if (new_messages) g_per_message.add((handled - packet.rx_tsc) / new_messages);
        if (g_engine.entry.counters.orders != orders) g_tick_to_trade.add(g_engine.entry.last_sent_tsc.value - packet.rx_tsc);
    }
    journal_finish();  // the End record, and everything before it durable
    report();
    platform::exit(ExitStatus::Success);
}


// orders=N levels=N on the command line replace the market-day capacity.
book::Capacity capacity_from(const CommandLine& cmdline) {
    book::Capacity c = book::kMarketDayCapacity;
    u64 value = 0;
    if (parse_u64(cmdline.value("orders"), value) && value > 0 && value < (1u << 30)) c.orders = u32(value);
    if (parse_u64(cmdline.value("levels"), value) && value > 0 && value < (1u << 30)) c.levels = u32(value);
    return c;
}

// `name`=<ip> from the command line, or `fallback` if absent; false (and
// said) if given but not a unicast IPv4 address: an address that does not
// parse is never replaced by a default, which would send orders or trust
// the feed somewhere nobody configured.
bool address_option(const CommandLine& cmdline, const char* name, net::Ipv4Address fallback,
                    net::Ipv4Address& out) {
    StringView text = cmdline.value(name);
    out = text.empty() ? fallback : net::parse_ipv4(text);
    bool unicast = out != 0 && out != 0xFFFFFFFF && (out >> 28) != 0xE;
    if (!unicast) log::info("trade: %s=%.*s is not a unicast IPv4 address", name, int(text.length), text.data);
    return unicast;
}

}  // namespace

bool trade_init(const CommandLine& cmdline, u32 core) {
    net::Ipv4Address gateway, rewinder;
    if (!address_option(cmdline, "gateway", (stack().config().ip & 0xFFFFFF00) | 2, gateway) ||
        !address_option(cmdline, "rewinder", gateway, rewinder))
        return false;
    trade::EngineConfig config;
    config.gateway = gateway;
    config.feed_port = kMarketDataPort;
    config.rewinder = {rewinder, kRewinderPort, kMarketDataPort};
    // feed-source=<addresses>: the publishers the feed is taken from, beside
    // the rewinder; without it, the rewinder alone; feed-source=any: anyone.
    StringView sources = cmdline.value("feed-source");
    if (!sources.equals("any")) {
        i32 n = net::parse_ipv4_list(sources, config.feed_sources.address, trade::FeedSources::kMax);
        if (n < 0) {
            log::info("trade: feed-source=%.*s is not up to %u IPv4 addresses (or any)", int(sources.length),
                      sources.data, trade::FeedSources::kMax);
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
    config.strategy = trade::spread_taker(&g_strategy, Price{100}, Shares{100});
    config.tsc_hz = tsc_clock().hz();
    // The books live all session in frames of the trading core's NUMA node.
    u32 node = topology().node_of_core(core);
    u64 bytes = trade::Engine::memory_bytes(config);
    void* memory = alloc_startup_memory(node, bytes);
    if (!memory) {
        log::info("trade: no %lu MiB of contiguous memory on node %u for the order books", (unsigned long)(bytes >> 20),
                  node);
        return false;
    }
    g_engine.init(&stack(), config, memory);
    log::record("books", "node=%u orders=%u levels=%u locates=%u bytes=%lu at=%#lx", node, config.capacity.orders,
                config.capacity.levels, book::Books::bounded(config.capacity).locates, (unsigned long)bytes,
                (unsigned long)virtual_to_physical(memory).value);
    g_engine.entry.stamp_sends = true;
    // session=<name>: the MoldUDP64 session to accept, and no other. It is
    // required: a receiver that learns its session from the feed can be
    // switched by another session's packet before the first delivery, and
    // forgets what it knew of the real one (moldudp64.h).
    StringView session = cmdline.value("session");
    if (session.length < 1 || session.length > 10) {
        log::info("trade: session=<the MoldUDP64 session, 1-10 characters> is required");
        return false;
    }
    char padded[11] = "          ";
    for (usize i = 0; i < session.length; ++i) padded[i] = session.data[i];
    g_engine.pipeline.receiver().expect_session(padded);
    log::record("feed-session", "expected=%.*s", int(session.length), padded);
    // order-session=<name>: the session of the venue's answers. Without it,
    // the first the gateway sends with messages in it (only the gateway's
    // address is listened to, kernel/trade/order_session.h).
    StringView answers = cmdline.value("order-session");
    if (answers.length > 10) {
        log::info("trade: order-session= is at most 10 characters");
        return false;
    }
    if (!answers.empty()) {
        char name[11] = "          ";
        for (usize i = 0; i < answers.length; ++i) name[i] = answers.data[i];
        g_engine.answers.receiver().expect_session(name);
    }
    // The journal (platform/pc/journal.h): its writer takes the boot CPU, so
    // only when trading has another; journal=off goes without.
    if (core != 0 && journal_init(cmdline, config.tsc_hz)) {
        g_engine.entry.journal = journal_ring();
        u8 start[28] = {};
        for (usize i = 0; i < 10; ++i) start[i] = u8(padded[i]);
        StringView answers_name = cmdline.value("order-session");
        for (usize i = 0; i < 10; ++i) start[10 + i] = i < answers_name.length ? u8(answers_name.data[i]) : ' ';
        __builtin_memcpy(start + 20, &config.tsc_hz, 8);
        g_engine.entry.journal->append(journal::RecordType::Start, rdtsc(), start, sizeof start);
    }
    if (!g_engine.bind_ports(stack())) {
        log::info("trade: the feed port %u is taken", kMarketDataPort);
        return false;
    }
    set_status_handler(on_status);
    set_kill_handler(on_kill);
    // gateway-mac=<mac>: the gateway's address as configured (the router's,
    // if the gateway is off our subnet), never from ARP
    // (which a host on the segment can answer first at start-up).
    StringView configured_mac = cmdline.value("gateway-mac");
    net::MacAddress gateway_mac;
    if (parse_mac(configured_mac, gateway_mac)) {
        stack().add_neighbor(stack().next_hop(gateway), gateway_mac);
        log::record("gateway", "mac=%.*s source=configured", int(configured_mac.length), configured_mac.data);
    } else if (!configured_mac.empty()) {
        log::info("trade: gateway-mac=%.*s is not a MAC address (aa:bb:cc:dd:ee:ff)", int(configured_mac.length),
                  configured_mac.data);
        return false;
    }
    if (!resolve(gateway) || !resolve(rewinder)) {
        log::info("trade: the order gateway or the rewinder did not answer ARP");
        return false;
    }
    // From here no ARP packet changes where orders and requests go.
    stack().pin_neighbor(stack().next_hop(gateway));
    stack().pin_neighbor(stack().next_hop(rewinder));
    sched::TaskId task = sched::create_task(sched::Priority::Critical, trading_task, nullptr, 16384,
                                            core, "trading");
    log::record("trade-ready", "core=%u task=%u gateway-port=%u feed-port=%u rewinder-port=%u frames-free=%lu",
                core, task, config.gateway_port, kMarketDataPort, kRewinderPort, (unsigned long)frames().stats().free_frames);
    return task != sched::kNoTask;
}

}  // namespace tk::pc
