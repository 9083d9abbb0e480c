"""The trading fast path (kernel/trade/fastpath.cpp) against the general
path it short-cuts: two hosted engines take the same Ethernet frames, one
through the fast path first, one through the network stack alone. After
every frame they must have sent the same frames, made the same strategy
callbacks in the same order, and hold the same counters (stack, MoldUDP64
receiver, pipeline, order entry, risk gate) and symbol state; at the end, the
same books and every callback's fields. On a clean session the fast path
must take exactly the frames whose messages are all book messages; on a hostile one
(loss answered by a rewinder, duplicates, reordering, mutated and malformed
frames, strangers, the hostile kinds) it must take some and decline the rest
without a difference."""

from __future__ import annotations

import ctypes
import random
from collections.abc import Iterator

from tradekernel import hostile, ports
from tradekernel.feed.generator import session
from tradekernel.feed.moldudp64 import heartbeat, packet
from tradekernel.feed.publisher import Packet, pack
from tradekernel.feed.rewinder import Rewinder
from tradekernel.frames import Endpoint, udp_frame
from tradekernel.hosted_lib import library

SESSION = b"TKFAST0001"
US = Endpoint("02:00:00:00:00:10", "10.0.0.16")  # tk_pipeline_create's stack
PUBLISHER = Endpoint("02:00:00:00:00:30", "10.0.0.48")  # its feed source
REWINDER = Endpoint("02:00:00:00:00:20", "10.0.0.32")  # its gateway and rewinder
STRANGER = Endpoint("02:00:00:00:00:66", "10.0.0.66")
GROUP = Endpoint("02:00:00:00:00:10", "233.54.12.111")  # our MAC, a group we never joined
EVERYONE = Endpoint("ff:ff:ff:ff:ff:ff", "255.255.255.255")
BOOK_TYPES = set(b"AFECXDU")
EVENTS = 1 << 18  # the hosted recorder's capacity (pipeline_capi.cpp)


class Engine:
    def __init__(self, fast: bool) -> None:
        self.lib, self.fast = library(), fast
        self.h = self.lib.tk_pipeline_create(100, 100, 1000, 5000, 50, 0, 0)
        assert self.h
        self.lib.tk_pipeline_record_events(self.h)  # the sample strategy still runs behind it
        self.sent_seen = 0

    def receive(self, frame: bytes) -> bool:
        return bool(self.lib.tk_pipeline_receive_frame(self.h, frame, len(frame), self.fast))

    def new_frames(self) -> list[bytes]:
        out, buf = [], ctypes.create_string_buffer(2048)
        for i in range(self.sent_seen, self.lib.tk_pipeline_sent(self.h)):
            n = self.lib.tk_pipeline_frame(self.h, i, buf, 2048)
            out.append(buf.raw[:n])
        self.sent_seen += len(out)
        return out

    def events(self) -> list[list[int]]:
        """Every strategy callback so far (kind, locate, fields, sequence)."""
        out = (ctypes.c_uint64 * (7 * EVENTS))()
        n = self.lib.tk_pipeline_events(self.h, out, EVENTS)
        return [list(out[7 * i : 7 * i + 7]) for i in range(n)]

    def event_count(self) -> int:
        return self.lib.tk_pipeline_event_count(self.h)

    def state(self) -> tuple[list[int], list[int], list[int]]:
        trade = (ctypes.c_uint64 * self.lib.tk_pipeline_counter_count())()
        self.lib.tk_pipeline_counters(self.h, trade)
        net, feed = (ctypes.c_uint64 * 64)(), (ctypes.c_uint64 * 64)()
        self.lib.tk_pipeline_net_counters(self.h, net)
        self.lib.tk_pipeline_feed_counters(self.h, feed)
        return list(trade), list(net), list(feed)

    def symbols(self, locates: range) -> list[list[int]]:
        out = []
        for locate in locates:
            values = (ctypes.c_int64 * 4)()
            self.lib.tk_pipeline_symbol(self.h, locate, values)
            out.append(list(values))
        return out

    def checksum(self) -> int:
        return self.lib.tk_pipeline_checksum(self.h)

    def close(self) -> None:
        self.lib.tk_pipeline_destroy(self.h)


