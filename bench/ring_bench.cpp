// tick_to_trade, ring to ring: a device model (bench/virtio_net_device.h)
// writes a market-data frame into the receive ring, as the NIC would by DMA;
// the span runs from there, through the kernel's own virtio-net data path
// (poll of the used ring), the fast path, books, strategy, risk gate and
// OUCH encoding, to the order frame published in the transmit ring with its
// doorbell (Orders::last_sent_tsc, stamped once tx_send has returned). One
// sample per trigger, each timed alone. tick_to_trade: the device's work on
// the trading core, the frame flushed from the caches afterwards;
// tick_to_trade_cross_core: the device on the other CPU (DeviceCore below),
// the frame left in that core's cache.
//
// Each feed frame carries one message, so the order table's slot the idle
// turn fetches (trade::idle_turn) is always the one the trigger's order
// takes; a trigger later in a bundled packet would find its slot cold.
//
// The market: 64 symbols, each book 100 price levels deep on both sides
// (two 1,000-share orders a level); before each trigger, untimed, a mix of
// other messages on other symbols (Add Order, Order Replace, Order Executed,
// Order Cancel, Order Delete) at depth. The trigger is an offer one tick
// above the best bid of the next symbol in turn, which the spread taker
// buys; its delete follows, untimed.
//
// linux_packet_ring_tick_to_trade: the same market, strategy and span, the
// same core on the same CPU, but Linux between the wire and the core: the
// frame goes in on one end of a veth pair and is taken from a packet
// socket's mapped receive ring on the other (hosted::PacketRingNic, the
// fastest way Linux offers without a bypass driver), the order leaves by
// send(). The span starts once the frame is in the ring, so Linux's receive
// path before the ring (veth, the packet socket's copy) is outside it, as
// the NIC's DMA is for ours; send() is inside it, as our doorbell is.
// linux_packet_ring_tick_to_trade_cross_core sends the feed from the other
// CPU (PacketRingLink says where its span starts).

#include "bench/ring_bench.h"

#include <linux/if_packet.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "bench/frames.h"
#include "bench/measure.h"
#include "bench/veth_feed.h"
#include "bench/virtio_net_device.h"
#include "kernel/feed/itch_offsets.h"
#include "kernel/net/ports.h"
#include "kernel/trade/engine.h"
#include "kernel/trade/fastpath.h"
#include "kernel/trade/trading_mode.h"
#include "platform/hosted/packet_ring_nic.h"
#include "platform/hosted/startup_memory.h"
#include "tk/tsc.h"

