// A received frame, seen in place in the NIC's receive buffer (zero copy).
// The application holds it until it calls release() on the interface, which
// hands the buffer back to the receive ring.
#pragma once

#include "kernel/net/protocols.h"
#include "kernel/net/wire.h"

namespace tk::net {

struct NetworkPacket {
    const u8* data = nullptr;  // the Ethernet frame
    u32 length = 0;
    u32 buffer = 0;            // which receive buffer: for release()
    u64 rx_tsc = 0;            // TSC when the poll found it

    const u8* get_eth_header() const { return length >= kEthernetHeader ? data : nullptr; }

    // IPv4 header, if this is a well-formed IPv4 frame (else nullptr).
    const u8* get_ip_header() const {
        if (length < kEthernetHeader + kIpv4Header || load_be16(data + 12) != kEtherTypeIpv4) return nullptr;
        const u8* ip = data + kEthernetHeader;
        usize ihl = usize(ip[0] & 0xF) * 4;
        return ihl >= kIpv4Header && kEthernetHeader + ihl <= length ? ip : nullptr;
    }

    const u8* get_udp_header() const {
        const u8* ip = get_ip_header();
        if (!ip || ip[9] != kProtoUdp) return nullptr;
        usize ihl = usize(ip[0] & 0xF) * 4;
        usize at = kEthernetHeader + ihl;
        return at + kUdpHeader <= length ? data + at : nullptr;
    }

    const u8* get_payload() const {
        const u8* udp = get_udp_header();
        return udp ? udp + kUdpHeader : nullptr;
    }

    // UDP payload bytes, bounded by both the UDP length and the frame.
    u32 get_payload_size() const {
        const u8* udp = get_udp_header();
        if (!udp) return 0;
        u32 udp_length = load_be16(udp + 4);
        u32 in_frame = u32(data + length - udp);
        u32 bounded = udp_length < in_frame ? udp_length : in_frame;
        return bounded > kUdpHeader ? bounded - kUdpHeader : 0;
    }
};

}  // namespace tk::net
