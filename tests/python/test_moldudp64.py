"""The kernel's MoldUDP64 receiver (kernel/feed/moldudp64.cpp, hosted C ABI):
in-order delivery exactly once through duplicates, reordering and loss, with
gaps recovered by retransmission requests to a rewinder; malformed packets
counted, never delivered."""

import ctypes
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.feed.itch import encode
from tradekernel.feed.moldudp64 import end_of_session, heartbeat, packet
from tradekernel.feed.publisher import pack
from tradekernel.hosted_lib import library

SESSION = b"TK00000001"


class Receiver:
    def __init__(self, first: int = 1) -> None:
        lib = self.lib = library()
        self.names = lib.tk_mold_counter_names().decode().strip(",").split(",")
        self.h = lib.tk_mold_create(first)

    def receive(self, data: bytes) -> None:
        self.lib.tk_mold_receive(self.h, data, len(data))

    def delivered(self) -> list[tuple[int, bytes]]:
        out, buf, seq = [], ctypes.create_string_buffer(128), ctypes.c_uint64()
        for i in range(self.lib.tk_mold_delivered(self.h)):
            n = self.lib.tk_mold_message(self.h, i, ctypes.byref(seq), buf, 128)
            out.append((seq.value, buf.raw[:n]))
        return out

    def requests(self) -> list[tuple[int, int]]:
        out, seq, count = [], ctypes.c_uint64(), ctypes.c_uint16()
        while self.lib.tk_mold_take_request(self.h, ctypes.byref(seq), ctypes.byref(count)):
            out.append((seq.value, count.value))
        return out

    def counters(self) -> dict[str, int]:
        values = (ctypes.c_uint64 * len(self.names))()
        self.lib.tk_mold_counters(self.h, values)
        return dict(zip(self.names, values, strict=True))

    def expect_session(self, session: bytes) -> None:
        self.lib.tk_mold_expect_session(self.h, session)

    @property
    def session_locked(self) -> bool:
        return bool(self.lib.tk_mold_session_locked(self.h))

    def close(self) -> None:
        self.lib.tk_mold_destroy(self.h)


@pytest.fixture
def rx():
    r = Receiver()
    yield r
    r.close()


def messages(n: int, start: int = 1) -> list[bytes]:
    return [encode("A", order_reference_number=start + i, shares=100, stock="TK") for i in range(n)]


def test_in_order_packets_heartbeats_and_end_of_session(rx: Receiver):
    msgs = messages(5)
    rx.receive(packet(SESSION, 1, msgs[:2]))
    rx.receive(heartbeat(SESSION, 3))
    rx.receive(packet(SESSION, 3, msgs[2:]))
    rx.receive(end_of_session(SESSION, 6))
    assert rx.delivered() == list(enumerate(msgs, start=1))
    c = rx.counters()
    assert (c["heartbeats"], c["end_of_session"], c["gaps"]) == (1, 1, 0)
    assert rx.lib.tk_mold_ended(rx.h) == 1


def test_duplicates_and_overlaps_deliver_once(rx: Receiver):
    msgs = messages(6)
    rx.receive(packet(SESSION, 1, msgs[:3]))
    rx.receive(packet(SESSION, 1, msgs[:3]))  # duplicate
    rx.receive(packet(SESSION, 2, msgs[1:5]))  # overlaps 2-3, new 4-5
    rx.receive(packet(SESSION, 6, msgs[5:]))
    assert [s for s, _ in rx.delivered()] == [1, 2, 3, 4, 5, 6]
    c = rx.counters()
    assert (c["duplicate_packets"], c["partial_duplicates"]) == (1, 1)


def test_gap_requests_retransmission_and_recovers(rx: Receiver):
    msgs = messages(10)
    rx.receive(packet(SESSION, 1, msgs[:2]))
    rx.receive(packet(SESSION, 6, msgs[5:8]))  # 3-5 lost
    assert rx.requests() == [(3, 3)]
    assert [s for s, _ in rx.delivered()] == [1, 2]
    # Packets beyond a gap are held: nothing more is asked for.
    rx.receive(packet(SESSION, 9, msgs[8:]))
    assert rx.requests() == []
    rx.receive(packet(SESSION, 3, msgs[2:5]))  # the rewinder's answer
    assert [s for s, _ in rx.delivered()] == list(range(1, 11))
    c = rx.counters()
    assert (c["gaps"], c["gap_messages"], c["future_packets"], c["future_dropped"]) == (1, 3, 2, 0)


