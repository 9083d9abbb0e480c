"""Hostile traffic for a kernel in mode=trade: malformed and forged frames of
every kind the kernel must drop, each with the one counter it must land under.

`frames(n, ...)` cycles through the kinds below, varying each frame a little
(lengths, bytes, sequence numbers) from a seeded generator, so a run of a
million frames is reproducible. `expected(frames)` says how much each counter
must grow; `accounting(records, hostile)` compares that with what the kernel
reported. Frames are addressed to the kernel's MAC or to the feed group it
joined: anything else the NIC's own filter drops before the kernel sees it.

Which counter each kind lands under is the kernel's contract: the network
stack's drop reasons (kernel/net/stack.h), the MoldUDP64 receiver's
(kernel/feed/moldudp64.h, with session= configured; the same receiver's for
the venue's answers, with order-session= configured), the order session's
(kernel/trade/order_session.h) and the control port's (kernel/net/control.h).
"""

from __future__ import annotations

import random
import struct
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tradekernel import ports
from tradekernel.control import CONTROL_PORT, sign
from tradekernel.frames import Endpoint, _checksum, mac_bytes, udp_frame
from tradekernel.records import Record
from tradekernel.trade.answer_stream import ORDER_SESSION


@dataclass(frozen=True)
class Hostile:
    kind: str
    frame: bytes
    record: str  # the kernel record holding the counter
    counter: str


@dataclass(frozen=True)
class Target:
    guest: Endpoint  # the kernel
    venue: Endpoint  # its gateway, rewinder and control source
    feed: Endpoint  # where the feed is published (the group, or the guest)
    feed_port: int
    session: bytes  # the MoldUDP64 session the kernel was told to accept
    secret: str  # the control secret, to sign a command from another boot
    order_session: bytes = ORDER_SESSION  # the session of the venue's answers (order-session=)
    stranger: Endpoint = field(default_factory=lambda: Endpoint("02:66:66:66:66:66", "10.0.2.66"))


def _ip_frame(t: Target, payload_udp: bytes, *, version_ihl: int = 0x45, total: int | None = None,
              flags: int = 0x4000, protocol: int = 17, dst: str | None = None,
              options: bytes = b"", good_checksum: bool = True) -> bytes:  # fmt: skip
    """An IPv4 frame to the kernel around an already built UDP segment."""
    src_ip = bytes(int(x) for x in t.venue.ip.split("."))
    dst_ip = bytes(int(x) for x in (dst or t.guest.ip).split("."))
    length = 20 + len(options) + len(payload_udp) if total is None else total
    header = struct.pack(">BBHHHBBH4s4s", version_ihl, 0, length, 0, flags, 64, protocol, 0,
                         src_ip, dst_ip) + options  # fmt: skip
    checksum = _checksum(header)
    if not good_checksum:
        checksum ^= 0x5A5A
    header = header[:10] + struct.pack(">H", checksum) + header[12:]
    ether = mac_bytes(t.guest.mac) + mac_bytes(t.venue.mac) + struct.pack(">H", 0x0800)
    return ether + header + payload_udp


def _udp(
    sport: int, dport: int, payload: bytes, length: int | None = None, checksum: int = 0
) -> bytes:
    return struct.pack(">HHHH", sport, dport, 8 + len(payload) if length is None else length,
                       checksum) + payload  # fmt: skip


def _bad_udp_checksum(frame: bytes) -> bytes:
    """The frame with its UDP checksum made wrong, and never 0 ("none")."""
    at = 14 + 20 + 6
    good = struct.unpack_from(">H", frame, at)[0]
    bad = good ^ 0x5555 or good ^ 0x5554
    return frame[:at] + struct.pack(">H", bad) + frame[at + 2 :]


def _mold(session: bytes, sequence: int, count: int, blocks: bytes = b"") -> bytes:
    return session + struct.pack(">QH", sequence, count) + blocks


def _arp(t: Target, op: int, sender: Endpoint, target_ip: str) -> bytes:
    def ip(text: str) -> bytes:
        return bytes(int(x) for x in text.split("."))

    header = struct.pack(">HHBBH", 1, 0x0800, 6, 4, op)
    body = mac_bytes(sender.mac) + ip(sender.ip) + bytes(6) + ip(target_ip)
    return mac_bytes(t.guest.mac) + mac_bytes(sender.mac) + b"\x08\x06" + header + body + bytes(18)


