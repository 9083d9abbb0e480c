"""The market-data demo (`make run`, `tradekernel demo`): boot the kernel in
mode=trade under QEMU, replay a session through the simulated venue, and
summarise what the kernel saw and did.

The session is the built-in synthetic one (tradekernel/feed/generator.py)
unless a recorded ITCH 5.0 file is given. Latency figures come from two
places: in-guest rdtscp spans (with --icount the guest TSC counts
instructions, so they are path lengths, the same every run) and the round
trip the venue measures from a trigger's last transmission to its order's
arrival, which under TCG is mostly emulator time, not kernel speed.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tradekernel import journal, paths, qemu
from tradekernel.exit_codes import Outcome
from tradekernel.feed.publisher import RateLimiter
from tradekernel.feed.reference_book import ReferenceBooks
from tradekernel.guest_link import GuestLink
from tradekernel.hostile import Hostile, accounting
from tradekernel.records import Record
from tradekernel.stats import percentile
from tradekernel.strategy import backtest
from tradekernel.strategy.frontend import digest
from tradekernel.trade.answer_stream import ORDER_SESSION
from tradekernel.trade.order_receiver import Match, match_orders
from tradekernel.venue import FEED_GROUP, GUEST, VENUE, Venue, VenueConfig


@dataclass(frozen=True)
class DemoConfig:
    venue: VenueConfig = field(default_factory=VenueConfig)
    icount: bool = True
    boot: qemu.BootMethod = qemu.BootMethod.DISK
    build: qemu.Build = qemu.Build.TEST  # make run boots the release kernel
    machine: qemu.Machine = qemu.Machine.Q35
    firmware: qemu.Firmware = qemu.Firmware.BIOS
    timeout: float = 300.0  # the whole run, seconds
    # Until trading starts. OVMF under -icount takes about a minute to reach
    # the kernel here; SeaBIOS a few seconds.
    boot_timeout: float = 150.0
    # After publishing, until the kernel has every message.
    recover_timeout: float = 120.0
    # The journal's disk, made afresh (zeros) for the run; None: no journal.
    journal: Path | None = paths.JOURNAL_DIR / "demo.img"
    journal_mib: int = 64
    pcap: Path | None = None  # the link's frames, as QEMU's filter-dump stamps them
    # The strategy compiled into the kernel (make STRATEGY=...): its Python
    # run over the same session says which orders the kernel must send.
    strategy: Path = paths.DEFAULT_STRATEGY
    # A test kernel linked with `strategy` (make alt-kernel), booted with
    # qemu -kernel; None: the kernel `make` built.
    kernel: Path | None = None
    # Each order's send time by the guest's TSC ("order-sent" records), for
    # timing wire to doorbell against the capture (guest_bench.py).
    order_times: bool = False


@dataclass
class DemoResult:
    run: qemu.RunResult
    venue: Venue
    complete: bool  # the kernel reported every message received
    expected_checksum: int
    match: Match
    phases: dict[str, float]  # seconds: boot, hostile, publish, recover (after publishing)
    # Hostile frames sent before the session: how many, and each counter's due.
    hostile_expected: Counter[tuple[str, str]] = field(default_factory=Counter)
    stale: StalePeriods = field(default_factory=lambda: StalePeriods([], True))
    # Triggers of the reference's orders the kernel refused, its feed behind.
    stale_refused: list[int] = field(default_factory=list)
    # The journal read back from its disk, and the day replayed from it.
    journal_path: Path | None = None
    journal: journal.Journal | None = None
    day: journal.Day | None = None
    journal_error: str = ""
    backtest: backtest.BacktestResult | None = None  # the strategy's Python run
    strategy_digest: str = ""  # of the file the Python run ran

    def record(self, kind: str) -> Record | None:
        found = self.run.of_kind(kind)
        return found[-1] if found else None

    def bench(self, name: str) -> Record | None:
        return next((r for r in self.run.of_kind("bench") if r["name"] == name), None)

    @property
    def checksum_matches(self) -> bool:
        books = self.record("book-summary")
        return books is not None and int(books["checksum"], 16) == self.expected_checksum

    def round_trips_us(self) -> list[float]:
        sent_at = self.venue.sent_at
        return [(r.received_at - sent_at[e.trigger]) * 1e6 for e, r in self.match.matched]

    def positions(self) -> dict[str, tuple[int, int]]:
        """(bought, sold) per stock, as the kernel reported them at the end."""
        return {r["stock"]: (r.int("bought"), r.int("sold")) for r in self.run.of_kind("position")}

    def venue_positions(self) -> dict[str, tuple[int, int]]:
        venue = {s: (p.bought, p.sold) for s, p in self.venue.matching.positions.items()}
        return {s: v for s, v in venue.items() if any(v)}

    @property
    def positions_match(self) -> bool:
        """The kernel's positions are the venue's fills, and no order is left
        open (the venue cancelled the resting ones at the end of the day)."""
        if not self.venue.config.answer_orders:
            return True
        summary = self.record("orders-summary")
        return (
            self.positions() == self.venue_positions()
            and summary is not None
            and summary.int("open-orders") == 0
        )

    def journal_problems(self) -> list[str]:
        """Where the day replayed from the journal differs from the venue's
        record; empty when it agrees (or there is no journal)."""
        if self.journal_path is None:
            return []
        if self.day is None or self.journal is None:
            return [f"no journal read back: {self.journal_error}"]
        problems = []
        if self.day.positions() != self.venue_positions():
            problems.append("positions differ from the venue's")
        venue = {t: (o.state, o.filled) for t, o in self.venue.matching.orders.items()}
        mine = {t: (o.state, o.filled) for t, o in self.day.orders.items()}
        if mine != venue:
            differ = sorted(t for t in venue.keys() | mine.keys() if venue.get(t) != mine.get(t))
            problems.append(f"{len(differ)} orders differ from the venue's, first {differ[0]}")
        if self.day.lost:
            problems.append(f"{self.day.lost} records lost (ring full)")
        if not any(r.type is journal.RecordType.END for r in self.journal.records):
            problems.append("no End record: the journal was not finished")
        return problems

    @property
    def ok(self) -> bool:
        return (
            self.run.outcome is Outcome.PASSED
            and self.complete
            and self.checksum_matches
            and (self.orders_match or not self.orders_comparable)
            and self.memory_flat
            and self.positions_match
            and self.strategy_fault_matches
            and self.kernel_runs_the_strategy
            and not self.journal_problems()
        )

    @property
    def orders_match(self) -> bool:
        return not self.match.missing and not self.match.unexpected

    @property
    def orders_comparable(self) -> bool:
        """Whether the Python run's orders are the kernel's, one for one: not
        for a strategy that acts on the venue's answers (on_order, or the
        position they make), which reach the kernel when the network brings
        them and the backtest right after the message that sent the order
        (tradekernel/strategy/backtest.py). The kernel's orders, fills and
        positions are still checked against the venue's record."""
        return self.backtest is None or not self.backtest.acts_on_fills

    @property
    def kernel_strategy_source(self) -> str:
        r = self.record("strategy")
        return r["source"] if r is not None else "the strategy"

    @property
    def kernel_strategy_fault(self) -> tuple[str, int]:
        """The compiled strategy's fault as the kernel reported it (name, line)."""
        r = self.record("strategy")
        return (r["fault"], r.int("line")) if r is not None else ("not reported", 0)

    @property
    def kernel_runs_the_strategy(self) -> bool:
        """The kernel's strategy was compiled from the file the Python run ran."""
        r = self.record("strategy")
        return r is not None and r.get("digest") == self.strategy_digest

    @property
    def kernel_strategy_skipped(self) -> int:
        r = self.record("strategy")
        return r.int("skipped") if r is not None else -1

    @property
    def strategy_fault_matches(self) -> bool:
        f = self.backtest.fault if self.backtest is not None else None
        return self.kernel_strategy_fault == ((f.name, f.line) if f else ("none", 0))

    def hostile_problems(self) -> list[str]:
        """Where the kernel's counters disagree with the hostile frames sent
        (tradekernel/hostile.py); empty when each is under its counter."""
        kinds = (
            "net-counters",
            "feed-counters",
            "control-counters",
            "trade-counters",
            "answer-counters",
        )
        return accounting({k: self.record(k) for k in kinds}, self.hostile_expected)

    @property
    def hostile_sent(self) -> int:
        return sum(self.hostile_expected.values())

    @property
    def memory_flat(self) -> bool:
        """No frame allocated, and none asked for, once trading started."""
        ready, memory = self.record("trade-ready"), self.record("memory")
        return (
            ready is not None
            and memory is not None
            and ready.int("frames-free") == memory.int("frames-free")
            and memory.int("alloc-violations") == 0
        )


