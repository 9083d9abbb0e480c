// Ethernet, ARP, IPv4, UDP and IGMP for one interface, with no allocation:
// received frames are parsed in place (every length and offset checked), and
// frames to send are built in buffers the transmit port lends.
//
// A malformed or unwanted frame is dropped and counted under its reason
// (NetCounters); nothing in a frame can make the stack read or write outside
// it. docs/networking.md lists the drop reasons.
#pragma once

#include "kernel/net/protocols.h"
#include "kernel/net/wire.h"

namespace tk::net {

struct NetConfig {
    MacAddress mac;
    Ipv4Address ip;
    Ipv4Address netmask;
    Ipv4Address gateway;  // the router, for addresses off our subnet
    u16 echo_port = 7;  // UDP echo service (RFC 862); 0: off
    u8 igmp_version = 3;
};

// One list, so the struct, the log and the host's names never disagree.
// Every received frame (rx_frames) ends under exactly one outcome: delivered
// to a UDP listener, an ARP request or reply for us, or one drop reason. The
// other counters count what was sent or learnt. docs/networking.md lists them.
#define TK_NET_RX_OUTCOMES(X)                                                          \
    X(rx_delivered) X(arp_received) X(drop_runt) X(drop_oversize) X(drop_ethertype)     \
    X(drop_not_for_us) X(arp_malformed) X(ip_bad_version) X(ip_bad_header)              \
    X(ip_bad_length) X(ip_bad_checksum) X(ip_fragment) X(ip_options) X(ip_not_for_us)   \
    X(ip_unsupported_protocol) X(udp_bad_length) X(udp_bad_checksum) X(udp_no_listener) \
    X(multicast_not_joined)
#define TK_NET_COUNTERS(X)                                                              \
    X(rx_frames) TK_NET_RX_OUTCOMES(X) X(tx_frames) X(tx_no_buffer) X(arp_replies_sent)  \
    X(arp_requests_sent) X(arp_learned) X(igmp_reports_sent) X(arp_static_kept)          \
    X(arp_table_full) X(echo_refused)

struct NetCounters {
#define TK_NET_COUNTER_FIELD(name) u64 name;
    TK_NET_COUNTERS(TK_NET_COUNTER_FIELD)
#undef TK_NET_COUNTER_FIELD
};

// "rx_frames,rx_delivered,...": the field names in order.
const char* net_counter_names();
// The outcomes alone: their sum is rx_frames.
const char* net_rx_outcome_names();

struct UdpDatagram {
    MacAddress source_mac;  // the sending host, or the router it came through
    Ipv4Address source;
    Ipv4Address destination;
    u16 source_port;
    u16 destination_port;
    Bytes payload;  // points into the received frame
    bool link_group = false;  // the frame went to a group or the broadcast MAC address
};

using UdpHandler = void (*)(void* context, const UdpDatagram& datagram);

// Where frames leave: the NIC driver, a hosted socket or a test capture.
struct TxPort {
    void* context;
    // A buffer of at least kMaxEthernetFrame bytes, or nullptr if none is free.
    u8* (*acquire)(void* context);
    // Sends `length` bytes of a buffer from acquire(); the port owns it again.
    void (*send)(void* context, u8* frame, usize length);
};

// Datagrams to one destination and port, from one port (the order
// gateway's: kernel/trade/order_entry.cpp), whose Ethernet, IPv4 and UDP
// headers are written once and copied into each frame, with the sums of
// their fixed words kept: a datagram then costs its payload's checksum, the
// IP id and two lengths, not a neighbour lookup and a header built word by
// word. The headers are written again whenever the neighbour table has
// changed, so a flow sends to the link address send_udp would.
struct UdpFlow {
    static constexpr usize kHeaders = kEthernetHeader + kIpv4Header + kUdpHeader;
    static constexpr usize kMaxPayload = kMaxEthernetFrame - kHeaders;
    Ipv4Address destination;
    u16 destination_port, source_port;
    u64 neighbors_version;  // the stack's when the headers were written; 0: never
    u32 ip_sum;             // the IPv4 header's words, its length and id zero
    u32 udp_sum;            // the pseudo-header's and UDP header's, the lengths zero
    u8 headers[kHeaders];
};

class NetStack {
public:
    static constexpr u32 kMaxBindings = 16;
    static constexpr u32 kMaxGroups = 16;
    static constexpr u32 kArpEntries = 16;

    void init(const NetConfig& config, const TxPort& tx);

    // Processes one received frame (without FCS). The frame may be reused as
    // soon as this returns.
    void receive(const u8* frame, usize length);

    // False if the port is bound already or the table is full.
    bool bind_udp(u16 port, UdpHandler handler, void* context);
    bool bound(u16 port) const {
        for (u32 i = 0; i < binding_count_; ++i)
            if (bindings_[i].port == port) return true;
        return false;
    }

