"""The journal on the hosted core (kernel/journal/): records handed over by
the ring, written by the writer to a block device in memory that fails and
crashes on request, and read back by tradekernel/journal.py. A record the
writer reported durable is never missing after a crash; a torn tail is
found and left out."""

from __future__ import annotations

import ctypes
import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_order_lifecycle import Session, run_session
from test_pipeline import add, directory

from tradekernel import journal
from tradekernel.hosted_lib import library
from tradekernel.trade.answer_stream import AnswerStream
from tradekernel.trade.matching import SYSTEM_HOURS, MatchingEngine

RING_SLOTS = 4096


class HostedJournal:
    def __init__(self, sectors: int = 2048, epoch: int = 0x5EED) -> None:
        self.lib = library()
        self.h = self.lib.tk_journal_create(sectors, epoch)
        assert self.h
        self.sectors = sectors

    def append(self, kind: int, payload: bytes, tsc: int = 0) -> bool:
        return bool(self.lib.tk_journal_append(self.h, kind, tsc, payload, len(payload)))

    def drain(self) -> int:
        return self.lib.tk_journal_drain(self.h)

    def durable(self) -> int:
        return self.lib.tk_journal_durable(self.h)

    def faults(self, writes: int = 0, flushes: int = 0, crash_after_sectors: int = -1) -> None:
        self.lib.tk_journal_faults(self.h, writes, flushes, crash_after_sectors)

    def image(self) -> bytes:
        out = ctypes.create_string_buffer(self.sectors * journal.SECTOR)
        n = self.lib.tk_journal_image(self.h, out, len(out))
        return out.raw[:n]

    def counters(self) -> dict[str, int]:
        names = self.lib.tk_journal_counter_names().decode().rstrip(",").split(",")
        values = (ctypes.c_uint64 * len(names))()
        self.lib.tk_journal_counters(self.h, values)
        return dict(zip(names, values, strict=True))

    def close(self) -> None:
        self.lib.tk_journal_destroy(self.h)


def test_crc32c_is_castagnoli_in_both_languages():
    lib = library()
    assert journal.crc32c(b"123456789") == 0xE3069283  # RFC 3720's check value
    rng = random.Random(1)
    for n in (0, 1, 7, 64, 300):
        data = rng.randbytes(n)
        assert lib.tk_journal_crc32c(data, n) == journal.crc32c(data)


def test_the_readers_risk_reasons_are_the_kernels_counters():
    names = library().tk_risk_counter_names().decode().rstrip(",").split(",")
    assert tuple(n.removeprefix("rejected_") for n in names) == journal.RISK_REASONS


def test_records_read_back_in_order_with_their_payloads():
    j = HostedJournal()
    try:
        rng = random.Random(2)
        sent = [(rng.choice((2, 3, 4, 5)), rng.randbytes(rng.randrange(0, 97))) for _ in range(500)]
        for i, (kind, payload) in enumerate(sent):
            assert j.append(kind, payload, tsc=1000 + i)
            if i % 37 == 0:
                j.drain()
        j.drain()
        assert j.durable() == 500
        read = journal.read(j.image())
        assert read.end == "clean" and read.epoch == 0x5EED
        got = [
            (r.type.value, r.payload[: len(p)], r.tsc)
            for r, (_, p) in zip(read.records, sent, strict=True)
        ]
        assert got == [(k, p, 1000 + i) for i, (k, p) in enumerate(sent)]
        assert [r.sequence for r in read.records] == list(range(1, 501))
    finally:
        j.close()


def test_a_full_ring_loses_records_counted_and_says_so_in_the_journal():
    j = HostedJournal()
    try:
        kept = sum(j.append(4, b"x" * 10) for _ in range(RING_SLOTS + 25))
        assert kept == RING_SLOTS
        while j.drain():
            pass
        assert j.append(3, struct.pack("<Q", 1))  # the next record, with the Lost one before it
        while j.drain():
            pass
        read = journal.read(j.image())
        day = journal.replay(read)
        assert day.lost == 25 and j.counters()["lost"] == 25
        kinds = [r.type for r in read.records]
        assert kinds[RING_SLOTS:] == [journal.RecordType.LOST, journal.RecordType.CANCEL_SENT]
    finally:
        j.close()


def test_failed_writes_are_retried_and_nothing_is_durable_before_its_flush():
    j = HostedJournal()
    try:
        for _ in range(10):
            j.append(3, struct.pack("<Q", 7))
        j.faults(writes=2)
        assert j.drain() == 0 and j.drain() == 0 and j.durable() == 0
        j.faults(flushes=1)
        assert j.drain() == 0 and j.durable() == 0  # written, not flushed
        assert j.drain() == 10 and j.durable() == 10
        c = j.counters()
        assert (c["write_errors"], c["flush_errors"], c["records"]) == (2, 1, 10)
        assert [r.sequence for r in journal.read(j.image()).records] == list(range(1, 11))
    finally:
        j.close()


def test_a_failed_flush_never_lets_its_records_count_as_durable():
    """The device drops what a failed flush covered (as a disk cache or a
    host page cache may after a write-back error): the writer writes the
    batch again, and reports durable only what a successful flush covered --
    which is then on the disk."""
    j = HostedJournal()
    try:
        for _ in range(5):
            j.append(4, b"five")
        j.faults(flushes=1)
        assert j.drain() == 0 and j.durable() == 0
        assert journal.read(j.image()).records == []  # the failed flush dropped them
        assert j.drain() == 5 and j.durable() == 5
        assert len(journal.read(j.image()).records) == 5
    finally:
        j.close()