def test_a_full_hold_drops_and_asks_for_what_follows_in_batches(rx: Receiver):
    total = 2_100
    msgs = messages(total)
    rx.receive(packet(SESSION, 1, msgs[:1]))
    for seq in range(3, total + 1):  # 2 lost; a message a packet beyond it
        rx.receive(packet(SESSION, seq, msgs[seq - 1 : seq]))
    c = rx.counters()
    assert (c["future_packets"], c["future_dropped"]) == (total - 2, total - 2 - 64)
    requests = rx.requests()
    # 2 at once; what the dropped packets carried 1,024 messages at a time,
    # not a request per packet; and, since nothing answers, everything from 2
    # again each time 128 packets pass without progress.
    assert requests[0] == (2, 1)
    assert (67, 1024) in requests
    assert all(first == 2 or count == 1024 for first, count in requests[1:])
    assert len(requests) <= 2 + total // 128 + 1
    rx.receive(heartbeat(SESSION, total + 1))  # shows the tail: asked for too
    tail = rx.requests()
    assert tail and max(first + count - 1 for first, count in tail) == total
    for seq in range(2, total + 1):  # the rewinder's answers
        rx.receive(packet(SESSION, seq, msgs[seq - 1 : seq]))
    assert [s for s, _ in rx.delivered()] == list(range(1, total + 1))


def test_a_lost_answer_is_asked_for_again(rx: Receiver):
    msgs = messages(8)
    rx.receive(packet(SESSION, 1, msgs[:1]))
    rx.receive(packet(SESSION, 3, msgs[2:4]))  # 2 lost
    rx.receive(packet(SESSION, 6, msgs[5:8]))  # 5 lost
    assert rx.requests() == [(2, 1), (5, 1)]
    rx.receive(packet(SESSION, 2, msgs[1:2]))  # the first answer: progress to 5
    # The second answer never comes; heartbeats show the gap is still there.
    for _ in range(127):
        rx.receive(heartbeat(SESSION, 9))
    assert rx.requests() == []
    rx.receive(heartbeat(SESSION, 9))
    assert rx.requests() == [(5, 4)]  # from the stall to the heartbeat
    rx.receive(packet(SESSION, 5, msgs[4:8]))
    assert [s for s, _ in rx.delivered()] == list(range(1, 9))


def test_heartbeat_reveals_a_gap_at_the_tail(rx: Receiver):
    rx.receive(packet(SESSION, 1, messages(2)))
    rx.receive(heartbeat(SESSION, 5))  # 3 and 4 were sent and lost
    assert rx.requests() == [(3, 2)]


@pytest.mark.parametrize("seed", range(3))
def test_loss_duplication_and_reordering_lose_nothing(seed: int):
    """5% loss, 5% duplicates, local reordering, and a rewinder that answers
    each request (its answers can be lost too): every message arrives once,
    in order."""
    rng = random.Random(seed)
    total = 20_000
    msgs = messages(total)
    packets, seq = [], 1
    while seq <= total:
        n = min(rng.randrange(1, 8), total - seq + 1)
        packets.append(packet(SESSION, seq, msgs[seq - 1 : seq - 1 + n]))
        seq += n
    wire = []
    for p in packets:
        if rng.random() < 0.05:
            continue  # lost
        wire.append(p)
        if rng.random() < 0.05:
            wire.append(p)  # duplicated
    for i in range(0, len(wire) - 3, 3):  # swap neighbours now and then
        if rng.random() < 0.1:
            wire[i], wire[i + 1] = wire[i + 1], wire[i]
    rx = Receiver()
    try:
        for p in wire + [heartbeat(SESSION, total + 1)] * 140:
            rx.receive(p)
            for first, count in rx.requests():  # the rewinder
                if rng.random() < 0.05:
                    continue  # its answer lost too
                for at in range(first, first + count, 50):
                    n = min(50, first + count - at)
                    rx.receive(packet(SESSION, at, msgs[at - 1 : at - 1 + n]))
        delivered = rx.delivered()
        assert [s for s, _ in delivered] == list(range(1, total + 1))
        assert [m for _, m in delivered] == msgs
        c = rx.counters()
        assert c["gaps"] > 0 and c["retransmission_requests"] >= c["gaps"]
    finally:
        rx.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=80), max_size=30))
