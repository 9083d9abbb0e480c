"""The kernel in mode=trade under loss it must recover from: 0.1, 1, 5 and
20% of packets lost (with duplication and reordering), bursts of a thousand
packets lost in a row, a rewinder that answers late, and one that never
answers. Whenever the rewinder answers, every gap is found and filled, the
books end equal to a lossless replay's (the reference's checksum) and the
orders are exactly the reference strategy's, less those it refused while
the feed was behind (the kernel fell behind before each lost message and
caught up no earlier than it, and refused exactly the orders the reference
triggers on the messages it reported stale). When
it never answers, the gap is found, asked for again and again, nothing after
it is delivered, and the feed stays stale."""

import pytest

from tradekernel.demo import DemoConfig, DemoResult, run_demo
from tradekernel.exit_codes import Outcome
from tradekernel.feed.generator import session
from tradekernel.feed.publisher import Faults
from tradekernel.venue import VenueConfig

MESSAGES = list(session(seed=21, messages=20_000, symbols=6))


def replay(venue: VenueConfig, recover_timeout: float = 120.0) -> DemoResult:
    config = DemoConfig(venue=venue, timeout=300, recover_timeout=recover_timeout)
    return run_demo(MESSAGES, config)


def assert_recovered(result: DemoResult) -> None:
    assert result.run.outcome is Outcome.PASSED, result.run.describe()
    feed = result.record("feed-counters")
    assert result.complete, feed
    assert feed.int("messages-delivered") == len(MESSAGES)
    assert result.checksum_matches, "books differ from a lossless replay"
    assert not result.match.missing and not result.match.unexpected
    assert result.record("trade-counters").int("requests-sent") == feed.int(
        "retransmission-requests"
    )
    assert_stale_while_behind(result)
    assert result.record("feed-stale-summary").int("stale-now") == 0


def assert_stale_while_behind(result: DemoResult) -> None:
    lost = [s for r in result.venue.fault_counts.lost_messages for s in r]
    # A lost message is delivered stale, or caught up with, in the packet
    # that brings the newest message known: its period ends at it, not before.
    periods = result.stale.periods
    assert lost and all(any(a <= s <= b for a, b in periods) for s in lost), "gap never made stale"
    assert result.stale.complete, "more periods than the kernel keeps: the test checks too little"
    assert result.record("trade-counters").int("stale-feed") == len(result.stale_refused)


@pytest.mark.parametrize("loss", [0.001, 0.01, 0.05, 0.20])
def test_random_loss_is_recovered(loss: float):
    faults = Faults(loss=loss, duplicate=0.01, reorder=0.01, seed=int(loss * 1000))
    result = replay(VenueConfig(faults=faults))
    assert_recovered(result)
    lost = result.venue.fault_counts.lost
    assert lost > 0
    assert result.record("feed-counters").int("gaps") > 0


def test_bursts_of_a_thousand_lost_packets_are_recovered():
    # One message a packet: three bursts of 1,000 packets are 3,000 messages.
    faults = Faults(burst_every=6_000, burst_length=1_000, seed=2)
    result = replay(VenueConfig(max_messages=1, rate=50_000, faults=faults))
    assert_recovered(result)
    assert result.venue.fault_counts.lost == 3_000
    assert result.record("feed-counters").int("gap-messages") >= 3_000


def test_a_late_rewinder_is_waited_for():
    faults = Faults(loss=0.02, seed=4)
    result = replay(VenueConfig(faults=faults, rewinder_delay=0.3))
    assert_recovered(result)


def test_a_rewinder_that_drops_requests_is_asked_again():
    faults = Faults(loss=0.02, seed=6)
    result = replay(VenueConfig(faults=faults, rewinder_answers=0.5))
    assert_recovered(result)
    assert result.venue.rewinder.counts.unanswered > 0


def test_a_silent_rewinder_leaves_the_gap_found_and_nothing_after_it_delivered():
    faults = Faults(loss=0.02, seed=8)
    result = replay(VenueConfig(faults=faults, rewinder_answers=0.0), recover_timeout=5)
    assert result.run.outcome is Outcome.PASSED, result.run.describe()
    assert not result.complete
    feed = result.record("feed-counters")
    first_lost = feed.int("next")
    assert first_lost <= len(MESSAGES)
    assert feed.int("messages-delivered") == first_lost - 1  # strictly in order
    assert feed.int("gaps") >= 1
    # The request repeated: 128 packets past a stall ask again.
    assert feed.int("retransmission-requests") > feed.int("gaps")
    orders = result.record("trade-counters").int("orders")
    assert orders == len(result.match.matched)
    assert all(e.trigger < first_lost for e, _ in result.match.matched)
    assert_stale_while_behind(result)
    stale = result.record("feed-stale-summary")
    assert stale.int("stale-now") == 1
    assert result.stale.periods[-1] == (first_lost, 2**64)  # never caught up
