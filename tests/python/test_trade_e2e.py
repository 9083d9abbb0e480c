"""Tick to trade in the kernel under QEMU: two CPUs, CPU 1 isolated and
running the trading task, which polls the virtio-net NIC itself. The host
answers the kernel's ARP for the order gateway, publishes MoldUDP64 packets
of ITCH 5.0 messages, and receives the OUCH 4.2 Enter Order the sample
strategy sends when the spread narrows."""

import pytest
from scapy.all import ARP, IP, UDP, Ether, Raw

from tradekernel import ports
from tradekernel.control import CONTROL_PORT, Control
from tradekernel.exit_codes import Outcome
from tradekernel.feed.itch import encode
from tradekernel.feed.moldudp64 import packet
from tradekernel.guest_link import GUEST_MAC, GuestLink
from tradekernel.qemu import BootMethod, Guest, QemuConfig, run
from tradekernel.trade.ouch import decode

GUEST_IP, HOST_MAC, HOST_IP = "10.0.2.15", "02:00:00:00:00:99", "10.0.2.2"
SESSION = b"TKSESSION1"


def add(ref: int, side: str, price: int) -> bytes:
    return encode("A", stock_locate=5, order_reference_number=ref, buy_sell_indicator=side,
                  shares=300, stock="TK", price=price)  # fmt: skip


def to_guest(payload: bytes, port: int, source: str = HOST_IP) -> bytes:
    frame = Ether(dst=GUEST_MAC, src=HOST_MAC) / IP(src=source, dst=GUEST_IP)
    return bytes(frame / UDP(sport=4000, dport=port) / Raw(payload))


def answer_arp_for(link: GuestLink, ip: str) -> None:
    """Waits for the kernel's first ARP request, which must ask for `ip`, and
    answers it with the host's MAC address."""
    for _ in range(60):
        frame = link.receive(timeout=2)
        if frame and ARP in Ether(frame):
            assert Ether(frame)[ARP].pdst == ip, f"ARP asked for {Ether(frame)[ARP].pdst}"
            break
    else:
        raise AssertionError(f"no ARP request for {ip}")
    link.send(bytes(Ether(dst=GUEST_MAC, src=HOST_MAC) / ARP(
        op=2, hwsrc=HOST_MAC, psrc=ip, hwdst=GUEST_MAC, pdst=GUEST_IP)))  # fmt: skip


def learn_nonce(control: Control, guest: Guest) -> None:
    record = guest.wait_for("control", 60)
    assert record is not None, "the kernel printed no control record"
    control.learn(record)


def publish_the_narrowing(link: GuestLink, source: str = HOST_IP) -> None:
    """The symbol's directory entry, a bid and a wide offer, then an offer
    that narrows the spread, from `source`."""
    directory = encode("R", stock_locate=5, stock="TK", round_lot_size=100)
    first = [directory, add(1, "B", 100_0000), add(2, "S", 100_0500)]
    link.send(to_guest(packet(SESSION, 1, first), ports.FEED, source))
    link.send(to_guest(packet(SESSION, 4, [add(3, "S", 100_0100)]), ports.FEED, source))


def narrow_the_spread(link: GuestLink, source: str = HOST_IP) -> Ether:
    """Publishes the narrowing from `source`; returns the frame of the order
    it draws."""
    publish_the_narrowing(link, source)
    for _ in range(50):
        frame = link.receive(timeout=2)
        if frame and UDP in Ether(frame) and Ether(frame)[UDP].dport == ports.ORDER_GATEWAY:
            return Ether(frame)
    raise AssertionError("no OUCH order came out")


