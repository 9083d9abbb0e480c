"""`make benchmark`: run the benchmarks and write build/bench/results.json.

The format is the project's (shared BENCHMARKS.md): a `machine` description
and a list of `results`, each with name, platform, unit, median, p99, max and
samples; a Markdown report is written beside it. No benchmark exists yet: the
scheduler, memory and networking work adds them, each with its Linux peer
measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

from tradekernel import paths

PLATFORMS = {"hosted", "pc-icount", "linux", "linux-rt-guest-icount"}


@dataclass(frozen=True)
class Result:
    name: str
    platform: str
    unit: str
    median: float
    p99: float
    max: float
    samples: int


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    with Path("/proc/cpuinfo").open() as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def run_benchmarks() -> list[Result]:
    """Every benchmark of the project; none exists yet."""
    return []


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# TradeKernel benchmark results",
        "",
        f"{m['cpu']}, {m['cores']} cores, Linux {m['kernel']}, {m['date']}",
        "",
    ]
    if not report["results"]:
        lines.append("No benchmarks yet.")
        return "\n".join(lines) + "\n"
    lines += [
        "| name | platform | unit | median | p99 | max | samples |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['name']} | {r['platform']} | {r['unit']} | {r['median']:.1f} "
            f"| {r['p99']:.1f} | {r['max']:.1f} | {r['samples']} |"
        )
    return "\n".join(lines) + "\n"


def write_report(results: list[Result], out_dir: Path = paths.BENCH_DIR) -> Path:
    for r in results:
        if r.platform not in PLATFORMS:
            raise ValueError(f"{r.name}: unknown platform {r.platform!r}")
    report = {"machine": machine(), "results": [asdict(r) for r in results]}
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / "results.md").write_text(markdown(report))
    return path
