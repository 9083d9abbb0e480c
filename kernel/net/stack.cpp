#include "kernel/net/stack.h"

namespace tk::net {
namespace {

MacAddress mac_at(const u8* p) {
    MacAddress m;
    for (int i = 0; i < 6; ++i) m.bytes[i] = p[i];
    return m;
}

void put_mac(u8* p, const MacAddress& m) {
    for (int i = 0; i < 6; ++i) p[i] = m.bytes[i];
}

// Eight bytes per move (fixed-size __builtin_memcpy is one load and one
// store, even freestanding), then the tail.
void copy(u8* dst, const u8* src, usize n) {
    usize i = 0;
    for (; i + 8 <= n; i += 8) __builtin_memcpy(dst + i, src + i, 8);
    for (; i < n; ++i) dst[i] = src[i];
}

}  // namespace

const char* net_counter_names() {
#define TK_NET_COUNTER_NAME(name) #name ","
    return TK_NET_COUNTERS(TK_NET_COUNTER_NAME);
}

const char* net_rx_outcome_names() { return TK_NET_RX_OUTCOMES(TK_NET_COUNTER_NAME); }
#undef TK_NET_COUNTER_NAME

void NetStack::init(const NetConfig& config, const TxPort& tx) {
    u64 version = neighbors_version_;
    *this = NetStack{};
    neighbors_version_ = version + 1;
    config_ = config;
    tx_ = tx;
    if (config.echo_port) bind_udp(config.echo_port, echo, this);
}

bool NetStack::bind_udp(u16 port, UdpHandler handler, void* context) {
    if (binding_count_ == kMaxBindings || !handler) return false;
    if (bound(port)) return false;  // the first would take every datagram
    bindings_[binding_count_++] = {port, handler, context};
    return true;
}

void NetStack::receive(const u8* frame, usize length) {
    ++counters_.rx_frames;
    if (length < kEthernetHeader) {
        ++counters_.drop_runt;
        return;
    }
    if (length > kMaxEthernetFrame) {
        ++counters_.drop_oversize;
        return;
    }
    bool multicast = frame[0] & 1;  // the destination's group bit
    if (!multicast && !same_bytes<6>(frame, config_.mac.bytes)) {
        ++counters_.drop_not_for_us;
        return;
    }
    Bytes packet = Bytes{frame, length}.from(kEthernetHeader);
    switch (load_be16(frame + 12)) {
        case kEtherTypeArp: receive_arp(packet); break;
        case kEtherTypeIpv4: receive_ipv4(packet, multicast, mac_at(frame + 6)); break;
        default: ++counters_.drop_ethertype; break;
    }
}

// RFC 826: Ethernet (1) / IPv4 (0x0800), 6-byte and 4-byte addresses.
void NetStack::receive_arp(Bytes p) {
    if (!p.has(0, kArpPacket) || load_be16(p.data) != 1 || load_be16(p.data + 2) != kEtherTypeIpv4 ||
        p.data[4] != 6 || p.data[5] != 4) {
        ++counters_.arp_malformed;
        return;
    }
    u16 operation = load_be16(p.data + 6);
    MacAddress sender_mac = mac_at(p.data + 8);
    Ipv4Address sender_ip = load_be32(p.data + 14);
    Ipv4Address target_ip = load_be32(p.data + 24);
    if (target_ip != config_.ip) {
        ++counters_.drop_not_for_us;
        return;
    }
    if (operation != kArpRequest && operation != kArpReply) {
        ++counters_.arp_malformed;
        return;
    }
    ++counters_.arp_received;
    // A sender claiming a group or broadcast MAC, or no address, is neither
    // learnt nor answered: the reply would go to the whole segment.
    bool one_host = !(sender_mac.bytes[0] & 1) && sender_ip != 0 && !is_multicast(sender_ip) &&
                    sender_ip != 0xFFFFFFFF;
    if (one_host) learn(sender_ip, sender_mac);
    if (operation == kArpRequest && one_host) send_arp(kArpReply, sender_mac, sender_ip);
}

void NetStack::receive_ipv4(Bytes p, bool link_multicast, const MacAddress& source_mac) {
    if (!p.has(0, kIpv4Header)) {
        ++counters_.ip_bad_length;
        return;
    }
    const u8* h = p.data;
    if (h[0] >> 4 != 4) {
        ++counters_.ip_bad_version;
        return;
    }
    usize header_length = usize(h[0] & 0xF) * 4;
    u16 total_length = load_be16(h + 2);
    if (header_length < kIpv4Header) {
        ++counters_.ip_bad_header;
        return;
    }
    // Ethernet pads short frames: the IP total length, not the frame, says
    // where the packet ends; it must fit in what arrived.
    if (total_length < header_length || !p.has(0, total_length)) {
        ++counters_.ip_bad_length;
        return;
    }
    if (internet_checksum(h, header_length) != 0) {
        ++counters_.ip_bad_checksum;
        return;
    }
    u16 fragment = load_be16(h + 6);
    if (fragment & 0x3FFF) {  // MF flag or a fragment offset
        ++counters_.ip_fragment;
        return;
    }
    Ipv4Address source = load_be32(h + 12), destination = load_be32(h + 16);
    u8 protocol = h[9];
    if (header_length > kIpv4Header && protocol != kProtoIgmp) {
        ++counters_.ip_options;
        return;
    }
    bool for_us = destination == config_.ip || (is_multicast(destination) && link_multicast) ||
                  destination == 0xFFFFFFFF;
    if (!for_us) {
        ++counters_.ip_not_for_us;
        return;
    }
    if (protocol != kProtoUdp) {
        ++counters_.ip_unsupported_protocol;  // inbound IGMP queries included: we report on join
        return;
    }
    Bytes segment = p.first(total_length).from(header_length);
    receive_udp(segment, link_multicast, source, destination, pseudo_header_sum(source, destination, kProtoUdp, 0),
                source_mac);
}

void NetStack::receive_udp(Bytes s, bool link_group, Ipv4Address source, Ipv4Address destination, u32 pseudo_sum,
                           const MacAddress& source_mac) {
    if (!s.has(0, kUdpHeader)) {
        ++counters_.udp_bad_length;
        return;
    }
    u16 udp_length = load_be16(s.data + 4);
    if (udp_length < kUdpHeader || udp_length > s.length) {
        ++counters_.udp_bad_length;
        return;
    }
    // A zero checksum means "none" (RFC 768); otherwise it must verify.
    if (load_be16(s.data + 6) != 0 &&
        checksum_finish(checksum_add(pseudo_sum + udp_length, s.data, udp_length)) != 0) {
        ++counters_.udp_bad_checksum;
        return;
    }
    if (is_multicast(destination) && !joined(destination)) {
        ++counters_.multicast_not_joined;
        return;
    }
    UdpDatagram d{source_mac, source, destination, load_be16(s.data), load_be16(s.data + 2),
                  Bytes{s.data + kUdpHeader, usize(udp_length - kUdpHeader)}, link_group};
    for (u32 i = 0; i < binding_count_; ++i) {
        if (bindings_[i].port == d.destination_port) {
            ++counters_.rx_delivered;
            bindings_[i].handler(bindings_[i].context, d);
            return;
        }
    }
    ++counters_.udp_no_listener;
}

// Answers only a datagram sent to us alone by a single host: never one sent
// to a group or to everyone (by IP address or by MAC address: a broadcast
// frame carrying our IP reaches every host on the segment), nor one that
// claims a group, broadcast or null source (the reply would go to many
// hosts, or to a victim: an amplifier).
void NetStack::echo(void* context, const UdpDatagram& d) {
    auto* self = static_cast<NetStack*>(context);
    bool to_us_alone = d.destination == self->config_.ip && !d.link_group;
    bool from_one_host = !(d.source_mac.bytes[0] & 1) && d.source != 0 && !is_multicast(d.source) &&
                         d.source != 0xFFFFFFFF;
    if (!to_us_alone || !from_one_host) {
        ++self->counters_.echo_refused;
        return;
    }
    self->reply_udp(d, d.payload.data, d.payload.length);
}

// Updates the entry for `ip`, or replaces the oldest dynamic one. Static
// entries are never changed or evicted. nullptr when nothing changed.
NetStack::ArpEntry* NetStack::learn(Ipv4Address ip, const MacAddress& mac) {
    for (ArpEntry& e : arp_) {
        if (!e.valid || e.ip != ip) continue;
        if (e.permanent) {
            if (!(e.mac == mac)) ++counters_.arp_static_kept;
            return nullptr;
        }
        if (!(e.mac == mac)) ++neighbors_version_;
        e.mac = mac;
        return &e;
    }
    for (u32 tried = 0; tried < kArpEntries; ++tried) {
        ArpEntry& e = arp_[arp_next_];
        arp_next_ = (arp_next_ + 1) % kArpEntries;  // oldest entry goes first
        if (e.valid && e.permanent) continue;
        ++neighbors_version_;  // a new entry, perhaps in place of another
        e = {ip, mac, true, false};
        ++counters_.arp_learned;
        return &e;
    }
    ++counters_.arp_table_full;
    return nullptr;
}

bool NetStack::add_neighbor(Ipv4Address ip, const MacAddress& mac) {
    for (ArpEntry& e : arp_) {
        if (e.valid && e.ip == ip) {
            if (!(e.mac == mac)) ++neighbors_version_;
            e.mac = mac;
            e.permanent = true;
            return true;
        }
    }
    ArpEntry* e = learn(ip, mac);
    if (e) e->permanent = true;
    return e != nullptr;
}

bool NetStack::pin_neighbor(Ipv4Address ip) {
    for (ArpEntry& e : arp_) {
        if (e.valid && e.ip == ip) {
            e.permanent = true;
            return true;
        }
    }
    return false;
}

bool NetStack::arp_lookup(Ipv4Address ip, MacAddress& mac) const {
    for (const ArpEntry& e : arp_) {
        if (e.valid && e.ip == ip) {
            mac = e.mac;
            return true;
        }
    }
    return false;
}

bool NetStack::send_arp(u16 operation, const MacAddress& target_mac, Ipv4Address target_ip) {
    u8* f = tx_.acquire(tx_.context);
    if (!f) {
        ++counters_.tx_no_buffer;
        return false;
    }
    put_mac(f, operation == kArpRequest ? kBroadcastMac : target_mac);
    put_mac(f + 6, config_.mac);
    store_be16(f + 12, kEtherTypeArp);
    u8* a = f + kEthernetHeader;
    store_be16(a, 1);
    store_be16(a + 2, kEtherTypeIpv4);
    a[4] = 6;
    a[5] = 4;
    store_be16(a + 6, operation);
    put_mac(a + 8, config_.mac);
    store_be32(a + 14, config_.ip);
    put_mac(a + 18, operation == kArpRequest ? MacAddress{} : target_mac);
    store_be32(a + 24, target_ip);
    usize length = kEthernetHeader + kArpPacket;
    for (; length < kMinEthernetFrame; ++length) f[length] = 0;  // pad to the minimum
    ++(operation == kArpRequest ? counters_.arp_requests_sent : counters_.arp_replies_sent);
    ++counters_.tx_frames;
    tx_.send(tx_.context, f, length);
    return true;
}

usize NetStack::write_ip_headers(u8* f, const MacAddress& dst_mac, Ipv4Address dst, u8 protocol,
                                 usize payload_length, u8 ttl, bool router_alert) {
    put_mac(f, dst_mac);
    put_mac(f + 6, config_.mac);
    store_be16(f + 12, kEtherTypeIpv4);
    u8* h = f + kEthernetHeader;
    usize header_length = kIpv4Header + (router_alert ? 4 : 0);
    h[0] = u8(0x40 | header_length / 4);
    h[1] = 0;
    store_be16(h + 2, u16(header_length + payload_length));
    store_be16(h + 4, ip_id_++);
    store_be16(h + 6, 0);
    h[8] = ttl;
    h[9] = protocol;
    store_be16(h + 10, 0);
    store_be32(h + 12, config_.ip);
    store_be32(h + 16, dst);
    if (router_alert) store_be32(h + 20, 0x94040000);  // RFC 2113 Router Alert
    store_be16(h + 10, internet_checksum(h, header_length));
    return kEthernetHeader + header_length;
}

// The link address of `dst`: a group's, the broadcast address, or its next
// hop's from the neighbour table; if that has none, an ARP request goes out
// and the answer is false.
bool NetStack::resolve(Ipv4Address dst, MacAddress& mac) {
    if (is_multicast(dst)) {
        mac = multicast_mac(dst);
    } else if (dst == 0xFFFFFFFF) {
        mac = kBroadcastMac;
    } else {
        Ipv4Address hop = next_hop(dst);
        if (!arp_lookup(hop, mac)) {
            send_arp(kArpRequest, kBroadcastMac, hop);
            return false;
        }
    }
    return true;
}

bool NetStack::send_udp(Ipv4Address dst, u16 dst_port, u16 src_port, const u8* payload, usize length) {
    if (length > UdpFlow::kMaxPayload) return false;
    MacAddress dst_mac;
    if (!resolve(dst, dst_mac)) return false;
    return transmit_udp(dst_mac, dst, dst_port, src_port, payload, length);
}

// The headers as transmit_udp writes them, with both lengths, the IP id and
// both checksums zero; the sums of the rest kept for flow_send.
bool NetStack::write_flow_headers(UdpFlow& flow) {
    MacAddress dst_mac;
    if (!resolve(flow.destination, dst_mac)) return false;
    u8* f = flow.headers;
    put_mac(f, dst_mac);
    put_mac(f + 6, config_.mac);
    store_be16(f + 12, kEtherTypeIpv4);
    u8* h = f + kEthernetHeader;
    for (usize i = 0; i < kIpv4Header + kUdpHeader; ++i) h[i] = 0;
    h[0] = 0x45;
    h[8] = 64;  // TTL
    h[9] = kProtoUdp;
    store_be32(h + 12, config_.ip);
    store_be32(h + 16, flow.destination);
    u8* u = h + kIpv4Header;
    store_be16(u, flow.source_port);
    store_be16(u + 2, flow.destination_port);
    flow.ip_sum = checksum_add(0, h, kIpv4Header);
    flow.udp_sum = checksum_add(pseudo_header_sum(config_.ip, flow.destination, kProtoUdp, 0), u, kUdpHeader);
    flow.neighbors_version = neighbors_version_;
    return true;
}

u8* NetStack::flow_begin(UdpFlow& flow, usize length) {
    if (length > UdpFlow::kMaxPayload) return nullptr;
    if (flow.neighbors_version != neighbors_version_ && !write_flow_headers(flow)) return nullptr;
    u8* f = tx_.acquire(tx_.context);
    if (!f) {
        ++counters_.tx_no_buffer;
        return nullptr;
    }
    copy(f, flow.headers, UdpFlow::kHeaders);
    return f + UdpFlow::kHeaders;
}

// The sums are those of transmit_udp's headers: the lengths, the id and the
// payload added to the fixed words' (RFC 1071 section 2(C): the sum of parts
// is the sum of the whole).
void NetStack::flow_send(const UdpFlow& flow, u8* payload, usize length) {
    u8* f = payload - UdpFlow::kHeaders;
    u8* h = f + kEthernetHeader;
    u8* u = h + kIpv4Header;
    u16 udp_length = u16(kUdpHeader + length), total = u16(kIpv4Header + udp_length), id = ip_id_++;
    store_be16(h + 2, total);
    store_be16(h + 4, id);
    store_be16(h + 10, checksum_finish(flow.ip_sum + total + id));
    store_be16(u + 4, udp_length);
    // The UDP length is in the pseudo-header and in the UDP header: twice.
    u16 sum = checksum_finish(checksum_add(flow.udp_sum + 2 * u32(udp_length), payload, length));
    store_be16(u + 6, sum ? sum : 0xFFFF);  // RFC 768: a computed zero is sent as all ones
    usize frame_length = UdpFlow::kHeaders + length;
    for (; frame_length < kMinEthernetFrame; ++frame_length) f[frame_length] = 0;
    ++counters_.tx_frames;
    tx_.send(tx_.context, f, frame_length);
}

bool NetStack::reply_udp(const UdpDatagram& to, const u8* payload, usize length) {
    if (length > kMaxEthernetFrame - kEthernetHeader - kIpv4Header - kUdpHeader) return false;
    return transmit_udp(to.source_mac, to.source, to.source_port, to.destination_port, payload, length);
}

bool NetStack::transmit_udp(const MacAddress& dst_mac, Ipv4Address dst, u16 dst_port, u16 src_port,
                            const u8* payload, usize length) {
    u8* f = tx_.acquire(tx_.context);
    if (!f) {
        ++counters_.tx_no_buffer;
        return false;
    }
    usize udp_length = kUdpHeader + length;
    usize at = write_ip_headers(f, dst_mac, dst, kProtoUdp, udp_length, 64, false);
    u8* u = f + at;
    store_be16(u, src_port);
    store_be16(u + 2, dst_port);
    store_be16(u + 4, u16(udp_length));
    store_be16(u + 6, 0);
    copy(u + kUdpHeader, payload, length);
    u16 sum = checksum_finish(
        checksum_add(pseudo_header_sum(config_.ip, dst, kProtoUdp, udp_length), u, udp_length));
    store_be16(u + 6, sum ? sum : 0xFFFF);  // RFC 768: a computed zero is sent as all ones
    usize frame_length = at + udp_length;
    for (; frame_length < kMinEthernetFrame; ++frame_length) f[frame_length] = 0;
    ++counters_.tx_frames;
    tx_.send(tx_.context, f, frame_length);
    return true;
}

// IGMPv2 (RFC 2236, 2): report to the group, leave to all-routers.
// IGMPv3 (RFC 3376, 4.2): one group record to 224.0.0.22; joining is
// CHANGE_TO_EXCLUDE_MODE with no sources, leaving CHANGE_TO_INCLUDE_MODE.
bool NetStack::send_igmp(Ipv4Address group, bool join) {
    u8* f = tx_.acquire(tx_.context);
    if (!f) {
        ++counters_.tx_no_buffer;
        return false;
    }
    bool v3 = config_.igmp_version == 3;
    Ipv4Address dst = v3 ? kIgmpv3Routers : (join ? group : kAllRouters);
    usize igmp_length = v3 ? 16 : 8;
    usize at = write_ip_headers(f, multicast_mac(dst), dst, kProtoIgmp, igmp_length, 1, true);
    u8* g = f + at;
    for (usize i = 0; i < igmp_length; ++i) g[i] = 0;
    if (v3) {
        g[0] = kIgmpV3Report;
        store_be16(g + 6, 1);      // one group record
        g[8] = join ? 4 : 3;       // CHANGE_TO_EXCLUDE / CHANGE_TO_INCLUDE
        store_be32(g + 12, group);
    } else {
        g[0] = join ? kIgmpV2Report : kIgmpV2Leave;
        store_be32(g + 4, group);
    }
    store_be16(g + 2, internet_checksum(g, igmp_length));
    usize frame_length = at + igmp_length;
    for (; frame_length < kMinEthernetFrame; ++frame_length) f[frame_length] = 0;
    ++counters_.igmp_reports_sent;
    ++counters_.tx_frames;
    tx_.send(tx_.context, f, frame_length);
    return true;
}

bool NetStack::join(Ipv4Address group) {
    if (!is_multicast(group)) return false;
    if (!joined(group)) {
        if (group_count_ == kMaxGroups) return false;
        groups_[group_count_++] = group;
    }
    return send_igmp(group, true);
}

bool NetStack::leave(Ipv4Address group) {
    for (u32 i = 0; i < group_count_; ++i) {
        if (groups_[i] != group) continue;
        groups_[i] = groups_[--group_count_];
        return send_igmp(group, false);
    }
    return false;
}

bool NetStack::joined(Ipv4Address group) const {
    for (u32 i = 0; i < group_count_; ++i)
        if (groups_[i] == group) return true;
    return false;
}

u32 NetStack::multicast_macs(MacAddress* out, u32 capacity) const {
    u32 n = 0;
    for (u32 i = 0; i < group_count_ && n < capacity; ++i) out[n++] = multicast_mac(groups_[i]);
    return n;
}

}  // namespace tk::net
