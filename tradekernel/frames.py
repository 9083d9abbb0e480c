"""Ethernet/IPv4/UDP frames for the venue's data path (RFC 791, RFC 768).

Scapy builds a frame in about 100 us, too slow to publish a market-data
session packet by packet, so the publisher writes headers with `struct`
here; tests check these frames with scapy. Received frames are parsed with
`parse_udp`, which checks every length before it slices.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from ipaddress import IPv4Address

ETHERTYPE_IPV4 = 0x0800
IP_HEADER = struct.Struct(">BBHHHBBH4s4s")
UDP_HEADER = struct.Struct(">HHHH")


def mac_bytes(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", ""))


def multicast_mac(group: str) -> str:
    """RFC 1112 section 6.4: 01:00:5e and the group's low 23 bits."""
    low = int(IPv4Address(group)) & 0x7FFFFF
    return "01:00:5e:" + ":".join(f"{b:02x}" for b in low.to_bytes(3, "big"))


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f">{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


@dataclass(frozen=True)
class Endpoint:
    mac: str
    ip: str


def udp_frame(src: Endpoint, dst: Endpoint, sport: int, dport: int, payload: bytes) -> bytes:
    """One frame, IPv4 header and UDP checksums filled in."""
    src_ip, dst_ip = IPv4Address(src.ip).packed, IPv4Address(dst.ip).packed
    udp_length = UDP_HEADER.size + len(payload)
    pseudo = src_ip + dst_ip + struct.pack(">BBH", 0, 17, udp_length)
    udp_sum = _checksum(pseudo + UDP_HEADER.pack(sport, dport, udp_length, 0) + payload) or 0xFFFF
    udp = UDP_HEADER.pack(sport, dport, udp_length, udp_sum) + payload
    ip_fields = [0x45, 0, IP_HEADER.size + len(udp), 0, 0x4000, 64, 17, 0, src_ip, dst_ip]
    ip_fields[7] = _checksum(IP_HEADER.pack(*ip_fields))
    ether = mac_bytes(dst.mac) + mac_bytes(src.mac) + struct.pack(">H", ETHERTYPE_IPV4)
    return ether + IP_HEADER.pack(*ip_fields) + udp


@dataclass(frozen=True)
class UdpDatagram:
    src_mac: str
    src_ip: str
    dst_ip: str
    sport: int
    dport: int
    payload: bytes


def parse_udp(frame: bytes) -> UdpDatagram | None:
    """The UDP datagram in an Ethernet/IPv4 frame, or None."""
    if len(frame) < 14 + IP_HEADER.size or struct.unpack_from(">H", frame, 12)[0] != ETHERTYPE_IPV4:
        return None
    ihl = (frame[14] & 0xF) * 4
    if frame[14] >> 4 != 4 or ihl < 20 or frame[23] != 17 or len(frame) < 14 + ihl + 8:
        return None
    sport, dport, length, _ = UDP_HEADER.unpack_from(frame, 14 + ihl)
    start = 14 + ihl + 8
    if length < 8 or start + length - 8 > len(frame):
        return None
    return UdpDatagram(
        src_mac=frame[6:12].hex(":"),
        src_ip=str(IPv4Address(frame[26:30])),
        dst_ip=str(IPv4Address(frame[30:34])),
        sport=sport,
        dport=dport,
        payload=frame[start : start + length - 8],
    )