namespace tk::bench {
namespace {

constexpr u32 kSymbols = 64, kLevels = 100, kOrdersPerLevel = 2;
constexpr u32 kWarmup = 200, kSamples = 20000;
constexpr u16 kFeedPort = net::port::kVenueFeed;
constexpr u32 kBestBid = 100'0000, kTick = 100;  // $100.0000 and $0.0100 in ITCH's 4 decimals

// CLOCK_REALTIME and the TSC read together: of a few reads, the one whose
// TSC readings are closest, the clock taken as read at their midpoint, give
// or take `half_width` ticks.
struct RealtimeAtTsc {
    u64 tsc, realtime_ns, half_width;
};
RealtimeAtTsc realtime_at_tsc() {
    RealtimeAtTsc best{0, 0, ~u64(0)};
    for (int i = 0; i < 4; ++i) {
        timespec now;
        u64 a = tsc_begin();
        clock_gettime(CLOCK_REALTIME, &now);
        u64 b = tsc_end();
        if ((b - a) / 2 < best.half_width)
            best = {a + (b - a) / 2, u64(now.tv_sec) * 1'000'000'000 + u64(now.tv_nsec), (b - a) / 2};
    }
    return best;
}

// Whether the kernel keeps CLOCK_REALTIME from the TSC (then the two
// advance together, and one converts to the other by a reading of both).
bool realtime_from_tsc() {
    FILE* f = std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    char name[32] = {};
    bool tsc = f && std::fgets(name, sizeof name, f) && std::strncmp(name, "tsc\n", 4) == 0;
    if (f) std::fclose(f);
    return tsc;
}

// The memory virtio-net device (bench/virtio_net_device.h) and the kernel's
// data path on it. write() and collect() are the device's side, on whichever
// core the device runs; the rest is the trading core's.
struct VirtioLink {
    MemoryVirtioNet device;
    u8 sent[2048];
    u32 sent_length = 0;
    u64 doorbells_before = 0;

    bool open(Placement placement, double) { return device.init(placement); }  // it stamps with the TSC
    drivers::VirtioNetRings& nic() { return device.driver(); }
    net::MacAddress mac() const { return {{0x02, 0, 0, 0, 0, 0x10}}; }
    void before_write() { doorbells_before = device.driver().stats().tx_notifies; }
    bool write(const u8* frame, u32 n, u64& written_tsc) {
        if (!device.deliver(frame, n)) return false;
        written_tsc = device.written_tsc();
        return true;
    }
    // The device takes the frames the driver sent (after the span).
    u32 collect() { return device.transmit(sent, sent_length); }
    // After a trigger: exactly one order frame, published with its doorbell.
    bool sent_one(u32 collected) {
        return device.driver().stats().tx_notifies == doorbells_before + 1 && collected == 1 &&
               device.driver_errors() == 0;
    }
    void report(const char*) {}
    bool stamped_in_slot() const { return true; }
};

// Linux's path to the same core (linux_packet_ring_tick_to_trade): frames
// go in on one end of a veth pair through a packet socket, and arrive
// through the other end's mapped receive ring (hosted::PacketRingNic); the
// order leaves by send() on it. The frame is in the ring when send()
// returns, unless the receive softirq was put off to ksoftirqd: veth hands
// it to the receive path in the sender's context, and the packet socket
// copies it into the ring there. A frame put off to ksoftirqd is waited
// for and counted (veth_feed.h), so no span includes that wait.
//
// On the trading core (Placement::Evicted) the span starts once the frame
// is in the ring and flushed, after send(). From the other core the
// trading core may take the frame before send() returns there, so the span
// starts at the kernel's own stamp of the frame (CLOCK_REALTIME): taken
// once the frame is copied into the slot and before its status is set, as
// our device model stamps before its used index, unless a software
// timestamp was already taken on the receive path (only when some socket
// asked for timestamps; then earlier, and Linux's span longer: such frames
// are counted). It must fall between a reading of both clocks just before
// send() and a second once the frame is there, and is put on the TSC's
// scale from the nearer of the two. The run is refused unless the kernel
// keeps CLOCK_REALTIME from the TSC (clocksource tsc), so the two advance
// together over the microseconds between.
struct PacketRingLink {
    hosted::PacketRingNic ring;
    int feed_fd = -1;
    const char* rx_interface = nullptr;
    const char* feed_interface = nullptr;
    Placement placement = Placement::Evicted;
    double ticks_per_ns = 1;
    u64 errors_before = 0;
    u64 earlier_stamps = 0;    // frames stamped before the slot (TP_STATUS_TS_SOFTWARE)
    u64 half_width_sum = 0;    // of the clock readings, in TSC ticks
    u64 readings = 0;
    FeedCounts feed;

    bool open(Placement p, double tsc_ticks_per_ns) {
        placement = p;
        ticks_per_ns = tsc_ticks_per_ns;
        if (p == Placement::WritersCache && !realtime_from_tsc()) {
            std::fprintf(stderr, "tick_to_trade: CLOCK_REALTIME is not kept from the TSC here (clocksource)\n");
            return false;
        }
        feed_fd = open_feed_socket(feed_interface);
        return ring.open(rx_interface) && feed_fd >= 0;
    }
    hosted::PacketRingNic& nic() { return ring; }
    net::MacAddress mac() const { return ring.mac(); }
    void before_write() { errors_before = ring.tx_errors(); }
    // On the device's core: the ring's next slot is only read here (the
    // trading core has not yet taken the frame this slot is for).
    bool write(const u8* frame, u32 n, u64& written_tsc) {
        const u8* slot = ring.slot_ahead(0);
        RealtimeAtTsc before = realtime_at_tsc();
        u64 stamped;
        // From the other CPU the trading core may take the frame first.
        Landing landing = placement == Placement::Evicted ? Landing::HandedOver : Landing::Stamped;
        if (!send_until_landed(feed_fd, frame, n, slot, landing, ticks_per_ns, feed, stamped)) return false;
        if (placement == Placement::Evicted) {
            for (u32 line = 0; line < 256; line += 64) __builtin_ia32_clflush(slot + line);
            __builtin_ia32_mfence();
            written_tsc = tsc_end();
            return true;
        }
        RealtimeAtTsc after = realtime_at_tsc();
        // The stamp must fall between the two readings: a clock step would
        // start a wrong span.
        if (stamped < before.realtime_ns || stamped > after.realtime_ns) {
            std::fprintf(stderr, "tick_to_trade: the frame's stamp %llu is not between the clock readings "
                                 "around send() (%llu, %llu)\n",
                         static_cast<unsigned long long>(stamped), static_cast<unsigned long long>(before.realtime_ns),
                         static_cast<unsigned long long>(after.realtime_ns));
            return false;
        }
        // Put on the TSC's scale from the nearer reading (a frame that
        // landed late is nearer the second), so that an error in the TSC's
        // rate is scaled by the least time.
        if (stamped - before.realtime_ns <= after.realtime_ns - stamped) {
            written_tsc = before.tsc + u64(double(stamped - before.realtime_ns) * ticks_per_ns);
            half_width_sum += before.half_width;
        } else {
            written_tsc = after.tsc - u64(double(after.realtime_ns - stamped) * ticks_per_ns);
            half_width_sum += after.half_width;
        }
        ++readings;
        return true;
    }
    u32 collect() { return 0; }  // orders leave by send(), copied at once
    bool sent_one(u32) { return ring.tx_errors() == errors_before; }
    // False if the kernel stamped the last frame before its slot (its span
    // would start earlier than ours does): such a sample is left out, counted.
    bool stamped_in_slot() {
        if (placement != Placement::WritersCache || !(ring.last_rx_status() & TP_STATUS_TS_SOFTWARE)) return true;
        ++earlier_stamps;
        return false;
    }
    void report(const char* name) {
        report_feed(name, feed);
        if (placement != Placement::WritersCache || !readings) return;
        std::printf("@tk bench-note name=%s clock-reading-half-width-ns=%.1f samples-stamped-earlier-left-out=%llu\n",
                    name, double(half_width_sum) / double(readings) / ticks_per_ns,
                    static_cast<unsigned long long>(earlier_stamps));
    }
};

// The device on a core of its own (the _cross_core figures): a thread on
// the other CPU writes each frame the trading core asks for, so the frame
// and the used ring's line are in that core's cache when the trading core
// reads them, not in its own, as a NIC's DMA writes leave them (with DDIO,
// in the shared last-level cache; a line in another core's cache costs what
// this machine's placement of the two vCPUs makes it: cross_core_line_reload).
// It spins, as the trading core does, so neither waits for a wake-up.
//
// Where the device reads the orders out of the transmit ring (after the
// span, Bench::collect) is the figure's other choice. tick_to_trade_cross_core
// reads them on the trading core, so the transmit side's lines stay in its
// cache, owned: the favourable assumption, which a NIC whose DMA reads leave
// them so would meet. tick_to_trade_cross_core_software_device reads them
// on the device's core, as a device emulated in software (QEMU's, vhost's)
// does: the lines are then shared, and the next order must take them back
// before it writes its descriptor and available index, inside its span.
template <typename Link>
class DeviceCore {
public:
    // False unless the device's thread runs on `cpu` and the trading core
    // on another.
    bool start(Link* link, unsigned cpu) {
        link_ = link;
        posted_ = 0;
        asked_.store(0);
        done_.store(0);
        pinned_.store(0);
        thread_ = std::thread([this, cpu] {
            pinned_.store(pin_to_cpu(cpu) ? 1 : 2, std::memory_order_release);
            u64 done = 0;
            for (;;) {
                u64 asked;
                while ((asked = asked_.load(std::memory_order_acquire)) == done) __builtin_ia32_pause();
                if (asked == kStop) return;
                switch (op_) {
                    case Op::Write:
                        ok_ = link_->write(frame_, length_, written_tsc_);
                        break;
                    case Op::Collect:
                        collected_ = link_->collect();
                        ok_ = true;
                        break;
                    case Op::ReadTsc:
                        written_tsc_ = tsc_end();
                        ok_ = true;
                        break;
                }
                done = asked;
                done_.store(done, std::memory_order_release);
            }
        });
        while (!pinned_.load(std::memory_order_acquire)) __builtin_ia32_pause();
        return pinned_.load() == 1;
    }
    void stop() {
        if (!thread_.joinable()) return;
        asked_.store(kStop, std::memory_order_release);
        thread_.join();
    }
    // The trading core: the frame copied for the device, which writes it
    // from here on.
    void post_write(const u8* frame, u32 n) {
        __builtin_memcpy(frame_, frame, n);
        length_ = n;
        ask(Op::Write);
    }
    // Whether the last frame posted is written and went in; spins until the
    // device has tried.
    bool written(u64& written_tsc) {
        wait();
        written_tsc = written_tsc_;
        return ok_;
    }
    // The device takes the frames the driver sent, on its core.
    u32 collect() {
        ask(Op::Collect);
        wait();
        return collected_;
    }
    // True once the device has tried the last frame posted and failed (the
    // trading core's receive loop stops waiting for it).
    bool failed() const { return done_.load(std::memory_order_acquire) == posted_ && !ok_; }

    // The two CPUs' TSCs compared: the device's reading must fall between
    // two of the trading core's around the request. False (and the bound
    // said) if it ever does not. `window`: the narrowest such pair, in
    // ticks; `offset`: the device's reading less that pair's midpoint (the
    // clocks are that far apart, give or take half the window).
    bool tscs_agree(u64& window, i64& offset) {
        window = ~u64(0);
        offset = 0;
        for (int i = 0; i < 1000; ++i) {
            u64 a = tsc_begin();
            ask(Op::ReadTsc);
            wait();
            u64 b = tsc_end();
            if (written_tsc_ < a || written_tsc_ > b) {
                std::fprintf(stderr, "tick_to_trade: the other CPU's TSC read %llu, outside [%llu, %llu] here\n",
                             static_cast<unsigned long long>(written_tsc_), static_cast<unsigned long long>(a),
                             static_cast<unsigned long long>(b));
                return false;
            }
            if (b - a < window) {
                window = b - a;
                offset = i64(written_tsc_ - (a + (b - a) / 2));
            }
        }
        return true;
    }

private:
    enum class Op : u8 { Write, Collect, ReadTsc };
    static constexpr u64 kStop = ~u64(0);
    void ask(Op op) {
        op_ = op;
        asked_.store(++posted_, std::memory_order_release);
    }
    void wait() {
        while (done_.load(std::memory_order_acquire) != posted_) __builtin_ia32_pause();
    }
    Link* link_ = nullptr;
    std::thread thread_;
    u64 posted_ = 0;
    alignas(64) std::atomic<u64> asked_{0};
    alignas(64) std::atomic<u64> done_{0};
    std::atomic<u8> pinned_{0};  // 1: on its CPU; 2: could not be pinned
    Op op_ = Op::Write;
    bool ok_ = false;
    u32 length_ = 0;
    u32 collected_ = 0;
    u64 written_tsc_ = 0;
    alignas(64) u8 frame_[2048];
};

template <typename Link>
struct Bench {
    Link link;
    DeviceCore<Link>* device = nullptr;  // nullptr: the device's work is on the trading core
    net::NetStack net;
    trade::Engine engine;
    trade::SpreadTakerState strategy;
    u64 sequence = 1;
    u8 frame[2048];
    u64 local_written_tsc = 0;

    // The frame into the receive ring, by the device on its core (or here).
    // The trading loop spins while it waits for a frame; on the other core
    // the device's write overlaps that spin, here one idle turn precedes it.
    bool deliver(const u8* f, u32 n) {
        link.before_write();
        if (device) {
            device->post_write(f, n);
            return true;
        }
        trade::idle_turn(link.nic(), engine);
        return link.write(f, n, local_written_tsc);
    }
    // After the frame was taken: whether it went in, and when it was written.
    bool written(u64& written_tsc) {
        if (device) return device->written(written_tsc);
        written_tsc = local_written_tsc;
        return true;
    }
    // The device takes what was sent, after the span: on this core unless
    // it reads the transmit side on its own (DeviceCore says why).
    bool transmit_on_device = false;
    u32 collect() { return device && transmit_on_device ? device->collect() : link.collect(); }
    // One message through the link and the trading loop's body, untimed.
    bool feed(const u8* m, u16 length) {
        u32 n = md_frame(net.config(), kFeedPort, frame, sequence++, m, length);
        u64 ignored;
        if (!deliver(frame, n) || !poll_once() || !written(ignored)) return false;
        collect();
        return true;
    }
    bool poll_once() {
        net::NetworkPacket p;
        if (!wait_for_frame(p)) return false;
        if (!trade::fastpath_receive(engine, net, p.data, p.length)) net.receive(p.data, p.length);
        link.nic().release(p);
        return true;
    }
    // The _echo figures' body, in place of the trading path: every byte of
    // the frame read (eight at a time) and summed, and a datagram of an
    // Enter Order's size to the gateway, its payload made of the sum (so
    // the send waits for every read), sent as send_order sends one: through
    // the gateway's UDP flow (headers copied, lengths, IP id, both
    // checksums) into the transmit ring with its doorbell. What no trading
    // path on these rings and cores does without: the floor under
    // tick_to_trade's span. False unless the frame taken is `trigger`.
    bool echo_once(const u8* trigger, u32 trigger_length) {
        net::NetworkPacket p;
        if (!wait_for_frame(p)) return false;
        u64 sum = 0;
        for (usize i = 0; i + 8 <= p.length; i += 8) {
            u64 word;
            __builtin_memcpy(&word, p.data + i, 8);
            sum += word;
        }
        if (p.length >= 8 && p.length % 8) {  // the last bytes, in the frame's last eight
            u64 word;
            __builtin_memcpy(&word, p.data + p.length - 8, 8);
            sum += word >> (8 * (8 - p.length % 8));
        }
        u8* message = net.flow_begin(engine.entry.to_gateway, ouch::kEnterOrderLength);
        if (!message) return false;
        for (usize i = 0; i + 8 <= ouch::kEnterOrderLength; i += 8) __builtin_memcpy(message + i, &sum, 8);
        message[ouch::kEnterOrderLength - 1] = u8(sum);
        net.flow_send(engine.entry.to_gateway, message, ouch::kEnterOrderLength);
        engine.entry.last_sent_tsc = Ticks{rdtscp(nullptr)};  // as send_order stamps with stamp_sends
        bool is_trigger = p.length == trigger_length && __builtin_memcmp(p.data, trigger, trigger_length) == 0;
        link.nic().release(p);
        if (!is_trigger) std::fprintf(stderr, "ring_echo: the frame taken is not the trigger\n");
        return is_trigger;
    }

private:
    // Spins as the trading loop does until a frame is there. The device's
    // failure is looked at once in many turns: its flag's line is the device
    // core's to write, and reading it every turn would move it back and
    // forth just as the frame comes.
    bool wait_for_frame(net::NetworkPacket& p) {
        for (u32 turn = 1; !link.nic().receive_packet(p); ++turn) {
            trade::idle_turn(link.nic(), engine);  // the trading loop's (trading_mode.h)
            if (turn % 4096 == 0 && device && device->failed()) return false;
        }
        return true;
    }
};

// A message of `type` for `locate`, its other fields zero (tracking
// number, timestamp).
void start(u8* m, char type, u16 locate) {
    for (u32 i = 0; i < 40; ++i) m[i] = 0;
    m[0] = u8(type);
    net::store_be16(m + itch::at::kStockLocate, locate);
}

u16 add(u8* m, u16 locate, u64 reference, u8 side, u32 shares, u32 price) {
    namespace a = itch::at::add_order;
    start(m, 'A', locate);
    net::store_be64(m + a::kReference, reference);
    m[a::kSide] = side;
    net::store_be32(m + a::kShares, shares);
    copy_bytes(m + a::kStock, "TK      ", 8);
    net::store_be32(m + a::kPrice, price);
    return 36;
}

u16 on_order(u8* m, char type, u16 locate, u64 reference, u32 shares) {
    start(m, type, locate);
    net::store_be64(m + itch::at::cancel::kReference, reference);
    if (type == 'D') return 19;
    net::store_be32(m + itch::at::cancel::kShares, shares);
    if (type == 'X') return 23;
    net::store_be64(m + itch::at::executed::kMatch, reference);  // 'E'
    return 31;
}

u16 replace(u8* m, u16 locate, u64 original, u64 replacement, u32 shares, u32 price) {
    namespace r = itch::at::replace;
    start(m, 'U', locate);
    net::store_be64(m + r::kOriginalReference, original);
    net::store_be64(m + r::kNewReference, replacement);
    net::store_be32(m + r::kShares, shares);
    net::store_be32(m + r::kPrice, price);
    return 35;
}

u16 directory(u8* m, u16 locate) {
    start(m, 'R', locate);
    char name[9] = "TK      ";
    name[2] = char('A' + locate / 26 % 26);
    name[3] = char('A' + locate % 26);
    copy_bytes(m + itch::at::stock_directory::kStock, name, 8);
    return 39;
}

// The reference of the resting order at `level` (0: best), `slot` of the
// level, on `side` of symbol `locate`.
u64 resting(u16 locate, u8 side, u32 level, u32 slot) {
    return (u64(locate) << 32) | (u64(side == 'B') << 24) | (level * kOrdersPerLevel + slot);
}

template <typename Link>
bool preload(Bench<Link>& b) {
    u8 m[40];
    for (u16 locate = 1; locate <= kSymbols; ++locate) {
        if (!b.feed(m, directory(m, locate))) return false;
        for (u32 level = 0; level < kLevels; ++level)
            for (u32 slot = 0; slot < kOrdersPerLevel; ++slot) {
                // Bids from $100.00 down, offers from $100.02 up: the spread is
                // two ticks, wider than the strategy's one.
                if (!b.feed(m, add(m, locate, resting(locate, 'B', level, slot), 'B', 1000, kBestBid - level * kTick)) ||
                    !b.feed(m, add(m, locate, resting(locate, 'S', level, slot), 'S', 1000,
                                   kBestBid + 2 * kTick + level * kTick)))
                    return false;
            }
    }
    return true;
}

// Untimed, before sample `s`: five messages on another symbol, at depth.
template <typename Link>
bool churn(Bench<Link>& b, u32 s) {
    u8 m[40];
    u16 locate = u16(1 + (s * 7 + 3) % kSymbols);
    u32 level = 10 + s % (kLevels - 10);
    u64 fresh = (u64(1) << 60) | s, moved = (u64(1) << 61) | s;
    return b.feed(m, add(m, locate, fresh, 'B', 300, kBestBid - level * kTick)) &&
           b.feed(m, replace(m, locate, fresh, moved, 200, kBestBid - (level + 1) * kTick)) &&
           b.feed(m, on_order(m, 'E', locate, resting(locate, 'S', level, s % kOrdersPerLevel), 1)) &&
           b.feed(m, on_order(m, 'X', locate, resting(locate, 'B', level, s % kOrdersPerLevel), 1)) &&
           b.feed(m, on_order(m, 'D', locate, moved, 0));
}

template <typename Link>
std::vector<double> run(Bench<Link>& b, double ticks_per_ns, Placement placement, Body body, const char* name) {
    b.device = nullptr;
    if (!pin_to_cpu(0) && placement == Placement::WritersCache) {
        std::fprintf(stderr, "tick_to_trade: the trading core could not be pinned to CPU 0\n");
        return {};
    }
    if (!b.link.open(placement, ticks_per_ns)) {
        std::perror("tick_to_trade: the link");
        return {};
    }
    // The device's writes on the other CPU, or on this one before it evicts.
    static DeviceCore<Link> device;
    struct Stop {
        ~Stop() { device.stop(); }
    } stop_device;
    if (placement == Placement::WritersCache) {
        if (std::thread::hardware_concurrency() < 2 || !device.start(&b.link, 1)) {
            std::fprintf(stderr, "tick_to_trade: no second CPU for the device\n");
            return {};
        }
        u64 window = 0;
        i64 offset = 0;
        if (!device.tscs_agree(window, offset)) return {};
        std::printf("@tk bench-note name=%s tsc-offset-ns=%.1f tsc-window-ns=%.1f\n", name,
                    double(offset) / ticks_per_ns, double(window) / ticks_per_ns);
        b.device = &device;
    }
    net::NetConfig c{};
    c.mac = b.link.mac();
    c.ip = 0x0A000010;
    c.netmask = 0xFFFFFF00;
    b.net.init(c, net::TxPort{&b.link, [](void* l) { return static_cast<Link*>(l)->nic().tx_acquire(); },
                              [](void* l, u8* f, usize n) { static_cast<Link*>(l)->nic().tx_send(f, n); }});
    trade::EngineConfig config = engine_config(kFeedPort, b.strategy);
    void* memory = hosted::map_startup_memory(trade::Engine::memory_bytes(config));
    if (!memory) return {};
    start_engine(b.net, b.engine, config, memory);
    b.engine.entry.stamp_sends = true;
    if (!preload(b)) return {};
    std::vector<double> samples;
    samples.reserve(kSamples);
    u8 m[40];
    for (u32 s = 0; s < kWarmup + kSamples; ++s) {
        if (!churn(b, s)) return {};
        u16 locate = u16(1 + s % kSymbols);
        u64 trigger_reference = (u64(1) << 62) | s;
        u64 trigger = b.sequence;
        // The echo's trigger never reaches the feed's receiver: its sequence
        // number is the next frame's too.
        u32 n = md_frame(b.net.config(), kFeedPort, b.frame, body == Body::Echo ? b.sequence : b.sequence++, m,
                         add(m, locate, trigger_reference, 'S', 100, kBestBid + kTick));
        u64 orders = b.engine.entry.counters.orders;
        u64 t0 = 0;
        if (!b.deliver(b.frame, n)) return {};
        bool taken = body == Body::Echo ? b.echo_once(b.frame, n) : b.poll_once();
        if (!taken || !b.written(t0)) return {};
        u64 t1 = b.engine.entry.last_sent_tsc.value;
        u64 orders_expected = body == Body::Echo ? orders : orders + 1;
        if (b.engine.entry.counters.orders != orders_expected || !b.link.sent_one(b.collect())) {
            std::fprintf(stderr, "tick_to_trade: sample %u sent no order (or rang no doorbell)\n", s);
            return {};
        }
        // Two cores' clocks: the order cannot leave before its trigger was
        // written, so a negative span means the TSCs disagree.
        if (t1 < t0) {
            std::fprintf(stderr, "tick_to_trade: sample %u: the order's TSC is before its trigger's (%llu < %llu): the "
                                 "CPUs' clocks disagree\n",
                         s, static_cast<unsigned long long>(t1), static_cast<unsigned long long>(t0));
            return {};
        }
        if (s >= kWarmup && b.link.stamped_in_slot()) samples.push_back(double(t1 - t0) / ticks_per_ns);
        if (body == Body::Echo) continue;
        answer_order(b.engine, trigger);
        if (!b.feed(m, on_order(m, 'D', locate, trigger_reference, 0))) return {};
        b.strategy.done[locate] = 0;
    }
    b.link.report(name);
    return samples;
}

}  // namespace

std::vector<double> ring_tick_to_trade(double ticks_per_ns, Placement placement, bool transmit_on_device,
                                       Body body, const char* name) {
    static Bench<VirtioLink> b;
    b.transmit_on_device = transmit_on_device;
    return run(b, ticks_per_ns, placement, body, name);
}

std::vector<double> linux_packet_ring_tick_to_trade(double ticks_per_ns, Placement placement, Body body,
                                                    const char* rx_interface, const char* feed_interface,
                                                    const char* name) {
    static Bench<PacketRingLink> b;
    b.link.rx_interface = rx_interface;
    b.link.feed_interface = feed_interface;
    return run(b, ticks_per_ns, placement, body, name);
}

}  // namespace tk::bench