def run_demo(
    messages: list[bytes],
    config: DemoConfig,
    on_line: Callable[[str], None] | None = None,
    on_published: Callable[[int], None] | None = None,
    on_status: Callable[[Record], None] | None = None,
    junk: list[bytes] | None = None,
    hostile: Iterable[Hostile] = (),
    hostile_rate: float = 20_000,
    guest: Callable[[DemoConfig, GuestLink], qemu.QemuConfig] | None = None,
) -> DemoResult:
    """Boots the kernel, waits for trading, sends the `hostile` frames (paced at
    `hostile_rate` a second; tradekernel/hostile.py), then publishes the
    session with `junk` datagrams among it and waits until the kernel has
    every message. `guest` makes the machine (default: our kernel,
    guest_config; tradekernel/linux_guest.py runs the same core on Linux)."""
    phases: dict[str, float] = {}
    hostile_expected: Counter[tuple[str, str]] = Counter()
    link = GuestLink(pcap=config.pcap)
    guest = qemu.Guest((guest or guest_config)(config, link), on_line)
    venue = Venue(link, messages, config.venue)
    start = time.monotonic()
    venue.start()
    complete = False
    try:
        with guest:  # on an exception QEMU is stopped at once, not left to its timeout
            try:
                if wait_for_trading(guest, venue, config.boot_timeout):
                    phases["boot"] = time.monotonic() - start
                    pace = RateLimiter(hostile_rate)
                    for h in hostile:
                        pace.wait(1)
                        link.send(h.frame)
                        hostile_expected[(h.record, h.counter)] += 1
                    phases["hostile"] = time.monotonic() - start - phases["boot"]
                    venue.publish(on_published, junk)
                    phases["publish"] = (
                        time.monotonic() - start - phases["boot"] - phases["hostile"]
                    )
                    complete = venue.finish(timeout=config.recover_timeout, progress=on_status)
                    phases["recover"] = (
                        time.monotonic()
                        - start
                        - phases["boot"]
                        - phases["hostile"]
                        - phases["publish"]
                    )
            finally:
                venue.stop()  # tk-exit: the kernel prints its final records and exits
    finally:
        link.close()
    run = guest.result
    stale = StalePeriods.of(run)
    reference = ReferenceBooks()
    refused: list[int] = []
    python_run = backtest.backtest(
        backtest.load(config.strategy),
        messages,
        books=reference,
        stale=stale.contains,
        refused_stale=refused,
    )
    expected = python_run.orders
    received = venue.orders.orders
    feed = run.of_kind("feed-counters")
    if feed:  # a message never delivered triggered nothing, not even a refusal
        refused = [t for t in refused if t < feed[-1].int("next")]
    if not stale.complete:  # past the last period kept, which orders were refused is unknown
        expected = [e for e in expected if e.trigger < stale.known_before]
        received = [r for r in received if r.trigger < stale.known_before]
        refused = [t for t in refused if t < stale.known_before]
    result = DemoResult(
        run=run,
        venue=venue,
        complete=complete,
        expected_checksum=reference.checksum(),
        match=match_orders(expected, received),
        phases=phases,
        hostile_expected=hostile_expected,
        stale=stale,
        stale_refused=refused,
        journal_path=config.journal,
        backtest=python_run,
        strategy_digest=digest(config.strategy.read_text()),
    )
    if config.journal is not None:
        if config.venue.answer_orders:  # for `tradekernel journal` to check against
            record = config.journal.with_suffix(".venue.json")
            record.write_text(json.dumps(venue.matching.record(), indent=1))
        try:
            result.journal = journal.read_file(config.journal)
            result.day = journal.replay(result.journal)
        except (OSError, journal.JournalError) as e:
            result.journal_error = str(e)
    return result


