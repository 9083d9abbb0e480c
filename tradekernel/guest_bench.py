"""TradeKernel beside a Linux PREEMPT_RT guest, measured the same way.

Both machines run under the same QEMU settings (TCG, `-icount
shift=0,sleep=off`, CPU model, two vCPUs, memory, virtio-net on the same
link) and the same core does the same work in both: our kernel's mode=trade,
and the core as a Linux program in the RT guest (tradekernel/linux_guest.py).
The same venue (tradekernel/venue.py) publishes the same session to each,
paced so that each packet is handled before the next arrives, and answers
their orders; each run's orders are checked against the reference strategy.

Wire to order is read from QEMU's own capture of the link (filter-dump),
which stamps each frame with the guest's virtual clock in microseconds; at
shift 0 that clock advances one nanosecond per guest instruction, counted
over both vCPUs (run one after the other), so a span is the instructions
both CPUs ran between the feed frame's arrival at the NIC and the order
frame's departure, in 1,000-instruction steps: Linux's interrupt and
receive work on CPU 0 and its user loop on CPU 1 add up, as do our polling
CPU's instructions while QEMU's I/O thread moves the frames, which depends
on the host (docs/performance.md). An order's token names the message that triggered it,
so each span starts at the frame that carried that message.

Wire to doorbell ends where the guest's work ends instead: at each order
handed to its NIC (our doorbell; Linux's send() returned), read from the
guest's own TSC, which under -icount is the capture's virtual clock in
nanoseconds (checked: every doorbell after its trigger's arrival, and not
past its order's departure by more than the two clocks can differ;
Capture.doorbell_spans). QEMU's transmit bottom half, which
waits for its I/O thread while the vCPU runs on, is then outside the span
for both systems; the start keeps the capture's 1,000-instruction steps.

Each guest also times its own part, from the poll finding the frame in its
receive ring to the order's doorbell (`ring_to_doorbell`), by its TSC.

cyclictest in the RT guest (one SCHED_FIFO thread on the isolated CPU, 1 ms
period) gives Linux's timer wake-up lateness in the same units, beside our
kernel's `timer_wakeup_lateness` (mode=bench).
"""

from __future__ import annotations

import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scapy.layers.inet import IP, UDP
from scapy.utils import PcapReader

from tradekernel import demo, linux_guest, qemu
from tradekernel.feed import sources
from tradekernel.guest_link import GuestLink
from tradekernel.records import Record
from tradekernel.venue import FEED_PORT, GUEST, ORDER_PORT, VENUE, VenueConfig

# The session and its pace: one message per packet, slow enough that the RT
# guest has handled each before the next (it takes about 20,000
# instructions, a fraction of a millisecond of real time under TCG here).
MESSAGES = 20_000
SYMBOLS = 64  # the spread taker trades each narrowing: about 1 order per 100 messages
RATE = 1_000.0  # messages (= packets) per second of real time
SEED = 7
_MOLD_HEADER = struct.Struct(">10sQH")


@dataclass
class WireToOrder:
    system: str
    spans: list[int]  # guest instructions (virtual ns at shift 0), one per order
    # Capture's arrival to the guest's TSC at the doorbell, one per frame that
    # sent orders (the "order-sent" records).
    doorbell_spans: list[int]
    doorbells_clamped: int  # of those, ended at the departure (Capture.doorbell_spans)
    orders: int  # orders the venue received
    expected: int  # orders the reference strategy sends on this session
    matched: bool  # the orders are the reference's, one for one
    complete: bool  # the guest reported every message received
    # The guest's own span, from the poll finding the frame in its receive
    # ring (virtio-net's; Linux's packet ring) to the order handed to the NIC
    # with its doorbell (Linux: send() returned): its "bench ring_to_doorbell"
    # record, in TSC ticks, which under -icount count both vCPUs' instructions.
    ring_to_doorbell: Record | None = None
    problem: str = ""


def _config(pcap: Path, messages: int) -> demo.DemoConfig:
    venue = VenueConfig(rate=RATE, max_messages=1)
    timeout = 120.0 + messages / RATE * 2
    return demo.DemoConfig(
        venue=venue, icount=True, journal=None, pcap=pcap, timeout=timeout, order_times=True
    )


def _linux_guest(config: demo.DemoConfig, link: GuestLink) -> qemu.QemuConfig:
    """The RT guest with the options our kernel gets (tk_trader takes the
    same words; it ignores mode= and isolate=, its core being CPU 1)."""
    ours = demo.guest_config(config, link)
    guest = linux_guest.guest_config(
        f"trade {ours.cmdline}", ours.extra_args, memory_mb=ours.memory_mb
    )
    guest.timeout = config.timeout
    return guest


