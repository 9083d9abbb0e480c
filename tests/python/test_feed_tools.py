"""The venue's feed tools: frames, the MoldUDP64 publisher with its fault
injection and rate control, the rewinder, ITCH files and session sources."""

import gzip
import itertools

import pytest
from scapy.all import IP, UDP, Ether

from tradekernel import ports
from tradekernel.feed import itch_file, publisher
from tradekernel.feed.generator import session
from tradekernel.feed.itch import decode, encode
from tradekernel.feed.moldudp64 import parse, request
from tradekernel.feed.publisher import MAX_PAYLOAD, FaultCounts, Faults, pack, with_faults
from tradekernel.feed.rewinder import Rewinder
from tradekernel.feed.sources import only_symbols
from tradekernel.frames import Endpoint, multicast_mac, parse_udp, udp_frame

SESSION = b"TKTOOLS001"
A = Endpoint("02:00:00:00:00:01", "10.0.2.2")
B = Endpoint("02:00:00:00:00:02", "10.0.2.15")


def test_udp_frames_have_the_checksums_scapy_computes():
    for payload in (b"", b"x", bytes(range(256)) * 5):
        frame = udp_frame(A, B, ports.VENUE_FEED, ports.FEED, payload)
        ours = Ether(frame)
        fresh = Ether(frame)
        del fresh[IP].chksum, fresh[UDP].chksum
        fresh = Ether(bytes(fresh))
        assert (ours[IP].chksum, ours[UDP].chksum) == (fresh[IP].chksum, fresh[UDP].chksum)
        d = parse_udp(frame)
        assert d is not None
        assert (d.src_ip, d.dst_ip, d.sport, d.dport, d.payload) == (
            A.ip, B.ip, ports.VENUE_FEED, ports.FEED, payload)  # fmt: skip


def test_parse_udp_refuses_what_is_not_a_whole_udp_frame():
    frame = udp_frame(A, B, 1, 2, b"payload")
    for cut in range(len(frame) - 1):
        assert parse_udp(frame[:cut]) is None
    assert parse_udp(frame[:12] + b"\x86\xdd" + frame[14:]) is None  # IPv6 ethertype


def test_multicast_mac_is_rfc_1112():
    assert multicast_mac("233.54.12.111") == "01:00:5e:36:0c:6f"
    assert multicast_mac("239.255.255.255") == "01:00:5e:7f:ff:ff"


def test_pack_numbers_messages_and_fills_frames():
    messages = list(session(seed=3, messages=2_000))
    packets = pack(SESSION, messages, max_messages=1_000)
    expected = 1
    for p in packets:
        assert len(p.data) <= MAX_PAYLOAD
        s, first, got = parse(p.data)
        assert (s, first, len(got)) == (SESSION, expected, p.count)
        assert got == messages[first - 1 : first - 1 + p.count]
        expected += p.count
    assert expected == len(messages) + 1
    assert all(p.count <= 16 for p in pack(SESSION, messages))


def test_faults_are_repeatable_and_counted():
    packets = pack(SESSION, list(session(seed=3, messages=20_000)))
    faults = Faults(loss=0.05, duplicate=0.05, reorder=0.05, seed=9)
    counts = FaultCounts()
    wire = list(with_faults(packets, faults, counts))
    assert [p.first for p in wire] == [p.first for p in with_faults(packets, faults)]
    assert counts.sent == len(wire)
    assert len(wire) == len(packets) - counts.lost + counts.duplicated
    for counted in (counts.lost, counts.duplicated, counts.reordered):
        assert 0.03 * len(packets) < counted < 0.07 * len(packets)
    firsts = [p.first for p in wire]
    assert len({p.first for p in packets} - set(firsts)) == counts.lost
    assert sum(a > b for a, b in itertools.pairwise(firsts)) >= counts.reordered
    assert list(with_faults(packets, Faults())) == packets


def test_rate_limiter_paces_messages(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(publisher.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(publisher.time, "sleep", lambda s: clock.__setitem__(0, clock[0] + s))
    rate = publisher.RateLimiter(10_000)
    for _ in range(100):
        rate.wait(16)
    assert clock[0] == pytest.approx(1_600 / 10_000, rel=0.01)


def test_rewinder_answers_what_was_published():
    messages = [encode("S", event_code="O", timestamp=i) for i in range(100)]
    r = Rewinder(SESSION, messages)
    r.published = 50
    (answer,) = r.answer(request(SESSION, 10, 5))
    assert parse(answer.data) == (SESSION, 10, messages[9:14])
    (answer,) = r.answer(request(SESSION, 48, 10))  # only up to 50 exists yet
    assert parse(answer.data)[2] == messages[47:50]
    for bad in (request(b"OTHER", 1, 1), request(SESSION, 0, 1), request(SESSION, 60, 1),
                request(SESSION, 5, 0), b"short"):  # fmt: skip
        assert r.answer(bad) == []
    assert (r.counts.requests, r.counts.bad_requests, r.counts.messages_resent) == (7, 5, 8)


def test_itch_files_round_trip_across_chunks_and_gzip(tmp_path, monkeypatch):
    messages = list(session(seed=4, messages=500))
    path = tmp_path / "day.itch"
    assert itch_file.write_session(path, messages) == len(messages)
    monkeypatch.setattr(itch_file, "CHUNK", 7)  # messages straddle every read
    assert list(itch_file.read_session(path)) == messages
    gz = tmp_path / "day.itch.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert list(itch_file.read_session(gz)) == messages
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match="runs past the end"):
        list(itch_file.read_session(path))


def test_only_symbols_keeps_their_messages_and_market_wide_ones():
    messages = [encode("S", event_code="O"), *session(seed=5, messages=3_000, symbols=4)]
    kept = list(only_symbols(messages, {"SYM2"}))
    assert kept[0][:1] == b"S"
    assert {decode(m)["stock_locate"] for m in kept[1:]} == {2}
    wanted = [m for m in messages if m[:1] != b"S" and decode(m)["stock_locate"] == 2]
    assert kept[1:] == wanted


def test_generated_sessions_are_deterministic():
    assert list(session(seed=8, messages=1_000)) == list(session(seed=8, messages=1_000))
    assert list(session(seed=8, messages=1_000)) != list(session(seed=9, messages=1_000))
