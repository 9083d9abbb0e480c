"""The strategy compiler (tradekernel/strategy/) against the strategy's
Python run: the same file, compiled to the object the kernel links (built
for the hosted target and loaded into this process) and run as Python with
its checks, must send the same orders with the same arguments and take the
same fault at the same line, whatever the input."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import strategy_programs

from tradekernel import paths
from tradekernel import strategy as api
from tradekernel.feed import sources
from tradekernel.strategy import backtest, frontend, hosted, layout, llvm_backend, python_backend
from tradekernel.strategy.layout import ctypes_struct
from tradekernel.strategy.runtime import FAULTS
from tradekernel.trade.reference_strategy import spread_taker_orders

SPREAD_TAKER = paths.DEFAULT_STRATEGY


@dataclass
class Recorder:
    """Order entry that accepts everything and keeps each call."""

    calls: list[tuple[object, ...]] = field(default_factory=list)

    def send_order(self, locate: int, side: int, shares: int, price: int, tif: int) -> int:
        self.calls.append(("send", locate, side, shares, price, tif))
        return len(self.calls)

    def cancel_order(self, order: int) -> bool:
        self.calls.append(("cancel", order))
        return order % 2 == 1

    def position(self, locate: int) -> int:
        self.calls.append(("position", locate))
        return locate * 3 - 100


def run_both(source: str, calls: list[tuple[str, list[object]]], tmp_path: Path, name: str):
    """Each run's recorded calls and fault, after the same callbacks."""
    path = tmp_path / name
    path.write_text(source)
    program = frontend.check_file(path)
    results = []
    for strategy in (python_backend.load(program), hosted.load(program)):
        recorder = Recorder()
        previous = api.set_engine(recorder)
        try:
            for callback, args in calls:
                strategy.call(callback, *args)
        finally:
            api.set_engine(previous)
        fault = strategy.fault
        results.append((recorder.calls, (fault.code, fault.line) if fault else None))
    return results


def bbo_calls(seed: int, count: int) -> list[tuple[str, list[object]]]:
    bbo, symbol = ctypes_struct("Bbo"), ctypes_struct("SymbolState")
    out: list[tuple[str, list[object]]] = []
    for values in strategy_programs.inputs(seed, count):
        s = symbol()
        s.volume = values["bid_shares"]
        s.bbo.bid_price = values["bid_price"]
        out.append(("on_bbo", [bbo(**values), s]))
    return out


PROGRAMS = 64


@pytest.mark.parametrize("seed", range(PROGRAMS))
def test_random_programs_compute_and_fault_as_their_python_run(seed: int, tmp_path: Path) -> None:
    source = strategy_programs.program(seed)
    python_run, compiled = run_both(source, bbo_calls(seed, 24), tmp_path, f"p{seed}.py")
    assert compiled == python_run, source


def test_the_random_programs_fault_every_way_and_compute_much(tmp_path: Path) -> None:
    """The generator is only worth its name if its programs fault in every
    way, and if many run every callback to the end, so that the two runs
    compare computed values, not only their first faults."""
    seen = set()
    clean, values = 0, 0
    for seed in range(PROGRAMS):
        path = tmp_path / f"p{seed}.py"
        path.write_text(strategy_programs.program(seed))
        strategy = python_backend.load(frontend.check_file(path))
        recorder = Recorder()
        previous = api.set_engine(recorder)
        try:
            for callback, args in bbo_calls(seed, 24):
                strategy.call(callback, *args)
        finally:
            api.set_engine(previous)
        values += len(recorder.calls)
        if strategy.fault:
            seen.add(strategy.fault.name)
        else:
            clean += 1
    assert seen == set(FAULTS[1:]), seen
    assert clean >= PROGRAMS // 4, f"only {clean} programs ran every callback"
    assert values >= 40 * PROGRAMS, f"only {values} values compared"


