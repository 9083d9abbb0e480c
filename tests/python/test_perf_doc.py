"""`make benchmark` rewrites docs/performance.md's generated block from the
run and nothing else: the hand-written text stays, the block is replaced
(never doubled), a peer doing other work is marked, and our own figures are
never shown as each other's peers."""

from pathlib import Path

from tradekernel import bench, perf_doc


def result(name: str, platform: str, median: float) -> dict:
    return {"name": name, "platform": platform, "unit": "ns", "median": median,
            "p99": median * 2, "max": median * 3, "samples": 1000, "load": 0.5}  # fmt: skip


REPORT = {
    "machine": {"cpu": "test CPU", "cores": 2, "kernel": "6.1", "date": "2026-12-02T00:00:00Z"},
    "results": [
        result("context_switch_batched", "hosted", 20.0),
        result("boost_context_switch_batched", "linux", 5.0),
        result("linux_futex_switch_batched", "linux", 1000.0),
        result("itch_top_of_book_10_levels", "hosted", 30.0),
        result("itch_top_of_book_5000_levels", "hosted", 31.0),
    ],
}


def test_the_block_is_replaced_and_the_text_kept(tmp_path: Path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nWritten by hand.\n")
    perf_doc.write(REPORT, bench.peers_of, bench.OTHER_WORK, doc)
    perf_doc.write(REPORT, bench.peers_of, bench.OTHER_WORK, doc)
    text = doc.read_text()
    assert text.startswith("# Performance\n\nWritten by hand.\n")
    assert text.count(perf_doc.BEGIN) == 1 and text.count(perf_doc.END) == 1
    assert "| `context_switch_batched` | 20.0 ns | 40.0 | `boost_context_switch_batched` | " in text
    assert "| 0.25x | yes |" in text  # Boost: the same work
    assert "| 50.00x | no |" in text  # the futex hand-off: other work
    assert "`itch_top_of_book_5000_levels` | 31.0 ns" not in text.split("## Every figure")[0]


def test_the_rt_guest_stands_beside_our_kernel_figure_by_figure():
    report = {
        "machine": REPORT["machine"],
        "results": [
            result("timer_wakeup_lateness", "hosted", 80.0),
            result("linux_spin_wakeup_lateness", "linux", 40.0),
            result("timer_wakeup_lateness", "pc-icount", 265.0),
            result("timer_wakeup_lateness", "linux-rt-guest-icount", 4560.0),
            result("wire_to_order", "pc-icount", 4000.0),
            result("wire_to_order", "linux-rt-guest-icount", 24000.0),
            result("tick_to_trade", "pc-icount", 2000.0),
            result("tick_to_trade", "linux-rt-guest-icount", 21000.0),
            result("context_switch_batched", "pc-icount", 117.0),
            result("boost_context_switch_batched", "linux-rt-guest-icount", 34.0),
            result("linux_futex_switch_batched", "linux-rt-guest-icount", 3900.0),
        ],
    }
    text = perf_doc.tables(report, bench.peers_of, bench.OTHER_WORK)
    guests = text.split("## TradeKernel beside Linux PREEMPT_RT")[1].split("## Every figure")[0]
    assert (
        "| `wire_to_order` | 4,000 | 8,000 | `wire_to_order` | 24,000 | 48,000 | 6.0x | yes |"
        in guests
    )
    assert (
        "| `tick_to_trade` | 2,000 | 4,000 | `tick_to_trade` | 21,000 | 42,000 | 10.5x | yes |"
        in guests
    )
    timer = "| `timer_wakeup_lateness` | 265 | 530 | `timer_wakeup_lateness` | 4,560 | 9,120 |"
    assert f"{timer} 17.2x | yes |" in guests
    # A figure with two peers: the like-for-like one, then the other work.
    switch = [line for line in guests.splitlines() if line.startswith("| `context_switch_batched`")]
    assert [line.split("|")[4].strip() for line in switch] == [
        "`boost_context_switch_batched`",
        "`linux_futex_switch_batched`",
    ]
    assert switch[1].endswith("| no |")
    # The hosted pair is still the hosted figure beside its hosted peer.
    peers = text.split("## Each figure beside its peers")[1].split("## TradeKernel beside")[0]
    assert "| `timer_wakeup_lateness` | 80.0 ns |" in peers
    assert "4,560" not in peers
