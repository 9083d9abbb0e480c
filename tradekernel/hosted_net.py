"""The kernel's network stack, loaded from the hosted build (ctypes), for
tests that speak to it with real frames built and decoded by scapy.

    net = HostedNet(mac="02:00:00:00:00:01", ip="10.0.0.2")
    net.receive(bytes(Ether(...) / IP(...) / UDP(...)))
    replies = net.sent()          # frames the stack sent, as bytes
"""

from __future__ import annotations

import ctypes
import ipaddress

from tradekernel.hosted_lib import library

MAX_FRAME = 1514


def _ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def _mac(text: str) -> bytes:
    return bytes(int(b, 16) for b in text.split(":"))


def rx_outcomes() -> list[str]:
    """The counters among which every received frame ends, exactly one each
    (kernel/net/stack.h, TK_NET_RX_OUTCOMES): their sum is rx_frames."""
    lib = library()
    return lib.tk_net_rx_outcome_names().decode().strip(",").split(",")


def unaccounted_frames(counters: dict[str, int]) -> int:
    """Frames received but under no outcome (0 when every one is counted once);
    `counters` keyed as the C names or as the kernel's records write them."""

    def get(name: str) -> int:
        return counters[name] if name in counters else counters[name.replace("_", "-")]

    return get("rx_frames") - sum(get(name) for name in rx_outcomes())


class HostedNet:
    def __init__(
        self,
        mac: str = "02:00:00:00:00:01",
        ip: str = "10.0.0.2",
        netmask: str = "255.255.255.0",
        gateway: str = "10.0.0.1",
        igmp_version: int = 3,
    ) -> None:
        self._lib = library()
        self.mac, self.ip = mac, ip
        self._h = self._lib.tk_net_create(
            _mac(mac), _ip(ip), _ip(netmask), _ip(gateway), igmp_version
        )
        names = self._lib.tk_net_counter_names().decode().strip(",").split(",")
        self._names = names

    def receive(self, frame: bytes) -> None:
        self._lib.tk_net_receive(self._h, frame, len(frame))

    def bind_recorder(self, port: int) -> None:
        assert self._lib.tk_net_bind_recorder(self._h, port)

    def received(self) -> list[tuple[bytes, str]]:
        """Datagrams delivered to recorder ports: (payload, destination)."""
        out = []
        buf = ctypes.create_string_buffer(MAX_FRAME)
        group = ctypes.c_uint32()
        for i in range(self._lib.tk_net_received_count(self._h)):
            n = self._lib.tk_net_received(self._h, i, buf, MAX_FRAME, ctypes.byref(group))
            out.append((buf.raw[:n], str(ipaddress.IPv4Address(group.value))))
        return out

    def sent(self) -> list[bytes]:
        buf = ctypes.create_string_buffer(MAX_FRAME)
        frames = []
        for i in range(self._lib.tk_net_sent_count(self._h)):
            n = self._lib.tk_net_sent_frame(self._h, i, buf, MAX_FRAME)
            frames.append(buf.raw[:n])
        return frames

    def clear(self) -> None:
        self._lib.tk_net_clear(self._h)

    def send_udp(self, dst: str, dst_port: int, src_port: int, payload: bytes) -> bool:
        return bool(
            self._lib.tk_net_send_udp(self._h, _ip(dst), dst_port, src_port, payload, len(payload))
        )

    def send_flow(self, dst: str, dst_port: int, src_port: int, payload: bytes) -> bool:
        """send_udp through a UdpFlow, as order entry sends Enter Orders."""
        return bool(
            self._lib.tk_net_send_flow(self._h, _ip(dst), dst_port, src_port, payload, len(payload))
        )

    def join(self, group: str) -> bool:
        return bool(self._lib.tk_net_join(self._h, _ip(group)))

    def leave(self, group: str) -> bool:
        return bool(self._lib.tk_net_leave(self._h, _ip(group)))

    def add_neighbor(self, ip: str, mac: str) -> bool:
        """A static ARP entry: no ARP packet changes or evicts it."""
        return bool(self._lib.tk_net_add_neighbor(self._h, _ip(ip), _mac(mac)))

    def pin_neighbor(self, ip: str) -> bool:
        return bool(self._lib.tk_net_pin_neighbor(self._h, _ip(ip)))

    def arp_lookup(self, ip: str) -> str | None:
        out = ctypes.create_string_buffer(6)
        if not self._lib.tk_net_arp_lookup(self._h, _ip(ip), out):
            return None
        return out.raw.hex(":")

    def counters(self) -> dict[str, int]:
        values = (ctypes.c_uint64 * len(self._names))()
        self._lib.tk_net_counters(self._h, values)
        return dict(zip(self._names, values, strict=True))

    def close(self) -> None:
        if self._h:
            self._lib.tk_net_destroy(self._h)
            self._h = None

    def __enter__(self) -> HostedNet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
