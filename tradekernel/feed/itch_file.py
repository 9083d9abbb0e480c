"""ITCH 5.0 binary files in the format of Nasdaq's published sample files:
each message preceded by its length as a 2-byte big-endian integer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path


def write_session(path: Path, messages: Iterable[bytes]) -> int:
    count = 0
    with path.open("wb") as f:
        for m in messages:
            f.write(len(m).to_bytes(2, "big") + m)
            count += 1
    return count


def read_session(path: Path) -> Iterator[bytes]:
    data = path.read_bytes()
    at = 0
    while at + 2 <= len(data):
        n = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + n > len(data):
            raise ValueError(f"{path}: message at byte {at} runs past the end")
        yield data[at + 2 : at + 2 + n]
        at += 2 + n
