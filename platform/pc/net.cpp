#include "platform/pc/net.h"

#include "arch/x86_64/cpu.h"
#include "drivers/pci.h"
#include "drivers/virtio_net.h"
#include "kernel/log/log.h"
#include "kernel/mem/frame_allocator.h"
#include "kernel/net/control.h"
#include "kernel/net/net_options.h"
#include "kernel/net/poll_loop.h"
#include "kernel/sched/scheduler.h"
#include "kernel/net/stack.h"
#include "platform/pc/memory.h"
#include "tk/platform.h"
#include "kernel/net/ports.h"

namespace tk::pc {
namespace {

drivers::VirtioNet g_nic;
net::NetStack g_stack;
volatile bool g_exit_requested = false;
StatusHandler g_status_handler = nullptr;
KillHandler g_kill_handler = nullptr;
net::ControlPlane g_control;

constexpr u16 kVirtioVendor = 0x1AF4;
constexpr u16 kVirtioNetModern = 0x1041;       // virtio 1.x, 4.1.2.1: 0x1040 + 1
constexpr u16 kVirtioNetTransitional = 0x1000;

}  // namespace

namespace {

u8* tx_acquire(void*) { return g_nic.tx_acquire(); }
void tx_send(void*, u8* frame, usize length) { g_nic.tx_send(frame, length); }

// The control port, net/control.h: commands from configured sources with the
// secret; the rest are dropped and counted.
void on_control(void*, const net::UdpDatagram& d) {
    switch (g_control.check(d)) {
        case net::ControlCommand::Exit: g_exit_requested = true; break;
        case net::ControlCommand::Status:
            if (g_status_handler) g_status_handler(d);
            break;
        case net::ControlCommand::Kill:
            if (g_kill_handler) g_kill_handler();
            break;
        case net::ControlCommand::None: break;
    }
}

// Market-data port: every datagram the stack delivers (multicast ones only
// for joined groups) is acknowledged to its sender with "got:" + payload.
constexpr u16 kFeedPort = net::port::kVenueFeed;

void on_feed(void*, const net::UdpDatagram& d) {
    u8 reply[256] = {'g', 'o', 't', ':'};
    usize n = d.payload.length < sizeof reply - 4 ? d.payload.length : sizeof reply - 4;
    for (usize i = 0; i < n; ++i) reply[4 + i] = d.payload.data[i];
    g_stack.reply_udp(d, reply, 4 + n);
}

}  // namespace

void log_net_counters() {
    static_assert(sizeof(net::NetCounters) % sizeof(u64) == 0 && sizeof(drivers::VirtioNetStats) % sizeof(u64) == 0);
    log::counters("net-counters", net::net_counter_names(), reinterpret_cast<const u64*>(&g_stack.counters()),
                  sizeof(net::NetCounters) / sizeof(u64));
    log::counters("nic-counters", drivers::kVirtioNetCounterNames, reinterpret_cast<const u64*>(&g_nic.stats()),
                  sizeof(drivers::VirtioNetStats) / sizeof(u64));
    log::counters("control-counters", net::control_counter_names(), reinterpret_cast<const u64*>(&g_control.counters()),
                  sizeof(net::ControlCounters) / sizeof(u64));
}

drivers::VirtioNet& nic() { return g_nic; }
net::NetStack& stack() { return g_stack; }
const volatile bool& exit_requested() { return g_exit_requested; }
void set_status_handler(StatusHandler handler) { g_status_handler = handler; }
void set_kill_handler(KillHandler handler) { g_kill_handler = handler; }

bool net_init(const CommandLine& cmdline, NetServices services) {
    drivers::PciDevice nic{};
    bool found = false;
    drivers::pci_for_each([&](const drivers::PciDevice& d) {
        log::record("pci", "bus=%u device=%u function=%u vendor=%#x id=%#x class=%#x", d.address.bus,
                    d.address.device, d.address.function, d.vendor_id, d.device_id, d.class_code);
        bool virtio_net = d.vendor_id == kVirtioVendor &&
                          (d.device_id == kVirtioNetModern ||
                           (d.device_id == kVirtioNetTransitional && d.class_code == 0x02));
        if (virtio_net && !found) nic = d, found = true;
    });
    if (!found) {
        log::info("net: no virtio-net device");
        return false;
    }
    // MSI-X (capability 0x11, PCI 3.0 6.8.2): present on virtio-net, unused:
    // the driver polls and asks the device for no interrupts at all.
    if (u8 msix = drivers::pci_find_capability(nic.address, 0x11))
        log::record("pci-msix", "vectors=%u enabled=0",
                    (drivers::pci_read16(nic.address, u8(msix + 2)) & 0x7FF) + 1);
    void* dma = alloc_pool_slab(0, drivers::VirtioNet::kDmaBytes);
    if (!dma || !g_nic.init(nic, static_cast<u8*>(dma), virtual_to_physical(dma))) return false;

    net::NetConfig config{};
    config.mac = g_nic.mac();
    if (!net::parse_net_options(cmdline, config)) return false;
    bool test_services = services == NetServices::EchoAndAcknowledge;
    config.echo_port = test_services ? 7 : 0;
    g_stack.init(config, net::TxPort{nullptr, tx_acquire, tx_send});
    g_stack.bind_udp(net::kControlPort, on_control, nullptr);
    if (test_services) g_stack.bind_udp(kFeedPort, on_feed, nullptr);
    // Without RDRAND there is no nonce: the TSC at this point of boot is
    // nearly the same every boot (exactly, under QEMU -icount), so a nonce
    // from it would let a command recorded in one boot work in another.
    u64 nonce = 0;
    bool have_nonce = arch::has_rdrand() && arch::rdrand64(nonce);
    net::configure_control(g_control, cmdline, nonce, have_nonce, "rdrand");
    if (net::Ipv4Address group = net::parse_ipv4(cmdline.value("join"))) g_stack.join(group);
    net::MacAddress groups[net::NetStack::kMaxGroups];
    u32 count = g_stack.multicast_macs(groups, net::NetStack::kMaxGroups);
    bool filtered = g_nic.set_receive_filter(groups, count);
    log::record("nic-filter", "device=%d multicast=%u", filtered, count);
    if (!filtered) log::info("virtio-net: no control queue; multicast filtered in software only");
    log::record("net-ready", "ip=%u.%u.%u.%u mac=%02x:%02x:%02x:%02x:%02x:%02x", config.ip >> 24,
                (config.ip >> 16) & 255, (config.ip >> 8) & 255, config.ip & 255, config.mac.bytes[0],
                config.mac.bytes[1], config.mac.bytes[2], config.mac.bytes[3], config.mac.bytes[4],
                config.mac.bytes[5]);
    return true;
}

void net_run() {
    net::poll_until(g_nic, g_stack, g_exit_requested);
    log_net_counters();
    platform::exit(ExitStatus::Success);
}

}  // namespace tk::pc