def measure(system: str, messages: int = MESSAGES) -> WireToOrder:
    """One run of `system` ("tradekernel" or "linux-rt") on the session."""
    session = sources.synthetic(SEED, messages, SYMBOLS)
    with tempfile.TemporaryDirectory(prefix="tk-w2o-") as tmp:
        pcap = Path(tmp) / "link.pcap"
        config = _config(pcap, messages)
        guest = _linux_guest if system == "linux-rt" else None
        result = demo.run_demo(session, config, guest=guest)
        capture = Capture.read(pcap)
    problem = ""
    if result.run.outcome not in (qemu.Outcome.PASSED, qemu.Outcome.RESET):
        problem = f"the guest ended {result.run.outcome.name}: {result.run.describe(10)}"
    sent = [(r.int("trigger"), r.int("tsc")) for r in result.run.of_kind("order-sent")]
    kept = result.run.of_kind("order-times")
    # Our TSC is read just after the doorbell; Linux's after send() returns.
    doorbells = capture.doorbell_spans(sent, exact=system == "tradekernel")
    if not kept or kept[-1].int("frames") != len(sent):
        problem = problem or "the guest kept not every order's send time"
    problem = problem or doorbells.problem
    return WireToOrder(
        system=system,
        spans=capture.order_spans(),
        doorbell_spans=doorbells.spans,
        doorbells_clamped=doorbells.clamped,
        orders=len(result.venue.orders.orders),
        expected=len(result.match.matched) + len(result.match.missing),
        matched=not result.match.missing and not result.match.unexpected,
        complete=result.complete,
        ring_to_doorbell=next(
            (r for r in result.run.of_kind("bench") if r["name"] == "ring_to_doorbell"), None
        ),
        problem=problem,
    )


# Instructions a send's return path may run after its frame left, on the
# closest order of a run (checked, for a TSC that disagrees with the
# capture): Linux's send() returns through its packet layer and the system
# call exit.
RETURN_SLACK = 20_000
# How far past a frame's departure stamp a TSC read just after its doorbell
# may be: QEMU's other threads read the virtual clock as of the end of the
# vCPU's current translation block (at most 512 instructions), while the
# guest's own read is exact; and a few instructions run from the doorbell to
# the read. Seen: 387 (2026-12-03, in CI).
EXACT_SLACK = 1_000


@dataclass
class Doorbells:
    spans: list[int]  # guest instructions, one per frame that sent orders
    clamped: int  # spans ended at the departure, the TSC being later
    problem: str  # "" unless the guest's TSC and the capture disagree


