"""`make perf`: where the trading path's instructions go.

In the kernel under QEMU: every instruction of the fast path, counted
exactly. The test kernel boots in mode=bench (its tick-to-trade loop through
the replay NIC) halted under QEMU's gdb stub; gdb stops at each entry to
`trade::fastpath_receive` and single-steps to its return, writing down every
instruction pointer. Each one is attributed to its function (the kernel's
symbol table) and to its call stack, kept by following the calls and returns
of the disassembly. The result, per call of the fast path: a table by
function (self and inclusive instructions) and a flame graph (SVG, and the
folded stacks that flamegraph.pl or speedscope read).

On hosted: the hardware counters of the tick-to-trade benchmark (cycles,
instructions, cache and branch misses) from `perf stat`, or a message saying
that the CPU exposes none (a VM without a virtual PMU, as here).
"""

from __future__ import annotations

import bisect
import re
import shutil
import socket
import subprocess
import tempfile
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.elffile import ELFFile

from tradekernel import paths, qemu, symtab

PERF_DIR = paths.BUILD / "perf"
ENTRY = "tk::trade::fastpath_receive"
# The first calls are set-up frames (the symbol's directory entry, the
# book's first order); the rest are the measured loop's: a trigger, whose
# call sends an order (its frame goes to SEND, the bench NIC's transmit, which
# the stack calls through its TxPort and LTO cannot inline), then the
# trigger's delete, which sends none.
SKIP_CALLS = 4
SEND = "tk::pc::send"


@dataclass
class Profile:
    calls: int = 0  # fast-path calls traced
    self_counts: Counter[str] = field(default_factory=Counter)  # function -> instructions
    inclusive: Counter[str] = field(default_factory=Counter)
    stacks: Counter[str] = field(default_factory=Counter)  # "a;b;c" -> instructions
    per_call: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.per_call)


