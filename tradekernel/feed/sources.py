"""Where a replayed session comes from: the built-in synthetic generator, or
a recorded (or generated) NASDAQ TotalView-ITCH 5.0 file, optionally cut to
a number of messages and to some symbols, to keep a replay short."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from tradekernel.feed.generator import session
from tradekernel.feed.itch import decode, is_valid
from tradekernel.feed.itch_file import read_session

# Message types that carry a Stock Locate the symbol filter can test; the
# rest (system events) always pass.
_MARKET_WIDE = {"S"}


def synthetic(seed: int, messages: int, symbols: int = 8) -> list[bytes]:
    return list(session(seed, messages, symbols))


def only_symbols(messages: Iterable[bytes], symbols: set[str]) -> Iterator[bytes]:
    """The messages of the named symbols (located through their Stock
    Directory messages), and market-wide ones."""
    locates: set[int] = set()
    for m in messages:
        if not is_valid(m):
            continue
        code = chr(m[0])
        if code == "R" and decode(m)["stock"] in symbols:
            locates.add(int.from_bytes(m[1:3], "big"))
        if code in _MARKET_WIDE or int.from_bytes(m[1:3], "big") in locates:
            yield m


def recorded(path: Path, limit: int | None, symbols: set[str] | None = None) -> list[bytes]:
    messages: Iterable[bytes] = read_session(path)
    if symbols:
        messages = only_symbols(messages, symbols)
    return list(islice(messages, limit))