def test_a_full_disk_drops_what_does_not_fit_counted_and_keeps_what_is_durable():
    j = HostedJournal(sectors=12)  # superblock area + 4 sectors of records
    try:
        for _ in range(8):
            for _ in range(10):
                j.append(4, bytes(90))
            j.drain()
        c = j.counters()
        assert c["disk_full"] > 0 and c["records"] + c["disk_full"] == 80
        read = journal.read(j.image())
        # The records that fit, then one DiskFull record saying how many of
        # the batch that did not were dropped; and the journal is not complete.
        assert read.records[-1].type is journal.RecordType.DISK_FULL
        assert len(read.records) == j.durable() == c["records"] + 1
        day = journal.replay(read)
        assert 0 < day.disk_full <= c["disk_full"] and not read.complete
    finally:
        j.close()


@pytest.mark.parametrize("seed", range(100))
def test_a_crash_at_a_random_point_loses_no_durable_record(seed):
    """The device stops taking sectors part way through a write; the journal
    reads back every record reported durable, and says whether the tail was
    torn."""
    rng = random.Random(seed)
    j = HostedJournal(sectors=4096)
    try:
        j.faults(flushes=rng.randrange(0, 3), crash_after_sectors=rng.randrange(0, 200))
        sent: list[bytes] = []
        for _ in range(rng.randrange(5, 60)):
            for _ in range(rng.randrange(1, 40)):
                payload = rng.randbytes(rng.randrange(0, 97))
                if j.append(4, payload):
                    sent.append(payload)
            j.drain()
        durable = j.durable()
        read = journal.read(j.image())
        assert len(read.records) >= durable
        for r in read.records:
            assert r.payload[: len(sent[r.sequence - 1])] == sent[r.sequence - 1]
        assert read.end in ("clean", "torn")
        if len(read.records) < len(sent):  # the crash came before the end
            tail = j.image()[read.end_offset : read.end_offset + journal.SECTOR]
            assert (read.end == "torn") == bool(tail.strip(b"\0"))
    finally:
        j.close()


def test_another_boots_records_beyond_the_end_are_not_read_as_this_ones():
    old = HostedJournal(epoch=1)
    try:
        for _ in range(200):
            old.append(4, b"old" + bytes(29))  # 64-byte records: 8 to a sector
        old.drain()
        image = bytearray(old.image())
    finally:
        old.close()
    new = HostedJournal(epoch=2)
    try:
        for _ in range(3):
            new.append(4, b"new")
        new.drain()
        fresh = new.image()
        # The new boot wrote its padded sector over the old journal's first.
        written = -(-journal.read(fresh).end_offset // journal.SECTOR) * journal.SECTOR
        image[:written] = fresh[:written]
        read = journal.read(bytes(image))
        assert [r.payload[:3] for r in read.records] == [b"new"] * 3
        assert read.end == "other-boot"
    finally:
        new.close()


def test_the_journal_of_a_session_is_the_venues_record():
    """The whole day from the journal alone -- orders sent, the venue's
    answers, rejections -- replayed independently of the kernel's order
    table, gives the venue's fills, order states and positions."""
    j = HostedJournal(sectors=1 << 15)
    try:
        s = run_session(5, 0.1, 0.1, journal_handle=j.h, drain=j.drain)
        try:
            while j.drain():
                pass
            day = journal.replay(journal.read(j.image()))
            venue = s.venue
            assert day.positions() == {
                k: (p.bought, p.sold) for k, p in venue.positions.items() if p.bought or p.sold
            }
            assert {t: (o.state, o.filled) for t, o in day.orders.items()} == {
                t: (o.state, o.filled) for t, o in venue.orders.items()
            }
            assert day.rejections == [] or all(r[0] != "accepted" for r in day.rejections)
            assert day.unknown_answers == 0 and day.lost == 0
            assert len(day.fills) == venue.counts.executions
        finally:
            s.close()
    finally:
        j.close()


def test_risk_rejections_and_cancels_are_journalled():
    j = HostedJournal()
    s = Session(MatchingEngine(), AnswerStream(), j.h, max_spread=0, max_order=500)
    try:
        s.feed(directory(5, "TK"), add(1, "B", 100_0000), add(2, "S", 100_0100))
        assert not s.send(5, "B", 600, 100_0000, SYSTEM_HOURS)  # over max_order: size
        order = s.send(5, "B", 100, 100_0000, SYSTEM_HOURS)
        assert s.cancel(order)
        j.drain()
        day = journal.replay(journal.read(j.image()))
        assert day.rejections == [("size", "B", 5, 600, 100_0000)]
        o = day.orders[journal.token_of(order)]
        assert o.cancel_sent and o.state == "cancelled" and o.reason == "U"
    finally:
        s.close()
        j.close()


@given(st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_damaged_bytes_never_make_records_only_an_earlier_end(damage):
    """Bytes of a journal changed anywhere past the superblock: the reader
    returns a prefix of the records written, each unchanged, and never
    raises but for the superblock."""
    image = bytearray(_REFERENCE_IMAGE)
    written = journal.read(bytes(image)).records
    for offset, value in damage:
        at = 8 * journal.SECTOR + offset % (len(image) - 8 * journal.SECTOR)
        image[at] = value
    read = journal.read(bytes(image))
    assert [(r.sequence, r.payload) for r in read.records] == [
        (r.sequence, r.payload) for r in written[: len(read.records)]
    ]


def _reference_image() -> bytes:
    j = HostedJournal(sectors=64)
    try:
        rng = random.Random(9)
        for _ in range(6):
            for _ in range(rng.randrange(1, 30)):
                j.append(rng.choice((2, 3, 4, 5, 6)), rng.randbytes(rng.randrange(0, 97)))
            j.drain()
        return j.image()
    finally:
        j.close()


_REFERENCE_IMAGE = _reference_image()