@pytest.mark.parametrize("nodes", [1, 2])
def test_market_data_in_ouch_order_out(nodes: int):
    """With two NUMA nodes the trading CPU is on node 1, and so must be the
    order books' memory."""
    link = GuestLink()
    control = Control(sources=(HOST_IP,))
    config = QemuConfig(
        boot=BootMethod.KERNEL,
        smp=2,
        numa_nodes=nodes,
        memory_mb=512 * nodes,
        cmdline=f"mode=trade ip={GUEST_IP} gateway={HOST_IP} session=TKSESSION1 isolate=1 "
        f"{control.cmdline()}",
        extra_args=link.qemu_args(),
        timeout=120,
    )
    try:
        with Guest(config) as guest:
            learn_nonce(control, guest)
            # The kernel resolves the gateway first: answer its ARP request.
            answer_arp_for(link, HOST_IP)
            frame = narrow_the_spread(link)
            udp = frame[UDP]
            order = decode(bytes(udp.payload)[: udp.len - 8])
            assert (order["type"], order["side"], order["shares"], order["price"]) == (
                "enter_order", "B", 100, 100_0100)  # fmt: skip
            assert (order["stock"], order["token"]) == ("TK", "0000000004" + "0000")
            status = control.command("tk-status")
            link.send(to_guest(status, CONTROL_PORT))
            link.send(to_guest(status, CONTROL_PORT))  # a recording of it: refused
            link.send(to_guest(control.command("tk-exit"), CONTROL_PORT))
    finally:
        link.close()
    result = guest.result
    assert result.outcome is Outcome.PASSED, result.describe()
    (ready,) = result.of_kind("trade-ready")
    assert ready.int("core") == 1
    (commands,) = result.of_kind("control-counters")
    assert (commands.int("accepted"), commands.int("refused-replay")) == (2, 1)
    (counters,) = result.of_kind("trade-counters")
    assert (counters.int("messages"), counters.int("orders")) == (4, 1)
    (feed,) = result.of_kind("feed-counters")
    assert (feed.int("messages-delivered"), feed.int("gaps")) == (4, 0)
    # No feed-source=: the feed is taken from the rewinder (here the gateway) alone.
    (sources,) = result.of_kind("feed-sources")
    assert (sources["from"], sources["rewinder"]) == (HOST_IP, HOST_IP)
    (books,) = result.of_kind("books")
    node = {r.int("core"): r.int("node") for r in result.of_kind("numa-core")}.get(1, 0)
    assert node == nodes - 1
    assert books.int("node") == node and books.int("locates") == 65_536
    if nodes > 1:
        start, end = books.int("at"), books.int("at") + books.int("bytes")
        ranges = [r for r in result.of_kind("numa-range") if r.int("node") == node]
        assert any(
            r.int("base") <= start and end <= r.int("base") + r.int("length") for r in ranges
        )


def test_a_configured_gateway_mac_needs_no_arp_and_outlasts_a_forged_reply():
    link = GuestLink()
    control = Control(sources=(HOST_IP,))
    config = QemuConfig(
        boot=BootMethod.KERNEL,
        smp=2,
        cmdline=f"mode=trade ip={GUEST_IP} gateway={HOST_IP} gateway-mac={HOST_MAC} isolate=1 "
        f"session=TKSESSION1 "
        f"feed-source=10.0.2.8,{HOST_IP} " + control.cmdline(),
        extra_args=link.qemu_args(),
        timeout=120,
    )
    try:
        with Guest(config) as guest:
            ready = guest.wait_for("trade-ready", 60)
            assert ready, "the kernel did not start trading without an ARP answer"
            learn_nonce(control, guest)
            seen = link.drain()
            assert not any(ARP in Ether(f) and Ether(f)[ARP].pdst == HOST_IP for f in seen)
            forger = "02:66:66:66:66:66"  # "the gateway is at my MAC"
            link.send(bytes(Ether(dst=GUEST_MAC, src=forger) / ARP(
                op=2, hwsrc=forger, psrc=HOST_IP, hwdst=GUEST_MAC, pdst=GUEST_IP)))  # fmt: skip
            publish_the_narrowing(link, "10.0.2.7")  # not a feed source: dropped
            order = narrow_the_spread(link, "10.0.2.8")  # a feed source, and not the rewinder
            assert order.dst == HOST_MAC  # not the forger's
            link.send(to_guest(control.command("tk-exit"), CONTROL_PORT))
    finally:
        link.close()
    result = guest.result
    assert result.outcome is Outcome.PASSED, result.describe()
    (sources,) = result.of_kind("feed-sources")
    assert (sources["from"], sources["rewinder"]) == (f"10.0.2.8,{HOST_IP}", HOST_IP)
    (trade,) = result.of_kind("trade-counters")
    assert (trade.int("foreign-source"), trade.int("messages")) == (2, 4)
    (gateway,) = result.of_kind("gateway")
    assert (gateway["mac"], gateway["source"]) == (HOST_MAC, "configured")
    (net,) = result.of_kind("net-counters")
    assert net.int("arp-static-kept") == 1


