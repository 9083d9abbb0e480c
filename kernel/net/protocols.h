// Frame layouts and constants: Ethernet II, ARP (RFC 826), IPv4 (RFC 791),
// UDP (RFC 768), IGMPv2 (RFC 2236) and IGMPv3 (RFC 3376).
#pragma once

#include "tk/bytes.h"
#include "tk/types.h"

namespace tk::net {

struct MacAddress {
    u8 bytes[6];
    bool operator==(const MacAddress& o) const { return same_bytes<6>(bytes, o.bytes); }
};

using Ipv4Address = u32;  // host order: 10.0.2.15 == 0x0A00020F

inline constexpr MacAddress kBroadcastMac{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};

// RFC 1112, 6.4: 01:00:5E plus the low 23 bits of the group address.
inline MacAddress multicast_mac(Ipv4Address group) {
    return {{0x01, 0x00, 0x5E, u8((group >> 16) & 0x7F), u8(group >> 8), u8(group)}};
}

inline bool is_multicast(Ipv4Address a) { return (a >> 28) == 0xE; }  // 224.0.0.0/4

inline constexpr usize kEthernetHeader = 14;
inline constexpr usize kMinEthernetFrame = 60;    // without FCS (IEEE 802.3)
inline constexpr usize kMaxEthernetFrame = 1514;  // without FCS; no jumbo frames
inline constexpr u16 kEtherTypeIpv4 = 0x0800;
inline constexpr u16 kEtherTypeArp = 0x0806;

inline constexpr usize kArpPacket = 28;  // Ethernet/IPv4 ARP
inline constexpr u16 kArpRequest = 1, kArpReply = 2;

inline constexpr usize kIpv4Header = 20;
inline constexpr u8 kProtoIgmp = 2, kProtoUdp = 17;
inline constexpr usize kUdpHeader = 8;

inline constexpr Ipv4Address kAllSystems = 0xE0000001;      // 224.0.0.1
inline constexpr Ipv4Address kAllRouters = 0xE0000002;      // 224.0.0.2, IGMPv2 leave
inline constexpr Ipv4Address kIgmpv3Routers = 0xE0000016;   // 224.0.0.22
inline constexpr u8 kIgmpV2Report = 0x16, kIgmpV2Leave = 0x17, kIgmpV3Report = 0x22;

}  // namespace tk::net
