// The trading mode's portable half: its options (the kernel command line's
// words, or a Linux program's arguments in the same form), its status line,
// its final report and its polled loop. The kernel's mode=trade
// (platform/pc/trading.cpp) and the Linux feed handler that runs the same
// core in a Linux guest (platform/hosted/trader/) both use it, so the two do
// the same work on the same feed.
//
//   gateway=<ip>        the order gateway (default .2 of our /24)
//   gateway-mac=<mac>   its MAC as configured, never learnt from ARP
//   rewinder=<ip>       MoldUDP64 retransmission requests (default: the gateway)
//   feed-source=<ips>   who may send the feed beside the rewinder, or "any"
//   session=<name>      the MoldUDP64 session to accept (required)
//   order-session=<n>   the session of the venue's answers
//   orders=N levels=N   the books' capacity (default: a market day's)
//   order-times         report each order's send time ("order-sent" records)
#pragma once

#include "kernel/boot/cmdline.h"
#include "kernel/net/packet.h"
#include "kernel/net/stack.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "tk/tsc.h"

namespace tk::trade {

struct TradingOptions {
    EngineConfig config;         // gateway, rewinder, feed sources, capacity set; the rest the caller's
    char session[11] = {};       // padded to 10 with spaces
    char order_session[11] = {};  // empty: the first session the gateway sends
    net::MacAddress gateway_mac{};
    bool gateway_mac_configured = false;
    bool order_times = false;
};

// False (and said why in the log) if an option is malformed or missing; an
// address that does not parse is never replaced by a default, which would
// send orders or trust the feed somewhere nobody configured. Logs the
// "feed-sources" and "feed-session" records.
bool parse_trading_options(const CommandLine& cmdline, net::Ipv4Address own_ip, TradingOptions& out);

// Sessions and the configured gateway MAC, after engine.init().
void apply_trading_options(Engine& engine, net::NetStack& stack, const TradingOptions& options);

// "@tk status next=.. messages=.. orders=.. gaps=.. requests=.. ended=..
// answers-next=..": lets the venue see progress, and when the session and
// its answers to our orders are complete. Returns its length.
usize status_line(const Engine& engine, char* out, usize capacity);

// In-guest spans, in TSC ticks (instructions under QEMU -icount shift=0).
// The first kSamples of each are kept; the rest only counted.
struct Spans {
    static constexpr usize kSamples = 4096;
    u64 samples[kSamples];
    usize count;
    void add(u64 ticks) {
        if (count < kSamples) samples[count] = ticks;
        ++count;
    }
};
// For each frame that sent orders, the feed message that triggered the last
// of them and the TSC once it was handed to the NIC (its doorbell rung):
// what a capture of the link needs to time wire to doorbell by the guest's
// own clock, which under QEMU -icount is the capture's (docs/performance.md).
// The first kSamples are kept; the rest only counted.
struct OrderTimes {
    static constexpr usize kSamples = 4096;
    bool enabled;
    Sequence trigger[kSamples];
    u64 sent_tsc[kSamples];
    usize count;
    void add(Sequence trigger_sequence, u64 tsc) {
        if (count < kSamples) {
            trigger[count] = trigger_sequence;
            sent_tsc[count] = tsc;
        }
        ++count;
    }
};
struct TradingSpans {
    Spans ring_to_doorbell;  // frame found by the poll -> OUCH frame handed to the NIC
    Spans per_message;    // a market-data frame's handling / its messages
    OrderTimes order_times;
};

// The engine's records, the feed's and the answers' counters and the spans
// (`platform`: "pc" or "hosted", as the records name it). Sorts the spans.
void log_trading_report(const Engine& engine, TradingSpans& spans, const char* platform);

// Polls `nic` until the MAC address of `destination`'s next hop is known
// (ARP), asking about every `ticks_per_second` TSC ticks, 20 times at most.
template <typename Nic>
bool resolve_neighbor(Nic& nic, net::NetStack& stack, net::Ipv4Address destination, u64 ticks_per_second) {
    net::Ipv4Address ip = stack.next_hop(destination);
    net::MacAddress mac;
    for (int attempt = 0; attempt < 20 && !stack.arp_lookup(ip, mac); ++attempt) {
        u8 probe = 0;
        stack.send_udp(destination, 9, 9, &probe, 1);  // sends the ARP request
        u64 until = rdtsc() + ticks_per_second;
        net::NetworkPacket p;
        while (rdtsc() < until && !stack.arp_lookup(ip, mac)) {
            if (nic.receive_packet(p)) {
                stack.receive(p.data, p.length);
                nic.release(p);
            }
        }
    }
    return stack.arp_lookup(ip, mac);
}

// The trading loop's turn when the NIC has nothing: what would otherwise
// fall on the next order's path is done now. Transmit buffers the NIC has
// finished with come back (virtio-net's; the others' are free at once), so
// the next order reuses the last one sent, still in this core's cache; the
// order table's slot for the next message's first order is fetched;
// unanswered orders are sent again. Then PAUSE, the spin-wait hint.
template <typename Nic>
void idle_turn(Nic& nic, Engine& engine) {
    nic.tx_reclaim();
    warm_next_order(&engine.entry, engine.pipeline.receiver().next_sequence());
    resend_unanswered(&engine.entry, Ticks{rdtsc()});
    __builtin_ia32_pause();
}

// The trading loop: from here on the only code that touches the NIC. Each
// frame goes through the fast path (kernel/trade/fastpath.h) or, if it is
// not the common case, the stack; with nothing received, the idle turn.
template <typename Nic>
void poll_trading(Nic& nic, Engine& engine, net::NetStack& stack, const volatile bool& stop, TradingSpans& spans) {
    net::NetworkPacket packet;
    while (!stop) {
        if (!nic.receive_packet(packet)) {
            idle_turn(nic, engine);
            continue;
        }
        u64 orders = engine.entry.counters.orders;
        u64 messages = engine.pipeline.counters().messages;
        if (!fastpath_receive(engine, stack, packet.data, packet.length)) stack.receive(packet.data, packet.length);
        nic.release(packet);
        u64 handled = tsc_end();
        u64 new_messages = engine.pipeline.counters().messages - messages;
        if (new_messages) spans.per_message.add((handled - packet.rx_tsc) / new_messages);
        if (engine.entry.counters.orders != orders) {
            spans.ring_to_doorbell.add(engine.entry.last_sent_tsc.value - packet.rx_tsc);
            if (spans.order_times.enabled)
                spans.order_times.add(engine.entry.token_trigger, engine.entry.last_sent_tsc.value);
        }
    }
}

}  // namespace tk::trade
