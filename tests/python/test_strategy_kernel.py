"""The Python spread taker (strategies/spread_taker.py), compiled into the
kernel that `make` builds, trades a generated market day of a million
messages under QEMU (mode=trade): every ITCH 5.0 message type, deep books,
locates across the whole 2-byte range, and input the specification leaves
open that makes some books untrusted. The kernel's orders must be the ones
the same file sends as Python over the same day (the backtest), each naming
its trigger, and the kernel must report the strategy ran without a fault,
as its Python run did."""

from __future__ import annotations

import pytest

from tradekernel import paths
from tradekernel.demo import DemoConfig, DemoResult, run_demo
from tradekernel.exit_codes import Outcome
from tradekernel.feed.market_day import MarketDay, MarketDayProfile
from tradekernel.venue import VenueConfig

MESSAGES = 1_000_000
PROFILE = MarketDayProfile(
    symbols=1_500, zipf_exponent=0.9, spread_locates=True, anomalies=2e-4, far=0.25,
    far_long_lived=1.0, long_lived=0.02,
)  # fmt: skip


@pytest.fixture(scope="module")
def market_day() -> tuple[DemoResult, int]:
    messages = list(MarketDay(seed=17, messages=MESSAGES, profile=PROFILE))
    config = DemoConfig(
        venue=VenueConfig(rate=100_000, max_messages=16), timeout=900, recover_timeout=300
    )
    return run_demo(messages, config), len(messages)


def test_the_kernel_ran_the_compiled_python_strategy_over_a_million_messages(market_day):
    result, count = market_day
    assert count >= MESSAGES
    assert result.run.outcome is Outcome.PASSED, result.run.describe(tail=20)
    assert result.complete, "the kernel did not report every message"
    assert result.backtest_source == paths.DEFAULT_STRATEGY.name
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