    // Builds and sends one datagram. False when the destination's MAC is not
    // known yet (an ARP request has been sent: try again) or no TX buffer.
    bool send_udp(Ipv4Address destination, u16 destination_port, u16 source_port,
                  const u8* payload, usize length);
    // A flow to `destination`: its headers are written at its first datagram.
    static UdpFlow flow_to(Ipv4Address destination, u16 destination_port, u16 source_port) {
        return UdpFlow{destination, destination_port, source_port, 0, 0, 0, {}};
    }
    // A frame for `flow` with its headers in place: `length` bytes of payload
    // (at most UdpFlow::kMaxPayload) are to be written at the pointer
    // returned, and the frame sent with flow_send. nullptr (nothing taken)
    // where send_udp would fail: the MAC unknown (an ARP request sent: try
    // again) or no TX buffer.
    u8* flow_begin(UdpFlow& flow, usize length);
    void flow_send(const UdpFlow& flow, u8* payload, usize length);
    // Answers a received datagram: back to its source, through the link
    // address it came from (no ARP needed).
    bool reply_udp(const UdpDatagram& to, const u8* payload, usize length);

    // Multicast membership: sends an IGMP report (v2 or v3, per config) and
    // from then on delivers datagrams sent to the group.
    bool join(Ipv4Address group);
    bool leave(Ipv4Address group);
    bool joined(Ipv4Address group) const;
    // Group MAC addresses, for the NIC's receive filter.
    u32 multicast_macs(MacAddress* out, u32 capacity) const;

    bool arp_lookup(Ipv4Address ip, MacAddress& mac) const;
    // Whose MAC address a datagram to `ip` goes to: `ip` itself on our
    // subnet, else the router. ARP answers, static entries and pins are for
    // next hops.
    Ipv4Address next_hop(Ipv4Address ip) const {
        return (ip & config_.netmask) == (config_.ip & config_.netmask) ? ip : config_.gateway;
    }
    // A neighbour known in advance (a static ARP entry), e.g. the order
    // gateway on a configured link. No ARP packet changes or evicts it; one
    // that tries is counted (arp_static_kept). False if the table holds only
    // static entries.
    bool add_neighbor(Ipv4Address ip, const MacAddress& mac);
    // Makes the entry ARP has learnt for `ip` static (the order gateway once
    // resolved, before trading starts). False if there is none.
    bool pin_neighbor(Ipv4Address ip);
    const NetCounters& counters() const { return counters_; }
    const NetConfig& config() const { return config_; }
    // A frame the trading fast path (kernel/trade/fastpath.cpp) delivered
    // itself, counted as receive() would count it.
    void count_delivered_elsewhere() {
        ++counters_.rx_frames;
        ++counters_.rx_delivered;
    }

private:
    struct Binding { u16 port; UdpHandler handler; void* context; };
    struct ArpEntry { Ipv4Address ip; MacAddress mac; bool valid; bool permanent; };

    void receive_arp(Bytes packet);
    void receive_ipv4(Bytes packet, bool link_multicast, const MacAddress& source_mac);
    void receive_udp(Bytes segment, bool link_group, Ipv4Address source, Ipv4Address destination, u32 pseudo_sum,
                     const MacAddress& source_mac);
    bool transmit_udp(const MacAddress& dst_mac, Ipv4Address dst, u16 dst_port, u16 src_port,
                      const u8* payload, usize length);
    ArpEntry* learn(Ipv4Address ip, const MacAddress& mac);
    bool resolve(Ipv4Address destination, MacAddress& mac);
    bool write_flow_headers(UdpFlow& flow);
    bool send_arp(u16 operation, const MacAddress& target_mac, Ipv4Address target_ip);
    bool send_igmp(Ipv4Address group, bool join);
    // Writes Ethernet + IPv4 headers (with `options` words); returns the header length.
    usize write_ip_headers(u8* frame, const MacAddress& dst_mac, Ipv4Address dst, u8 protocol,
                           usize payload_length, u8 ttl, bool router_alert);
    static void echo(void* context, const UdpDatagram& d);

    NetConfig config_{};
    TxPort tx_{};
    NetCounters counters_{};
    Binding bindings_[kMaxBindings] = {};
    u32 binding_count_ = 0;
    Ipv4Address groups_[kMaxGroups] = {};
    u32 group_count_ = 0;
    ArpEntry arp_[kArpEntries] = {};
    u32 arp_next_ = 0;
    u16 ip_id_ = 0;
    // Moves whenever a neighbour's address does, or the stack is set up
    // again: a UdpFlow built before then is written again.
    u64 neighbors_version_ = 1;  // 64 bits: an ARP flood never wraps it to a flow's
};

}  // namespace tk::net