def feed_frame(payload: bytes, source: Endpoint = PUBLISHER) -> bytes:
    return udp_frame(source, US, ports.VENUE_FEED, ports.FEED, payload)


def lengths_beyond(frame: bytes, ip_extra: int, udp_extra: int) -> bytes:
    """The frame with its IP total length and UDP length claiming more than
    there is, the IP checksum made good again and the UDP checksum 0 (none),
    so only the length checks can tell."""
    f = bytearray(frame)
    total = int.from_bytes(f[16:18], "big") + ip_extra
    f[16:18] = total.to_bytes(2, "big")
    udp = int.from_bytes(f[38:40], "big") + udp_extra
    f[38:40] = udp.to_bytes(2, "big")
    f[40:42] = b"\0\0"
    f[24:26] = b"\0\0"
    words = sum(int.from_bytes(f[i : i + 2], "big") for i in range(14, 34, 2))
    while words >> 16:
        words = (words & 0xFFFF) + (words >> 16)
    f[24:26] = (~words & 0xFFFF).to_bytes(2, "big")
    return bytes(f)


def packets(messages: list[bytes], rng: random.Random) -> list[Packet]:
    """The session in packets of 1 to 16 messages."""
    out: list[Packet] = []
    at = 0
    while at < len(messages):
        take = rng.choice([1, 1, 2, 4, 16])
        out += pack(SESSION, messages[at : at + take], take, first=at + 1)
        at += take
    return out


def run_both(frames: Iterator[bytes], answer: Rewinder | None = None) -> list[bool]:
    """Both engines, frame by frame: the same frames out and the same counters
    after each. Requests are answered by `answer` three frames later. The
    fast path's verdict per frame is returned."""
    fast, general = Engine(fast=True), Engine(fast=False)
    taken: list[bool] = []
    due: list[tuple[int, bytes]] = []
    try:
        for i, frame in enumerate(_with_answers(frames, due)):
            taken.append(fast.receive(frame))
            assert not general.receive(frame)
            out = fast.new_frames()
            assert out == general.new_frames(), f"frame {i}: different frames sent"
            assert fast.state() == general.state(), f"frame {i}: counters differ"
            assert fast.event_count() == general.event_count(), f"frame {i}: callbacks differ"
            assert fast.symbols(range(12)) == general.symbols(range(12)), f"frame {i}: symbols"
            for sent in out:
                if answer and sent[36:38] == ports.REWINDER.to_bytes(2, "big"):
                    for p in answer.answer(sent[42:]):
                        due.append((i + 3, feed_frame(p.data, REWINDER)))
            due.sort(key=lambda d: d[0])
        assert fast.checksum() == general.checksum()
        assert fast.events() == general.events()
        assert len(fast.events()) < EVENTS  # none beyond the recorder's capacity went unseen
    finally:
        fast.close()
        general.close()
    return taken


def _with_answers(frames: Iterator[bytes], due: list[tuple[int, bytes]]) -> Iterator[bytes]:
    """`frames`, each followed by the answers in `due` (frame index, frame;
    filled by the caller as it goes, in order) whose index has been reached;
    whatever is still due, at the end."""
    yielded = 0
    for frame in frames:
        yield frame
        yielded += 1
        while due and due[0][0] < yielded:
            yield due.pop(0)[1]
            yielded += 1
    while due:
        yield due.pop(0)[1]


