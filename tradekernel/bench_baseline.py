"""`tradekernel bench --baseline REV`: this tree's hosted figures beside those
of an earlier revision, measured in the same run on the same CPU.

The revision's tk_bench is built in a git worktree (build/baseline/<rev>/),
then every TradeKernel benchmark (not the Linux, glibc, jemalloc or Boost peers)
runs from both binaries, alternating, ROUNDS times, and all that is repeated
(three times by default); each side's samples are pooled as `make benchmark`
pools them, and each repeat's ratio is kept: on this shared machine one
run's hosted medians move by a third either way. The comparison is written to
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

PEERS = ("linux", "glibc", "jemalloc", "boost", "cpp", "cpython")


@dataclass(frozen=True)
class Comparison:
    name: str
    unit: str
    baseline_median: float
    baseline_p99: float
    median: float
    p99: float
    repeat_ratios: tuple[float, ...] = ()  # now / baseline median, per repeat
    # Operations per sample as each side reported it (0: per operation, or a
    # revision from before batches were reported).
    baseline_batch: int = 0
    batch: int = 0

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


def compare(
    rev: str, progress: Progress = lambda _: None, repeats: int = 3
) -> tuple[list[Comparison], float]:
    """Both binaries, every benchmark of ours, alternating, `repeats` times
    over; the comparisons (pooled over the repeats, with each repeat's ratio,
    whose range says how far a single run can be trusted on this machine)
    and the highest 1-minute load average seen."""
    baseline = build_baseline(rev, progress)
    if not bench.BENCH_BIN.exists():
        raise FileNotFoundError(f"{bench.BENCH_BIN} does not exist: run 'make bench-bin'")
    work = paths.BENCH_DIR / "baseline-samples"
    work.mkdir(parents=True, exist_ok=True)
    # Paired by the run, not the name it reports: names change (a batched
    # figure gained "_batched"); this tree's name is shown.
    pooled: dict[tuple[str, str], list[float]] = {}
    ratios: dict[str, list[float]] = {}
    units: dict[str, str] = {}
    names: dict[str, str] = {}
    batches: dict[tuple[str, str], int] = {}
    load = 0.0
    missing: set[str] = set()
    for repeat in range(repeats):
        this: dict[tuple[str, str], list[float]] = {}
        for round_number in range(bench.ROUNDS):
            progress(f"repeat {repeat + 1}/{repeats}, round {round_number + 1}/{bench.ROUNDS}")
            for run in filter(ours, bench.RUNS):
                key = f"{run.mode} {run.size or ''}"
                if key in missing:
                    continue
                for side, binary in (("baseline", baseline), ("now", bench.BENCH_BIN)):
                    part = work / "part.tmp"
                    try:
                        name, _platform, unit, batch = bench.run_one(run, part, binary)
                    except (subprocess.CalledProcessError, RuntimeError):
                        if side == "now":
                            raise
                        # A benchmark the baseline does not have (or names
                        # another way): nothing to compare it with.
                        progress(f"{run.mode}: not in {rev}; left out")
                        missing.add(key)
                        break
                    units[key] = unit
                    batches[(key, side)] = batch
                    if side == "now":
                        names[key] = name
                    values = [float(v) for v in part.read_text().split()]
                    this.setdefault((key, side), []).extend(values)
                    part.unlink()
                    load = max(load, os.getloadavg()[0])
        for (key, side), values in this.items():
            pooled.setdefault((key, side), []).extend(values)
        for key in units:
            before = percentile(sorted(this[(key, "baseline")]), 0.5)
            after = percentile(sorted(this[(key, "now")]), 0.5)
            ratios.setdefault(key, []).append(after / before if before else float("nan"))
    out = []
    for key, unit in units.items():
        name = names[key]
        before, after = sorted(pooled[(key, "baseline")]), sorted(pooled[(key, "now")])
        tail = 0.01 if unit.endswith("/s") else 0.99
        out.append(Comparison(name, unit, percentile(before, 0.5), percentile(before, tail),
                              percentile(after, 0.5), percentile(after, tail),
                              tuple(ratios[key]), batches[(key, "baseline")],
                              batches[(key, "now")]))  # fmt: skip
    return out, load


def markdown(rev: str, comparisons: list[Comparison], load: float) -> str:
    lines = [
        f"# This tree against {rev}, same run\n",
        f"Highest 1-minute load average during the run: {load:.2f}. "
        "Medians and p99 of the pooled samples (for a rate, the 1st percentile).\n",
        f"| benchmark | unit | {rev} median | now median | now / {rev} | "
        f"each repeat's now / {rev} | {rev} p99 | now p99 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        each = ", ".join(f"{r:.2f}" for r in c.repeat_ratios)
        mark = (
            ""
            if c.baseline_batch == c.batch
            else f" (batch {c.baseline_batch or 'not reported'} then, {c.batch or 'none'} now)"
        )
        lines.append(
            f"| `{c.name}`{mark} | {c.unit} | {c.baseline_median:,.1f} | {c.median:,.1f} | "
            f"{c.ratio:.2f} | {each} | {c.baseline_p99:,.1f} | {c.p99:,.1f} |"
        )
    return "\n".join(lines) + "\n"


def write(rev: str, comparisons: list[Comparison], load: float) -> Path:
    path = paths.BENCH_DIR / f"baseline-{rev.replace('/', '_')}.md"
    path.write_text(markdown(rev, comparisons, load))
    return path
