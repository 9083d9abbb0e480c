// C ABI over the network stack for Python tests (tradekernel/hosted_net.py):
// frames in from scapy, frames out captured for scapy to decode.

#include "platform/hosted/capi/tk_capi.h"

#include <cstring>
#include <new>

#include "kernel/net/control.h"
#include "kernel/net/poll_loop.h"
#include "kernel/net/stack.h"
#include "platform/hosted/udp_socket_nic.h"

using namespace tk;
using namespace tk::net;

namespace {

struct Capture {
    static constexpr u32 kFrames = 64;
    u8 frames[kFrames][kMaxEthernetFrame];
    usize lengths[kFrames];
    u32 count = 0;
    u8 scratch[kMaxEthernetFrame];  // handed out when the capture is full
};

struct Received {
    static constexpr u32 kMax = 64;
    u8 payloads[kMax][kMaxEthernetFrame];
    usize lengths[kMax];
    u32 groups[kMax];
    u32 count = 0;
};

struct HostedNet {
    NetStack stack;
    Capture capture;
    Received received;
    UdpFlow flow{};
};

u8* acquire(void* context) {
    auto* c = static_cast<Capture*>(context);
    return c->count < Capture::kFrames ? c->frames[c->count] : nullptr;
}

void send(void* context, u8* frame, usize length) {
    auto* c = static_cast<Capture*>(context);
    if (frame == c->frames[c->count]) c->lengths[c->count++] = length;
}

void record(void* context, const UdpDatagram& d) {
    auto* r = static_cast<Received*>(context);
    if (r->count == Received::kMax) return;
    std::memcpy(r->payloads[r->count], d.payload.data, d.payload.length);
    r->lengths[r->count] = d.payload.length;
    r->groups[r->count] = d.destination;
    ++r->count;
}

}  // namespace

extern "C" {

void* tk_net_create(const u8* mac, u32 ip, u32 netmask, u32 gateway, u32 igmp_version) {
    auto* h = new (std::nothrow) HostedNet;
    if (!h) return nullptr;
    NetConfig config{};
    std::memcpy(config.mac.bytes, mac, 6);
    config.ip = ip;
    config.netmask = netmask;
    config.gateway = gateway;
    config.igmp_version = u8(igmp_version);
    h->stack.init(config, TxPort{&h->capture, acquire, send});
    return h;
}

void tk_net_destroy(void* h) { delete static_cast<HostedNet*>(h); }

void tk_net_receive(void* h, const u8* frame, usize length) {
    static_cast<HostedNet*>(h)->stack.receive(frame, length);
}

int tk_net_bind_recorder(void* h, u16 port) {
    auto* n = static_cast<HostedNet*>(h);
    return n->stack.bind_udp(port, record, &n->received);
}

u32 tk_net_received(void* h, u32 index, u8* out, usize capacity, u32* group) {
    auto* r = &static_cast<HostedNet*>(h)->received;
    if (index >= r->count) return 0;
    usize n = r->lengths[index] < capacity ? r->lengths[index] : capacity;
    std::memcpy(out, r->payloads[index], n);
    *group = r->groups[index];
    return u32(n);
}

u32 tk_net_received_count(void* h) { return static_cast<HostedNet*>(h)->received.count; }

u32 tk_net_sent_count(void* h) { return static_cast<HostedNet*>(h)->capture.count; }

usize tk_net_sent_frame(void* h, u32 index, u8* out, usize capacity) {
    auto* c = &static_cast<HostedNet*>(h)->capture;
    if (index >= c->count) return 0;
    usize n = c->lengths[index] < capacity ? c->lengths[index] : capacity;
    std::memcpy(out, c->frames[index], n);
    return n;
}

void tk_net_clear(void* h) {
    auto* n = static_cast<HostedNet*>(h);
    n->capture.count = 0;
    n->received.count = 0;
}

int tk_net_send_udp(void* h, u32 dst, u16 dst_port, u16 src_port, const u8* payload, usize length) {
    return static_cast<HostedNet*>(h)->stack.send_udp(dst, dst_port, src_port, payload, length);
}

// The same datagram through a UdpFlow (kernel/net/stack.h): the handle's
// one flow, made afresh when the destination or a port differs.
int tk_net_send_flow(void* h, u32 dst, u16 dst_port, u16 src_port, const u8* payload, usize length) {
    auto* n = static_cast<HostedNet*>(h);
    UdpFlow& f = n->flow;
    if (f.destination != dst || f.destination_port != dst_port || f.source_port != src_port)
        f = NetStack::flow_to(dst, dst_port, src_port);
    u8* out = n->stack.flow_begin(f, length);
    if (!out) return 0;
    std::memcpy(out, payload, length);
    n->stack.flow_send(f, out, length);
    return 1;
}

int tk_net_join(void* h, u32 group) { return static_cast<HostedNet*>(h)->stack.join(group); }
int tk_net_leave(void* h, u32 group) { return static_cast<HostedNet*>(h)->stack.leave(group); }

int tk_net_add_neighbor(void* h, u32 ip, const u8* mac) {
    MacAddress m;
    for (int i = 0; i < 6; ++i) m.bytes[i] = mac[i];
    return static_cast<HostedNet*>(h)->stack.add_neighbor(ip, m);
}
int tk_net_pin_neighbor(void* h, u32 ip) { return static_cast<HostedNet*>(h)->stack.pin_neighbor(ip); }
// The MAC known for `ip` into mac[6]; 0 if none.
int tk_net_arp_lookup(void* h, u32 ip, u8* mac) {
    MacAddress m;
    if (!static_cast<HostedNet*>(h)->stack.arp_lookup(ip, m)) return 0;
    for (int i = 0; i < 6; ++i) mac[i] = m.bytes[i];
    return 1;
}

const char* tk_net_counter_names() { return net_counter_names(); }
const char* tk_net_rx_outcome_names() { return net_rx_outcome_names(); }

void tk_net_counters(void* h, u64* out) {
    NetCounters c = static_cast<HostedNet*>(h)->stack.counters();
    std::memcpy(out, &c, sizeof c);
}

}  // extern "C"

