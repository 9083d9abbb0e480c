// tk_trader: the kernel's mode=trade as a Linux program, for the Linux
// PREEMPT_RT guest that TradeKernel is benchmarked beside (docs/performance.md,
// tradekernel/linux_guest/). The same portable core does the same work on the
// same feed: the stack, the fast path, the books, the strategy and order
// entry (kernel/trade/trading_mode.h); only the NIC differs, a packet socket
// with a mapped receive ring polled by a core tuned as an HFT shop would tune
// it (pinned, SCHED_FIFO, memory locked).
//
//   tk_trader ifname=eth0 cpu=1 <the kernel's mode=trade options>
//
// It prints the kernel's records on stdout ("@tk trade-ready", "@tk
// status", the final counters), so the same Python tools drive both.

#include <sched.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "kernel/lib/format.h"
#include "kernel/log/log.h"
#include "kernel/net/control.h"
#include "kernel/net/net_options.h"
#include "kernel/net/ports.h"
#include "kernel/trade/compiled_strategy.h"
#include "kernel/trade/trading_mode.h"
#include "platform/hosted/packet_ring_nic.h"
#include "platform/hosted/startup_memory.h"
#include "tk/platform.h"
#include "tk/tsc.h"

namespace tk {
namespace {

hosted::PacketRingNic g_nic;
net::NetStack g_stack;
net::ControlPlane g_control;
trade::Engine g_engine;
trade::TradingSpans g_spans;
volatile bool g_exit_requested = false;

u8* tx_acquire(void*) { return g_nic.tx_acquire(); }
void tx_send(void*, u8* frame, usize length) { g_nic.tx_send(frame, length); }

void on_control(void*, const net::UdpDatagram& d) {
    switch (g_control.check(d)) {
        case net::ControlCommand::Exit: g_exit_requested = true; break;
        case net::ControlCommand::Status: {
            char line[192];
            usize n = trade::status_line(g_engine, line, sizeof line);
            g_stack.reply_udp(d, reinterpret_cast<const u8*>(line), n);
            break;
        }
        case net::ControlCommand::Kill: g_engine.entry.risk.kill(); break;
        case net::ControlCommand::None: break;
    }
}

// TSC ticks per second, against CLOCK_MONOTONIC over 50 ms.
u64 calibrate_tsc() {
    timespec a{}, b{};
    clock_gettime(CLOCK_MONOTONIC, &a);
    u64 t0 = rdtsc();
    do clock_gettime(CLOCK_MONOTONIC, &b);
    while ((b.tv_sec - a.tv_sec) * 1'000'000'000 + (b.tv_nsec - a.tv_nsec) < 50'000'000);
    u64 ns = u64((b.tv_sec - a.tv_sec) * 1'000'000'000 + (b.tv_nsec - a.tv_nsec));
    return mul_div_u64(rdtsc() - t0, 1'000'000'000, ns);
}

// cpu=N: the trading thread's core, at SCHED_FIFO priority 80, with every
// page locked in memory, as the core isolated by isolcpus= and nohz_full=.
bool tune(u64 cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(int(cpu), &set);
    sched_param priority{};
    priority.sched_priority = 80;
    bool pinned = sched_setaffinity(0, sizeof set, &set) == 0;
    bool fifo = sched_setscheduler(0, SCHED_FIFO, &priority) == 0;
    bool locked = mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
    log::record("linux-tuning", "cpu=%lu pinned=%d policy=%s locked=%d", (unsigned long)cpu, pinned,
                fifo ? "fifo-80" : "other", locked);
    return pinned;
}

int run(const CommandLine& cmdline) {
    StringView ifname = cmdline.value("ifname");
    char name[32] = "eth0";
    if (!ifname.empty() && ifname.length < sizeof name) {
        for (usize i = 0; i < ifname.length; ++i) name[i] = ifname.data[i];
        name[ifname.length] = 0;
    }
    u64 cpu = 1;
    StringView cpu_option = cmdline.value("cpu");
    if (!cpu_option.empty() && (!parse_u64(cpu_option, cpu) || cpu >= CPU_SETSIZE)) {
        log::info("trader: cpu=%.*s is not a CPU number", int(cpu_option.length), cpu_option.data);
        return 1;
    }
    if (!tune(cpu)) log::info("trader: could not pin the trading thread to CPU %lu", (unsigned long)cpu);
    if (!g_nic.open(name)) {
        log::info("trader: no packet socket with a receive ring on %s (root? the interface up?)", name);
        return 1;
    }
    net::NetConfig net_config{};
    net_config.mac = g_nic.mac();
    if (!net::parse_net_options(cmdline, net_config)) return 1;
    g_stack.init(net_config, net::TxPort{nullptr, tx_acquire, tx_send});
    g_stack.bind_udp(net::kControlPort, on_control, nullptr);
    u64 nonce = 0;
    bool have_nonce = getrandom(&nonce, sizeof nonce, 0) == ssize_t(sizeof nonce);
    net::configure_control(g_control, cmdline, nonce, have_nonce, "getrandom");
    if (net::Ipv4Address group = net::parse_ipv4(cmdline.value("join"))) g_stack.join(group);
    net::MacAddress groups[net::NetStack::kMaxGroups];
    u32 count = g_stack.multicast_macs(groups, net::NetStack::kMaxGroups);
    log::record("nic-filter", "device=%d multicast=%u", g_nic.join(groups, count), count);

    trade::TradingOptions options;
    if (!trade::parse_trading_options(cmdline, net_config.ip, options)) return 1;
    g_spans.order_times.enabled = options.order_times;
    trade::EngineConfig& config = options.config;
    config.strategy = tk_py_strategy.strategy;  // the kernel's, compiled from Python
    config.tsc_hz = calibrate_tsc();
    u64 bytes = trade::Engine::memory_bytes(config);
    void* memory = hosted::map_startup_memory(bytes);
    if (!memory) {
        log::info("trader: no %lu MiB for the order books", (unsigned long)(bytes >> 20));
        return 1;
    }
    g_engine.init(&g_stack, config, memory);
    log::record("books", "orders=%u levels=%u bytes=%lu", config.capacity.orders, config.capacity.levels,
                (unsigned long)bytes);
    g_engine.entry.stamp_sends = true;
    trade::apply_trading_options(g_engine, g_stack, options);
    if (!g_engine.bind_ports(g_stack)) {
        log::info("trade: the feed port %u is taken", config.feed_port);
        return 1;
    }
    net::Ipv4Address gateway = config.gateway, rewinder = config.rewinder.ip;
    if (!trade::resolve_neighbor(g_nic, g_stack, gateway, config.tsc_hz) ||
        !trade::resolve_neighbor(g_nic, g_stack, rewinder, config.tsc_hz)) {
        log::info("trade: the order gateway or the rewinder did not answer ARP");
        return 1;
    }
    g_stack.pin_neighbor(g_stack.next_hop(gateway));
    g_stack.pin_neighbor(g_stack.next_hop(rewinder));
    log::record("trade-ready", "core=%lu gateway-port=%u feed-port=%u rewinder-port=%u tsc-hz=%lu",
                (unsigned long)cpu, config.gateway_port,
                config.feed_port, net::port::kRewinder, (unsigned long)config.tsc_hz);

    trade::poll_trading(g_nic, g_engine, g_stack, g_exit_requested, g_spans);

    trade::log_trading_report(g_engine, g_spans, "hosted");
    trade::log_compiled_strategy(tk_py_strategy);
    log::counters("net-counters", net::net_counter_names(), reinterpret_cast<const u64*>(&g_stack.counters()),
                  sizeof(net::NetCounters) / sizeof(u64));
    log::counters("control-counters", net::control_counter_names(),
                  reinterpret_cast<const u64*>(&g_control.counters()), sizeof(net::ControlCounters) / sizeof(u64));
    log::record("packet-socket", "tx-errors=%lu rx-vlan-tagged=%lu", (unsigned long)g_nic.tx_errors(),
                (unsigned long)g_nic.rx_vlan_tagged());
    return 0;
}

}  // namespace
}  // namespace tk

int main(int argc, char** argv) {
    char text[tk::CommandLine::kCapacity] = {};
    tk::usize at = 0;
    for (int i = 1; i < argc; ++i)
        at += tk::format(text + at, sizeof text - at, "%s%s", i > 1 ? " " : "", argv[i]);
    tk::CommandLine cmdline;
    cmdline.set(text, at);
    return tk::run(cmdline);
}