NOT_UNICAST = "is not a unicast IPv4 address"


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ("feed-source=10.0.2.2,10.0.2.300", "feed-source=10.0.2.2,10.0.2.300 is not up to 4 IPv4"),
        ("feed-source=,", "feed-source=, is not up to 4 IPv4 addresses"),
        ("gateway-mac=02:00:00:00:00", "gateway-mac=02:00:00:00:00 is not a MAC address"),
        ("gateway=10.0.2.256", f"gateway=10.0.2.256 {NOT_UNICAST}"),
        ("rewinder=10.0.2.300", f"rewinder=10.0.2.300 {NOT_UNICAST}"),
        ("rewinder=224.0.0.1", f"rewinder=224.0.0.1 {NOT_UNICAST}"),
        ("", "session=<the MoldUDP64 session, 1-10 characters> is required"),
    ],
)
def test_a_malformed_or_missing_setting_stops_trading_before_it_starts(bad: str, said: str):
    """An address that does not parse is never skipped or replaced by a
    default (which would let the feed in from anyone, send orders to whoever
    has the default address, or leave the gateway to ARP), and the MoldUDP64
    session must be given: the kernel says which and does not start trading."""
    link = GuestLink()
    session = "session=TKSESSION1" if bad else ""
    config = QemuConfig(
        boot=BootMethod.KERNEL, smp=2,
        cmdline=f"mode=trade ip={GUEST_IP} {session} isolate=1 {bad}",
        extra_args=link.qemu_args(), timeout=60,
    )  # fmt: skip
    try:
        result = run(config)
    finally:
        link.close()
    assert result.outcome is Outcome.PANIC, result.describe()
    assert not result.of_kind("trade-ready")
    assert any(f"trade: {said}" in line for line in result.lines), result.describe()


def test_an_order_gateway_off_the_subnet_is_reached_through_the_router():
    """gateway=10.9.0.2 is not on 10.0.2.0/24: the kernel asks ARP for the
    router (router=, here the host), pins it, and the order goes to the
    router's MAC address with the gateway's IP address."""
    link = GuestLink()
    control = Control(sources=(HOST_IP,))
    config = QemuConfig(
        boot=BootMethod.KERNEL, smp=2,
        cmdline=f"mode=trade ip={GUEST_IP} gateway=10.9.0.2 router={HOST_IP} session=TKSESSION1 "
        f"feed-source={HOST_IP} isolate=1 {control.cmdline()}",
        extra_args=link.qemu_args(), timeout=120,
    )  # fmt: skip
    try:
        with Guest(config) as guest:
            learn_nonce(control, guest)
            answer_arp_for(link, HOST_IP)  # the router: the only address ARP may ask for
            order = narrow_the_spread(link)
            assert (order.dst, order[IP].dst) == (HOST_MAC, "10.9.0.2")
            link.send(to_guest(control.command("tk-exit"), CONTROL_PORT))
    finally:
        link.close()
    result = guest.result
    assert result.outcome is Outcome.PASSED, result.describe()
