"""A feed that falls behind: from the moment a packet (or a heartbeat) shows
messages beyond a gap until the pipeline has delivered the newest message
known, every book lags the market. The strategy is told (on_feed), order
entry refuses every order and counts it, and the periods are logged at the
end. Checked on the hosted pipeline against an independent model of when a
MoldUDP64 receiver is behind, under random loss, reordering, heartbeats and
a rewinder that answers late."""

import random
from dataclasses import dataclass, field

import pytest
from test_pipeline import SESSION, HostedPipeline, add, directory, recorded_events

from tradekernel import ports
from tradekernel.feed.generator import session
from tradekernel.feed.moldudp64 import end_of_session, heartbeat, packet
from tradekernel.feed.publisher import pack
from tradekernel.trade.order_receiver import OrderReceiver, match_orders
from tradekernel.trade.reference_strategy import spread_taker_orders

FEED = ord("f")


def feed_events(p: HostedPipeline) -> list[tuple[int, int, int]]:
    """(stale, next sequence, known end) of each on_feed call."""
    return [(e[2], e[6], e[3]) for e in recorded_events(p) if e[0] == FEED]


def recording(**limits: int) -> HostedPipeline:
    p = HostedPipeline(**limits)
    p.lib.tk_pipeline_record_events(p.h)
    return p


def test_a_gap_makes_the_feed_stale_and_no_order_goes_out_until_it_has_caught_up():
    p = recording(max_spread=100)
    try:
        p.feed(directory(), add(1, "B", 100_0000), add(2, "S", 100_0500))  # 1-3: wide
        lost = add(3, "S", 100_0100)  # 4: narrows the spread; lost on the way
        p.feed_datagram(packet(SESSION, 5, [add(4, "S", 100_0090)]))  # 5: held beyond the gap
        assert feed_events(p) == [(1, 4, 6)]  # behind from 4; messages up to 5 exist
        p.feed_datagram(packet(SESSION, 4, [lost]))  # the rewinder's answer
        # 4 narrowed the spread while behind: refused. 5, the newest message
        # known, came from the hold with the feed caught up: the offer moved
        # while narrow, so the strategy bought at it.
        assert [(o["token"][:10], o["price"]) for o in p.orders()] == [("0000000005", 100_0090)]
        assert feed_events(p) == [(1, 4, 6), (0, 5, 6)]
        c = p.counters()
        assert (c["stale_feed"], c["stale_periods"], c["stale_messages"]) == (1, 1, 1)
    finally:
        p.close()


@pytest.mark.parametrize("announce", [heartbeat, end_of_session], ids=["heartbeat", "end"])
def test_a_heartbeat_or_the_end_beyond_the_next_message_makes_the_feed_stale(announce):
    p = recording(max_spread=100)
    try:
        p.feed(directory(), add(1, "B", 100_0000), add(2, "S", 100_0500))  # 1-3
        p.feed_datagram(announce(SESSION, 6))  # 4 and 5 were sent and lost
        assert feed_events(p) == [(1, 4, 6)]
        p.feed_datagram(packet(SESSION, 4, [add(3, "S", 100_0100)]))  # 4 of 4-5
        assert p.orders() == [] and p.counters()["stale_feed"] == 1
        p.feed_datagram(packet(SESSION, 5, [add(4, "S", 100_0090)]))  # 5 reaches the newest known
        assert [o["price"] for o in p.orders()] == [100_0090]
        assert feed_events(p) == [(1, 4, 6), (0, 5, 6)]
    finally:
        p.close()


def test_a_gap_never_filled_leaves_the_feed_stale_and_is_logged_at_the_end(capfd):
    p = recording()
    try:
        p.feed(directory(), add(1, "B", 100_0000))  # 1-2
        p.feed_datagram(packet(SESSION, 4, [add(2, "S", 100_0100)]))  # 3 lost for good
        capfd.readouterr()
        p.lib.tk_pipeline_log_records(p.h)
        out = capfd.readouterr().out
        assert "@tk feed-stale from=3 to=0\n" in out
        assert "@tk feed-stale-summary periods=1 logged=1 messages=0 stale-now=1" in out
        assert "stale-feed=0" in out  # nothing was delivered, so nothing was refused
    finally:
        p.close()


