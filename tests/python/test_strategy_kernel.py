"""The Python spread taker (strategies/spread_taker.py), compiled into the
kernel that `make` builds, trades a generated market day of a million
messages under QEMU (mode=trade): every ITCH 5.0 message type, deep books,
locates across the whole 2-byte range, and input the specification leaves
open that makes some books untrusted. The kernel's orders must be the ones
the same file sends as Python over the same day (the backtest), each naming
its trigger, and the kernel must report the strategy ran without a fault,
as its Python run did. A second kernel, linked with a strategy that faults
on purpose (make alt-kernel), must stop it where its Python run stops and
report the same fault and line."""

from __future__ import annotations

import subprocess

import pytest

from tradekernel import paths
from tradekernel.demo import DemoConfig, DemoResult, run_demo
from tradekernel.exit_codes import Outcome
from tradekernel.feed.generator import session
from tradekernel.feed.market_day import DEEP_BOOKS, MarketDay
from tradekernel.qemu import BootMethod
from tradekernel.venue import VenueConfig

MESSAGES = 1_000_000


@pytest.fixture(scope="module")
def market_day() -> tuple[DemoResult, int]:
    messages = list(MarketDay(seed=17, messages=MESSAGES, profile=DEEP_BOOKS))
    config = DemoConfig(
        venue=VenueConfig(rate=100_000, max_messages=16), timeout=900, recover_timeout=300
    )
    return run_demo(messages, config), len(messages)


def test_the_kernel_ran_the_compiled_python_strategy_over_a_million_messages(market_day):
    result, count = market_day
    assert count >= MESSAGES
    assert result.run.outcome is Outcome.PASSED, result.run.describe(tail=20)
    assert result.complete, "the kernel did not report every message"
    assert result.kernel_strategy_source == paths.DEFAULT_STRATEGY.name
    assert result.backtest is not None and result.backtest.messages == count


def test_its_orders_are_the_python_runs(market_day):
    result, _ = market_day
    m = result.match
    assert not m.missing and not m.unexpected, (m.missing[:5], m.unexpected[:5])
    assert len(m.matched) == len(result.backtest.orders) > 100


def test_it_reports_no_fault_as_its_python_run(market_day):
    result, _ = market_day
    assert result.kernel_strategy_fault == ("none", 0)
    assert result.backtest.fault is None
    assert result.strategy_fault_matches


# The spread taker with a fault planted in its 5,000th on_bbo call: the
# kernel must stop it there, with no order after it, and report the fault,
# its line and the callbacks skipped since, as the Python run does.
FAULTY = """
from tradekernel.strategy import BUY, Array, Bbo, SymbolState, i64, send_order, u8


class State:
    calls: i64 = 0
    done: Array[u8, 65536]


def on_bbo(s: State, bbo: Bbo, symbol: SymbolState) -> None:
    s.calls += 1
    if s.calls == 5000:
        s.calls = s.calls // (bbo.locate - bbo.locate)
    if bbo.bid_shares == 0 or bbo.ask_shares == 0:
        return
    spread = bbo.ask_price - bbo.bid_price
    if spread < 0 or spread > 100:
        s.done[bbo.locate] = 0
        return
    if s.done[bbo.locate] == 0 and send_order(bbo.locate, BUY, 100, bbo.ask_price) != 0:
        s.done[bbo.locate] = 1
"""
FAULT_LINE = FAULTY.splitlines().index("        s.calls = s.calls // (bbo.locate - bbo.locate)") + 1


@pytest.fixture(scope="module")
def faulting(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    strategy = tmp_path_factory.mktemp("strategy") / "planted_fault.py"
    strategy.write_text(FAULTY)
    make = subprocess.run(
        ["make", "-C", str(paths.ROOT), "alt-kernel", f"STRATEGY_ALT={strategy}"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert make.returncode == 0, make.stdout + make.stderr
    messages = list(session(seed=3, messages=100_000, symbols=8))
    config = DemoConfig(
        venue=VenueConfig(rate=100_000), strategy=strategy, boot=BootMethod.KERNEL,
        kernel=paths.BUILD / "alt" / "kernel.elf", timeout=600,
    )  # fmt: skip
    return run_demo(messages, config)


def test_a_fault_in_the_kernel_is_the_python_runs_fault(faulting: DemoResult) -> None:
    r = faulting
    assert r.run.outcome is Outcome.PASSED, r.run.describe(tail=20)
    assert r.kernel_strategy_source == "planted_fault.py"
    assert r.backtest is not None and r.backtest.fault is not None
    assert (r.backtest.fault.name, r.backtest.fault.line) == ("zero-division", FAULT_LINE)
    assert r.kernel_strategy_fault == ("zero-division", FAULT_LINE)


def test_after_the_fault_no_order_leaves_and_the_skipped_callbacks_are_counted(
    faulting: DemoResult,
) -> None:
    r = faulting
    m = r.match
    assert not m.missing and not m.unexpected, (m.missing[:5], m.unexpected[:5])
    assert m.matched, "the strategy traded before its fault"
    assert r.kernel_strategy_skipped > 1000
    assert r.kernel_strategy_skipped == r.backtest.skipped
