"""The kernel in mode=trade under loss it must recover from: 0.1, 1, 5 and
20% of packets lost (with duplication and reordering), bursts of a thousand
packets lost in a row, a rewinder that answers late, and one that never
answers. Whenever the rewinder answers, every gap is found and filled, the
books end equal to a lossless replay's (the reference's checksum) and the
orders are exactly the reference strategy's. When it never answers, the gap
is found, asked for again and again, and nothing after it is delivered."""

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
    assert feed.int("requests-sent") == feed.int("retransmission-requests")


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