def kinds(t: Target, rng: random.Random) -> list[tuple[str, str, str, bytes]]:
    """(kind, record, counter, frame) for one round of every kind."""
    ours = mac_bytes(t.guest.mac)
    pad = bytes(rng.randrange(256) for _ in range(40))
    good = _udp(4000, 4001, pad[:10])
    one_block = struct.pack(">H", 1) + b"S"
    net, feed, control = "net-counters", "feed-counters", "control-counters"
    out: list[tuple[str, str, str, bytes]] = []

    def add(kind: str, record: str, counter: str, frame: bytes) -> None:
        out.append((kind, record, counter, frame))

    def to_feed(payload: bytes) -> bytes:
        return udp_frame(t.venue, t.feed, ports.VENUE_FEED, t.feed_port, payload)

    def to_control(source: Endpoint, text: bytes) -> bytes:
        return udp_frame(source, t.guest, CONTROL_PORT, CONTROL_PORT, text)

    def far() -> int:  # beyond the receiver's window (2^20) from sequence 1
        return rng.randrange(2**21, 2**64)

    # The network stack's drop reasons.
    add("runt", net, "drop-runt", ours + pad[: rng.randrange(0, 8)])
    add("oversize", net, "drop-oversize", ours + bytes(rng.randrange(1509, 1600)))
    add("ethertype", net, "drop-ethertype", ours + ours + b"\x86\xdd" + pad)
    add("ip-truncated", net, "ip-bad-length", ours + ours + b"\x08\x00" + pad[:12])
    add("ip-version", net, "ip-bad-version", _ip_frame(t, good, version_ihl=0x65))
    add("ip-header-length", net, "ip-bad-header", _ip_frame(t, good, version_ihl=0x43))
    add("ip-total-length", net, "ip-bad-length", _ip_frame(t, good, total=rng.randrange(60, 1400)))
    add("ip-checksum", net, "ip-bad-checksum", _ip_frame(t, good, good_checksum=False))
    add("ip-fragment", net, "ip-fragment", _ip_frame(t, good, flags=0x2000 | rng.randrange(64)))
    add("ip-options", net, "ip-options", _ip_frame(t, good, version_ihl=0x46, options=bytes(4)))
    add("ip-other-host", net, "ip-not-for-us", _ip_frame(t, good, dst="10.9.9.9"))
    add("ip-tcp", net, "ip-unsupported-protocol", _ip_frame(t, pad[:20], protocol=6))
    add("udp-length", net, "udp-bad-length", _ip_frame(t, _udp(4000, 4001, pad[:10], length=400)))
    add(
        "udp-checksum",
        net,
        "udp-bad-checksum",
        _bad_udp_checksum(udp_frame(t.venue, t.guest, 4000, 4001, pad[:10])),
    )
    add("udp-no-listener", net, "udp-no-listener", _ip_frame(t, _udp(4000, 7, pad[:10])))
    add("arp-other-target", net, "drop-not-for-us", _arp(t, 1, t.stranger, "10.9.9.9"))
    # A forged ARP reply for the pinned gateway: received, the entry kept.
    add(
        "arp-forged-gateway",
        net,
        "arp-static-kept",
        _arp(t, 2, Endpoint(t.stranger.mac, t.venue.ip), t.guest.ip),
    )
    # MoldUDP64 packets on the feed port.
    add("mold-short", feed, "malformed", to_feed(t.session[: rng.randrange(0, 19)]))
    add(
        "mold-absurd-count",
        feed,
        "malformed",
        to_feed(_mold(t.session, 1, rng.randrange(2, 0xFFFF), one_block)),
    )
    past_end = struct.pack(">H", rng.randrange(50, 1400)) + pad
    add("mold-block-past-end", feed, "malformed", to_feed(_mold(t.session, 1, 1, past_end)))
    add("mold-zero-block", feed, "malformed", to_feed(_mold(t.session, 1, 1, b"\x00\x00")))
    add(
        "mold-wrapping-sequence",
        feed,
        "malformed",
        to_feed(_mold(t.session, 2**64 - 1, 2, one_block * 2)),
    )
    stranger_session = b"EVIL%06d" % rng.randrange(10**6)
    add(
        "mold-other-session",
        feed,
        "wrong-session",
        to_feed(_mold(stranger_session, 1, 1, one_block)),
    )
    add(
        "mold-far-sequence",
        feed,
        "beyond-window",
        to_feed(_mold(t.session, rng.randrange(2**21, 2**63), 1, one_block)),
    )
    add("mold-far-heartbeat", feed, "beyond-window", to_feed(_mold(t.session, far(), 0)))
    # In the window and the right session, but not from a feed source: a
    # heartbeat would make the feed stale and draw a request; messages would
    # reach the books.
    add(
        "mold-stranger-heartbeat",
        "trade-counters",
        "foreign-source",
        udp_frame(
            t.stranger,
            t.feed,
            ports.VENUE_FEED,
            t.feed_port,
            _mold(t.session, rng.randrange(2, 5000), 0),
        ),
    )
    add(
        "mold-stranger-messages",
        "trade-counters",
        "foreign-source",
        udp_frame(
            t.stranger, t.feed, ports.VENUE_FEED, t.feed_port, _mold(t.session, 1, 1, one_block)
        ),
    )
    add("mold-far-end", feed, "beyond-window", to_feed(_mold(t.session, far(), 0xFFFF)))
    # Forged answers to orders (kernel/trade/order_session.h): an execution
    # from anyone but the gateway; one from the gateway's address in a
    # session that is not the configured order session.
    execution = (
        b"E" + bytes(8) + b"%014d" % rng.randrange(10**6) + struct.pack(">IIcQ", 100, 1, b"A", 1)
    )
    block = struct.pack(">H", len(execution)) + execution
    add(
        "answer-stranger",
        "trade-counters",
        "foreign-answers",
        udp_frame(
            t.stranger,
            t.guest,
            ports.ORDER_GATEWAY,
            ports.ORDER_LOCAL,
            _mold(t.order_session, 1, 1, block),
        ),
    )
    add(
        "answer-other-session",
        "answer-counters",
        "wrong-session",
        udp_frame(
            t.venue,
            t.guest,
            ports.ORDER_GATEWAY,
            ports.ORDER_LOCAL,
            _mold(b"EVIL%06d" % rng.randrange(10**6), 1, 1, block),
        ),
    )
    # Forged control commands.
    add(
        "control-stranger",
        control,
        "refused-source",
        to_control(t.stranger, b"tk-exit " + pad[:16].hex().encode()),
    )
    add(
        "control-bad-mac",
        control,
        "refused-mac",
        to_control(t.venue, b"tk-kill 1 " + pad[:32].hex().encode()),
    )
    add(
        "control-old-form",  # "<command> <secret>", as the port once took it
        control,
        "refused-malformed",
        to_control(t.venue, b"tk-kill guess-" + pad[:8].hex().encode()),
    )
    # Signed with the real secret over another boot's nonce: a recording.
    recorded = sign(t.secret, pad[:8].hex(), t.venue.ip, "tk-exit", 1)
    old_boot = to_control(t.venue, f"tk-exit 1 {recorded}".encode())
    add("control-other-boot", control, "refused-mac", old_boot)
    add("control-unknown", control, "refused-command", to_control(t.venue, b"tk-reboot now"))
    return out


def kinds_per_round(target: Target) -> int:
    """How many kinds `frames` cycles through."""
    return len(kinds(target, random.Random(0)))


def frames(n: int, target: Target, seed: int = 1) -> Iterator[Hostile]:
    """`n` hostile frames, every kind in turn, each varied by `seed`."""
    rng = random.Random(seed)
    sent = 0
    while sent < n:
        for kind, record, counter, frame in kinds(target, rng):
            if sent == n:
                return
            yield Hostile(kind, frame, record, counter)
            sent += 1


def expected(hostile: Iterable[Hostile]) -> Counter[tuple[str, str]]:
    """How much each (record, counter) must grow."""
    return Counter((h.record, h.counter) for h in hostile)


def accounting(records: dict[str, Record | None], expect: Counter[tuple[str, str]]) -> list[str]:
    """Mismatches between what was sent (`expected()` of it) and what the
    kernel counted, as sentences; empty when every hostile frame is under its
    counter."""
    problems = []
    for (kind, counter), want in sorted(expect.items()):
        record = records.get(kind)
        got = record.int(counter) if record is not None and counter in record.fields else None
        if got != want:
            problems.append(f"{kind} {counter}: sent {want:,}, counted {got}")
    return problems
