"""`tradekernel journal FILE`: a journal read back from its disk image and
printed as the day -- orders with their states, fills, positions, risk
rejections, the feed's gaps -- and checked against the venue's record of
the session when one is given (the demo writes it beside the disk image)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tradekernel import journal


def venue_record_path(image: Path) -> Path:
    """Where the demo writes the venue's record for a journal image."""
    return image.with_suffix(".venue.json")


def report(console: Console, image: Path, venue: Path | None, orders_shown: int) -> int:
    """Prints the day; 0 if it agrees with the venue's record (or there is
    none to check), 1 if not."""
    j = journal.read_file(image)
    day = journal.replay(j)
    seconds = (j.records[-1].tsc - j.records[0].tsc) / j.tsc_hz if j.records and j.tsc_hz else 0.0
    console.print(
        f"[bold]{image}[/]: epoch {j.epoch:#x}, {len(j.records):,} records over "
        f"{seconds:,.3f} s of the trading CPU's clock, {j.end} end at byte {j.end_offset:,}"
        + (
            " [yellow](a torn tail: a write the crash cut short, never reported durable)[/]"
            if j.end == "torn"
            else ""
        )
    )
    if day.sessions[0]:
        console.print(
            f"feed session {day.sessions[0]}, order session {day.sessions[1] or '(learnt)'}"
        )
    states = day.states()
    summary = Table(show_header=False)
    summary.add_row(
        "orders",
        f"{len(day.orders):,}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())),
    )
    summary.add_row("fills", f"{len(day.fills):,}, {sum(f.shares for f in day.fills):,} shares")
    reasons = Counter(r[0] for r in day.rejections)
    summary.add_row(
        "risk rejections", ", ".join(f"{k} {v:,}" for k, v in reasons.most_common()) or "none"
    )
    summary.add_row("feed", f"behind {len(day.gaps):,} times, caught up {len(day.caught_up):,}")
    summary.add_row("answers", f"{day.answers:,} ({day.unknown_answers} naming no order of ours)")
    summary.add_row("kill switch", "thrown" if day.kill_switch else "not thrown")
    summary.add_row("lost records", f"{day.lost:,} (the ring was full)" if day.lost else "none")
    if day.disk_full:
        summary.add_row(
            "disk full", f"{day.disk_full:,} records dropped where it filled, and all after"
        )
    if day.broken_trades:
        summary.add_row("broken trades", f"{day.broken_trades} (the kill switch thrown)")
    if not j.complete:
        summary.add_row("end", "[yellow]no End record: the journal stops before the session ended "
                        "(a crash, or a full disk)[/]")  # fmt: skip
    console.print(summary)

    positions = Table("stock", "bought", "sold", "net", title="end-of-day positions")
    for stock, (bought, sold) in sorted(day.positions().items()):
        positions.add_row(stock, f"{bought:,}", f"{sold:,}", f"{bought - sold:+,}")
    console.print(positions)

    if orders_shown:
        table = Table(
            "token",
            "stock",
            "side",
            "shares",
            "price",
            "tif",
            "state",
            "filled",
            "reason",
            title=f"orders (first {orders_shown})",
        )
        for o in list(day.orders.values())[:orders_shown]:
            table.add_row(
                o.token,
                o.stock,
                o.side,
                f"{o.shares:,}",
                f"{o.price / 10_000:,.4f}",
                "day" if o.day else "ioc",
                o.state,
                f"{o.filled:,}",
                o.reason,
            )
        console.print(table)

    if venue is None:
        return 0
    problems = journal.compare(day, json.loads(venue.read_text()))
    if problems:
        console.print(f"[red]differs from the venue's record ({venue}):[/] " + "; ".join(problems))
        return 1
    console.print(
        f"[green]agrees with the venue's record[/] ({venue}): every order's state and fills, "
        "every position"
    )
    return 0
