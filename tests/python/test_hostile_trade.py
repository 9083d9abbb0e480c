"""The kernel in mode=trade under hostile traffic (tradekernel/hostile.py):
after trading starts, every kind of malformed and forged frame -- runts,
oversized frames, bad lengths and checksums, IP options and fragments,
MoldUDP64 packets with absurd counts, lengths, sessions and sequence numbers,
forged ARP for the order gateway, forged control commands -- then a trading
session with loss, duplication and reordering. Each hostile frame must land
under exactly the counter its kind names, every frame the NIC received under
one of the stack's outcomes, and the session must trade exactly as the
reference says. `tradekernel demo --hostile 1000000` is the long run."""

import pytest

from tradekernel import hostile
from tradekernel.demo import DemoConfig, DemoResult, run_demo
from tradekernel.exit_codes import Outcome
from tradekernel.feed.generator import session
from tradekernel.feed.publisher import Faults
from tradekernel.frames import Endpoint, multicast_mac
from tradekernel.hosted_net import unaccounted_frames
from tradekernel.venue import FEED_GROUP, FEED_PORT, GUEST, VENUE, VenueConfig

ROUNDS = 1_000  # of every kind: 35,000 frames


@pytest.fixture(scope="module")
def attacked() -> DemoResult:
    venue = VenueConfig(faults=Faults(loss=0.02, duplicate=0.02, reorder=0.02, seed=5))
    feed = Endpoint(multicast_mac(FEED_GROUP), FEED_GROUP)
    target = hostile.Target(GUEST, VENUE, feed, FEED_PORT, venue.session, venue.control.secret)
    frames = hostile.frames(ROUNDS * hostile.kinds_per_round(target), target, seed=9)
    messages = list(session(seed=4, messages=20_000, symbols=6))
    return run_demo(messages, DemoConfig(venue=venue, timeout=300), hostile=frames)


def test_every_hostile_frame_is_under_its_counter(attacked: DemoResult):
    assert attacked.run.outcome is Outcome.PASSED, attacked.run.describe()
    assert attacked.hostile_problems() == []
    assert attacked.hostile_sent == ROUNDS * 35
    assert len(attacked.hostile_expected) >= 20  # counters, each with its kinds


def test_every_frame_the_nic_received_has_one_outcome(attacked: DemoResult):
    net = {k: int(v) for k, v in attacked.record("net-counters").fields.items()}
    assert unaccounted_frames(net) == 0, net
    assert attacked.record("nic-counters").int("rx-frames") == net["rx-frames"]
    assert net["rx-frames"] >= attacked.hostile_sent


def test_the_session_after_the_attack_trades_as_the_reference_says(attacked: DemoResult):
    assert attacked.complete and attacked.checksum_matches
    assert attacked.match.matched and not attacked.match.missing and not attacked.match.unexpected
    trade = attacked.record("trade-counters")
    assert trade["kill-switch"] == "0"  # the forged tk-kill was refused
    assert attacked.memory_flat
