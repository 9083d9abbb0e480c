"""`tradekernel bench --baseline REV`: this tree's hosted figures beside those
of an earlier revision, measured in the same run on the same CPU.

The revision's tk_bench is built in a git worktree (build/baseline/<rev>/),
then every TradeKernel benchmark (not the Linux, glibc or jemalloc peers)
runs from both binaries, alternating, ROUNDS times; each side's samples are
pooled as `make benchmark` pools them. The comparison is written to
build/bench/baseline-<rev>.md with the load average of the run. The kernel's
own path lengths need no such care: the pc-icount figures count
instructions and repeat exactly, so they are compared across runs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tradekernel import bench, paths
from tradekernel.stats import percentile

PEERS = ("linux", "glibc", "jemalloc")


@dataclass(frozen=True)
class Comparison:
    name: str
    unit: str
    baseline_median: float
    baseline_p99: float
    median: float
    p99: float

    @property
    def ratio(self) -> float:
        """This tree's median over the baseline's (below 1: faster now)."""
        return self.median / self.baseline_median if self.baseline_median else float("nan")


def ours(run: bench.BenchRun) -> bool:
    return run.preload is None and not run.expect_prefix.startswith(PEERS)


Progress = Callable[[str], None]


def build_baseline(rev: str, progress: Progress) -> Path:
    """tk_bench of `rev`, built once in its own worktree."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", f"{rev}^{{commit}}"],
        cwd=paths.ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    tree = paths.BUILD / "baseline" / commit
    if not tree.exists():
        progress(f"checking out {rev} ({commit}) in {tree.relative_to(paths.ROOT)}")
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit],
                       cwd=paths.ROOT, check=True, capture_output=True)  # fmt: skip
    binary = tree / "build" / "bench" / "tk_bench"
    progress(f"building tk_bench at {commit}")
    subprocess.run(["make", "-C", str(tree), "-j2", "bench-bin"], check=True, capture_output=True)
    return binary


def compare(rev: str, progress: Progress = lambda _: None) -> tuple[list[Comparison], float]:
    """Both binaries, every benchmark of ours, alternating; the comparisons
    and the highest 1-minute load average seen."""
    baseline = build_baseline(rev, progress)
    if not bench.BENCH_BIN.exists():
        raise FileNotFoundError(f"{bench.BENCH_BIN} does not exist: run 'make bench-bin'")
    work = paths.BENCH_DIR / "baseline-samples"
    work.mkdir(parents=True, exist_ok=True)
    pooled: dict[tuple[str, str], list[float]] = {}
    units: dict[str, str] = {}
    load = 0.0
    for round_number in range(bench.ROUNDS):
        progress(f"round {round_number + 1} of {bench.ROUNDS}")
        for run in filter(ours, bench.RUNS):
            for side, binary in (("baseline", baseline), ("now", bench.BENCH_BIN)):
                part = work / "part.tmp"
                name, _platform, unit = bench.run_one(run, part, binary)
                units[name] = unit
                values = [float(v) for v in part.read_text().split()]
                pooled.setdefault((name, side), []).extend(values)
                part.unlink()
                load = max(load, os.getloadavg()[0])
    out = []
    for name, unit in units.items():
        before, after = sorted(pooled[(name, "baseline")]), sorted(pooled[(name, "now")])
        rate = unit.endswith("/s")
        tail = 0.01 if rate else 0.99
        out.append(Comparison(name, unit, percentile(before, 0.5), percentile(before, tail),
                              percentile(after, 0.5), percentile(after, tail)))  # fmt: skip
    return out, load


def markdown(rev: str, comparisons: list[Comparison], load: float) -> str:
    lines = [
        f"# This tree against {rev}, same run\n",
        f"Highest 1-minute load average during the run: {load:.2f}. "
        "Medians and p99 of the pooled samples (for a rate, the 1st percentile).\n",
        f"| benchmark | unit | {rev} median | now median | now / {rev} | {rev} p99 | now p99 |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        lines.append(
            f"| `{c.name}` | {c.unit} | {c.baseline_median:,.1f} | {c.median:,.1f} | "
            f"{c.ratio:.2f} | {c.baseline_p99:,.1f} | {c.p99:,.1f} |"
        )
    return "\n".join(lines) + "\n"


def write(rev: str, comparisons: list[Comparison], load: float) -> Path:
    path = paths.BENCH_DIR / f"baseline-{rev.replace('/', '_')}.md"
    path.write_text(markdown(rev, comparisons, load))
    return path
