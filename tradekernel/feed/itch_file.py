"""ITCH 5.0 binary files in the format of Nasdaq's published sample files:
each message preceded by its length as a 2-byte big-endian integer. Files of
a whole trading day run to gigabytes, so they are read in chunks, never
whole; gzip-compressed files (as Nasdaq publishes them) are read as well."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


def write_session(
    path: Path,
    messages: Iterable[bytes],
    on_progress: Callable[[int], None] | None = None,
    every: int = 100_000,
) -> int:
    """Streams `messages` to `path`; `on_progress(count)` every `every` messages."""
    count = 0
    with path.open("wb", buffering=CHUNK) as f:
        for m in messages:
            f.write(len(m).to_bytes(2, "big") + m)
            count += 1
            if on_progress and count % every == 0:
                on_progress(count)
    return count


def _open(path: Path) -> BinaryIO:
    with path.open("rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")  # type: ignore[return-value]


def read_session(path: Path) -> Iterator[bytes]:
    with _open(path) as f:
        buffer, offset = b"", 0  # offset: file position of buffer[0]
        while True:
            chunk = f.read(CHUNK)
            buffer += chunk
            at = 0
            while at + 2 <= len(buffer):
                n = int.from_bytes(buffer[at : at + 2], "big")
                if at + 2 + n > len(buffer):
                    break
                yield buffer[at + 2 : at + 2 + n]
                at += 2 + n
            offset += at
            buffer = buffer[at:]
            if not chunk:
                if buffer:
                    raise ValueError(f"{path}: message at byte {offset} runs past the end")
                return