def test_a_clean_session_takes_the_fast_path_exactly_where_every_message_is_a_book_message():
    messages = list(session(seed=21, messages=20_000, symbols=8))
    sent = packets(messages, random.Random(3))
    taken = run_both(feed_frame(p.data) for p in sent)
    expected = [
        all(m[0] in BOOK_TYPES for m in messages[p.first - 1 : p.first - 1 + p.count]) for p in sent
    ]
    assert taken == expected
    assert sum(taken) > len(sent) // 2  # most of a session is book messages


def test_the_demo_session_as_the_venue_publishes_it():
    """`tradekernel demo`'s session (seed 1, 100,000 messages) in the venue's
    packets of up to 16 messages, without loss: the same on both paths."""
    messages = list(session(seed=1, messages=100_000, symbols=8))
    sent = pack(SESSION, messages, 16)
    taken = run_both(feed_frame(p.data) for p in sent)
    expected = [
        all(m[0] in BOOK_TYPES for m in messages[p.first - 1 : p.first - 1 + p.count]) for p in sent
    ]
    assert taken == expected and any(taken)


def hostile_frames(messages: list[bytes], rng: random.Random) -> Iterator[bytes]:
    target = hostile.Target(US, REWINDER, US, ports.FEED, SESSION, "x" * 16)
    attacks = hostile.frames(10**9, target, seed=rng.randrange(1 << 30))
    sent = packets(messages, rng)
    i = 0
    while i < len(sent):
        p, roll = sent[i], rng.random()
        frame = feed_frame(p.data)
        if roll < 0.03:  # lost: the rewinder fills it
            pass
        elif roll < 0.06 and i + 1 < len(sent):  # reordered
            yield feed_frame(sent[i + 1].data)
            yield frame
            i += 1
        elif roll < 0.09:  # duplicated
            yield frame
            yield frame
        elif roll < 0.12:  # mutated, then the real one
            bad = bytearray(frame)
            for _ in range(rng.randint(1, 4)):
                bad[rng.randrange(len(bad))] = rng.randrange(256)
            yield bytes(bad)
            yield frame
        elif roll < 0.14:  # truncated, then the real one
            yield frame[: rng.randrange(14, len(frame))]
            yield frame
        elif roll < 0.16:  # from a stranger, then the real one
            yield feed_frame(p.data, STRANGER)
            yield frame
        elif roll < 0.175:  # a heartbeat showing a later message, then the real one
            yield feed_frame(heartbeat(SESSION, p.first + p.count + rng.randrange(3)))
            yield frame
        elif roll < 0.185:  # to a group not joined, and to everyone: then the real one
            yield udp_frame(PUBLISHER, GROUP, ports.VENUE_FEED, ports.FEED, p.data)
            yield udp_frame(PUBLISHER, EVERYONE, ports.VENUE_FEED, ports.FEED, p.data)
            yield frame
        elif roll < 0.1875:  # lengths beyond the frame or the IP packet: then the real one
            yield lengths_beyond(frame, 8, 8)  # the IP packet beyond the frame
            yield lengths_beyond(frame, 0, 8)  # the UDP datagram beyond the IP packet
            yield frame
        elif roll < 0.19:  # the IP header's TTL changed, its checksum not: then the real one
            bad = bytearray(frame)
            bad[22] ^= 0x01
            yield bytes(bad)
            yield frame
        elif roll < 0.20:  # well framed, a message cut or lengthened by a byte: then the real one
            first = messages[p.first - 1]
            wrong = first[:-1] if rng.random() < 0.5 else first + b"\0"
            yield feed_frame(packet(SESSION, p.first, [wrong]))
            yield frame
        else:
            yield frame
        if rng.random() < 0.05:
            yield next(attacks).frame
        i += 1


def test_a_hostile_session_gives_the_same_books_and_orders_on_both_paths():
    messages = list(session(seed=22, messages=20_000, symbols=8))
    rewinder = Rewinder(SESSION, messages)
    rewinder.published = len(messages)
    taken = run_both(hostile_frames(messages, random.Random(8)), rewinder)
    assert 0 < sum(taken) < len(taken)
