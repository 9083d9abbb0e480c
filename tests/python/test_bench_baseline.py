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


def test_a_run_renamed_between_revisions_is_still_paired(monkeypatch, tmp_path):
    """The baseline binary reports an older name and no batch; the pair is
    made by the run, shown under today's name, and the batch difference said."""
    from pathlib import Path

    from tradekernel import bench_baseline

    old, new = Path("/old/tk_bench"), bench.BENCH_BIN
    run = next(r for r in bench.RUNS if r.mode == "context_switch")

    def fake_run_one(
        r: bench.BenchRun, part: Path, binary: Path = new
    ) -> tuple[str, str, str, int]:
        part.write_text("10\n20\n30\n" if binary == old else "5\n10\n15\n")
        return (
            ("context_switch", "hosted", "ns", 0)
            if binary == old
            else ("context_switch_batched", "hosted", "ns", 100)
        )

    monkeypatch.setattr(bench_baseline, "build_baseline", lambda rev, progress: old)
    monkeypatch.setattr(bench, "run_one", fake_run_one)
    monkeypatch.setattr(bench, "RUNS", [run])
    monkeypatch.setattr(bench, "BENCH_BIN", new)
    monkeypatch.setattr(bench_baseline.paths, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(type(new), "exists", lambda self: True)  # no binary is run
    (found,), _load = bench_baseline.compare("old", repeats=2)
    assert (found.name, found.baseline_median, found.median) == ("context_switch_batched", 20, 10)
    assert found.repeat_ratios == (0.5, 0.5)
    assert "batch not reported then, 100 now" in markdown("old", [found], 0.0)