EVERY_FAULT = """
from tradekernel.strategy import BUY, Array, Bbo, SymbolState, i64, send_order, u8


class State:
    step: i64 = 0
    small: u8 = 0
    arr: Array[u8, 4]


def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:
    kind = bbo.locate
    v = bbo.bid_price - 10
    send_order(1, BUY, 100, bbo.ask_price)
    if kind == 1:
        v = v * 9223372036854775807          # line 16: overflow
    if kind == 2:
        s.arr[v] = 1                        # line 18: index
    if kind == 3:
        v = 100 // v                        # line 20: zero-division
    if kind == 4:
        v = 1 << v                          # line 22: negative-shift
    if kind == 5:
        s.small = v                         # line 24: value-range
    if kind == 6:
        while v < 1000000:                  # line 26: loop-budget
            v += 1
    if kind == 7:
        v = bbo.bid_shares                  # line 29: overflow (a u64 past 2**63)
    if kind == 8:
        send_order(70000, BUY, 100, 1)      # line 31: value-range (a locate past u16)
    send_order(2, BUY, 100, v & 1023)
"""
# kind: the fault, its line, and v (bid_price - 10) that takes it
EXPECTED_FAULTS = {
    1: ("overflow", 16, 12),
    2: ("index", 18, -5),  # one below -len(arr)
    3: ("zero-division", 20, 0),
    4: ("negative-shift", 22, -1),
    5: ("value-range", 24, 256),
    6: ("loop-budget", 26, 0),
    7: ("overflow", 29, 20),
    8: ("value-range", 31, 20),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_FAULTS))
def test_each_fault_stops_the_strategy_at_its_line_in_both_runs(kind: int, tmp_path: Path) -> None:
    name, line, v = EXPECTED_FAULTS[kind]
    bbo, symbol = ctypes_struct("Bbo"), ctypes_struct("SymbolState")
    first = bbo(locate=kind, bid_price=v + 10, ask_price=5, bid_shares=2**63)
    later = bbo(locate=0, bid_price=20, ask_price=6)
    calls = [("on_bbo", [first, symbol()]), ("on_bbo", [later, symbol()])]
    python_run, compiled = run_both(EVERY_FAULT, calls, tmp_path, "faults.py")
    assert compiled == python_run
    sent, fault = python_run
    assert fault == (FAULTS.index(name), line)
    # The order before the fault left; none after it, nor from the next callback.
    assert sent == [("send", 1, api.BUY, 100, 5, api.IOC)]


def test_without_a_fault_both_runs_send_every_order(tmp_path: Path) -> None:
    bbo, symbol = ctypes_struct("Bbo"), ctypes_struct("SymbolState")
    calls = [("on_bbo", [bbo(locate=0, bid_price=20, ask_price=6), symbol()])]
    python_run, compiled = run_both(EVERY_FAULT, calls, tmp_path, "faults.py")
    assert compiled == python_run
    assert python_run == ([("send", 1, api.BUY, 100, 6, 0), ("send", 2, api.BUY, 100, 10, 0)], None)


def test_a_stopped_strategy_counts_the_callbacks_it_skips(tmp_path: Path) -> None:
    path = tmp_path / "faults.py"
    path.write_text(EVERY_FAULT)
    compiled = hosted.load(frontend.check_file(path))
    bbo, symbol = ctypes_struct("Bbo"), ctypes_struct("SymbolState")
    previous = api.set_engine(Recorder())
    try:
        compiled.call("on_bbo", bbo(locate=3, bid_price=10), symbol())
        for _ in range(5):
            compiled.call("on_bbo", bbo(locate=0, bid_price=20), symbol())
    finally:
        api.set_engine(previous)
    assert compiled.fault is not None and compiled.fault.name == "zero-division"
    assert compiled.skipped == 5


