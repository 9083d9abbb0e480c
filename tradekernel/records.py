"""Structured records in the kernel log.

A record is one line: ``@tk <kind> key=value key=value ...`` (kernel/log/log.h).
Everything else on the console is text for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PREFIX = "@tk "


@dataclass(frozen=True)
class Record:
    kind: str
    fields: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.fields[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.fields.get(key, default)

    def int(self, key: str) -> int:
        """A numeric field, decimal or 0x-hex."""
        return int(self.fields[key], 0)


def parse_record(line: str) -> Record | None:
    """The record on this line, or None for a text line."""
    line = line.strip()
    if not line.startswith(PREFIX):
        return None
    words = line[len(PREFIX) :].split()
    if not words:
        return None
    fields = {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if sep:
            fields[key] = value
    return Record(words[0], fields)


def parse_records(lines: Iterable[str]) -> list[Record]:
    return [r for r in map(parse_record, lines) if r is not None]


def of_kind(records: Iterable[Record], kind: str) -> list[Record]:
    return [r for r in records if r.kind == kind]
