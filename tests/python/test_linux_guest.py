"""The Linux PREEMPT_RT guest TradeKernel is benchmarked beside
(tradekernel/linux_guest.py, tradekernel/guest_bench.py): its initramfs, the
wire-to-order spans read from QEMU's capture, and the guest itself trading
the same session as our kernel, with the same orders."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.utils import wrpcap

from tradekernel import guest_bench, linux_guest
from tradekernel.feed.moldudp64 import packet
from tradekernel.initramfs import Initramfs
from tradekernel.venue import FEED_PORT, GUEST, ORDER_PORT, VENUE


def test_initramfs_reads_back_with_cpio(tmp_path: Path) -> None:
    fs = Initramfs()
    init = b"#!/bin/sh\necho hi\n"
    fs.file("init", init, 0o755)
    fs.file("lib/modules/a.ko", b"x" * 4099)
    fs.symlink("bin/sh", "busybox")
    out = tmp_path / "initrd.cpio.gz"
    fs.write(out)
    listing = subprocess.run(
        ["cpio", "-itv"], input=gzip.decompress(out.read_bytes()), capture_output=True, check=True
    ).stdout.decode()
    lines = {}
    for line in listing.splitlines():
        lines[line.split()[-1] if "->" not in line else line.split()[-3]] = line
    assert set(lines) == {"init", "lib", "lib/modules", "lib/modules/a.ko", "bin", "bin/sh"}
    assert lines["init"].startswith("-rwxr-xr-x") and f" {len(init)} " in lines["init"]
    assert " 4099 " in lines["lib/modules/a.ko"]
    assert lines["bin/sh"].startswith("lrwxrwxrwx") and lines["bin/sh"].endswith("-> busybox")


def _frame(src: str, dst: str, dport: int, payload: bytes, at_us: int) -> Ether:
    f = Ether() / IP(src=src, dst=dst) / UDP(sport=1, dport=dport) / payload
    f.time = at_us / 1_000_000
    return f


def test_a_span_starts_at_the_last_arrival_of_the_frame_with_the_trigger(tmp_path: Path) -> None:
    session = b"TKDEMO0001"
    order = b"O" + b"0000000002" + b"0000" + b"B" + b"\0" * 30  # token: trigger 2, index 0
    frames = [
        _frame(VENUE.ip, GUEST.ip, FEED_PORT, packet(session, 1, [b"A" * 36]), 1_000),
        _frame(VENUE.ip, GUEST.ip, FEED_PORT, packet(session, 2, [b"A" * 36, b"E" * 31]), 2_000),
        # resent: the span starts at this, the last arrival
        _frame(VENUE.ip, GUEST.ip, FEED_PORT, packet(session, 2, [b"A" * 36, b"E" * 31]), 3_000),
        _frame(VENUE.ip, GUEST.ip, FEED_PORT, packet(session, 4, [b"A" * 36]), 3_002),
        _frame(GUEST.ip, VENUE.ip, ORDER_PORT, order, 3_007),
        _frame(
            GUEST.ip, VENUE.ip, ORDER_PORT, order, 3_500
        ),  # sent again, unanswered: not an order
        _frame(GUEST.ip, VENUE.ip, ORDER_PORT, b"X" + b"0000000002" + b"0000", 3_009),  # a cancel
    ]
    wrpcap(str(tmp_path / "link.pcap"), frames)
    assert guest_bench.Capture.read(tmp_path / "link.pcap").order_spans() == [7_000]


def test_tick_to_trade_ends_at_the_guest_tsc_or_the_departure_whichever_is_first(
    tmp_path: Path,
) -> None:
    # filter-dump adds the host's seconds at the capture's start to the
    # virtual clock; the guest's TSC is the virtual clock alone.
    base_us = 1_796_289_221 * 1_000_000
    session = b"TKDEMO0001"
    frames = [
        _frame(VENUE.ip, GUEST.ip, FEED_PORT, packet(session, 1, [b"A" * 36]), base_us + 1_000),
        _frame(VENUE.ip, GUEST.ip, FEED_PORT, packet(session, 2, [b"A" * 36]), base_us + 2_000),
        _frame(
            GUEST.ip, VENUE.ip, ORDER_PORT, b"O0000000001" + b"0000" + b"\0" * 34, base_us + 1_004
        ),
        _frame(
            GUEST.ip, VENUE.ip, ORDER_PORT, b"O0000000002" + b"0000" + b"\0" * 34, base_us + 2_003
        ),
    ]
    wrpcap(str(tmp_path / "link.pcap"), frames)
    capture = guest_bench.Capture.read(tmp_path / "link.pcap")
    # Trigger 1: rung 2,500 ns after its arrival, before it left.
    # Trigger 2: send() returned after the frame left: the departure ends it.
    sent = [(1, 1_002_500), (2, 2_004_200)]
    assert capture.doorbell_spans(sent, exact=False) == guest_bench.Doorbells([2_500, 3_999], 1, "")
    # Where the TSC is read just after the doorbell (ours), a TSC more than
    # EXACT_SLACK after its order left is a clock that disagrees.
    past = [(1, 1_002_500), (2, 2_003_999 + guest_bench.EXACT_SLACK + 1)]
    assert "trigger 2" in capture.doorbell_spans(past, exact=True).problem
    near = [(1, 1_002_500), (2, 2_003_999 + guest_bench.EXACT_SLACK)]
    assert capture.doorbell_spans(near, exact=True) == guest_bench.Doorbells([2_500, 3_999], 1, "")
    # A TSC before the trigger's arrival disagrees too.
    problem = capture.doorbell_spans([(1, 1_002_500), (2, 1_999_000)], exact=False).problem
    assert "disagree" in problem and "trigger 2" in problem
    # So is every one far past its departure; one alone may be (its vCPU
    # waited while the other ran), and its span ends at the departure.
    late = 1_004_999 + guest_bench.RETURN_SLACK + 1
    far = [(1, late), (2, 2_003_999 + guest_bench.RETURN_SLACK + 1)]
    assert "disagree" in capture.doorbell_spans(far, exact=False).problem
    one_late = capture.doorbell_spans([(1, late), (2, 2_002_000)], exact=False)
    assert one_late == guest_bench.Doorbells([4_999, 2_000], 1, "")


def test_cyclictest_histogram_counts_overflows_at_the_limit() -> None:
    samples = guest_bench.expand({4_500: 2, 4_600: 1, -1: 1})
    assert samples == [4_500.0, 4_500.0, 4_600.0, float(guest_bench.HISTOGRAM_LIMIT)]


@pytest.mark.qemu
def test_linux_rt_guest_sends_the_reference_orders_on_the_same_session() -> None:
    result = guest_bench.measure("linux-rt", messages=3_000)
    assert not result.problem
    assert result.complete, "the RT guest did not report every message received"
    assert result.expected > 0 and result.orders == result.expected and result.matched
    assert len(result.spans) == result.orders
    # Each order's send time from tk_trader's TSC, agreeing with the capture
    # (not result.problem): one span per order, one order per trigger here.
    assert len(result.doorbell_spans) == result.orders


@pytest.mark.qemu
def test_our_kernels_doorbell_times_agree_with_the_capture() -> None:
    result = guest_bench.measure("tradekernel", messages=3_000)
    assert not result.problem  # exact: no TSC past its order's departure but by EXACT_SLACK
    assert result.expected > 0 and result.orders == result.expected and result.matched
    assert len(result.doorbell_spans) == result.orders


@pytest.mark.qemu
def test_the_rt_guest_runs_the_hosted_benchmarks_in_guest_instructions() -> None:
    modes = ("boost_switch", "nic_rx_to_app_each", "itch_decode_book_one_symbol")
    records = {r["name"]: r for r in guest_bench.guest_benchmarks(modes)}
    assert set(records) == {
        "boost_context_switch_batched", "nic_rx_to_app", "itch_decode_book_one_symbol"
    }  # fmt: skip
    assert records["boost_context_switch_batched"]["batch"] == "100"
    # Each frame and message timed alone, as mode=bench's beside them.
    assert (
        records["nic_rx_to_app"]["batch"] == records["itch_decode_book_one_symbol"]["batch"] == "0"
    )
    for r in records.values():
        assert r.int("samples") >= 2000
        assert 0 < float(r["median"]) <= float(r["p99"]) <= float(r["max"])


@pytest.mark.qemu
def test_cyclictest_runs_on_the_isolated_cpu_of_the_rt_guest() -> None:
    histogram = guest_bench.cyclictest(loops=300)
    assert sum(histogram.values()) == 300
    assert linux_guest.rt_kernel()[1].endswith("-rt-amd64")