namespace {

hosted::UdpSocketNic g_socket_nic;
NetStack g_socket_stack;
volatile bool g_socket_stop;
ControlPlane g_socket_control;

// The same control plane as the kernel's: a signed, fresh "tk-exit" from
// the configured address, nothing else.
void socket_control(void*, const UdpDatagram& d) {
    if (g_socket_control.check(d) == ControlCommand::Exit) g_socket_stop = true;
}

}  // namespace

extern "C" {

// Runs the stack on a UdpSocketNic (the same poll loop as the kernel's
// mode=net) until a "tk-exit" signed with `secret` over `nonce`
// (kernel/net/control.h) arrives on the control port from `controller`. Returns the frames received; -1 if the socket could not be
// opened or the controller and secret are not a valid configuration.
long tk_net_serve_socket(const u8* mac, u32 ip, u16 local_port, u16 remote_port, const char* controller,
                         const char* secret, u64 nonce) {
    if (!g_socket_control.configure(StringView{controller, std::strlen(controller)},
                                    StringView{secret, std::strlen(secret)}, nonce))
        return -1;
    if (!g_socket_nic.open(local_port, remote_port)) return -1;
    NetConfig config{};
    std::memcpy(config.mac.bytes, mac, 6);
    config.ip = ip;
    config.netmask = 0xFFFFFF00;
    config.gateway = (ip & 0xFFFFFF00) | 1;
    g_socket_stack.init(config, TxPort{nullptr, [](void*) { return g_socket_nic.tx_acquire(); },
                                       [](void*, u8* f, usize n) { g_socket_nic.tx_send(f, n); }});
    g_socket_stack.bind_udp(kControlPort, socket_control, nullptr);
    g_socket_stop = false;
    poll_until(g_socket_nic, g_socket_stack, g_socket_stop);
    g_socket_nic.close();
    return long(g_socket_stack.counters().rx_frames);
}

}  // extern "C"
