"""`tradekernel replay FILE`: a recorded or generated ITCH 5.0 day through
the hosted engine at full speed (build/hosted/tk_replay, from
platform/hosted/replay/replay_main.cpp), with progress, and at the end the
rate, per-message latency percentiles (each message timed on its own), the
live-order peak, memory and every counter."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tradekernel import paths
from tradekernel.records import Record, parse_record


class ReplayFailed(RuntimeError):
    pass


@dataclass
class ReplayResult:
    records: dict[str, Record] = field(default_factory=dict)
    stderr: str = ""

    def __getitem__(self, kind: str) -> Record:
        return self.records[kind]


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == b"\x1f\x8b"


def replay(
    path: Path,
    orders: int | None = None,
    levels: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    binary: Path = paths.REPLAY_BIN,
) -> ReplayResult:
    """Runs the day in `path` (Nasdaq's format, .gz too); `on_progress`
    gets (messages, bytes of the uncompressed stream) as it goes."""
    if not binary.exists():
        raise FileNotFoundError(f"{binary} does not exist: run 'make hosted'")
    command = [str(binary), "--progress", "1000000"]
    if orders:
        command += ["--orders", str(orders)]
    if levels:
        command += ["--levels", str(levels)]
    compressed = _is_gzip(path)
    command.append("-" if compressed else str(path))
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if compressed else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    feeder = None
    feed_errors: list[BaseException] = []
    if compressed:
        assert process.stdin is not None

        def feed() -> None:
            assert process.stdin is not None
            try:
                with gzip.open(path, "rb") as f:
                    shutil.copyfileobj(f, process.stdin, 1 << 20)
            except BrokenPipeError:
                pass  # the tool stopped early; its exit status says why
            except (OSError, EOFError) as e:  # a damaged .gz file
                feed_errors.append(e)
            finally:
                process.stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
    result = ReplayResult()
    assert process.stdout is not None
    for line in process.stdout:
        record = parse_record(line.decode(errors="replace"))
        if record is None:
            continue
        if record.kind == "replay-progress" and on_progress:
            on_progress(record.int("messages"), record.int("bytes"))
        result.records[record.kind] = record
    assert process.stderr is not None
    result.stderr = process.stderr.read().decode(errors="replace")
    if feeder:
        feeder.join()
    if feed_errors:
        raise ReplayFailed(f"{path}: {feed_errors[0]}")
    if process.wait() != 0 or "replay-summary" not in result.records:
        raise ReplayFailed(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return result
