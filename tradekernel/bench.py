"""`make benchmark`: run the benchmarks and write build/bench/results.json.

The format is the project's (shared BENCHMARKS.md): a `machine` description
and a list of `results`, each with name, platform, unit, median, p99, max and
samples. Every TradeKernel figure has its Linux peer measured in the same run.
Beside the JSON: results.md (the table, with peer/TradeKernel ratios),
allocators.png, scheduler.png and books.png (latency distributions).

The benchmarks run build/bench/tk_bench (bench/*.cpp, built with LTO like the
kernel), one process per benchmark and round; jemalloc is Debian's libjemalloc2 loaded
with LD_PRELOAD, and the binary reports which malloc it actually ran.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tradekernel import paths
from tradekernel.records import Record, of_kind, parse_records
from tradekernel.stats import percentile

BENCH_BIN = paths.BENCH_BIN
JEMALLOC = Path("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")

PLATFORMS = {"hosted", "pc-icount", "linux", "linux-rt-guest-icount"}


@dataclass(frozen=True)
class Result:
    name: str
    platform: str
    unit: str
    median: float
    p99: float
    max: float
    samples: int
    load: float  # the 1-minute load average when it ran (shared BENCHMARKS.md)
    # Operations one sample is the mean of (the name then ends in "_batched");
    # None: each operation timed alone.
    batch: int | None = None
    # Rounds the benchmark ran, and the largest round median over the smallest.
    repeats: int | None = None
    spread: float | None = None
    # What the benchmark checked as it ran, one line a round: how far the two
    # CPUs' clocks can be apart, how the Linux peer's stamps were read.
    checks: tuple[str, ...] | None = None


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    with Path("/proc/cpuinfo").open() as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


# itch_decode_book's input: a generated market day (tradekernel/feed/
# market_day.py) of this many messages, made once and kept.
SESSION_MESSAGES = 2_000_000
SESSION_FILE = paths.BENCH_DIR / f"market-day-{SESSION_MESSAGES // 1_000_000}m.itch"


@dataclass(frozen=True)
class BenchRun:
    mode: str  # tk_bench subcommand
    size: int | None = None  # object size (allocators), book depth (itch_top_of_book)
    preload: Path | None = None  # LD_PRELOAD, for jemalloc
    expect_prefix: str = ""  # the name tk_bench must report
    session: bool = False  # pass the generated ITCH session file
    args: tuple[str, ...] = ()  # more arguments, before --samples


# wire_to_order's runs per system: it depends on the host (guest_bench.py).
GUEST_REPEATS = 2
# The veth pair linux_packet_ring_tick_to_trade runs over (made by veth_pair).
VETH = ("tkbench0", "tkbench1")

RUNS = [
    BenchRun("context_switch", expect_prefix="context_switch"),
    BenchRun("boost_switch", expect_prefix="boost_context_switch"),
    BenchRun("futex_switch", expect_prefix="linux_futex_switch"),
    BenchRun("timer_lateness", expect_prefix="timer_wakeup_lateness"),
    BenchRun("spin_lateness", expect_prefix="linux_spin_wakeup_lateness"),
    BenchRun("nanosleep_lateness", expect_prefix="linux_clock_nanosleep_lateness"),
    BenchRun("nic_rx_to_app", expect_prefix="nic_rx_to_app"),
    BenchRun("linux_packet_ring_rx_to_app", expect_prefix="linux_packet_ring_rx", args=VETH),
    BenchRun("udp_echo_pps", expect_prefix="udp_echo_pps"),
    BenchRun("linux_packet_ring_udp_echo_pps", expect_prefix="linux_packet_ring_udp", args=VETH),
    BenchRun("itch_decode_book", session=True, expect_prefix="itch_decode_book"),
    *(
        BenchRun("itch_top_of_book", depth, expect_prefix="itch_top_of_book")
        for depth in (10, 5000)
    ),
    BenchRun("strategy_on_bbo", expect_prefix="strategy_on_bbo"),
    BenchRun("cpp_strategy_on_bbo", expect_prefix="cpp_strategy_on_bbo"),
    BenchRun("ring_tick_to_trade", expect_prefix="tick_to_trade"),
    BenchRun("ring_tick_to_trade_cross_core", expect_prefix="tick_to_trade_cross_core"),
    BenchRun(
        "ring_tick_to_trade_software_device",
        expect_prefix="tick_to_trade_cross_core_software_device",
    ),
    # The floors under tick_to_trade and tick_to_trade_cross_core: the same
    # rings, cores and span with no trading work (the frame read, an
    # order-sized frame sent).
    BenchRun("ring_echo", expect_prefix="ring_echo"),
    BenchRun("ring_echo_cross_core", expect_prefix="ring_echo_cross_core"),
    # Properties of the machine, with no peer (bench/memory_bench.cpp): what
    # tick_to_trade and tick_to_trade_cross_core pay at least once a frame
    # (a line from memory, or from the other CPU), and the two barriers
    # virtio's doorbell check could use.
    BenchRun("memory_line_reload", expect_prefix="memory_line_reload"),
    BenchRun("cross_core_line_reload", expect_prefix="cross_core_line_reload"),
    BenchRun("mfence_after_store", expect_prefix="mfence_after_store"),
    BenchRun("locked_or_after_store", expect_prefix="locked_or_after_store"),
    # The mode named tick_to_trade before the ring version (so --baseline
    # pairs it with an older tree's figure of the same work).
    BenchRun("tick_to_trade", expect_prefix="tick_to_trade_replay"),
    BenchRun("linux_tick_to_trade", expect_prefix="linux_udp_socket_tick_to_trade"),
    BenchRun(
        "linux_packet_ring_tick_to_trade",
        expect_prefix="linux_packet_ring_tick_to_trade",
        args=VETH,
    ),
    BenchRun(
        "linux_packet_ring_tick_to_trade_cross_core",
        expect_prefix="linux_packet_ring_tick_to_trade_cross_core",
        args=VETH,
    ),
    BenchRun("linux_packet_ring_echo", expect_prefix="linux_packet_ring_echo", args=VETH),
    BenchRun(
        "linux_packet_ring_echo_cross_core",
        expect_prefix="linux_packet_ring_echo_cross_core",
        args=VETH,
    ),
    *(BenchRun("pool_alloc_free", size) for size in (64, 256)),
    *(BenchRun("malloc_free", size, expect_prefix="glibc") for size in (64, 256)),
    *(BenchRun("malloc_free", size, JEMALLOC, "jemalloc") for size in (64, 256)),
    *(BenchRun("pool_cross_core", size) for size in (64, 256)),
    *(BenchRun("malloc_cross_core", size, expect_prefix="glibc") for size in (64, 256)),
    BenchRun("malloc_cross_core", 64, JEMALLOC, "jemalloc"),
]


ROUNDS = 3


def run_one(
    run: BenchRun, samples: Path, binary: Path = BENCH_BIN, notes: list[str] | None = None
) -> tuple[str, str, str, int]:
    """Runs one benchmark process; returns the name, platform, unit and batch
    (0: none) it reported. Its notes (what it checked: clocks, stamps) are
    added to `notes` as text, without the benchmark's name."""
    env = dict(os.environ)
    if run.preload is not None:
        if not run.preload.exists():
            raise FileNotFoundError(f"{run.preload} is missing: apt-get install libjemalloc2")
        env["LD_PRELOAD"] = str(run.preload)
    size = [] if run.size is None else [str(run.size)]
    session = [str(SESSION_FILE)] if run.session else []
    command = [str(binary), run.mode, *size, *session, *run.args, "--samples", str(samples)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        said = "\n".join(done.stderr.strip().splitlines()[-10:])
        raise RuntimeError(f"{' '.join(command)} failed (exit {done.returncode}):\n{said}")
    records = parse_records(done.stdout.splitlines())
    (record,) = of_kind(records, "bench")
    if notes is not None:
        notes += [
            " ".join(f"{k}={v}" for k, v in r.fields.items() if k != "name")
            for r in of_kind(records, "bench-note")
        ]
    if not record["name"].startswith(run.expect_prefix):
        raise RuntimeError(f"{command} ran {record['name']}, expected {run.expect_prefix}")
    return record["name"], record["platform"], record["unit"], int(record.get("batch") or 0)


def summarize(
    name: str, platform: str, unit: str, values: list[float], batch: int = 0,
    round_medians: list[float] | None = None, load: float | None = None,
) -> Result:  # fmt: skip
    """Median, p99 and max; for a rate (packets/s) the bad tail is the low one,
    so "p99" is the rate 99% of samples reach (the 1st percentile). With the
    rounds' medians, how many there were and their spread (max / min)."""
    values = sorted(values)
    rate = unit.endswith("/s")
    load = os.getloadavg()[0] if load is None else load
    tail = percentile(values, 0.01 if rate else 0.99)
    rounds = round_medians or []
    spread = max(rounds) / min(rounds) if rounds and min(rounds) > 0 else None
    return Result(
        name, platform, unit, percentile(values, 0.5), tail, values[-1], len(values), load,
        batch or None, len(rounds) or None, round(spread, 3) if spread else None,
    )  # fmt: skip


def from_record(r: Record, platform: str, unit: str = "instructions") -> Result:
    """A summary a guest printed itself ("@tk bench ..."), as a result."""
    return Result(r["name"], platform, unit, float(r["median"]), float(r["p99"]),
                  float(r["max"]), r.int("samples"), os.getloadavg()[0],
                  int(r.get("batch") or 0) or None)  # fmt: skip


def run_pc_icount(progress: Callable[[str], None]) -> list[Result]:
    """Path lengths in the kernel itself: QEMU with -icount shift=0,sleep=off,
    where the TSC counts instructions, so the figures repeat exactly."""
    from tradekernel.qemu import BootMethod, QemuConfig, run

    progress("pc-icount: booting the kernel with mode=bench")
    result = run(QemuConfig(boot=BootMethod.KERNEL, icount=True, cmdline="mode=bench", timeout=120))
    if not result.outcome.ok:
        raise RuntimeError("mode=bench boot failed:\n" + result.describe())
    results = []
    for r in result.of_kind("bench"):
        results.append(from_record(r, r["platform"], r["unit"]))
        progress(f"{r['name']} (pc-icount): median {r['median']} instructions")
    return results


@contextlib.contextmanager
def veth_pair(progress: Callable[[str], None], names: tuple[str, str] = VETH) -> Iterator[bool]:
    """Two linked virtual Ethernet interfaces, up, without IPv6 (whose own
    traffic would cross the measurement), removed afterwards; False (and
    said why) where they cannot be made: that takes root."""
    ip = shutil.which("ip")
    if ip is None:
        progress("the Linux packet-ring peers left out: no 'ip' (iproute2; make install-deps)")
        yield False
        return
    subprocess.run([ip, "link", "del", names[0]], capture_output=True)  # a leftover of a killed run
    made = subprocess.run(
        [ip, "link", "add", names[0], "type", "veth", "peer", "name", names[1]],
        capture_output=True, text=True,
    )  # fmt: skip
    if made.returncode != 0:
        progress(
            "the Linux packet-ring peers (linux_packet_ring_*) left out: no veth pair without root "
            f"({made.stderr.strip()})"
        )
        yield False
        return
    try:
        for name in names:
            Path(f"/proc/sys/net/ipv6/conf/{name}/disable_ipv6").write_text("1\n")
            subprocess.run([ip, "link", "set", name, "up"], check=True)
        yield True
    finally:
        subprocess.run([ip, "link", "del", names[0]], capture_output=True)


def run_guests(progress: Callable[[str], None], samples_dir: Path) -> list[Result]:
    """TradeKernel and the Linux PREEMPT_RT guest under the same QEMU
    settings (tradekernel/guest_bench.py): wire to order on the same
    session, and cyclictest's wake-up lateness in the RT guest. Each
    system's spans are kept in samples_dir for the plots."""
    from tradekernel import guest_bench

    results = []
    samples_dir.mkdir(parents=True, exist_ok=True)
    for system, where in (("tradekernel", "pc-icount"), ("linux-rt", "linux-rt-guest-icount")):
        spans: list[float] = []
        medians: list[float] = []
        doorbell: list[float] = []
        doorbell_medians: list[float] = []
        first: Record | None = None
        for repeat in range(GUEST_REPEATS):
            progress(f"wire_to_order ({where}): the session through the {system} guest, "
                     f"run {repeat + 1} of {GUEST_REPEATS}")  # fmt: skip
            w = guest_bench.measure(system)
            if w.problem or not w.complete or not w.matched or len(w.spans) != w.orders:
                raise RuntimeError(
                    f"{system}: the wire-to-order run failed (complete={w.complete}, orders "
                    f"{w.orders} of {w.expected} matched={w.matched}, {len(w.spans)} spans) "
                    f"{w.problem}"
                )
            if w.ring_to_doorbell is None:
                raise RuntimeError(f"{system}: no tick_to_trade record from the guest")
            first = first or w.ring_to_doorbell
            spans += [float(v) for v in w.spans]
            medians.append(percentile(sorted(float(v) for v in w.spans), 0.5))
            doorbell += [float(v) for v in w.doorbell_spans]
            progress(f"tick_to_trade ({where}): {w.doorbells_clamped} of "
                     f"{len(w.doorbell_spans)} spans ended at the order's departure")  # fmt: skip
            doorbell_medians.append(percentile(sorted(float(v) for v in w.doorbell_spans), 0.5))
        for name, samples, repeats in (
            ("tick_to_trade", doorbell, doorbell_medians),
            ("wire_to_order", spans, medians),
        ):
            (samples_dir / f"{where}.{name}.txt").write_text(
                "\n".join(f"{v:.0f}" for v in samples) + "\n"
            )
            results.append(summarize(name, where, "instructions", samples, 0, repeats))
            median = results[-1].median
            progress(f"{name} ({where}): median {median:,.0f} instructions, {len(samples)} orders")
        assert first is not None
        # The guest's own summary of its first run (it prints no samples).
        results.append(from_record(first, where))  # the record is named ring_to_doorbell
    rt = "linux-rt-guest-icount"
    progress(f"{rt}: tk_bench's " + ", ".join(guest_bench.GUEST_BENCHMARKS) + " in the RT guest")
    for r in guest_bench.guest_benchmarks():
        results.append(from_record(r, rt))
        progress(f"{r['name']} ({rt}): median {float(r['median']):,.1f} instructions")
    progress("timer_wakeup_lateness (linux-rt-guest-icount): cyclictest in the RT guest")
    lateness = guest_bench.expand(guest_bench.cyclictest())
    (samples_dir / "linux-rt-guest-icount.timer_wakeup_lateness.txt").write_text(
        "\n".join(f"{v:.0f}" for v in lateness) + "\n"
    )
    results.append(summarize("timer_wakeup_lateness", rt, "instructions", lateness))
    progress(f"timer_wakeup_lateness ({rt}): median {results[-1].median:,.0f} instructions")
    return results


def run_round(
    runs: list[BenchRun], round_number: int, samples_dir: Path, pooled: dict[str, list[float]],
    round_medians: dict[str, list[float]], platform_of: dict[str, str], unit_of: dict[str, str],
    batch_of: dict[str, int], load_of: dict[str, float], checks_of: dict[str, list[str]],
    progress: Callable[[str], None],
) -> None:  # fmt: skip
    """One round of the tk_bench benchmarks, their samples pooled."""
    for run in runs:
        part = samples_dir / f"part-{round_number}.tmp"
        notes: list[str] = []
        name, platform, unit, batch = run_one(run, part, notes=notes)
        for note in notes:
            progress(f"  {name}: {note}")
        checks_of.setdefault(name, []).extend(notes)
        platform_of[name], unit_of[name], batch_of[name] = platform, unit, batch
        values = [float(v) for v in part.read_text().split()]
        pooled.setdefault(name, []).extend(values)
        round_medians.setdefault(name, []).append(percentile(sorted(values), 0.5))
        load_of[name] = max(load_of.get(name, 0.0), os.getloadavg()[0])
        part.unlink()


def run_benchmarks(progress: Callable[[str], None] = lambda _: None) -> list[Result]:
    """Every benchmark of the project, peers in the same run.

    Each benchmark runs ROUNDS times, interleaved with its peers, and
    the rounds' samples are pooled: a burst of load from a neighbour on this
    shared machine then shifts one round, not the whole comparison.
    """
    if not BENCH_BIN.exists():
        raise FileNotFoundError(f"{BENCH_BIN} does not exist: run 'make bench-bin'")
    samples_dir = paths.BENCH_DIR / "samples"
    samples_dir.mkdir(parents=True, exist_ok=True)
    if not SESSION_FILE.exists():
        from tradekernel.feed.itch_file import write_session
        from tradekernel.feed.market_day import MarketDay

        progress(f"writing the market day for itch_decode_book ({SESSION_MESSAGES:,} messages)")
        part = SESSION_FILE.with_suffix(".part")
        written = write_session(part, MarketDay(seed=42, messages=SESSION_MESSAGES))
        part.rename(SESSION_FILE)
        progress(f"{written:,} messages in {SESSION_FILE.name}")
    for old in [*samples_dir.glob("*.txt"), *samples_dir.glob("guests/*.txt")]:
        old.unlink()
    pooled: dict[str, list[float]] = {}
    round_medians: dict[str, list[float]] = {}
    platform_of: dict[str, str] = {}
    unit_of: dict[str, str] = {}
    batch_of: dict[str, int] = {}
    load_of: dict[str, float] = {}  # the highest load average seen as it ran
    checks_of: dict[str, list[str]] = {}
    with veth_pair(progress) as have_veth:
        runs = [r for r in RUNS if have_veth or r.args != VETH]
        for round_number in range(ROUNDS):
            progress(f"round {round_number + 1} of {ROUNDS}")
            run_round(runs, round_number, samples_dir, pooled, round_medians, platform_of,
                      unit_of, batch_of, load_of, checks_of, progress)  # fmt: skip
    pooled["meatpy_itch_decode_book"] = run_meatpy(progress)
    platform_of["meatpy_itch_decode_book"], unit_of["meatpy_itch_decode_book"] = "linux", "ns"
    for name, values in run_cpython_strategy(progress).items():
        pooled[name] = values
        platform_of[name], unit_of[name], batch_of[name] = "linux", "ns", STRATEGY_BATCH
    results = run_pc_icount(progress)
    results += run_guests(progress, samples_dir / "guests")
    for name, values in pooled.items():
        (samples_dir / f"{name}.txt").write_text("\n".join(f"{v:.3f}" for v in values) + "\n")
        result = summarize(
            name, platform_of[name], unit_of[name], values, batch_of.get(name, 0),
            round_medians.get(name), load_of.get(name),
        )  # fmt: skip
        if checks_of.get(name):
            result = replace(result, checks=tuple(checks_of[name]))
        progress(f"{name}: median {result.median:.1f} {result.unit}, p99 {result.p99:.1f}")
        results.append(result)
    return results


STRATEGY_BATCH = 32  # bench/strategy_bench.h, kStrategyBatch
STRATEGY_SAMPLES = 20_000


def run_cpython_strategy(progress: Callable[[str], None]) -> dict[str, list[float]]:
    """strategies/spread_taker.py's on_bbo run by CPython on the events the
    compiled and C++ callbacks take (`tk_bench strategy_events`), as ctypes
    structs as the backtest passes them, with send_order refused as order
    entry refuses those locates: as plain Python (the file imported as it is)
    and as the checked Python run (tradekernel/strategy/python_backend.py).
    Batches of 32 callbacks, as the native figures."""
    import importlib.util

    from tradekernel import strategy as api
    from tradekernel.strategy import frontend, python_backend
    from tradekernel.strategy.layout import ctypes_struct

    progress("cpython_strategy_on_bbo: the Python spread taker run by CPython")
    out = subprocess.run(
        [str(BENCH_BIN), "strategy_events"], capture_output=True, text=True, check=True
    ).stdout
    bbo_type, symbol_type = ctypes_struct("Bbo"), ctypes_struct("SymbolState")
    fields = ("locate", "bid_price", "bid_shares", "ask_price", "ask_shares", "feed_sequence")
    events = [
        bbo_type(**dict(zip(fields, map(int, line.split()), strict=True)))
        for line in out.splitlines()
    ]
    symbols = {e.locate: symbol_type() for e in events}

    class Refuse:
        def send_order(self, locate: int, side: int, shares: int, price: int, tif: int) -> int:
            return 0

        def cancel_order(self, order: int) -> bool:
            return False

        def position(self, locate: int) -> int:
            return 0

    source = paths.DEFAULT_STRATEGY
    spec = importlib.util.spec_from_file_location("tk_bench_spread_taker", source)
    assert spec is not None and spec.loader is not None
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    plain_state = python_backend.load(
        frontend.check_file(source)
    ).state  # fields as the kernel sets them
    checked = python_backend.load(frontend.check_file(source))
    runs = {
        "cpython_strategy_on_bbo_batched": lambda e: plain.on_bbo(
            plain_state, e, symbols[e.locate]
        ),
        "cpython_checked_strategy_on_bbo_batched": lambda e: checked.call(
            "on_bbo", e, symbols[e.locate]
        ),
    }
    results: dict[str, list[float]] = {}
    previous = api.set_engine(Refuse())
    try:
        for name, call in runs.items():
            for e in events:  # warm
                call(e)
            samples = []
            at = 0
            for _ in range(STRATEGY_SAMPLES):
                t0 = time.perf_counter_ns()
                for _ in range(STRATEGY_BATCH):
                    call(events[at % len(events)])
                    at += 1
                samples.append((time.perf_counter_ns() - t0) / STRATEGY_BATCH)
            results[name] = samples
    finally:
        api.set_engine(previous)
    return results


def run_meatpy(progress: Callable[[str], None]) -> list[float]:
    """The independent library's figure on the same file: MeatPy (PyPI) decodes
    and applies each message, timed alone (tradekernel/feed/meatpy_books.py)."""
    from tradekernel.feed.itch_file import read_session
    from tradekernel.feed.meatpy_books import IndependentBooks

    progress("meatpy_itch_decode_book: the same market day through MeatPy")
    books = IndependentBooks()
    for message in read_session(SESSION_FILE):
        books.apply(message)
    return [float(ns) for ns in books.apply_ns]


# Peers that do other work than the figure they stand beside (shared
# BENCHMARKS.md: kept, under their names, for what they say).
OTHER_WORK = {
    "linux_futex_switch_batched",  # two OS threads, through the kernel
    "linux_clock_nanosleep_lateness",  # sleeps in the kernel instead of polling
    "linux_udp_socket_tick_to_trade",  # its own loopback send is in the timed span
    # Its replies leave by send(), each through veth to the other end; ours
    # only count a frame handed to the replay ring.
    "linux_packet_ring_udp_echo_pps_batched",
}


# TradeKernel figure -> its peers, for the ratio table.
def peers_of(name: str) -> list[str]:
    fixed = {
        # Like-for-like peer first, then the older peer that does other work.
        "context_switch_batched": ["boost_context_switch_batched", "linux_futex_switch_batched"],
        "timer_wakeup_lateness": ["linux_spin_wakeup_lateness", "linux_clock_nanosleep_lateness"],
        "tick_to_trade": ["linux_packet_ring_tick_to_trade", "linux_udp_socket_tick_to_trade"],
        "tick_to_trade_cross_core": ["linux_packet_ring_tick_to_trade_cross_core"],
        "tick_to_trade_cross_core_software_device": ["linux_packet_ring_tick_to_trade_cross_core"],
        "tick_to_trade_replay": ["linux_udp_socket_tick_to_trade"],
        "ring_echo": ["linux_packet_ring_echo"],
        "ring_echo_cross_core": ["linux_packet_ring_echo_cross_core"],
        "itch_decode_book": ["meatpy_itch_decode_book"],
        "strategy_on_bbo_batched": [
            "cpp_strategy_on_bbo_batched",
            "cpython_strategy_on_bbo_batched",
            "cpython_checked_strategy_on_bbo_batched",
        ],
        "strategy_on_bbo": ["cpp_strategy_on_bbo"],
        "itch_top_of_book_10_levels": ["itch_top_of_book_5000_levels"],
        "nic_rx_to_app_batched": ["linux_packet_ring_rx_to_app_batched"],
        "udp_echo_pps_batched": ["linux_packet_ring_udp_echo_pps_batched"],
    }
    if name in fixed:
        return fixed[name]
    if not name.startswith("pool_alloc_free_"):
        return []
    rest = name.removeprefix("pool_alloc_free_")
    return [f"glibc_malloc_free_{rest}", f"jemalloc_malloc_free_{rest}"]


def results_table(report: dict) -> list[str]:
    """Every result as a Markdown table: results.md's and docs/performance.md's."""
    lines = [
        "| name | platform | unit | median | p99 | max | samples | batch | rounds, spread | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        rounds = f"{r['repeats']}, {r['spread']:.2f}" if r.get("repeats") else ""
        lines.append(
            f"| {r['name']} | {r['platform']} | {r['unit']} | {r['median']:.1f} "
            f"| {r['p99']:.1f} | {r['max']:.1f} | {r['samples']} | {r.get('batch') or ''} "
            f"| {rounds} | {r.get('load', 0):.2f} |"
        )
    checked = [r for r in report["results"] if r.get("checks")]
    if checked:
        header = "What the benchmarks checked as they ran, a line a benchmark, its rounds in turn:"
        lines += ["", header, ""]
        lines += [f"- {r['name']}: " + "; ".join(r["checks"]) for r in checked]
    return lines


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# TradeKernel benchmark results",
        "",
        f"{m['cpu']}, {m['cores']} cores, Linux {m['kernel']}, {m['date']}",
        "",
    ]
    if not report["results"]:
        lines.append("No benchmarks yet.")
        return "\n".join(lines) + "\n"
    lines += results_table(report)
    by_name = {r["name"]: r for r in report["results"] if r["unit"] == "ns"}
    ratios = [
        f"| {peer} / {r['name']} | {by_name[peer]['median'] / r['median']:.2f}x |"
        for r in report["results"]
        if r["unit"] == "ns"
        for peer in peers_of(r["name"])
        if peer in by_name
    ]
    if ratios:
        lines += ["", "Median ratios (peer / TradeKernel, higher is better for TradeKernel):", ""]
        lines += ["| ratio | value |", "|---|---|", *ratios]
    return "\n".join(lines) + "\n"


PLOT_GROUPS = {
    "allocators.png": [
        ("one thread", "alloc_free_", "cross"),
        ("alloc on CPU 0, free on CPU 1", "cross_core", None),
    ],
    "scheduler.png": [
        ("context switch", "switch", None),
        ("timer wake-up lateness", "lateness", None),
    ],
    "books.png": [
        ("ITCH decode + book update, market day", "itch_decode_book", None),
        ("tick to trade", "tick_to_trade", "cross_core"),
        ("tick to trade, the device on the other CPU", "tick_to_trade_cross_core", None),
        ("no trading work: the floors of both", "ring_echo", None),
    ],
}


def _cdf(ax: Any, samples: Path) -> None:
    """The distribution of one sample file, as a CDF."""
    values = sorted(float(v) for v in samples.read_text().split())
    if values:
        ax.plot(values, [i / len(values) for i in range(len(values))], label=samples.stem)


def _label(ax: Any, title: str, unit: str) -> None:
    ax.set_xscale("log")
    ax.set_xlabel(unit)
    ax.set_ylabel("fraction of samples")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def plot(samples_dir: Path, out: Path, panels: list[tuple[str, str, str | None]]) -> None:
    """Latency distributions (CDF), log-scaled: one panel per (title, must
    contain, must not contain) filter over the sample files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5))
    for ax, (title, include, exclude) in zip(axes, panels, strict=True):
        for path in sorted(samples_dir.glob("*.txt")):
            if include not in path.stem or (exclude and exclude in path.stem):
                continue
            _cdf(ax, path)
        _label(ax, title, "ns")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_guests(samples_dir: Path, results: list[Result], out: Path) -> None:
    """TradeKernel beside the Linux PREEMPT_RT guest, in guest instructions:
    wire to doorbell and wire to order of both (CDF), and cyclictest's lateness beside our
    kernel's timer wake-up (a line where every sample is the same)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(18, 4.5))
    for ax, name, title in (
        (axes[0], "tick_to_trade", "tick to trade: wire to doorbell (capture to the guest's TSC)"),
        (axes[1], "wire_to_order", "wire to order (filter-dump, 1 us = 1,000 instructions)"),
        (axes[2], "timer_wakeup_lateness", "timer wake-up lateness"),
    ):
        for path in sorted(samples_dir.glob(f"*.{name}.txt")):
            _cdf(ax, path)
        for r in results:
            if (
                r.name == name
                and r.platform == "pc-icount"
                and not list(samples_dir.glob(f"pc-icount.{name}.txt"))
            ):
                label = (
                    f"pc-icount.{name}: median {r.median:,.0f}, p99 {r.p99:,.0f}, max {r.max:,.0f}"
                )
                ax.axvline(r.median, color="k", linestyle="--", label=label)
        _label(ax, title, "guest instructions")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def write_report(
    results: list[Result], out_dir: Path = paths.BENCH_DIR, docs: bool = False
) -> Path:
    """results.json and results.md in `out_dir`, plots beside them; with
    `docs`, docs/performance.md's generated tables too (make benchmark)."""
    for r in results:
        if r.platform not in PLATFORMS:
            raise ValueError(f"{r.name}: unknown platform {r.platform!r}")
    # batch, repeats and spread appear only where they apply (shared BENCHMARKS.md).
    fields = [{k: v for k, v in asdict(r).items() if v is not None} for r in results]
    report = {"machine": machine(), "results": fields}
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / "results.md").write_text(markdown(report))
    if docs:
        from tradekernel import perf_doc

        perf_doc.write(report, peers_of, OTHER_WORK)
    samples = out_dir / "samples"
    if results and samples.is_dir():
        try:
            import matplotlib  # noqa: F401  (an optional dependency: tradekernel[plots])
        except ImportError:
            print("bench: matplotlib is not installed: no plots (pip install 'tradekernel[plots]')")
            return path
        for file_name, panels in PLOT_GROUPS.items():
            plot(samples, out_dir / file_name, panels)
        if any(r.platform == "linux-rt-guest-icount" for r in results):
            plot_guests(samples / "guests", results, out_dir / "guests.png")
        if docs:  # docs/performance.md shows them
            images = paths.ROOT / "docs" / "images"
            images.mkdir(exist_ok=True)
            for png in out_dir.glob("*.png"):
                shutil.copyfile(png, images / png.name)
    return path