def test_malformed_packets_are_counted_never_delivered(blobs):
    rx = Receiver()
    try:
        rx.receive(packet(SESSION, 1, messages(1)))
        for blob in blobs:
            rx.receive(blob)
        for seq, msg in rx.delivered():
            assert seq >= 1 and 0 < len(msg) <= 80
        c = rx.counters()
        assert c["packets"] == len(blobs) + 1
    finally:
        rx.close()


def test_wrong_session_and_short_packets_are_counted(rx: Receiver):
    rx.receive(packet(SESSION, 1, messages(1)))
    rx.receive(packet(b"OTHER00001", 2, messages(1, 2)))
    rx.receive(b"\x00" * 7)
    rx.receive(packet(SESSION, 2, messages(1, 2))[:-3])  # block runs past the end
    c = rx.counters()
    assert (c["wrong_session"], c["malformed"], c["messages_delivered"]) == (1, 2, 1)


def test_stray_bytes_first_do_not_lock_the_session(rx: Receiver):
    rx.receive(b"GARBAGE!!!" + b"\x00" * 9 + b"\x05")  # 5 messages claimed, none there
    rx.receive(packet(SESSION, 1, messages(2)))
    assert [s for s, _ in rx.delivered()] == [1, 2]
    c = rx.counters()
    assert (c["malformed"], c["wrong_session"]) == (1, 0)


def test_end_of_session_beyond_the_last_message_is_a_gap(rx: Receiver):
    rx.receive(packet(SESSION, 1, messages(2)))
    rx.receive(end_of_session(SESSION, 6))  # 3-5 were sent and lost
    assert rx.requests() == [(3, 3)]
    assert rx.lib.tk_mold_ended(rx.h) == 1


# --- Hostile input: packets anyone on the feed's network could send ---------


def test_a_forged_far_sequence_asks_for_nothing_and_delays_no_real_gap(rx: Receiver):
    msgs = messages(6)
    rx.receive(packet(SESSION, 1, msgs[:2]))
    rx.receive(packet(SESSION, 2**62, msgs[:1]))  # the right session, an absurd sequence
    assert rx.requests() == []
    rx.receive(packet(SESSION, 5, msgs[4:6]))  # 3 and 4 really lost
    assert rx.requests() == [(3, 2)]  # asked for at once
    c = rx.counters()
    assert (c["beyond_window"], c["gaps"], c["gap_messages"], c["future_dropped"]) == (1, 1, 2, 0)


def test_the_window_edge_is_believed_and_one_past_it_is_not(rx: Receiver):
    window = 1 << 20  # mold::kWindow
    rx.receive(packet(SESSION, 1, messages(1)))
    rx.receive(heartbeat(SESSION, 2 + window + 1))
    assert rx.requests() == [] and rx.counters()["beyond_window"] == 1
    rx.receive(heartbeat(SESSION, 2 + window))
    assert rx.requests() == [(2, 0xFFFE)]  # one request covers at most 65,534 messages


def test_sequences_near_2_64_neither_wrap_nor_end_the_session(rx: Receiver):
    rx.receive(packet(SESSION, 1, messages(1)))
    rx.receive(heartbeat(SESSION, 2**64 - 1))
    rx.receive(end_of_session(SESSION, 2**64 - 2))
    rx.receive(packet(SESSION, 2**64 - 1, messages(2)))  # first + count wraps
    c = rx.counters()
    assert (c["beyond_window"], c["malformed"], c["gap_messages"], c["gaps"]) == (2, 1, 0, 0)
    assert rx.requests() == []
    assert rx.lib.tk_mold_ended(rx.h) == 0


def test_a_stranger_s_heartbeat_first_does_not_lock_out_the_feed(rx: Receiver):
    msgs = messages(100)
    rx.receive(heartbeat(b"STRANGER01", 1))
    for seq in range(1, 101):
        rx.receive(packet(SESSION, seq, msgs[seq - 1 : seq]))
    assert [s for s, _ in rx.delivered()] == list(range(1, 101))
    c = rx.counters()
    assert (c["before_session"], c["wrong_session"]) == (1, 0)
    assert rx.session_locked


def test_a_stranger_s_messages_give_way_until_the_feed_delivers(rx: Receiver):
    msgs = messages(3)
    rx.receive(packet(b"STRANGER01", 50, msgs[:1]))  # ahead: held, nothing delivered
    assert rx.requests() == [(1, 49)] and not rx.session_locked
    rx.receive(packet(SESSION, 1, msgs))
    assert [s for s, _ in rx.delivered()] == [1, 2, 3]
    rx.receive(packet(b"STRANGER01", 4, msgs[:1]))  # now the feed's session is locked
    assert [s for s, _ in rx.delivered()] == [1, 2, 3]
    c = rx.counters()
    assert (c["session_changes"], c["wrong_session"]) == (1, 1)


