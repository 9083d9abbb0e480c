#include "platform/pc/trading.h"

#include "kernel/log/log.h"
#include "kernel/mem/trading_guard.h"
#include "kernel/sched/scheduler.h"
#include "kernel/trade/compiled_strategy.h"
#include "kernel/trade/trading_mode.h"
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
trade::TradingSpans g_spans;
constexpr u16 kMarketDataPort = net::port::kFeed;
constexpr u16 kRewinderPort = net::port::kRewinder;

void on_status(const net::UdpDatagram& request) {
    char line[192];
    usize n = trade::status_line(g_engine, line, sizeof line);
    stack().reply_udp(request, reinterpret_cast<const u8*>(line), n);
}

// "tk-kill": every later order is refused by the risk gate (and counted);
// the final trade-counters record says the switch was thrown.
void on_kill() {
    g_engine.entry.risk.kill();
    if (journal::Ring* j = g_engine.entry.journal) j->append(journal::RecordType::KillSwitch, rdtsc(), nullptr, 0);
}

void report() {
    trade::log_trading_report(g_engine, g_spans, "pc");
    trade::log_compiled_strategy(tk_py_strategy);
    log_net_counters();
    log_journal_counters();
    // Nothing is allocated once trading starts: the free frames at the end
    // equal those at trade-ready, and the guard saw no attempt.
    log::record("memory", "frames-free=%lu alloc-violations=%u", (unsigned long)frames().stats().free_frames,
                mem::allocation_violations());
}

// The trading task: from here on the only code that touches the NIC
// (kernel/trade/trading_mode.h).
void trading_task(void*) {
    trade::poll_trading(nic(), g_engine, stack(), exit_requested(), g_spans);
    journal_finish();  // the End record, and everything before it durable
    report();
    platform::exit(ExitStatus::Success);
}

bool resolve(net::Ipv4Address destination) {
    return trade::resolve_neighbor(nic(), stack(), destination, tsc_clock().hz());
}

}  // namespace

bool trade_init(const CommandLine& cmdline, u32 core) {
    trade::TradingOptions options;
    options.config.feed_port = kMarketDataPort;
    if (!trade::parse_trading_options(cmdline, stack().config().ip, options)) return false;
    g_spans.order_times.enabled = options.order_times;
    trade::EngineConfig& config = options.config;
    net::Ipv4Address gateway = config.gateway, rewinder = config.rewinder.ip;
    config.strategy = tk_py_strategy.strategy;  // compiled from Python (Makefile: STRATEGY)
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
    trade::apply_trading_options(g_engine, stack(), options);
    // The journal (platform/pc/journal.h): its writer takes the boot CPU, so
    // only when trading has another; journal=off goes without.
    if (core != 0 && journal_init(cmdline, config.tsc_hz)) {
        g_engine.entry.journal = journal_ring();
        u8 start[28] = {};
        for (usize i = 0; i < 10; ++i) start[i] = u8(options.session[i]);
        for (usize i = 0; i < 10; ++i) start[10 + i] = options.order_session[0] ? u8(options.order_session[i]) : ' ';
        __builtin_memcpy(start + 20, &config.tsc_hz, 8);
        g_engine.entry.journal->append(journal::RecordType::Start, rdtsc(), start, sizeof start);
    }
    if (!g_engine.bind_ports(stack())) {
        log::info("trade: the feed port %u is taken", kMarketDataPort);
        return false;
    }
    set_status_handler(on_status);
    set_kill_handler(on_kill);
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
