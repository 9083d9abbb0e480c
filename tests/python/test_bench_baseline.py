"""`tradekernel bench --baseline REV` compares only TradeKernel's own
benchmarks (never a Linux, glibc or jemalloc peer against itself) and says
which way each moved. The timing itself is never asserted."""

from tradekernel import bench
from tradekernel.bench_baseline import Comparison, markdown, ours


def test_only_our_benchmarks_are_compared():
    chosen = {run.expect_prefix or run.mode for run in bench.RUNS if ours(run)}
    assert "tick_to_trade" in chosen and "itch_decode_book" in chosen
    assert not any(name.startswith(("linux", "glibc", "jemalloc", "boost")) for name in chosen)
    assert all(run.preload is None for run in bench.RUNS if ours(run))


def test_the_report_names_the_revision_the_load_and_the_ratio():
    found = [Comparison("tick_to_trade", "ns", 200.0, 300.0, 150.0, 280.0, (0.7, 0.8))]
    text = markdown("abc123", found, 0.25)
    assert "load average during the run: 0.25" in text
    assert "| `tick_to_trade` | ns | 200.0 | 150.0 | 0.75 | 0.70, 0.80 | 300.0 | 280.0 |" in text
