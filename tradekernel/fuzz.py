"""Runs the libFuzzer harnesses (tests/fuzz/fuzz_*.cpp, built by `make
fuzz-bin` with AddressSanitizer and UBSan) and reports what they did.

Each run reads the seeds kept in the repository (tests/fuzz/corpus/<harness>)
and grows a working corpus in build/fuzz/corpus/<harness>; an input that
crashes, leaks, trips a sanitizer or a harness invariant, or hangs is saved
as build/fuzz/findings/<harness>-<kind>-<hash>. Executions are added to
build/fuzz/ledger.json, the running total on this machine.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tradekernel import paths

HARNESSES = ("net", "mold", "books", "pipeline")
SEEDS = paths.ROOT / "tests" / "fuzz" / "corpus"
WORK = paths.BUILD / "fuzz"
LEDGER = WORK / "ledger.json"


@dataclass
class FuzzRun:
    harness: str
    executions: int
    per_second: int
    coverage: int  # libFuzzer's "cov:" (edges reached)
    corpus: int  # inputs in the working corpus at the end
    ok: bool
    finding: Path | None
    tail: str

    def describe(self) -> str:
        state = "ok" if self.ok else f"FAILED ({self.finding or 'see output'})"
        return (
            f"{self.harness}: {self.executions:,} executions ({self.per_second:,}/s), "
            f"{self.coverage} edges, corpus {self.corpus}: {state}"
        )


def binary(harness: str) -> Path:
    path = WORK / f"fuzz_{harness}"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run 'make fuzz-bin'")
    return path


def run(
    harness: str, seconds: float | None = None, runs: int | None = None, corpus: Path | None = None
) -> FuzzRun:
    """Fuzzes `harness` for `seconds`, or for `runs` inputs after replaying the
    seeds (runs=0: the seeds alone). `corpus` replaces the working corpus."""
    if harness not in HARNESSES:
        raise ValueError(f"unknown harness {harness!r}: one of {', '.join(HARNESSES)}")
    work = corpus or WORK / "corpus" / harness
    findings = WORK / "findings"
    work.mkdir(parents=True, exist_ok=True)
    findings.mkdir(parents=True, exist_ok=True)
    command = [
        str(binary(harness)),
        "-print_final_stats=1",
        "-timeout=10",  # seconds for one input: a hang is a finding
        "-rss_limit_mb=4096",
        f"-artifact_prefix={findings}/{harness}-",
    ]
    if seconds is not None:
        command.append(f"-max_total_time={int(seconds)}")
    if runs is not None:
        command.append(f"-runs={runs}")
    command += [str(work), str(SEEDS / harness)]
    done = subprocess.run(command, capture_output=True, text=True)
    output = done.stderr
    executions = _stat(output, "number_of_executed_units")
    finding = re.search(r"Test unit written to (\S+)", output)
    coverage = re.findall(r"cov: (\d+)", output)
    result = FuzzRun(
        harness=harness,
        executions=executions,
        per_second=_stat(output, "average_exec_per_sec"),
        coverage=int(coverage[-1]) if coverage else 0,
        corpus=sum(1 for _ in work.iterdir()),
        ok=done.returncode == 0,
        finding=Path(finding.group(1)) if finding else None,
        tail="\n".join(output.splitlines()[-30:]),
    )
    _add_to_ledger(harness, executions)
    return result


def ledger() -> dict[str, int]:
    """Executions per harness so far on this machine."""
    return json.loads(LEDGER.read_text()) if LEDGER.exists() else {}


def _add_to_ledger(harness: str, executions: int) -> None:
    totals = ledger()
    totals[harness] = totals.get(harness, 0) + executions
    LEDGER.parent.mkdir(parents=True, exist_ok=True)
    LEDGER.write_text(json.dumps(totals, indent=2) + "\n")


def _stat(output: str, name: str) -> int:
    found = re.search(rf"stat::{name}:\s+(\d+)", output)
    return int(found.group(1)) if found else 0


# The parsers each harness is for: their line coverage is what is reported.
TARGETS = {
    "net": ("kernel/net/stack.cpp", "kernel/net/control.cpp"),
    "mold": ("kernel/feed/moldudp64.cpp",),
    "books": ("kernel/book/order_book.cpp", "kernel/feed/itch.cpp"),
    "pipeline": (
        "kernel/trade/fastpath.cpp",
        "kernel/trade/pipeline.cpp",
        "kernel/trade/order_entry.cpp",
        "kernel/trade/ouch.cpp",
        "kernel/trade/ouch_outbound.cpp",
        "kernel/trade/order_session.cpp",
        "kernel/trade/order_state.cpp",
        "kernel/trade/order_table.cpp",
    ),
}


@dataclass
class Coverage:
    file: str
    lines: int
    covered: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.lines if self.lines else 100.0


def coverage(harness: str) -> list[Coverage]:
    """Line coverage of the harness's parsers over its kept seeds and working
    corpus, from the coverage build (`make fuzz-cov-bin`, no sanitizers)."""
    from tradekernel.tools import require

    program = WORK.parent / "fuzz-cov" / f"fuzz_{harness}"
    if not program.exists():
        raise FileNotFoundError(f"{program} is missing: run 'make fuzz-cov-bin'")
    profiles = WORK / "coverage"
    profiles.mkdir(parents=True, exist_ok=True)
    raw, merged = profiles / f"{harness}.profraw", profiles / f"{harness}.profdata"
    corpora = [str(p) for p in (WORK / "corpus" / harness, SEEDS / harness) if p.exists()]
    subprocess.run(
        [str(program), "-runs=0", *corpora], capture_output=True, check=True,
        env={"LLVM_PROFILE_FILE": str(raw), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    subprocess.run(
        [require("llvm-profdata"), "merge", "-sparse", str(raw), "-o", str(merged)], check=True
    )
    report = subprocess.run(
        [require("llvm-cov"), "export", "-summary-only", "-format=text", str(program),
         f"-instr-profile={merged}", *(str(paths.ROOT / f) for f in TARGETS[harness])],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    out = []
    for entry in json.loads(report)["data"][0]["files"]:
        lines = entry["summary"]["lines"]
        name = str(Path(entry["filename"]).resolve().relative_to(paths.ROOT))
        if name in TARGETS[harness]:
            out.append(Coverage(name, lines["count"], lines["covered"]))
    return out
