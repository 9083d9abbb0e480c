"""The kernel's journal read back from its disk (kernel/journal/record.h and
writer.h describe the format): the superblock, then every record while each
is whole, of this boot's epoch and next in sequence. What follows the last
good record says how the journal ended: zeros (clean), a record of another
boot (stale data beyond this boot's end), or bytes that are not a whole
record (a torn tail: a write the crash cut short, never reported durable).

`replay()` turns the records into the day: each order with its state, the
fills, positions per stock, risk rejections and the feed's gaps -- from the
orders sent and the venue's answers, independently of the kernel's own
order table."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from tradekernel.trade.ouch import decode_outbound

SECTOR = 512
HEADER = struct.Struct("<IHBBIIQQ")  # crc, length, type, version, epoch, reserved, sequence, tsc
SUPERBLOCK = struct.Struct("<8sIIQQQI")  # magic, version, epoch, first sector, sectors, tsc_hz, crc
MAGIC = b"TKJOURNL"
VERSION = 1
MAX_RECORD = 128

ORDER_SENT = struct.Struct("<QIIHcB8s")  # id, price, shares, locate, side, day, stock
RISK_REJECTED = struct.Struct("<BcHII")  # reason, side, locate, shares, price
# ouch::RiskCounters in order: the index is the rejection's reason.
RISK_REASONS = ("accepted", "kill_switch", "side", "size", "order_notional", "session_notional",
                "position", "collar", "rate", "open_orders", "exposure", "day_closed")  # fmt: skip


class RecordType(IntEnum):
    START = 1
    ORDER_SENT = 2
    CANCEL_SENT = 3
    ANSWER = 4
    RISK_REJECTED = 5
    FEED_BEHIND = 6
    FEED_CAUGHT_UP = 7
    KILL_SWITCH = 8
    LOST = 9
    END = 10
    DISK_FULL = 11
    ORDER_RESENT = 12


def crc32c(data: bytes) -> int:
    """RFC 3720 CRC-32C, reflected (the kernel's kernel/journal/record.cpp)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _table() -> list[int]:
    out = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        out.append(c)
    return out


_TABLE = _table()


class JournalError(ValueError):
    pass


@dataclass(frozen=True)
class Record:
    type: RecordType
    sequence: int
    tsc: int
    payload: bytes
    offset: int  # on the disk


@dataclass
class Journal:
    epoch: int
    tsc_hz: int
    sectors: int
    records: list[Record]
    end: str  # "clean", "other-boot" or "torn"
    end_offset: int  # where the first byte after the last good record lies

    @property
    def durable_through(self) -> int:
        return self.records[-1].sequence if self.records else 0

    @property
    def complete(self) -> bool:
        """The session's End record is in it: nothing after it was lost."""
        return any(r.type is RecordType.END for r in self.records)


def read(image: bytes) -> Journal:
    if len(image) < SECTOR:
        raise JournalError("shorter than a sector: no superblock")
    magic, version, epoch, first, sectors, tsc_hz, crc = SUPERBLOCK.unpack_from(image)
    if magic != MAGIC:
        raise JournalError(f"no journal: the first sector starts {magic!r}, not {MAGIC!r}")
    if crc != crc32c(image[:40]):
        raise JournalError("the superblock's checksum does not hold")
    if version != VERSION:
        raise JournalError(f"journal format {version}; this reader knows {VERSION}")
    records: list[Record] = []
    at, end = first * SECTOR, len(image)
    outcome = "clean"
    while at < end:
        if at + HEADER.size > end or image[at : at + 8] == bytes(8):
            # Zeros: the padding of a write; the rest of the sector is too.
            next_sector = (at // SECTOR + 1) * SECTOR
            if image[at:next_sector].strip(b"\0"):
                outcome = "torn"
                break
            if at % SECTOR == 0:  # a whole zero sector: nothing was written here
                break
            at = next_sector
            continue
        found, length, reason = _record(image, at, epoch, len(records) + 1)
        if found is None:
            outcome = reason
            break
        records.append(found)
        at += length
    return Journal(epoch, tsc_hz, sectors, records, outcome, at)


def _record(image: bytes, at: int, epoch: int, sequence: int) -> tuple[Record | None, int, str]:
    crc, length, kind, version, rec_epoch, _, rec_sequence, tsc = HEADER.unpack_from(image, at)
    whole = HEADER.size <= length <= MAX_RECORD and length % 8 == 0 and at + length <= len(image)
    if not whole or crc != crc32c(image[at + 4 : at + length]):
        return None, 0, "torn"
    if rec_epoch != epoch or version != VERSION:
        return None, 0, "other-boot"
    if rec_sequence != sequence:
        return None, 0, "torn"  # a whole record out of place: not this boot's sequence
    try:
        kind_ = RecordType(kind)
    except ValueError:
        return None, 0, "torn"
    return Record(kind_, rec_sequence, tsc, image[at + HEADER.size : at + length], at), length, ""


def read_file(path: Path) -> Journal:
    return read(path.read_bytes())


# --- the day, replayed -----------------------------------------------------


@dataclass
class Order:
    id: int
    token: str
    stock: str
    side: str
    shares: int
    price: int
    day: bool
    state: str = "pending"  # live, partly_filled, filled, cancelled, rejected
    open: int = 0
    filled: int = 0
    reason: str = ""
    cancel_sent: bool = False
    resends: int = 0


@dataclass
class Fill:
    token: str
    stock: str
    side: str
    shares: int
    price: int
    match: int


@dataclass
class Day:
    orders: dict[str, Order] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    rejections: list[tuple[str, str, int, int, int]] = field(
        default_factory=list
    )  # reason, side, locate, shares, price
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (from, known end) when behind
    caught_up: list[int] = field(default_factory=list)
    kill_switch: bool = False
    lost: int = 0
    disk_full: int = 0  # records dropped where the disk filled (and all after them)
    broken_trades: int = 0
    answers: int = 0
    unknown_answers: int = 0
    sessions: tuple[str, str] = ("", "")

    def positions(self) -> dict[str, tuple[int, int]]:
        """(bought, sold) per stock, from the fills."""
        out: dict[str, tuple[int, int]] = {}
        for f in self.fills:
            bought, sold = out.get(f.stock, (0, 0))
            out[f.stock] = (bought + f.shares, sold) if f.side == "B" else (bought, sold + f.shares)
        return out

    def states(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.orders.values():
            out[o.state] = out.get(o.state, 0) + 1
        return out


def token_of(order_id: int) -> str:
    return f"{order_id - 1:014d}"


def replay(journal: Journal) -> Day:
    day = Day()
    for r in journal.records:
        p = r.payload
        if r.type is RecordType.ORDER_SENT:
            oid, price, shares, _locate, side, is_day, stock = ORDER_SENT.unpack_from(p)
            token = token_of(oid)
            day.orders[token] = Order(oid, token, stock.decode().rstrip(), side.decode(), shares,
                                      price, bool(is_day), open=shares)  # fmt: skip
        elif r.type is RecordType.CANCEL_SENT:
            (oid,) = struct.unpack_from("<Q", p)
            if (o := day.orders.get(token_of(oid))) is not None:
                o.cancel_sent = True
        elif r.type is RecordType.ORDER_RESENT:
            (oid,) = struct.unpack_from("<Q", p)
            if (o := day.orders.get(token_of(oid))) is not None:
                o.resends += 1
        elif r.type is RecordType.ANSWER:
            day.answers += 1
            (length,) = struct.unpack_from("<H", p, 8)
            _apply_answer(day, p[10 : 10 + length])
        elif r.type is RecordType.RISK_REJECTED:
            reason, side, locate, shares, price = RISK_REJECTED.unpack_from(p)
            name = RISK_REASONS[reason] if reason < len(RISK_REASONS) else str(reason)
            day.rejections.append((name, side.decode(), locate, shares, price))
        elif r.type is RecordType.FEED_BEHIND:
            day.gaps.append(struct.unpack_from("<QQ", p))
        elif r.type is RecordType.FEED_CAUGHT_UP:
            day.caught_up.append(struct.unpack_from("<Q", p)[0])
        elif r.type is RecordType.KILL_SWITCH:
            day.kill_switch = True
        elif r.type is RecordType.LOST:
            day.lost += struct.unpack_from("<Q", p)[0]
        elif r.type is RecordType.DISK_FULL:
            day.disk_full += struct.unpack_from("<Q", p)[0]
        elif r.type is RecordType.START:
            day.sessions = (p[:10].decode().rstrip(), p[10:20].decode().rstrip())
    return day


def _apply_answer(day: Day, message: bytes) -> None:
    try:
        a = decode_outbound(message)
    except ValueError:
        day.unknown_answers += 1
        return
    if a["type"] == "broken_trade":
        day.broken_trades += 1  # the kernel threw its kill switch
        return
    if a["type"] == "system_event":
        if a["event"] == "E":  # end of day: what the venue never answered is done
            for o in day.orders.values():
                if o.state in ("pending", "live", "partly_filled"):
                    o.state, o.open, o.reason = "cancelled", 0, "E"
        return
    o = day.orders.get(str(a["token"]))
    if o is None or o.state in ("filled", "cancelled", "rejected"):
        day.unknown_answers += 1
        return
    kind = a["type"]
    if kind == "accepted":
        if o.state == "pending":
            o.state = "live"
        if a["order_state"] == "D":  # accepted and cancelled at once
            o.state, o.open, o.reason = "cancelled", 0, "D"
    elif kind in ("executed", "canceled", "aiq_canceled") and int(a["shares"]) == 0:  # type: ignore[call-overload]
        return  # says nothing: the kernel counts it and applies nothing
    elif kind == "executed":
        shares = min(int(a["shares"]), o.open)  # type: ignore[call-overload]
        o.open -= shares
        o.filled += shares
        o.state = "filled" if o.open == 0 else "partly_filled"
        day.fills.append(Fill(o.token, o.stock, "B" if o.side == "B" else "S", shares,
                              int(a["price"]), int(a["match"])))  # type: ignore[call-overload]  # fmt: skip
    elif kind in ("canceled", "aiq_canceled"):
        o.open -= min(int(a["shares"]), o.open)  # type: ignore[call-overload]
        if o.open == 0:
            o.state, o.reason = "cancelled", str(a["reason"])
    elif kind == "rejected":
        o.state, o.open, o.reason = "rejected", 0, str(a["reason"])


def compare(day: Day, venue: dict) -> list[str]:
    """Where the day from the journal differs from the venue's record
    (MatchingEngine.record()); empty when they agree."""
    problems = []
    theirs = {s: tuple(v) for s, v in venue["positions"].items()}
    if day.positions() != theirs:
        differ = sorted(
            s
            for s in theirs.keys() | day.positions().keys()
            if theirs.get(s) != day.positions().get(s)
        )
        problems.append(f"positions differ in {len(differ)} stocks, first {differ[0]}")
    orders = venue["orders"]
    mine = {t: (o.state, o.filled) for t, o in day.orders.items()}
    venue_orders = {t: (o["state"], o["filled"]) for t, o in orders.items()}
    if mine != venue_orders:
        differ = sorted(
            t for t in mine.keys() | venue_orders.keys() if mine.get(t) != venue_orders.get(t)
        )
        problems.append(
            f"{len(differ)} orders differ, first {differ[0]}: "
            f"journal {mine.get(differ[0])}, venue {venue_orders.get(differ[0])}"
        )
    if len(day.fills) != venue["executions"]:
        problems.append(
            f"{len(day.fills)} fills in the journal, {venue['executions']} at the venue"
        )
    return problems