def _fresh_disk(path: Path | None, mib: int) -> Path | None:
    """A sparse file of zeros: the journal's disk for one run."""
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.truncate(mib << 20)
    return path


@dataclass(frozen=True)
class StalePeriods:
    """When the kernel's feed was behind (`@tk feed-stale from= to=`, the
    messages from..to-1 delivered stale; to=0: never caught up). The kernel
    keeps the first periods only: `complete` says whether these are all."""

    periods: list[tuple[int, int]]
    complete: bool

    @classmethod
    def of(cls, run: qemu.RunResult) -> StalePeriods:
        periods = [(r.int("from"), r.int("to") or 2**64) for r in run.of_kind("feed-stale")]
        summary = run.of_kind("feed-stale-summary")
        complete = not summary or summary[-1].int("periods") == len(periods)
        return cls(periods, complete)

    def contains(self, sequence: int) -> bool:
        return any(start <= sequence < end for start, end in self.periods)

    @property
    def known_before(self) -> int:
        """Below this sequence, the periods kept say all there is."""
        return self.periods[-1][1] if self.periods and not self.complete else 2**64


def guest_config(config: DemoConfig, link: GuestLink) -> qemu.QemuConfig:
    """The kernel in mode=trade on two CPUs, linked to the venue, its
    journal's disk made afresh."""
    session = config.venue.session.decode("ascii").rstrip()
    cmdline = (
        f"mode=trade ip={GUEST.ip} gateway={VENUE.ip} isolate=1 session={session} "
        f"order-session={ORDER_SESSION.decode().rstrip()} " + config.venue.control.cmdline()
    )
    if config.venue.multicast:
        cmdline += f" join={FEED_GROUP}"
    if config.order_times:
        cmdline += " order-times"
    return qemu.QemuConfig(
        boot=config.boot, build=config.build, machine=config.machine, firmware=config.firmware,
        smp=2,
        cmdline=cmdline, icount=config.icount, extra_args=link.qemu_args(config.machine),
        timeout=config.timeout, journal=_fresh_disk(config.journal, config.journal_mib),
        kernel=config.kernel,
    )  # fmt: skip


def wait_for_trading(guest: qemu.Guest, venue: Venue, timeout: float) -> bool:
    """Until the kernel says trading has started and the venue has answered its
    ARP (the kernel asks before it reports ready, but the answer is counted on
    the venue's thread); the venue learns the boot's control nonce and opens
    its day (System Event 'S', the first answer). False if
    the guest ended first or the time ran out."""
    deadline = time.monotonic() + timeout
    if guest.wait_for("trade-ready", timeout) is None:
        return False
    control = guest.wait_for("control", 0)  # printed before trade-ready
    if control is None:
        return False
    venue.config.control.learn(control)
    if not venue.arp_answered.wait(max(0.0, deadline - time.monotonic())):
        return False
    venue.open_day()
    return True


def describe_spread(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    return (
        f"median {percentile(ordered, 0.5):,.0f}, p99 {percentile(ordered, 0.99):,.0f}, "
        f"max {ordered[-1]:,.0f} ({len(values)} samples)"
    )
