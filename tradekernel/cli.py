"""The `tradekernel` command: build, run, test and bench.

tradekernel build [all|image|iso|hosted|kernel|release|clean] [--strategy FILE]
tradekernel backtest STRATEGY [--itch-file FILE | --messages N --seed N]
tradekernel run [--boot disk|kernel|iso] [--cmdline TEXT] [--icount] [--gdb [PORT]]
                [--smp N] [--numa N] [--nic [--pcap FILE]]
tradekernel demo [--messages N] [--seed N] [--loss P] [--duplicate P] [--reorder P]
                 [--rate MSG/S] [--itch-file FILE [--limit N] [--symbols A,B]] [--no-icount]
                 [--strategy FILE]
tradekernel session FILE [--messages N] [--seed N] [--symbols N] [--market-day]
tradekernel replay FILE [--orders N] [--levels N]
tradekernel test [pytest arguments]
tradekernel bench [--docs] [--baseline REV]
tradekernel perf [--calls N]
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tradekernel import bench, hostile, paths, qemu
from tradekernel.control import CONTROL_PORT, Control
from tradekernel.exit_codes import Outcome
from tradekernel.guest_link import HOST_IP, GuestLink
from tradekernel.records import Record, parse_record
from tradekernel.tools import ToolMissing, require

if TYPE_CHECKING:
    from tradekernel.hostile import Hostile
    from tradekernel.venue import VenueConfig

status = Console(stderr=True, highlight=False)


def make_with_strategy(strategy: Path | None, *targets: str) -> int:
    """make, with the kernel running `strategy` (compiled from Python)."""
    make = require("make")
    command = [make, "-C", str(paths.ROOT), *targets]
    if strategy is not None:
        if not strategy.is_file():
            status.print(f"[red]error:[/] no strategy file {strategy}")
            return 2
        command.append(f"STRATEGY={strategy.resolve()}")
        status.print(f"[bold]compiling[/] {strategy} into the kernel")
    return subprocess.call(command)


def cmd_build(args: argparse.Namespace) -> int:
    status.print(f"[bold]building[/] {args.target}")
    return make_with_strategy(args.strategy, args.target)


def cmd_backtest(args: argparse.Namespace) -> int:
    from rich.table import Table

    from tradekernel.feed import sources
    from tradekernel.strategy import backtest, frontend

    try:
        strategy = backtest.load(args.strategy)
    except frontend.CompileError as e:
        status.print(f"[red]error:[/] {e}")
        return 1
    except OSError as e:
        status.print(f"[red]error:[/] cannot read {args.strategy}: {e.strerror}")
        return 1
    if args.itch_file:
        symbols = set(args.symbols.split(",")) if args.symbols else None
        status.print(f"[bold]reading[/] {args.itch_file} (up to {args.limit:,} messages)")
        messages = sources.recorded(args.itch_file, args.limit, symbols)
    else:
        status.print(f"[bold]generating[/] {args.messages:,} messages (seed {args.seed})")
        messages = sources.synthetic(args.seed, args.messages)
    status.print(f"[bold]replaying[/] them through {args.strategy.name} as Python")
    try:
        r = backtest.backtest(strategy, messages, args.max_order, args.max_position)
    except backtest.NotReplayable as e:
        status.print(f"[red]error:[/] {e}")
        return 1
    calls = ", ".join(f"{n} {c:,}" for n, c in sorted(r.callbacks.items())) or "none"
    print(f"{r.messages:,} messages; callbacks: {calls}")
    refused = ", ".join(f"{n} {c:,}" for n, c in sorted(r.refused.items())) or "none"
    print(f"{len(r.orders):,} orders sent; refused by order entry: {refused}")
    table = Table("trigger", "id", "stock", "side", "shares", "price", title="first orders")
    for o in r.orders[: args.show]:
        table.add_row(
            str(o.trigger), str(o.id), o.stock, o.side, f"{o.shares:,}", f"{o.price / 10_000:.4f}"
        )
    if r.orders:
        Console().print(table)
    held = ", ".join(f"{k} {v:+,}" for k, v in sorted(r.positions.items()) if v) or "flat"
    print(f"positions from the venue's fills: {held}")
    if r.fault is not None:
        f = r.fault
        status.print(
            f"[red]fault:[/] {f.name} at {args.strategy.name}:{f.line} in {f.callback}; "
            "the strategy stopped there (no callback ran after it)"
        )
    else:
        print("faults: none")
    return 0


def boot_choice(args: argparse.Namespace) -> tuple[qemu.BootMethod, qemu.Firmware, qemu.Machine]:
    """--boot defaults to the disk image under BIOS and to the ISO under UEFI,
    the only image UEFI firmware can start."""
    firmware = qemu.Firmware(args.firmware)
    default = qemu.BootMethod.ISO if firmware is qemu.Firmware.UEFI else qemu.BootMethod.DISK
    boot = qemu.BootMethod(args.boot) if args.boot else default
    if firmware is qemu.Firmware.UEFI and boot is not qemu.BootMethod.ISO:
        raise SystemExit(
            f"error: --firmware uefi boots the GRUB image only (--boot iso), not {boot.value}"
        )
    return boot, firmware, qemu.Machine(args.machine)


def add_machine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--boot",
        choices=[m.value for m in qemu.BootMethod],
        default=None,
        help="disk: own BIOS loader (the default under BIOS); kernel: qemu -kernel (Multiboot 1); "
        "iso: GRUB, Multiboot 2 (the default, and the only choice, under UEFI)",
    )
    p.add_argument(
        "--machine",
        choices=[m.value for m in qemu.Machine],
        default=qemu.Machine.Q35.value,
        help="q35: PCI Express, the NIC behind a root port (default); pc: i440FX, legacy PCI",
    )
    p.add_argument(
        "--firmware",
        choices=[f.value for f in qemu.Firmware],
        default=qemu.Firmware.BIOS.value,
        help="bios: SeaBIOS (default); uefi: OVMF, booting the ISO",
    )
    p.add_argument(
        "--release",
        action="store_true",
        help="boot the release kernel (make release: no tests, benchmarks or fault injection)",
    )


def run_timeout(args: argparse.Namespace, firmware: qemu.Firmware) -> float:
    """OVMF under -icount takes about a minute to reach the kernel here."""
    if args.timeout is not None:
        return args.timeout
    return 180.0 if firmware is qemu.Firmware.UEFI and args.icount else 60.0


def cmd_run(args: argparse.Namespace) -> int:
    link = GuestLink(pcap=args.pcap) if args.nic or args.pcap else None
    boot, firmware, machine = boot_choice(args)
    cmdline = args.cmdline
    control = None
    if link and "control=" not in cmdline:
        # The host end of the link may command the kernel, with a fresh secret.
        control = Control(sources=(HOST_IP,))
        cmdline = f"{cmdline} {control.cmdline()}".strip()
    build = qemu.Build.RELEASE if args.release else qemu.Build.TEST
    config = qemu.QemuConfig(
        boot=boot,
        build=build,
        machine=machine,
        firmware=firmware,
        cmdline=cmdline,
        icount=args.icount,
        memory_mb=args.memory,
        cpu=args.cpu,
        smp=args.smp,
        numa_nodes=args.numa,
        timeout=run_timeout(args, firmware),
        gdb_port=args.gdb,
        extra_args=link.qemu_args(machine) if link else [],
    )
    mode = "TCG, -icount shift=0" if args.icount else "TCG"
    status.print(
        f"[bold]booting[/] the {build.value} kernel, {config.boot.artifact.name} ({boot.value}), "
        f"on QEMU {machine.value} with {firmware.value.upper()} firmware under {mode}"
    )
    if args.gdb is not None:
        status.print(
            f"QEMU is halted with its gdb stub on port {args.gdb}. In another terminal:\n"
            f"  gdb -ex 'set $tk_port={args.gdb}' -x {paths.GDB_SCRIPT.relative_to(paths.ROOT)}"
        )
    if link:
        status.print(
            f"NIC: virtio-net {link.mac}; send Ethernet frames as UDP datagrams to "
            f"127.0.0.1:{link.guest_port}; the guest's frames go to 127.0.0.1:{link.host_port}"
            + (f"; capture in {args.pcap}" if args.pcap else "")
        )
    if control:
        status.print(
            f"control: from {HOST_IP} to UDP port {CONTROL_PORT}, send "
            f"'<tk-status|tk-kill|tk-exit> <counter> <mac>' signed with secret {control.secret} "
            "over the nonce of `@tk control` (tradekernel.control.sign)"
        )
    result = qemu.run(config, on_line=print)
    style = "green" if result.outcome is Outcome.PASSED else "red"
    status.print(
        f"[{style}]kernel run ended: {result.outcome.value}[/] "
        f"(QEMU exit status {result.exit_status}, {result.elapsed:.1f} s)"
    )
    if result.outcome in (Outcome.TIMEOUT, Outcome.RESET, Outcome.QEMU_ERROR):
        status.print(result.describe(tail=5))
    return 0 if result.outcome is Outcome.PASSED else 1


def hostile_frames(n: int, venue_config: VenueConfig) -> Iterator[Hostile]:
    from tradekernel.frames import Endpoint, multicast_mac
    from tradekernel.venue import FEED_GROUP, FEED_PORT, GUEST, VENUE

    group = Endpoint(multicast_mac(FEED_GROUP), FEED_GROUP)
    feed = group if venue_config.multicast else GUEST
    return hostile.frames(
        n,
        hostile.Target(
            GUEST, VENUE, feed, FEED_PORT, venue_config.session, venue_config.control.secret
        ),
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from tradekernel import demo, demo_report
    from tradekernel.feed import sources
    from tradekernel.feed.publisher import Faults
    from tradekernel.venue import VenueConfig

    if args.itch_file:
        symbols = set(args.symbols.split(",")) if args.symbols else None
        status.print(f"[bold]reading[/] {args.itch_file} (up to {args.limit:,} messages)")
        messages = sources.recorded(args.itch_file, args.limit, symbols)
        origin = f"{args.itch_file.name}"
    else:
        messages = sources.synthetic(args.seed, args.messages)
        origin = f"the built-in synthetic session (seed {args.seed})"
    if not messages:
        status.print("[red]error:[/] no messages to replay")
        return 2
    faults = Faults(args.loss, args.duplicate, args.reorder, args.seed)
    boot, firmware, machine = boot_choice(args)
    # Publishing takes len/rate seconds; the rest is boot and recovery.
    publishing = len(messages) / args.rate if args.rate else len(messages) / 50_000
    config = demo.DemoConfig(
        venue=VenueConfig(
            rate=args.rate,
            max_messages=args.batch,
            faults=faults,
            multicast=not args.unicast,
            answer_loss=args.answer_loss,
            answer_duplicate=args.answer_duplicate,
            reject_fraction=args.reject,
        ),
        icount=not args.no_icount,
        boot=boot,
        build=qemu.Build.RELEASE if args.release else qemu.Build.TEST,
        machine=machine,
        firmware=firmware,
        timeout=max(300.0, 2 * publishing + 180),
        strategy=args.strategy or paths.DEFAULT_STRATEGY,
    )
    if args.strategy is not None:
        # The image the chosen boot method starts, with the strategy in it.
        targets = ["release"] if args.release else ["all"]
        if boot is qemu.BootMethod.ISO and not args.release:
            targets.append("iso")
        if make_with_strategy(args.strategy, *targets) != 0:
            return 2
    status.print(
        f"[bold]booting[/] the {config.build.value} kernel, {config.boot.artifact.name}, "
        f"on QEMU {machine.value} ({firmware.value.upper()}) under TCG"
        + (", -icount shift=0" if config.icount else "")
        + f"; replaying {len(messages):,} messages of {origin} at {args.rate:,.0f} messages/s "
        f"with {args.loss:.0%} loss, {args.duplicate:.0%} duplicates, "
        f"{args.reorder:.0%} reordering; "
        f"the venue answers orders with {args.answer_loss:.0%} of answer packets lost, "
        f"{args.answer_duplicate:.0%} duplicated"
    )
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=status,
    ) as progress:  # fmt: skip
        sent = progress.add_task("published", total=len(messages))
        seen = progress.add_task("kernel has", total=len(messages))

        def on_status(record: Record) -> None:
            progress.update(seen, completed=record.int("next") - 1)

        def on_line(line: str) -> None:
            if args.verbose or parse_record(line) is None:
                progress.console.print(f"[dim]{line}[/]", highlight=False)

        result = demo.run_demo(
            messages, config, on_line=on_line,
            on_published=lambda n: progress.update(sent, completed=n), on_status=on_status,
            hostile=hostile_frames(args.hostile, config.venue),
        )  # fmt: skip
    demo_report.print_summary(status, result, config.icount)
    if not result.kernel_runs_the_strategy:
        status.print(
            f"[red]the kernel was not built from {config.strategy} as it is now "
            f"(it runs {result.kernel_strategy_source}):[/] "
            f"`tradekernel demo --strategy {config.strategy}` builds it first"
        )
    if not result.ok or result.hostile_problems():
        status.print(f"[red]demo did not complete cleanly[/]\n{result.run.describe(tail=10)}")
        return 1
    status.print("[green]demo complete[/]")
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    from tradekernel.feed import sources
    from tradekernel.feed.itch_file import write_session
    from tradekernel.feed.market_day import MarketDay, MarketDayProfile

    if args.market_day:
        profile = MarketDayProfile(symbols=args.symbols or 8_800)
        if args.zipf is not None:
            profile = dataclasses.replace(profile, zipf_exponent=args.zipf)
        day = MarketDay(args.seed, args.messages, profile)
        what = f"a market day of {len(day.names):,} symbols"
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=status,
        ) as progress:  # fmt: skip
            task = progress.add_task("generated", total=args.messages)
            written = write_session(
                args.file, day, on_progress=lambda n: progress.update(task, completed=n)
            )
    else:
        symbols = args.symbols or 8
        written = write_session(args.file, sources.synthetic(args.seed, args.messages, symbols))
        what = f"{symbols} symbols"
    status.print(
        f"{written:,} ITCH 5.0 messages ({what}, seed {args.seed}) written to "
        f"{args.file} in Nasdaq's length-prefixed format; replay with "
        f"'tradekernel replay {args.file}' or 'tradekernel demo --itch-file {args.file}'"
    )
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from rich.table import Table

    from tradekernel.replay import ReplayFailed, replay

    size = args.file.stat().st_size
    status.print(f"[bold]replaying[/] {args.file} ({size / 1e9:.2f} GB) through the hosted engine")
    with args.file.open("rb") as f:
        compressed = f.read(2) == b"\x1f\x8b"  # progress counts uncompressed bytes: no total
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[messages]}"),
        TimeElapsedColumn(), console=status,
    ) as progress:  # fmt: skip
        task = progress.add_task("replayed", total=None if compressed else size, messages="")

        def on_progress(messages: int, consumed: int) -> None:
            progress.update(task, completed=consumed, messages=f"{messages:,} messages")

        try:
            r = replay(args.file, args.orders, args.levels, on_progress)
        except ReplayFailed as e:
            status.print(f"[red]error:[/] {e}")
            return 1
    s, lat, mem, books = (
        r["replay-summary"],
        r["replay-latency"],
        r["replay-memory"],
        r["book-summary"],
    )
    t = Table(show_header=False, box=None)
    rate = float(s["messages-per-second"]) / 1e6
    t.add_row("messages", f"{s.int('messages'):,} in {float(s['seconds']):.1f} s: {rate:.2f} M/s")
    quantiles = ("p50", "p90", "p99", "p99.9", "p99.99", "max")
    timed = "  ".join(f"{q} {lat[q]} ns" for q in quantiles)
    t.add_row("per message", f"{timed}  (each message timed alone)")
    for what, kind in (("live orders", "orders"), ("price levels", "levels")):
        peak, capacity = books.int(f"peak-{kind}"), mem.int(f"capacity-{kind}")
        t.add_row(what, f"peak {peak:,} of {capacity:,}; {books.int(f'live-{kind}'):,} at the end")
    t.add_row(
        "memory",
        f"{mem.int('engine-bytes') / 2**20:,.0f} MiB set aside at start-up; "
        f"peak resident {mem.int('peak-rss-kib') / 2**10:,.0f} MiB",
    )
    t.add_row(
        "books",
        f"{books.int('untrusted-books')} untrusted at the end; checksum {books['checksum']}",
    )
    for kind in ("trade-counters", "book-counters", "book-trust"):
        t.add_row(kind, " ".join(f"{k}={v}" for k, v in r[kind].fields.items()))
    status.print(t)
    return 0


def cmd_journal(args: argparse.Namespace) -> int:
    from tradekernel import journal, journal_report

    venue = args.venue
    if venue is None and journal_report.venue_record_path(args.image).exists():
        venue = journal_report.venue_record_path(args.image)
    try:
        return journal_report.report(status, args.image, venue, args.orders)
    except journal.JournalError as e:
        status.print(f"[red]error:[/] {args.image}: {e}")
        return 2


def cmd_test(args: argparse.Namespace) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *args.pytest_args], cwd=paths.ROOT)


def cmd_fuzz(args: argparse.Namespace) -> int:
    from tradekernel import fuzz

    harnesses = args.harness or list(fuzz.HARNESSES)
    if args.coverage:
        for harness in harnesses:
            try:
                for c in fuzz.coverage(harness):
                    status.print(
                        f"{harness}: {c.file} {c.percent:.1f}% of {c.lines} lines "
                        f"({c.covered} covered)"
                    )
            except FileNotFoundError as error:
                status.print(f"[red]error:[/] {error}")
                return 2
        return 0
    failed = 0
    for harness in harnesses:
        how = "its seeds only" if args.seeds_only else f"{args.seconds:.0f} s"
        status.print(f"[bold]fuzzing[/] {harness} ({how})")
        try:
            result = fuzz.run(
                harness, seconds=None if args.seeds_only else args.seconds,
                runs=0 if args.seeds_only else None,
            )  # fmt: skip
        except FileNotFoundError as error:
            status.print(f"[red]error:[/] {error}")
            return 2
        style = "green" if result.ok else "red"
        status.print(f"[{style}]{result.describe()}[/]")
        if not result.ok:
            status.print(result.tail)
            failed += 1
    totals = fuzz.ledger()
    status.print(
        "executions so far on this machine: "
        + ", ".join(f"{h} {totals.get(h, 0):,}" for h in fuzz.HARNESSES)
    )
    return 1 if failed else 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.baseline:
        from tradekernel import bench_baseline

        status.print(f"[bold]comparing this tree with {args.baseline}[/], same run")
        found, load = bench_baseline.compare(
            args.baseline, lambda line: status.print("  " + line), args.repeats
        )
        path = bench_baseline.write(args.baseline, found, load)
        status.print(bench_baseline.markdown(args.baseline, found, load))
        status.print(f"written to {path.relative_to(paths.ROOT)}")
        return 0
    status.print("[bold]running benchmarks[/]")
    results = bench.run_benchmarks(progress=lambda line: status.print("  " + line))
    path = bench.write_report(results, docs=args.docs)
    if args.docs:
        status.print("docs/performance.md's tables rewritten from this run")
    status.print(f"{len(results)} results written to {path.relative_to(paths.ROOT)}")
    return 0


def cmd_perf(args: argparse.Namespace) -> int:
    from tradekernel import perf

    status.print("[bold]profiling the trading path[/]")
    path = perf.run(args.calls, progress=lambda line: status.print("  " + line))
    status.print(path.read_text())
    status.print(f"written to {path.relative_to(paths.ROOT)}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tradekernel", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the kernel, images and hosted core (make)")
    b.add_argument(
        "target",
        nargs="?",
        default="all",
        choices=["all", "image", "iso", "hosted", "kernel", "release", "clean"],
    )
    b.add_argument(
        "--strategy", type=Path, help="compile this Python strategy into the kernel (STRATEGY=)"
    )
    b.set_defaults(func=cmd_build)

    bt = sub.add_parser(
        "backtest", help="run a Python strategy as Python over a recorded or generated day"
    )
    bt.add_argument("strategy", type=Path, help="the strategy file (docs/strategies.md)")
    bt.add_argument("--itch-file", type=Path, help="a recorded ITCH 5.0 file (.gz too)")
    bt.add_argument("--limit", type=int, default=1_000_000, help="with --itch-file: messages")
    bt.add_argument("--symbols", help="with --itch-file: only these symbols, e.g. AAPL,MSFT")
    bt.add_argument("--messages", type=int, default=100_000, help="generated session length")
    bt.add_argument("--seed", type=int, default=1, help="generated session seed")
    bt.add_argument("--max-order", type=int, default=1000, help="risk gate: shares per order")
    bt.add_argument("--max-position", type=int, default=100_000, help="risk gate: |net shares|")
    bt.add_argument("--show", type=int, default=10, help="orders to list")
    bt.set_defaults(func=cmd_backtest)

    r = sub.add_parser("run", help="boot the kernel under QEMU and show its log")
    add_machine_arguments(r)
    r.add_argument("--cmdline", default="", help="kernel command line, e.g. 'mode=test'")
    r.add_argument(
        "--icount",
        action="store_true",
        help="-icount shift=0,sleep=off: guest TSC counts instructions",
    )
    r.add_argument("--memory", type=int, default=512, help="guest memory in MiB")
    r.add_argument("--cpu", default="max", help="QEMU CPU model, e.g. qemu64 (which lacks RDTSCP)")
    r.add_argument("--smp", type=int, default=1, help="number of CPUs")
    r.add_argument("--numa", type=int, default=1, metavar="NODES", help="NUMA nodes (SRAT)")
    r.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds before QEMU is stopped (0: none; default 60, 180 for UEFI with --icount)",
    )
    r.add_argument(
        "--gdb",
        type=int,
        nargs="?",
        const=1234,
        default=None,
        metavar="PORT",
        help="start halted with QEMU's gdb stub (default port 1234)",
    )
    r.add_argument(
        "--nic",
        action="store_true",
        help="attach a virtio-net NIC, reachable over loopback UDP (-netdev dgram)",
    )
    r.add_argument(
        "--pcap",
        type=Path,
        default=None,
        metavar="FILE",
        help="with --nic: capture the NIC's traffic to FILE (QEMU filter-dump)",
    )
    r.set_defaults(func=cmd_run)

    d = sub.add_parser(
        "demo", help="boot mode=trade and replay a market-data session through it (make run)"
    )
    d.add_argument("--messages", type=int, default=100_000, help="synthetic session length")
    d.add_argument("--seed", type=int, default=1, help="synthetic session and fault seed")
    d.add_argument("--loss", type=float, default=0.01, help="fraction of packets lost")
    d.add_argument("--duplicate", type=float, default=0.01, help="fraction sent twice")
    d.add_argument("--reorder", type=float, default=0.01, help="fraction swapped with the next")
    d.add_argument(
        "--answer-loss", type=float, default=0.01, help="fraction of answer packets lost"
    )
    d.add_argument("--answer-duplicate", type=float, default=0.01, help="... sent twice")
    d.add_argument("--reject", type=float, default=0.0, help="fraction of orders the venue rejects")
    d.add_argument("--batch", type=int, default=16, help="most messages per MoldUDP64 packet")
    d.add_argument("--rate", type=float, default=100_000, help="messages per second (0: no limit)")
    d.add_argument("--itch-file", type=Path, help="replay a recorded ITCH 5.0 file (.gz too)")
    d.add_argument("--limit", type=int, default=1_000_000, help="with --itch-file: messages")
    d.add_argument("--symbols", help="with --itch-file: only these symbols, e.g. AAPL,MSFT")
    d.add_argument("--unicast", action="store_true", help="publish unicast, not multicast")
    d.add_argument("--no-icount", action="store_true", help="plain TCG, no instruction count")
    add_machine_arguments(d)
    d.add_argument("--verbose", action="store_true", help="show the kernel's @tk records too")
    d.add_argument(
        "--strategy", type=Path,
        help="compile this Python strategy into the kernel first, and check its orders "
        "against its Python run (default: strategies/spread_taker.py, as built)",
    )  # fmt: skip
    d.add_argument(
        "--hostile", type=int, default=0, metavar="N",
        help="first send N malformed and forged frames (tradekernel/hostile.py), each checked "
        "against the counter it must land under",
    )  # fmt: skip
    d.set_defaults(func=cmd_demo)

    w = sub.add_parser("session", help="write a generated ITCH 5.0 session file")
    w.add_argument("file", type=Path)
    w.add_argument("--messages", type=int, default=100_000, help="about this many messages")
    w.add_argument("--seed", type=int, default=1)
    w.add_argument(
        "--symbols", type=int, default=0, help="symbols (default 8, or 8,800 with --market-day)"
    )
    w.add_argument(
        "--market-day",
        action="store_true",
        help="a day shaped like a real Nasdaq day (docs/order-books.md), streamed to the file",
    )
    w.add_argument(
        "--zipf", type=float, help="with --market-day: the skew of activity over symbols (0.6)"
    )
    w.set_defaults(func=cmd_session)

    y = sub.add_parser("replay", help="a recorded or generated day through the hosted engine")
    y.add_argument("file", type=Path, help="ITCH 5.0 in Nasdaq's format (.gz too)")
    y.add_argument("--orders", type=int, help="live-order capacity (default: the kernel's)")
    y.add_argument("--levels", type=int, help="price-level capacity (default: the kernel's)")
    y.set_defaults(func=cmd_replay)

    z = sub.add_parser("fuzz", help="run the libFuzzer harnesses (make fuzz)")
    z.add_argument(
        "--harness", action="append", choices=["net", "mold", "books", "pipeline"],
        help="this harness only (repeatable; default: all)",
    )  # fmt: skip
    z.add_argument("--seconds", type=float, default=60, help="per harness")
    z.add_argument("--seeds-only", action="store_true", help="replay the kept seeds, no fuzzing")
    z.add_argument(
        "--coverage", action="store_true",
        help="line coverage of each harness's parsers over its corpora (make fuzz-cov-bin)",
    )  # fmt: skip
    z.set_defaults(func=cmd_fuzz)

    j = sub.add_parser("journal", help="read a journal disk image and print the day")
    j.add_argument("image", type=Path, help="the disk image (the demo's: build/journal/demo.img)")
    j.add_argument("--venue", type=Path, help="the venue's record to check it against "
                   "(default: IMAGE.venue.json, which the demo writes, if it exists)")  # fmt: skip
    j.add_argument("--orders", type=int, default=20, help="orders to list (0: none)")
    j.set_defaults(func=cmd_journal)

    t = sub.add_parser("test", help="run every test (pytest)")
    t.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    t.set_defaults(func=cmd_test)

    s = sub.add_parser("bench", help="run the benchmarks, write build/bench/results.json")
    s.add_argument(
        "--baseline",
        metavar="REV",
        help="instead: this tree's hosted figures beside REV's (a git revision), same run",
    )
    s.add_argument("--repeats", type=int, default=3, help="with --baseline: repeats (default 3)")
    s.add_argument(
        "--docs",
        action="store_true",
        help="also rewrite docs/performance.md's tables (make benchmark does)",
    )
    s.set_defaults(func=cmd_bench)

    f = sub.add_parser(
        "perf", help="where the trading path's instructions go (kernel) and hardware counters"
    )
    f.add_argument("--calls", type=int, default=20, help="fast-path calls to trace (default 20)")
    f.set_defaults(func=cmd_perf)
    return p


def main(argv: list[str] | None = None) -> int:
    # Everything after `test` goes to pytest as it is: argparse's REMAINDER
    # refuses a first word that looks like an option (`test -k faults`).
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["test"]:
        return cmd_test(argparse.Namespace(pytest_args=argv[1:]))
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ToolMissing, FileNotFoundError) as e:
        status.print(f"[red]error:[/] {e}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