def test_an_expected_session_is_the_only_one_accepted(rx: Receiver):
    rx.expect_session(SESSION)
    rx.receive(packet(b"STRANGER01", 1, messages(2)))  # in sequence, but not ours
    rx.receive(packet(SESSION, 1, messages(2)))
    assert [s for s, _ in rx.delivered()] == [1, 2]
    assert rx.counters()["wrong_session"] == 1


def test_far_future_packets_do_not_pin_the_hold(rx: Receiver):
    msgs = messages(10)
    rx.receive(packet(SESSION, 1, msgs[:1]))
    for i in range(64):  # within the window, far ahead: they fill the hold
        rx.receive(packet(SESSION, 100_000 + i, msgs[:1]))
    rx.requests()
    for seq in range(3, 11):  # 2 lost; the real packets beyond it
        rx.receive(packet(SESSION, seq, msgs[seq - 1 : seq]))
    rx.receive(packet(SESSION, 2, msgs[1:2]))  # the rewinder's answer
    assert [s for s, _ in rx.delivered()] == list(range(1, 11))
    c = rx.counters()
    assert c["future_dropped"] == 8  # eight far packets made way


@pytest.mark.parametrize("per_packet", [1, 16, 30])
def test_a_lost_request_is_asked_again_whatever_the_packet_size(per_packet: int):
    """The rewinder loses the first request and answers every later one: the
    receiver must still catch up before the feed ends (batched requests
    ahead of the gap used to postpone asking for the gap again for good
    once packets carried 17 or more messages)."""
    total = 30_000
    msgs = messages(total)
    packets = pack(SESSION, msgs, per_packet)
    rx = Receiver()
    rx.expect_session(SESSION)
    asked = 0
    try:
        for p in packets:
            if p.first != packets[10].first:
                rx.receive(p.data)
            for first, count in rx.requests():
                asked += 1
                if asked == 1:
                    continue  # lost
                last = min(first + count - 1, p.first + p.count - 1)  # what is published
                for answer in pack(SESSION, msgs[first - 1 : last], per_packet, first):
                    rx.receive(answer.data)
        assert rx.lib.tk_mold_next(rx.h) == total + 1
        assert rx.counters()["retransmission_requests"] <= 10
    finally:
        rx.close()


def test_a_gap_wider_than_one_request_is_asked_for_in_full(rx: Receiver):
    total = 150_000
    msgs = messages(total)
    rx.expect_session(SESSION)
    rx.receive(packet(SESSION, 1, msgs[:1]))
    rx.receive(packet(SESSION, 100_002, msgs[100_001:100_002]))  # 100,000 lost
    asked = []
    for _ in range(3):
        for first, count in rx.requests():
            asked.append((first, count))
            for at in range(first, first + count, 500):
                n = min(500, first + count - at)
                rx.receive(packet(SESSION, at, msgs[at - 1 : at - 1 + n]))
        rx.receive(heartbeat(SESSION, 100_003))
    # The rest of the gap (and the held message after it) in a second request.
    assert asked[:2] == [(2, 0xFFFE), (2 + 0xFFFE, 100_001 - 0xFFFE)]
    assert rx.lib.tk_mold_next(rx.h) == 100_003


def test_a_packet_beyond_the_window_changes_no_session(rx: Receiver):
    msgs = messages(3)
    rx.receive(packet(SESSION, 3, msgs[2:3]))  # held; the session not yet locked
    rx.receive(packet(b"STRANGER01", 2**40, msgs[:1]))  # not believed: changes nothing
    rx.receive(packet(SESSION, 1, msgs[:2]))
    assert [s for s, _ in rx.delivered()] == [1, 2, 3]
    c = rx.counters()
    assert (c["beyond_window"], c["session_changes"]) == (1, 0)


def test_a_stranger_s_end_of_session_is_forgotten_with_its_session(rx: Receiver):
    rx.receive(packet(b"STRANGER01", 5, messages(1)))  # a candidate, unlocked
    rx.receive(end_of_session(b"STRANGER01", 6))
    rx.receive(packet(SESSION, 1, messages(3)))  # the feed's messages replace it
    assert rx.lib.tk_mold_ended(rx.h) == 0
    assert [s for s, _ in rx.delivered()] == [1, 2, 3]