@dataclass
class BehindModel:
    """When a MoldUDP64 receiver delivers each message while behind, written
    from the rule (kernel/feed/moldudp64.h) rather than the receiver: data
    packets and heartbeats show which messages exist; a message is stale if
    one known to exist lies beyond the packet that delivers it. The hold is
    assumed never to overflow (the test keeps fewer packets out than it has)."""

    next: int = 1
    known_end: int = 1
    held: dict[int, int] = field(default_factory=dict)  # first -> count
    stale: dict[int, bool] = field(default_factory=dict)  # sequence -> delivered while behind

    def heartbeat(self, next_to_send: int) -> None:  # and the end of session
        self.known_end = max(self.known_end, next_to_send)

    def data(self, first: int, count: int) -> None:
        end = first + count
        self.known_end = max(self.known_end, end)
        if end <= self.next:
            return
        if first > self.next:
            self.held[first] = count
            return
        self._deliver(first, count)
        while ready := [f for f in self.held if f <= self.next]:
            f = min(ready)
            self._deliver(f, self.held.pop(f))

    def _deliver(self, first: int, count: int) -> None:
        end = first + count
        for s in range(max(first, self.next), end):
            self.stale[s] = self.known_end > end
        self.next = max(self.next, end)


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_orders_under_loss_are_the_reference_strategys_minus_those_on_a_stale_feed(seed: int):
    """A 30,000-message session: packets lost (the rewinder answers 1-30
    packets later), reordered and followed by heartbeats, at random. The
    kernel's orders are exactly the reference strategy's, refusing what the
    model says was triggered while behind; every refusal is counted."""
    rng = random.Random(seed)
    messages = list(session(seed=seed, messages=30_000, symbols=8))
    limits = {"max_spread": 100, "shares": 200, "max_order": 1000, "max_position": 600}
    packets = pack(SESSION, messages, max_messages=16)
    model = BehindModel()
    p = HostedPipeline(**limits, collar=100)
    try:

        def arrive(i: int) -> None:
            pk = packets[i]
            p.feed_datagram(pk.data)
            model.data(pk.first, pk.count)

        def announce(next_to_send: int, end: bool = False) -> None:
            p.feed_datagram((end_of_session if end else heartbeat)(SESSION, next_to_send))
            model.heartbeat(next_to_send)

        answers: dict[int, list[int]] = {}  # packet index -> lost packets answered then
        late: list[int] = []
        tail = len(packets) - 2  # the last two packets are lost: only the end says they exist
        for i in range(len(packets)):
            if i >= tail:
                answers.setdefault(len(packets) + 1, []).append(i)
            elif rng.random() < 0.03:  # lost: the rewinder resends it later
                answers.setdefault(i + rng.randint(1, 30), []).append(i)
            elif rng.random() < 0.03:  # reordered: after the next
                late.append(i)
            else:
                arrive(i)
                for j in late:
                    arrive(j)
                late = []
            if rng.random() < 0.05:  # the publisher's heartbeat, lost packet or not
                announce(packets[i].first + packets[i].count)
            for j in answers.pop(i, []):
                arrive(j)
        # The end of the session announces the last messages before their
        # answers come.
        announce(len(messages) + 1, end=True)
        for i in late + [j for k in sorted(answers) for j in answers[k]]:
            arrive(i)
        assert model.next == len(messages) + 1, "every message delivered in the model"
        refused: list[int] = []
        expected = spread_taker_orders(
            messages, **limits, stale=model.stale.__getitem__, refused_stale=refused
        )
        receiver = OrderReceiver()
        for payload in p._sent(ports.ORDER_GATEWAY):
            receiver.on_datagram(payload, 0.0)
        match = match_orders(expected, receiver.orders)
        assert match.missing == [] and match.unexpected == []
        assert len(match.matched) >= 10
        c = p.counters()
        assert refused, "this session never traded on a stale feed: the test shows nothing"
        assert c["stale_feed"] == len(refused)
        assert c["stale_messages"] == sum(model.stale.values())
        assert c["messages"] == len(messages)
    finally:
        p.close()


def test_a_message_that_ends_the_gap_in_the_packet_that_reaches_the_newest_is_fresh():
    """Within one packet the receiver is not behind: the messages after the
    one delivered are in hand. A retransmission that carries everything up to
    the newest message known catches the feed up at its first message."""
    p = recording(max_spread=100)
    try:
        p.feed(directory(), add(1, "B", 100_0000), add(2, "S", 100_0500))  # 1-3
        p.feed_datagram(heartbeat(SESSION, 6))
        p.feed_datagram(packet(SESSION, 4, [add(3, "S", 100_0100), add(4, "B", 99_0000)]))
        assert [o["token"][:10] for o in p.orders()] == ["0000000004"]
        assert feed_events(p) == [(1, 4, 6), (0, 4, 6)]
    finally:
        p.close()