class Symbols:
    """Function of an address, and the mnemonic of the instruction there."""

    def __init__(self, elf_path: Path) -> None:
        with elf_path.open("rb") as f:
            found = symtab.function_symbols(ELFFile(f))
        self._starts = [s.address for s in found]
        self._ends = [s.address + max(s.size, 1) for s in found]
        self._names = symtab.demangle([s.name for s in found])
        objdump = shutil.which("llvm-objdump") or shutil.which("objdump") or "objdump"
        listing = subprocess.run(
            [objdump, "-d", "--no-show-raw-insn", str(elf_path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self.mnemonic: dict[int, str] = {}
        for m in re.finditer(r"^\s*([0-9a-f]+):\s+([a-z][a-z0-9.]*)", listing, re.M):
            self.mnemonic[int(m.group(1), 16)] = m.group(2)

    def address_of(self, name: str) -> int:
        return self._starts[self._names.index(name)]

    def function(self, address: int) -> str:
        i = bisect.bisect_right(self._starts, address) - 1
        if i >= 0 and address < self._ends[i]:
            return self._names[i]
        return f"{address:#x}"


def attribute(traces: list[list[int]], symbols: Symbols) -> Profile:
    """Each traced instruction to its function and call stack. A call
    pushes the function it lands in, a return pops; any other move into
    another function (a tail call under LTO) replaces the top."""
    profile = Profile()
    for trace in traces:
        if not trace:
            continue
        profile.calls += 1
        profile.per_call.append(len(trace))
        stack = [symbols.function(trace[0])]
        for i, pc in enumerate(trace):
            profile.self_counts[stack[-1]] += 1
            profile.stacks[";".join(stack)] += 1
            for name in set(stack):
                profile.inclusive[name] += 1
            if i + 1 == len(trace):
                break
            op, landing = symbols.mnemonic.get(pc, ""), symbols.function(trace[i + 1])
            if op.startswith("call"):
                stack.append(landing)
            elif op.startswith("ret") and len(stack) > 1:
                stack.pop()
            elif landing != stack[-1]:
                stack[-1] = landing
    return profile


_GDB_SCRIPT = """
import gdb
gdb.execute("set pagination off")
gdb.execute("target remote 127.0.0.1:{port}")
gdb.execute("hbreak *{entry:#x}")
out = open({out!r}, "w")
for call in range({calls}):
    gdb.execute("continue", to_string=True)
    if call < {skip}:
        continue
    sp = int(gdb.parse_and_eval("$sp"))
    ret = int(gdb.parse_and_eval("*(unsigned long *)$sp")) & (2**64 - 1)
    trace = []
    while len(trace) < {limit}:
        pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
        if pc == ret and int(gdb.parse_and_eval("$sp")) > sp:
            break
        trace.append(pc)
        gdb.execute("stepi", to_string=True)
    out.write(" ".join("%x" % p for p in trace) + "\\n")
    out.flush()
out.close()
gdb.execute("kill")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trace_kernel(
    symbols: Symbols, calls: int = 12, progress: Callable[[str], None] = lambda _: None
) -> list[list[int]]:
    """Instruction pointers of `calls` fast-path calls in mode=bench."""
    gdb = shutil.which("gdb")
    if gdb is None:
        raise RuntimeError("gdb is not installed: run 'make install-deps'")
    port = _free_port()
    config = qemu.QemuConfig(
        boot=qemu.BootMethod.KERNEL, icount=True, cmdline="mode=bench", timeout=900, gdb_port=port
    )
    with tempfile.TemporaryDirectory(prefix="tk-perf-") as tmp:
        out, script = Path(tmp) / "traces.txt", Path(tmp) / "trace.py"
        script.write_text(
            textwrap.dedent(_GDB_SCRIPT).format(
                port=port,
                entry=symbols.address_of(ENTRY),
                out=str(out),
                calls=SKIP_CALLS + calls,
                skip=SKIP_CALLS,
                limit=200_000,
            )
        )
        with qemu.Guest(config, exit_wait=5) as guest:
            progress(f"perf: stepping {calls} calls of {ENTRY} under QEMU's gdb stub")
            done = subprocess.run(
                [gdb, "-q", "-batch", "-nx", "-x", str(script), str(paths.KERNEL_ELF)],
                capture_output=True,
                text=True,
                timeout=900,
            )
            guest.stop()
        if not out.exists():
            raise RuntimeError(f"perf: gdb traced nothing:\n{done.stdout}\n{done.stderr}")
        lines = out.read_text().splitlines()
    traces = [[int(p, 16) for p in line.split()] for line in lines if line]
    if len(traces) < calls:
        raise RuntimeError(f"perf: {len(traces)} of {calls} calls traced:\n{done.stderr}")
    return traces


def table(profile: Profile, rows: int = 25) -> list[str]:
    """Markdown: instructions per fast-path call by function."""
    n = max(profile.calls, 1)
    total = profile.total / n
    per_call = sorted(set(profile.per_call))
    lines = [
        f"{profile.calls} calls of `{ENTRY}`, {total:,.0f} instructions per call "
        f"(from {per_call[0]:,} to {per_call[-1]:,}).",
        "",
        "| function | self per call | self % | inclusive per call |",
        "|---|---|---|---|",
    ]
    for name, count in profile.self_counts.most_common(rows):
        lines.append(
            f"| `{name}` | {count / n:,.1f} | {100 * count / profile.total:.1f}% "
            f"| {profile.inclusive[name] / n:,.1f} |"
        )
    return lines


def flame_svg(stacks: Counter[str], title: str, width: int = 1200, row: int = 18) -> str:
    """A flame graph: each frame as wide as its instructions, callers below
    callees, siblings in name order."""
    tree: dict = {"count": 0, "children": {}}
    for stack, count in stacks.items():
        node = tree
        node["count"] += count
        for frame in stack.split(";"):
            node = node["children"].setdefault(frame, {"count": 0, "children": {}})
            node["count"] += count
    depth = max(s.count(";") for s in stacks) + 1 if stacks else 1
    height = (depth + 2) * row
    total = max(tree["count"], 1)
    rects: list[str] = []

    def draw(node: dict, x: float, level: int) -> None:
        for name, child in sorted(node["children"].items()):
            w = width * child["count"] / total
            y = height - (level + 2) * row
            hue = 20 + (sum(map(ord, name)) % 40)
            label = name if w > 7 * len(name) else name[: int(w / 7)]
            tip = f"{name}: {child['count']:,} instructions ({100 * child['count'] / total:.1f}%)"
            rects.append(
                f'<g><title>{_escape(tip)}</title><rect x="{x:.2f}" y="{y}" width="{w:.2f}" '
                f'height="{row - 1}" fill="hsl({hue},90%,60%)"/>'
                f'<text x="{x + 2:.2f}" y="{y + row - 5}">{_escape(label)}</text></g>'
            )
            draw(child, x, level + 1)
            x += w

    draw(tree, 0.0, 0)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="monospace" font-size="11">'
        f'<text x="4" y="14" font-size="13">{_escape(title)}</text>' + "".join(rects) + "</svg>\n"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


HOSTED_EVENTS = ("cycles", "instructions", "cache-misses", "branch-misses")


def hosted_counters(progress: Callable[[str], None] = lambda _: None) -> list[str]:
    """`perf stat` over the hosted tick-to-trade benchmark: its counters as
    Markdown, or why there are none."""
    perf = shutil.which("perf")
    bench = paths.BENCH_DIR / "tk_bench"
    if perf is None:
        return ["No `perf` here (Debian's linux-perf): run 'make install-deps'."]
    if not bench.exists():
        return [f"{bench} does not exist: run 'make bench-bin'."]
    progress("perf: hardware counters of the hosted tick_to_trade benchmark")
    with tempfile.TemporaryDirectory(prefix="tk-perf-") as tmp:
        done = subprocess.run(
            [perf, "stat", "-x", ",", "-e", ",".join(HOSTED_EVENTS), "--",
             str(bench), "ring_tick_to_trade", "--samples", str(Path(tmp) / "samples.txt")],
            capture_output=True, text=True,
        )  # fmt: skip
    counts: dict[str, str] = {}
    for line in done.stderr.splitlines():
        parts = line.split(",")
        if len(parts) > 2 and parts[2] in HOSTED_EVENTS:
            counts[parts[2]] = parts[0]
    if done.returncode != 0 or not counts:
        return [f"`perf stat` failed ({done.returncode}): {done.stderr.strip()[-300:]}"]
    if all(not v[:1].isdigit() for v in counts.values()):
        return [
            "This CPU exposes no hardware performance counters to this machine (`perf stat`: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + "): a VM without a virtual PMU. On a machine that has them, `make perf` "
            "prints them here."
        ]
    lines = ["| event | count (whole benchmark run) |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in counts.items()]
    return lines


def run(calls: int = 20, progress: Callable[[str], None] = lambda _: None) -> Path:
    """Both profiles, into build/perf/ (perf.md, fastpath.svg, fastpath.folded):
    the table and flame graph of the calls that sent an order (tick to
    trade), and the mean of the others."""
    if not paths.KERNEL_ELF.exists():
        raise FileNotFoundError(f"{paths.KERNEL_ELF} does not exist: run 'make all'")
    symbols = Symbols(paths.KERNEL_ELF)
    traces = trace_kernel(symbols, calls, progress)
    sending = [t for t in traces if any(symbols.function(pc) == SEND for pc in t)]
    others = [t for t in traces if t not in sending]
    if not sending:
        raise RuntimeError(f"perf: none of {len(traces)} traced calls sent an order")
    profile = attribute(sending, symbols)
    PERF_DIR.mkdir(parents=True, exist_ok=True)
    folded = PERF_DIR / "fastpath.folded"
    folded.write_text("".join(f"{s} {c}\n" for s, c in sorted(profile.stacks.items())))
    title = f"{ENTRY}: {profile.calls} calls that sent an order (mode=bench, QEMU -icount)"
    (PERF_DIR / "fastpath.svg").write_text(flame_svg(profile.stacks, title))
    report = [
        "# make perf",
        "",
        "## The kernel's fast path, instruction by instruction (QEMU, gdb stub)",
        "",
        "The calls that sent an order (tick to trade):",
        "",
        *table(profile),
        "",
        f"The other {len(others)} calls (the triggers' deletes, no order): "
        + (f"{sum(map(len, others)) / len(others):,.0f} instructions each." if others else "none."),
        "",
        "Flame graph: build/perf/fastpath.svg; folded stacks: build/perf/fastpath.folded.",
        "",
        "## Hosted: hardware counters of the tick_to_trade benchmark",
        "",
        *hosted_counters(progress),
        "",
    ]
    out = PERF_DIR / "perf.md"
    out.write_text("\n".join(report))
    return out
