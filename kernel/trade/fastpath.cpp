#include "kernel/trade/fastpath.h"

#include "kernel/feed/itch.h"
#include "kernel/feed/moldudp64.h"
#include "kernel/net/protocols.h"
#include "kernel/net/wire.h"

namespace tk::trade {

using net::load_be16, net::load_be32;

namespace {

// The book messages of ITCH 5.0 section 4.3-4.4: Add Order (A, F), Order
// Executed (E, C), Cancel (X), Delete (D), Replace (U). Every other type --
// directory, trades, system and administrative messages -- takes the
// general path.
bool is_book_message(u8 type) {
    return type == 'A' || type == 'F' || type == 'E' || type == 'C' || type == 'X' || type == 'D' || type == 'U';
}

// The smallest frame the fast path takes: the headers and one message block
// of the shortest book message (Order Delete, 19 bytes).
constexpr usize kSmallestFrame = net::kEthernetHeader + net::kIpv4Header + net::kUdpHeader + mold::kHeader + 2 + 19;

}  // namespace

bool fastpath_receive(Engine& engine, net::NetStack& stack, const u8* frame, usize length) {
    if (engine.feed_stack() != &stack) return false;  // the feed port is not bound to this engine there
    const net::NetConfig& us = stack.config();
    Pipeline& pipeline = engine.pipeline;
    mold::Receiver& feed = pipeline.receiver();

    // Ethernet II carrying IPv4, to our address or a group's.
    if (length < kSmallestFrame || length > net::kMaxEthernetFrame) return false;
    if (load_be16(frame + 12) != net::kEtherTypeIpv4) return false;
    bool link_group = frame[0] & 1;
    if (!link_group && !same_bytes<6>(frame, us.mac.bytes)) return false;

    // IPv4 (RFC 791): a 20-byte header (no options), not a fragment, UDP,
    // the checksum good, the total length within the frame; to us, or to a
    // group we joined in a group frame (a group is never "us", even if our
    // address were configured as one).
    const u8* ip = frame + net::kEthernetHeader;
    usize total = load_be16(ip + 2);
    if (ip[0] != 0x45 || (load_be16(ip + 6) & 0x3FFF) || ip[9] != net::kProtoUdp) return false;
    if (total < net::kIpv4Header + net::kUdpHeader || total > length - net::kEthernetHeader) return false;
    if (net::internet_checksum(ip, net::kIpv4Header) != 0) return false;
    net::Ipv4Address source = load_be32(ip + 12), destination = load_be32(ip + 16);
    bool to_us = net::is_multicast(destination) ? link_group && stack.joined(destination) : destination == us.ip;
    if (!to_us) return false;

    // UDP (RFC 768) to the feed port from a feed source: its length within
    // the IP packet, its checksum none (0) or good.
    const u8* udp = ip + net::kIpv4Header;
    usize udp_length = load_be16(udp + 4);
    if (load_be16(udp + 2) != engine.feed_port) return false;
    if (udp_length < net::kUdpHeader || udp_length > total - net::kIpv4Header) return false;
    if (load_be16(udp + 6) != 0) {
        u32 pseudo = net::pseudo_header_sum(source, destination, net::kProtoUdp, udp_length);
        if (net::checksum_finish(net::checksum_add(pseudo, udp, udp_length)) != 0) return false;
    }
    if (!pipeline.from_feed_source(source)) return false;

    // MoldUDP64: the expected session, starting at exactly the next message,
    // nothing held, nothing known beyond it (so the feed is not behind, and
    // the pipeline has not marked the market stale).
    const u8* packet = udp + net::kUdpHeader;
    usize packet_length = udp_length - net::kUdpHeader;
    if (!feed.in_order(packet, packet_length)) return false;
    u16 count = load_be16(packet + mold::kCountAt);

    // ITCH 5.0: every message a book message of exactly its type's length.
    usize at = mold::kHeader;
    for (u16 i = 0; i < count; ++i) {
        u16 n = load_be16(packet + at);
        const u8* m = packet + at + 2;
        if (!is_book_message(m[0]) || itch::check(m, n) != itch::DecodeStatus::Ok) return false;
        at += 2 + usize(n);
    }

    // The common case. From here the effects are the general path's, in its
    // order: the frame counted delivered, the packet taken, then each
    // message to the books, the strategy and, through send_order, the risk
    // gate and the OUCH encoder.
    stack.count_delivered_elsewhere();
    feed.begin_in_order(count);
    Sequence sequence = feed.next_sequence();
    at = mold::kHeader;
    for (u16 i = 0; i < count; ++i) {
        u16 n = load_be16(packet + at);
        pipeline.deliver_book_message(sequence + Sequence{i}, packet + at + 2, n);
        feed.delivered_in_order();
        at += 2 + usize(n);
    }
    feed.end_in_order();
    return true;
}

}  // namespace tk::trade
