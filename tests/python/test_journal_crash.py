"""Crash safety of the journal in QEMU: the kernel trades a session (feed
loss, the venue answering, rejecting, losing answers) with its journal on a
virtio-blk disk, and QEMU is killed (SIGKILL) at a random moment of it, 100
times. Every journal must read back; every record the kernel had reported
durable (`@tk journal-durable sequence=`) before the kill must be in it; a
tail the kill cut short must be reported torn, never read as records; and the
records read must make a consistent day (no answer for an order never sent)."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

import pytest

from tradekernel import demo, journal, paths
from tradekernel.feed.generator import session
from tradekernel.feed.publisher import Faults
from tradekernel.guest_link import GuestLink
from tradekernel.qemu import BootMethod, Guest
from tradekernel.records import parse_record
from tradekernel.venue import Venue, VenueConfig

pytestmark = pytest.mark.qemu

CRASHES = 100
MESSAGES = 6000
RATE = 20_000  # messages a second: publishing takes 0.3 s


@dataclass
class Crash:
    seed: int
    after: float  # seconds into publishing
    durable: int  # the last sequence the kernel reported durable
    read: journal.Journal | None
    tail: bytes = b""  # the disk from the end of the last whole record, two sectors
    error: str = ""


def crash_once(seed: int, messages: list[bytes]) -> Crash:
    rng = random.Random(seed)
    disk = paths.JOURNAL_DIR / f"crash-{seed % 2}.img"
    config = demo.DemoConfig(
        venue=VenueConfig(rate=RATE, faults=Faults(loss=0.03, duplicate=0.02, seed=seed),
                          answer_loss=0.1, answer_duplicate=0.1, reject_fraction=0.1),
        icount=False, boot=BootMethod.KERNEL, timeout=60, journal=disk, journal_mib=8,
    )  # fmt: skip
    durable = [0]

    def on_line(line: str) -> None:
        r = parse_record(line)
        # The kill may cut the last line short: a record without its whole
        # field is not a report (the one before it stands).
        if r is not None and r.kind == "journal-durable" and r.fields.get("sequence", "").isdigit():
            durable[0] = r.int("sequence")

    link = GuestLink()
    after = rng.uniform(0.0, len(messages) / RATE * 1.5)
    try:
        guest = Guest(demo.guest_config(config, link), on_line)
        venue = Venue(link, messages, config.venue)
        venue.start()
        try:
            with guest:
                assert demo.wait_for_trading(guest, venue, 30), "the kernel never started trading"
                publisher = threading.Thread(target=venue.publish, daemon=True)
                publisher.start()
                time.sleep(after)
                seen = durable[0]  # reported before the kill: must survive it
                guest.kill()
        finally:
            venue.stop()
            publisher.join(10)
    finally:
        link.close()
    image = disk.read_bytes()
    try:
        read = journal.read(image)
    except journal.JournalError as e:
        return Crash(seed, after, seen, None, error=str(e))
    end = read.end_offset
    sector_end = -(-end // journal.SECTOR) * journal.SECTOR
    return Crash(seed, after, seen, read, image[end : sector_end + journal.SECTOR])


@pytest.fixture(scope="module")
def crashes() -> list[Crash]:
    messages = list(session(seed=3, messages=MESSAGES, symbols=8))
    return [crash_once(seed, messages) for seed in range(CRASHES)]


def test_every_journal_reads_back_with_every_durable_record(crashes):
    for c in crashes:
        assert c.read is not None, (c.seed, c.error)
        assert c.read.durable_through >= c.durable, (c.seed, c.after, c.read.end)
        assert c.read.end in ("clean", "torn"), c.seed  # a fresh disk: no other boot's records
    # The kills landed all over the session: before anything was durable,
    # while records were being made, and (some) after the session's records.
    durable = sorted(c.durable for c in crashes)
    # (Loose bounds: how far a session gets in a given time depends on the
    # machine.)
    assert durable[0] <= 5 and durable[-1] > 10, durable
    assert len(set(durable)) > 5, durable


def test_the_records_read_make_a_consistent_day(crashes):
    for c in crashes:
        assert c.read is not None
        day = journal.replay(c.read)
        assert day.unknown_answers == 0, c.seed  # no answer before its order
        assert day.lost == 0, c.seed
        first = c.read.records[0] if c.read.records else None
        assert first is None or first.type is journal.RecordType.START, c.seed
        for o in day.orders.values():
            assert o.open >= 0 and o.filled + o.open <= o.shares, (c.seed, o)


def test_the_end_is_told_truly(crashes):
    """After the last whole record: zeros to the end of its sector and in the
    next (a clean end: the kill came between writes), or bytes that are no
    record of this boot (torn: the kill cut a write short). The hosted tests
    (test_journal.py) tear writes on purpose; a killed QEMU rarely does,
    since it hands each request to the host in one write."""
    for c in crashes:
        assert c.read is not None
        zeros = not c.tail.strip(b"\0")
        assert (c.read.end == "clean") == zeros, (c.seed, c.read.end, c.tail[:64])
