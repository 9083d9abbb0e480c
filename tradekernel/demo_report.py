"""The demo's closing summary, as a table a trader reads at a glance."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tradekernel.demo import DemoResult, describe_spread


def _int(result: DemoResult, kind: str, key: str) -> int:
    r = result.record(kind)
    return r.int(key) if r is not None and r.get(key) is not None else 0


def summary_table(result: DemoResult, icount: bool) -> Table:
    v = result.venue
    t = Table(title="TradeKernel market-data demo", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    f = v.fault_counts
    took = result.phases.get("publish")
    t.add_row(
        "published",
        f"{len(v.messages):,} ITCH 5.0 messages in {f.sent:,} MoldUDP64 packets"
        + (f" in {took:.1f} s" if took else "")
        + f" (injected: {f.lost} lost, {f.duplicated} duplicated, {f.reordered} reordered)",
    )
    delivered = _int(result, "feed-counters", "messages-delivered")
    whole = result.complete and delivered == len(v.messages)
    t.add_row(
        "received",
        f"{delivered:,} messages in sequence"
        + (" - every message, once" if whole else " - [red]INCOMPLETE[/]"),
    )
    recover = result.phases.get("recover")
    t.add_row(
        "gaps",
        f"{_int(result, 'feed-counters', 'gaps'):,} detected, "
        f"{'all' if result.complete else 'NOT all'} recovered"
        + (f" {recover:.2f} s after the last packet" if recover is not None else "")
        + ": "
        f"{_int(result, 'trade-counters', 'requests-sent'):,} retransmission requests, "
        f"{v.rewinder.counts.messages_resent:,} messages resent by the rewinder",
    )
    periods = _int(result, "feed-stale-summary", "periods")
    t.add_row(
        "stale feed",
        f"behind {periods:,} times, {_int(result, 'feed-stale-summary', 'messages'):,} messages "
        f"delivered stale; {_int(result, 'trade-counters', 'stale-feed'):,} orders refused "
        f"meanwhile ({len(result.stale_refused):,} by the reference)"
        + ("" if result.stale.complete else f"; periods kept up to {result.stale.known_before:,}"),
    )
    t.add_row(
        "dropped",
        f"{_int(result, 'feed-counters', 'duplicate-packets'):,} duplicate packets, "
        f"{_int(result, 'feed-counters', 'malformed'):,} malformed packets, "
        f"{_int(result, 'trade-counters', 'rejected-messages'):,} malformed ITCH messages",
    )
    books = result.record("book-summary")
    if books is not None:
        verdict = "[green]matches[/]" if result.checksum_matches else "[red]DIFFERS from[/]"
        t.add_row(
            "books",
            f"checksum {books['checksum']} {verdict} the Python reference "
            f"({result.expected_checksum:#x}); {books.int('live-orders'):,} resting orders "
            f"(peak {books.int('peak-orders'):,}) on {books.int('live-levels'):,} price levels "
            f"(peak {books.int('peak-levels'):,}); "
            f"{books.int('untrusted-books'):,} untrusted books",
        )
    ready, memory = result.record("trade-ready"), result.record("memory")
    if ready is not None and memory is not None:
        start, end = ready.int("frames-free"), memory.int("frames-free")
        flat = "unchanged" if start == end else f"[red]{end - start:+,} frames[/]"
        t.add_row(
            "guest memory",
            f"free 4 KiB frames {start:,} when trading started, {end:,} at the end ({flat}); "
            f"{memory.int('alloc-violations')} allocations attempted while trading",
        )
    if result.backtest is not None:
        kernel_fault, kernel_line = result.kernel_strategy_fault
        fault = (
            "no fault" if kernel_fault == "none" else f"fault {kernel_fault} at line {kernel_line}"
        )
        agree = "as in" if result.strategy_fault_matches else "[red]unlike[/]"
        t.add_row(
            "strategy",
            f"{result.kernel_strategy_source} compiled into the kernel: {fault}, {agree} its "
            f"Python run ({len(result.backtest.orders):,} orders over the same session)",
        )
    m = result.match
    t.add_row(
        "orders",
        f"{_int(result, 'trade-counters', 'orders'):,} OUCH 4.2 Enter Orders sent, "
        f"{_int(result, 'trade-counters', 'risk-rejected'):,} stopped by the risk gate; "
        f"{len(m.matched)} matched to their trigger message, {len(m.missing)} missing, "
        f"{len(m.unexpected)} unexpected"
        + (
            ""
            if result.orders_comparable
            else " (not compared one for one: the strategy acts on the venue's answers or the "
            "position they make, which reach the kernel later than its Python run assumes; "
            "its orders, fills and positions are checked against the venue's record)"
        ),
    )
    if result.venue.config.answer_orders:
        states = result.venue.matching.states()
        t.add_row(
            "answers",
            f"{_int(result, 'trade-counters', 'answers'):,} from the venue "
            f"({result.venue.answers.counts.lost} packets lost, "
            f"{result.venue.answers.counts.duplicated} duplicated on the way; "
            f"{_int(result, 'trade-counters', 'answer-requests-sent'):,} requests for lost ones); "
            f"the venue's count: filled {states.get('filled', 0):,}, cancelled "
            f"{states.get('cancelled', 0):,}, rejected {states.get('rejected', 0):,}",
        )
        agree = (
            "[green]equal to the venue's[/]"
            if result.positions_match
            else "[red]NOT the venue's[/]"
        )
        t.add_row("kernel positions", f"{_positions(result.positions())}: {agree}")
    if result.journal_path is not None:
        t.add_row("journal", _journal_summary(result))
    unit = "instructions" if icount else "TCG TSC ticks (not time: run with --icount)"
    for name, label in (
        ("feed_per_message", "per message"),
        ("ring_to_doorbell", "ring to doorbell"),
    ):
        b = result.bench(name)
        if b is not None and b.int("samples"):
            t.add_row(
                f"in-guest {label}",
                f"median {b.int('median'):,}, p99 {b.int('p99'):,}, max {b.int('max'):,} {unit} "
                f"({b.int('samples'):,} samples)",
            )
    t.add_row("host round trip", describe_spread(result.round_trips_us()) + " us, through QEMU TCG")
    return t


def print_summary(console: Console, result: DemoResult, icount: bool) -> None:
    console.print(summary_table(result, icount))
    if result.hostile_sent:
        problems = result.hostile_problems()
        verdict = (
            "[green]each under the counter its kind names[/]"
            if not problems
            else "[red]counted wrongly: " + "; ".join(problems) + "[/]"
        )
        console.print(
            f"hostile frames: {result.hostile_sent:,} sent before the session in "
            f"{result.phases.get('hostile', 0):.1f} s, {len(result.hostile_expected)} counters: "
            + verdict
        )
    console.print(
        "[dim]in-guest per message: a market-data frame's handling (UDP, MoldUDP64, ITCH, book, "
        "strategy) divided by its messages; tick to trade: from the poll finding the frame to "
        "the order handed to the NIC, for frames that sent one. The host round trip is the "
        "venue's clock from the trigger's last transmission to the order's arrival, mostly "
        "emulator time.[/]"
    )


def _positions(positions: dict[str, tuple[int, int]]) -> str:
    held = ", ".join(f"{s} {b - sold:+,}" for s, (b, sold) in sorted(positions.items())[:6])
    more = f" and {len(positions) - 6} more" if len(positions) > 6 else ""
    return f"{held or 'none'}{more}"


def _journal_summary(result: DemoResult) -> str:
    j, day = result.journal, result.day
    if j is None or day is None:
        return f"[red]not read back: {result.journal_error}[/]"
    states = day.states()
    problems = result.journal_problems()
    verdict = (
        "[green]the venue's record[/]" if not problems else "[red]" + "; ".join(problems) + "[/]"
    )
    return (
        f"{len(j.records):,} records ({j.end} end) in {result.journal_path}: "
        f"{len(day.orders):,} orders (filled {states.get('filled', 0):,}, cancelled "
        f"{states.get('cancelled', 0):,}, rejected {states.get('rejected', 0):,}), "
        f"{len(day.fills):,} fills, {len(day.rejections):,} risk rejections, "
        f"{len(day.gaps):,} times behind the feed; end-of-day positions "
        f"{_positions(day.positions())}: {verdict}"
    )