@dataclass
class Capture:
    """The link as QEMU's filter-dump stamped it, in virtual ns (whole
    microseconds): each feed frame's arrival and each order's first
    departure."""

    arrivals: list[tuple[int, int, int]]  # (ns, first sequence, count), in capture order
    departures: list[tuple[int, int]]  # (ns, trigger sequence), an order's first, by token

    @classmethod
    def read(cls, pcap: Path) -> Capture:
        arrivals: list[tuple[int, int, int]] = []
        departures: list[tuple[int, int]] = []
        seen: set[bytes] = set()
        with PcapReader(str(pcap)) as frames:
            for frame in frames:
                if UDP not in frame:
                    continue
                at = int(frame.time * 1_000_000) * 1000
                payload = bytes(frame[UDP].payload)
                if (
                    frame[IP].src == VENUE.ip
                    and frame[UDP].dport == FEED_PORT
                    and len(payload) >= 20
                ):
                    _, first, count = _MOLD_HEADER.unpack_from(payload)
                    arrivals.append((at, first, count))
                elif (
                    frame[IP].src == GUEST.ip
                    and frame[UDP].dport == ORDER_PORT
                    and payload[:1] == b"O"  # Enter Order
                ):
                    # An order sent again for want of an answer keeps its
                    # token and is not a new one.
                    token = payload[1:15]
                    if token not in seen:
                        seen.add(token)
                        departures.append((at, int(payload[1:11])))
        return cls(arrivals, departures)

    def arrival(self, trigger: int, before: int) -> int | None:
        """The last arrival, at or before `before`, of the frame carrying
        message `trigger` (a retransmission that filled a gap, if the
        message waited for one)."""
        carried = [
            t
            for t, first, count in self.arrivals
            if first <= trigger < first + count and t <= before
        ]
        return carried[-1] if carried else None

    def order_spans(self) -> list[int]:
        """wire_to_order: for each Enter Order, its trigger's frame's
        arrival to the order's first departure."""
        spans = []
        for at, trigger in self.departures:
            start = self.arrival(trigger, at)
            if start is not None:
                spans.append(at - start)
        return spans

    def doorbell_spans(self, sent: list[tuple[int, int]], exact: bool) -> Doorbells:
        """tick_to_trade (wire to doorbell): for each (trigger, TSC once the
        order was handed to the NIC) the guest reported, from its trigger's
        frame's arrival to the doorbell.

        The TSC is read after the send returns: our tx_send, just after the
        doorbell (`exact`: then it may follow the order's departure only by
        EXACT_SLACK); or
        Linux's send() system call, whose return path can even follow the
        frame's departure. The order's departure in the capture also follows
        the doorbell: both bound it from above, and the span ends at the
        earlier of the two (the departure's stamp rounded up to the
        microsecond's end), which is counted (`clamped`). The clocks disagree
        if a TSC is before its trigger's arrival, or, not `exact`, if even
        the closest is further past its order's departure than a send's
        return path takes (RETURN_SLACK): a single order can be, its vCPU
        having waited while the other ran.

        filter-dump writes the virtual clock plus the host's time, in whole
        seconds, when the capture began (QEMU's net/dump.c); the guest's TSC
        is the virtual clock alone. Those seconds are the one offset taken
        from the data: each order's departure less its doorbell, to the
        nearest second (the two are far less than half a second apart)."""
        if not sent:
            return Doorbells([], 0, "")
        left_at = {}
        for at, trigger in self.departures:
            left_at[trigger] = at  # the last of the trigger's orders
        offsets = sorted(
            round((left_at[trigger] - tsc) / 1e9) for trigger, tsc in sent if trigger in left_at
        )
        base = offsets[len(offsets) // 2] * 1_000_000_000 if offsets else 0
        spans: list[int] = []
        clamped = 0
        closest = None  # the least of TSC less departure, over the orders
        for trigger, tsc in sent:
            rang = tsc + base  # in the capture's clock
            start = self.arrival(trigger, rang)
            left = left_at.get(trigger)
            if start is None or left is None or (exact and rang > left + 999 + EXACT_SLACK):
                return Doorbells(spans, clamped, (
                    f"the guest's TSC and the capture disagree: trigger {trigger} rang its "
                    f"doorbell at {rang:,} ns, arrived at {start}, left at {left}"
                ))  # fmt: skip
            spans.append(min(rang, left + 999) - start)
            past = rang - (left + 999)
            clamped += past > 0
            closest = past if closest is None else min(closest, past)
        if closest is not None and closest > RETURN_SLACK:
            return Doorbells(spans, clamped, (
                f"the guest's TSC and the capture disagree: every doorbell at least "
                f"{closest:,} ns after its order left"
            ))  # fmt: skip
        return Doorbells(spans, clamped, "")


# The hosted benchmarks the RT guest runs (tk_bench modes), beside the
# kernel's mode=bench figures of the same work (docs/performance.md): the
# Linux peers as they are (a user-level switch library; two OS threads
# handing off through futexes), and the portable core itself in a Linux
# process, from the replay ring as in mode=bench.
GUEST_BENCHMARKS = {
    "boost_switch": "boost_context_switch_batched",
    "futex_switch": "linux_futex_switch_batched",
    "nic_rx_to_app_each": "nic_rx_to_app",
    "tick_to_trade": "tick_to_trade_replay",
    "itch_decode_book_one_symbol": "itch_decode_book_one_symbol",
}


def guest_benchmarks(modes: tuple[str, ...] = tuple(GUEST_BENCHMARKS)) -> list[Record]:
    """The "bench" records of tk_bench's `modes`, run one after the other in
    the RT guest, in guest instructions (its TSC at shift 0)."""
    config = linux_guest.guest_config(f"bench {' '.join(modes)}", [], memory_mb=1024, timeout=1800)
    run = qemu.run(config)
    records = run.of_kind("bench")
    missing = [
        GUEST_BENCHMARKS[m]
        for m in modes
        if GUEST_BENCHMARKS[m] not in {r["name"] for r in records}
    ]
    if missing:
        tail = "\n".join(run.lines[-20:])
        raise linux_guest.LinuxGuestError(
            f"tk_bench in the RT guest reported no {missing}:\n{tail}"
        )
    return records


HISTOGRAM_LIMIT = 100_000  # ns: cyclictest --histogram's range (linux_guest.py)


def cyclictest(loops: int = 5_000) -> dict[int, int]:
    """cyclictest's histogram in the RT guest: lateness in virtual ns (guest
    instructions at shift 0) -> how many wake-ups; key -1 counts overflows
    (past HISTOGRAM_LIMIT)."""
    config = linux_guest.guest_config(f"cyclictest {loops}", [], memory_mb=512, timeout=600)
    run = qemu.run(config)
    histogram: dict[int, int] = {}
    for line in run.lines:
        if not line.startswith(linux_guest.CYCLICTEST_PREFIX):
            continue
        words = line[len(linux_guest.CYCLICTEST_PREFIX) :].split()
        if len(words) == 2 and words[0].isdigit() and words[1].isdigit():
            histogram[int(words[0])] = int(words[1])
        elif words[:3] == ["#", "Histogram", "Overflows:"] and len(words) > 3:
            histogram[-1] = int(words[3])
    if not any(v for k, v in histogram.items() if k >= 0):
        tail = "\n".join(run.lines[-20:])
        raise linux_guest.LinuxGuestError(f"cyclictest printed no histogram:\n{tail}")
    return histogram


def expand(histogram: dict[int, int]) -> list[float]:
    """The histogram as samples; an overflow counts as HISTOGRAM_LIMIT (a
    lower bound), so it still weighs on the p99."""
    samples: list[float] = []
    for value, count in histogram.items():
        samples += [float(HISTOGRAM_LIMIT if value < 0 else value)] * count
    samples.sort()
    return samples