def test_python_semantics_where_64_bit_arithmetic_would_differ(tmp_path: Path) -> None:
    """Floor division and modulo round toward minus infinity, shifts past 63
    bits fill with the sign, MIN // -1 is an overflow, MIN % -1 is 0."""
    source = strategy_programs.HEADER + "\n".join(
        [
            "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:",
            "    m = -9223372036854775807 - 1",
            "    for a in range(-7, 8, 7):",
            "        for b in range(-3, 4, 6):",
            "            report(a // b)",
            "            report(a % b)",
            "    report(-1 >> 200)",
            "    report(m % -1)",
            "    report(m // 1)",
            "    report(-(m + 1))",
            "    report(m // -1)",
        ]
    )
    python_run, compiled = run_both(source, bbo_calls(0, 1), tmp_path, "semantics.py")
    assert compiled == python_run
    values = [(c[3] - (1 << 63) if c[4] else c[3]) for c in python_run[0] if c[0] == "send"]
    expected = []
    for a in (-7, 0, 7):
        for b in (-3, 3):
            expected += [a // b, a % b]
    expected += [-1, 0, -(2**63), 2**63 - 1]
    assert values == expected
    assert python_run[1] == (FAULTS.index("overflow"), source.count("\n") + 1)


@pytest.mark.parametrize("sample", ["spread_taker.py", "mean_reversion.py", "imbalance_maker.py"])
def test_compiled_sample_matches_its_python_run_over_a_million_events(sample: str) -> None:
    """The same backtest (books, order entry, the venue's matching engine)
    drives the compiled object and the Python run: the same orders, cancels,
    answers, positions and (no) fault."""
    program = frontend.check_file(paths.ROOT / "strategies" / sample)
    messages = sources.synthetic(11, 1_000_000, symbols=32)
    assert len(messages) >= 1_000_000
    recorders: list[Recorder] = []

    def run(strategy: object) -> backtest.BacktestResult:
        cancels = Recorder()
        recorders.append(cancels)
        return backtest.backtest(strategy, messages, cancels=cancels.calls)  # type: ignore[arg-type]

    as_python = python_backend.load(program)
    python_run = run(as_python)
    compiled = run(hosted.load(program))
    assert compiled.orders == python_run.orders
    assert recorders[0].calls == recorders[1].calls
    assert compiled.positions == python_run.positions
    assert compiled.refused == python_run.refused
    assert compiled.fault is None and python_run.fault is None
    assert compiled.callbacks == python_run.callbacks
    assert len(python_run.orders) > 500
    assert sum(python_run.callbacks.values()) > 100_000
    if sample == "imbalance_maker.py":  # it quotes, is filled, cancels, and hits its limit
        assert as_python.state.fills > 100 and as_python.state.cancels > 1000
        assert recorders[0].calls
        assert max(abs(p) for p in python_run.positions.values()) == 500


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_python_spread_taker_sends_what_the_hand_written_reference_sends(seed: int) -> None:
    """tradekernel/trade/reference_strategy.py is an independent replay of the
    C++ spread taker (kernel/trade/spread_taker.cpp)."""
    messages = sources.synthetic(seed, 100_000)
    ours = backtest.backtest(backtest.load(SPREAD_TAKER), messages).orders
    reference = spread_taker_orders(messages)
    assert [(o.trigger, o.stock, o.side, o.shares, o.price) for o in ours] == [
        (o.trigger, o.stock, o.side, o.shares, o.price) for o in reference
    ]
    assert ours


def test_the_kernel_object_is_freestanding(tmp_path: Path) -> None:
    """No undefined symbol but the strategy ABI, no vector or x87 register,
    no memset for a zeroing loop, code model kernel relocations."""
    path = tmp_path / "zero.py"
    path.write_text(
        strategy_programs.HEADER + "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:\n"
        "    for i in range(8):\n"
        "        s.arr[i] = 0\n"
        "    report(s.arr[bbo.locate % 8])\n"
    )
    obj = tmp_path / "zero.o"
    llvm_backend.write_object(frontend.check_file(path), obj, "kernel")
    symbols = subprocess.run(["nm", str(obj)], capture_output=True, text=True, check=True).stdout
    undefined = {line.split()[-1] for line in symbols.splitlines() if " U " in line}
    assert undefined == {"tk_strategy_send_order"}
    assert " R tk_py_strategy" in symbols
    dump = subprocess.run(
        ["objdump", "-dr", str(obj)], capture_output=True, text=True, check=True
    ).stdout
    assert "%xmm" not in dump and "%ymm" not in dump and "%st" not in dump
    assert "memset" not in dump
    assert "R_X86_64_32S" in dump  # absolute addresses in the top 2 GiB: code model kernel
    assert "R_X86_64_GOTPCREL" not in dump


def test_the_layout_check_fails_on_a_struct_laid_out_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = [
        "clang++",
        "-std=c++20",
        "-fsyntax-only",
        f"-I{paths.ROOT}",
        f"-I{paths.ROOT / 'include'}",
    ]
    good = tmp_path / "good.cpp"
    good.write_text(layout.layout_check_source())
    assert subprocess.run([*flags, str(good)], capture_output=True).returncode == 0
    bbo = layout.STRUCTS["Bbo"]
    moved = tuple(
        layout.Field(f.name, f.type, f.offset + 8, f.cxx) if f.name == "ask_price" else f
        for f in bbo.fields
    )
    monkeypatch.setitem(layout.STRUCTS, "Bbo", layout.Struct("Bbo", bbo.size, moved))
    bad = tmp_path / "bad.cpp"
    bad.write_text(layout.layout_check_source())
    result = subprocess.run([*flags, str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "Bbo.ask_price: offset" in result.stderr


OUTSIDE = [
    ("x = 1.5", "float constants"),
    ("x = bbo.bid_price / 2", "/ makes a float"),
    ("x = [1, 2]", "List is not in the subset"),
    ("x = 2 ** 3", "Pow"),
    ("print(1)", "call to print"),
    ("import os", "Import is not in the subset"),
    ("for x in [1]:\n        pass", "runs over range"),
    ("x = 1 if bbo.locate else True", "both branches"),
    ("bbo.locate = 3", "read-only"),
    ("x = s.nothing", "no field nothing"),
    ("if bbo.locate > 0:\n        y = 1\n    z = y", "y may be used before it is assigned"),
    ("x = 1 and 2", "and/or take bools"),
    ("while True:\n        pass\n    else:\n        pass", "while ... else"),
    ("send_order(1, BUY, 1, 1, tif=5)", "tif is IOC or DAY"),
    ("x = 'a'", "str constants"),
    ("x = bbo.locate is 1", "Is is not in the subset"),
    ("x = bbo.locate[1]", "only the state's arrays are indexed"),
    ("try:\n        pass\n    except Exception:\n        pass", "Try is not in the subset"),
]


@pytest.mark.parametrize(("statement", "message"), OUTSIDE)
def test_code_outside_the_subset_is_an_error_naming_file_line_and_construct(
    statement: str, message: str, tmp_path: Path
) -> None:
    source = (
        "from tradekernel.strategy import BUY, Bbo, SymbolState, send_order\n"
        "\n"
        "class State:\n"
        "    n: int = 0\n"
        "\n"
        "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:\n"
        f"    {statement}\n"
    )
    path = tmp_path / "bad.py"
    path.write_text(source)
    with pytest.raises(frontend.CompileError) as e:
        frontend.check_file(path)
    assert str(e.value).startswith(f"{path}:")
    assert e.value.line >= 7
    assert message in e.value.message


# Programs a review found where a name meant one thing to the compiler and
# another to Python, or dead code changed what Python made of a function:
# each is now a compile error.
AMBIGUOUS = [
    ("STEP = 1\ndef h(STEP: int) -> int:\n    return STEP\n", "STEP already names a constant"),
    ("def min(a: int, b: int) -> int:\n    return a\n", "min is reserved"),
    ("def position(locate: int) -> int:\n    return 7\n", "position is reserved"),
    ("def h(a: int) -> int:\n    range = 5\n    return a\n", "range is reserved"),
    ("def h(a: int) -> int:\n    _tk_rt = 5\n    return a\n", "_tk_rt is reserved"),
    ("def h(a: int) -> int:\n    return a\n    yield\n", "this code never runs"),
    ("def h(a: int) -> int:\n    return a\nh = 5\n", "h already names a function"),
    ("def h(State: int) -> int:\n    return State\n", "State already names a class"),
]


@pytest.mark.parametrize(("extra", "message"), AMBIGUOUS)
def test_a_name_with_two_meanings_or_dead_code_is_a_compile_error(
    extra: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "ambiguous.py"
    path.write_text(
        "from tradekernel.strategy import Bbo, SymbolState\n"
        "class State:\n    n: int = 0\n" + extra + "\n"
        "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:\n    s.n = 1\n"
    )
    with pytest.raises(frontend.CompileError, match=message):
        frontend.check_file(path)


def test_helpers_named_like_the_compilers_own_symbols_compile(tmp_path: Path) -> None:
    source = strategy_programs.HEADER + (
        "def fault(a: int) -> int:\n    return a + 1\n"
        "def orders(a: int) -> int:\n    return a + 2\n"
        "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:\n"
        "    report(fault(1) + orders(2))\n"
        "    (\n        s.arr[bbo.locate]\n    ) = 1\n"
    )
    bbo, symbol = ctypes_struct("Bbo"), ctypes_struct("SymbolState")
    calls = [("on_bbo", [bbo(locate=9), symbol()])]
    python_run, compiled = run_both(source, calls, tmp_path, "names.py")
    assert compiled == python_run
    lines = source.splitlines()
    index_line = next(i for i, t in enumerate(lines, start=1) if "s.arr[bbo.locate]" in t)
    assert python_run[1] == (FAULTS.index("index"), index_line)  # the target's line, in both


def test_recursion_is_a_compile_error(tmp_path: Path) -> None:
    path = tmp_path / "rec.py"
    path.write_text(
        "from tradekernel.strategy import Bbo, SymbolState\n"
        "class State:\n    n: int = 0\n"
        "def f(a: int) -> int:\n    return g(a)\n"
        "def g(a: int) -> int:\n    return f(a)\n"
        "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:\n    s.n = f(1)\n"
    )
    with pytest.raises(frontend.CompileError, match="recursion: f -> g -> f"):
        frontend.check_file(path)


def test_backtest_cli_reports_orders_and_a_fault(tmp_path: Path) -> None:
    import sys

    path = tmp_path / "faulty.py"
    path.write_text(
        "from tradekernel.strategy import BUY, Bbo, SymbolState, send_order\n"
        "class State:\n    n: int = 0\n"
        "def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:\n"
        "    s.n += 1\n"
        "    if s.n == 50:\n"
        "        s.n = s.n // (s.n - 50)\n"
        "    if bbo.ask_shares > 0:\n"
        "        send_order(bbo.locate, BUY, 100, bbo.ask_price)\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "tradekernel", "backtest", str(path), "--messages", "5000"],
        capture_output=True, text=True, cwd=paths.ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "fault: zero-division at faulty.py:7 in on_bbo" in out.stderr
    assert "orders sent" in out.stdout


def test_backtest_cli_replays_a_recorded_day_file(tmp_path: Path) -> None:
    import sys

    from tradekernel.feed.itch_file import write_session

    day = tmp_path / "day.itch"
    write_session(day, sources.synthetic(2, 30_000))
    sample = paths.ROOT / "strategies" / "mean_reversion.py"
    out = subprocess.run(
        [sys.executable, "-m", "tradekernel", "backtest", str(sample), "--itch-file", str(day)],
        capture_output=True, text=True, cwd=paths.ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f"reading {day}" in out.stderr.replace("\n", "")
    assert "callbacks: on_trade" in out.stdout and "faults: none" in out.stdout


def test_build_with_a_strategy_that_is_not_there_says_so() -> None:
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "tradekernel", "build", "kernel", "--strategy", "/nonexistent/s.py"],
        capture_output=True, text=True, cwd=paths.ROOT,
    )  # fmt: skip
    assert out.returncode == 2
    assert "no strategy file /nonexistent/s.py" in out.stderr


def test_a_compile_error_stops_the_build_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("class State:\n    n: int = 0\nx = 1.5\n")
    out = subprocess.run(
        ["make", "-C", str(paths.ROOT), "alt-kernel", f"STRATEGY_ALT={bad}"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode != 0
    assert f"{bad}:3: float constants are not in the subset" in out.stderr
