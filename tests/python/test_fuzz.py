"""The libFuzzer harnesses (tests/fuzz/, ASan + UBSan) in `make test`: each
replays the seeds kept in the repository, then fuzzes a few thousand inputs
more. A crash, a sanitizer report, a broken harness invariant or a hang fails
the test with libFuzzer's report. `make fuzz` runs them for longer."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tradekernel import build, fuzz, paths


@pytest.fixture(scope="module", autouse=True)
def harnesses() -> None:
    build.ensure(("fuzz-bin",))  # the harnesses, with ASan and UBSan, when a test here runs


@pytest.mark.parametrize("harness", fuzz.HARNESSES)
def test_harness_survives_its_seeds_and_fresh_mutations(harness: str, tmp_path: Path):
    seeds = list((fuzz.SEEDS / harness).iterdir())
    assert len(seeds) >= 5, f"tests/fuzz/corpus/{harness} lost its seeds"
    result = fuzz.run(harness, runs=3000, corpus=tmp_path)
    assert result.ok, result.tail
    assert result.executions >= 3000
    assert result.coverage > 50  # the seeds reach into the code under test


def test_fuzz_command_replays_the_seeds_and_keeps_a_tally():
    done = subprocess.run(
        [sys.executable, "-m", "tradekernel", "fuzz", "--harness", "mold", "--seeds-only"],
        capture_output=True, text=True, cwd=paths.ROOT, timeout=120,
        env=dict(os.environ, COLUMNS="200"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "fuzzing mold (its seeds only)" in done.stderr
    assert re.search(r"mold: [\d,]+ executions .* ok", done.stderr)
    assert "executions so far on this machine: net" in done.stderr


def test_unknown_harness_is_named():
    with pytest.raises(
        ValueError, match="unknown harness 'ouch': one of net, mold, books, pipeline"
    ):
        fuzz.run("ouch", runs=0)
