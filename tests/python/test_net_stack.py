"""The network stack (kernel/net/) on the hosted build, spoken to with frames
that scapy builds and decodes: ARP, UDP echo, IGMP v2/v3 membership reports,
multicast delivery for joined groups only, and bad input dropped and counted."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.all import ARP, IP, UDP, Ether, Raw
from scapy.layers.igmp import IGMPv2_LG, IGMPv2_MR, IGMPv3, IGMPv3_MR

from tradekernel import ports
from tradekernel.hosted_net import HostedNet, unaccounted_frames

OUR_MAC, OUR_IP = "02:00:00:00:00:01", "10.0.0.2"
PEER_MAC, PEER_IP = "02:00:00:00:00:99", "10.0.0.9"


@pytest.fixture
def net():
    with HostedNet(mac=OUR_MAC, ip=OUR_IP) as n:
        yield n


def udp_frame(payload=b"hello", dport=7, dst=OUR_IP, dst_mac=OUR_MAC, **ip):
    return bytes(
        Ether(dst=dst_mac, src=PEER_MAC)
        / IP(src=PEER_IP, dst=dst, **ip)
        / UDP(sport=5555, dport=dport)
        / Raw(payload)
    )


def udp_payload(frame: bytes) -> bytes:
    udp = Ether(frame)[UDP]
    return bytes(udp.payload)[: udp.len - 8]


def checksums_valid(frame: bytes) -> bool:
    pkt = Ether(frame)
    again = pkt.copy()
    del again[IP].chksum
    if UDP in again:
        del again[UDP].chksum
    again = Ether(bytes(again))
    return again[IP].chksum == pkt[IP].chksum and (
        UDP not in pkt or again[UDP].chksum == pkt[UDP].chksum
    )


def test_answers_arp_for_its_address(net: HostedNet):
    net.receive(
        bytes(
            Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
            / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
        )
    )
    (reply,) = [Ether(f) for f in net.sent()]
    assert reply.dst == PEER_MAC and reply.src == OUR_MAC
    assert reply[ARP].op == 2
    assert (reply[ARP].hwsrc, reply[ARP].psrc) == (OUR_MAC, OUR_IP)
    assert (reply[ARP].hwdst, reply[ARP].pdst) == (PEER_MAC, PEER_IP)
    assert len(net.sent()[0]) == 60  # padded to the Ethernet minimum


def test_ignores_arp_for_other_addresses(net: HostedNet):
    net.receive(
        bytes(
            Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) / ARP(op=1, psrc=PEER_IP, pdst="10.0.0.77")
        )
    )
    assert net.sent() == []
    assert net.counters()["drop_not_for_us"] == 1


def test_udp_echo_round_trip(net: HostedNet):
    net.receive(udp_frame(b"ping 12345"))
    (reply,) = [Ether(f) for f in net.sent()]
    assert (reply[IP].src, reply[IP].dst) == (OUR_IP, PEER_IP)
    assert (reply[UDP].sport, reply[UDP].dport) == (7, 5555)
    assert udp_payload(net.sent()[0]) == b"ping 12345"
    assert checksums_valid(net.sent()[0])


def test_send_udp_resolves_the_peer_first(net: HostedNet):
    assert not net.send_udp(PEER_IP, 9000, 9001, b"order")  # unknown MAC: ARP request goes out
    (request,) = [Ether(f) for f in net.sent()]
    assert (
        request.dst == "ff:ff:ff:ff:ff:ff" and request[ARP].op == 1 and request[ARP].pdst == PEER_IP
    )
    net.clear()
    net.receive(
        bytes(
            Ether(dst=OUR_MAC, src=PEER_MAC) / ARP(op=2, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
        )
    )
    assert net.send_udp(PEER_IP, 9000, 9001, b"order")
    (datagram,) = [Ether(f) for f in net.sent()]
    assert datagram.dst == PEER_MAC and datagram[UDP].dport == 9000
    assert checksums_valid(net.sent()[0])


def _without_ip_id(frame: bytes) -> bytes:
    """The frame with its IPv4 id and the checksums that cover it zeroed."""
    pkt = Ether(frame)
    pkt[IP].id, pkt[IP].chksum, pkt[UDP].chksum = 0, 0, 0
    return bytes(pkt)


def _learn_peer(net: HostedNet, mac: str = PEER_MAC) -> None:
    net.receive(
        bytes(Ether(dst=OUR_MAC, src=mac) / ARP(op=2, hwsrc=mac, psrc=PEER_IP, pdst=OUR_IP))
    )


@settings(max_examples=200, deadline=None)
@given(
    payload=st.binary(max_size=1472), ports=st.tuples(st.integers(1, 65535), st.integers(1, 65535))
)
def test_a_flow_sends_the_frame_send_udp_sends(payload: bytes, ports: tuple[int, int]):
    with HostedNet(mac=OUR_MAC, ip=OUR_IP) as net:
        _learn_peer(net)
        net.clear()
        assert net.send_flow(PEER_IP, *ports, payload)
        assert net.send_udp(PEER_IP, *ports, payload)
        assert net.send_flow(PEER_IP, *ports, payload)
        flow, general, again = net.sent()
        assert checksums_valid(flow) and checksums_valid(again)
        assert _without_ip_id(flow) == _without_ip_id(general) == _without_ip_id(again)
        # One id sequence for both paths.
        ids = [Ether(f)[IP].id for f in (flow, general, again)]
        assert ids[1] == ids[0] + 1 and ids[2] == ids[0] + 2
        assert udp_payload(flow) == payload and len(flow) >= 60


def test_a_flow_asks_arp_first_and_follows_the_neighbour_table(net: HostedNet):
    assert not net.send_flow(PEER_IP, 9000, 9001, b"order")  # unknown MAC: ARP request goes out
    (request,) = [Ether(f) for f in net.sent()]
    assert request[ARP].op == 1 and request[ARP].pdst == PEER_IP
    _learn_peer(net)
    net.clear()
    assert net.send_flow(PEER_IP, 9000, 9001, b"order")
    # The peer moves (an ARP reply, RFC 826): the flow's next frame goes there.
    _learn_peer(net, "02:00:00:00:00:77")
    assert net.send_flow(PEER_IP, 9000, 9001, b"order")
    # Configured: a forged reply no longer moves it.
    assert net.add_neighbor(PEER_IP, "02:00:00:00:00:55")
    assert net.send_flow(PEER_IP, 9000, 9001, b"order")
    _learn_peer(net, "02:00:00:00:00:66")
    assert net.send_flow(PEER_IP, 9000, 9001, b"order")
    sent = [Ether(f).dst for f in net.sent()]
    assert sent == [PEER_MAC, "02:00:00:00:00:77", "02:00:00:00:00:55", "02:00:00:00:00:55"]


def test_a_flow_off_the_subnet_goes_through_the_router(net: HostedNet):
    router_mac = "02:00:00:00:00:fe"
    net.receive(
        bytes(
            Ether(dst=OUR_MAC, src=router_mac)
            / ARP(op=2, hwsrc=router_mac, psrc="10.0.0.1", pdst=OUR_IP)
        )
    )
    net.clear()
    assert net.send_flow("192.0.2.7", 9000, 9001, b"order")
    assert net.send_udp("192.0.2.7", 9000, 9001, b"order")
    flow, general = net.sent()
    assert Ether(flow).dst == Ether(general).dst == router_mac
    assert Ether(flow)[IP].dst == "192.0.2.7"


def test_a_flow_whose_neighbour_was_evicted_asks_arp_again(net: HostedNet):
    _learn_peer(net)
    assert net.send_flow(PEER_IP, 9000, 9001, b"order")
    for host in range(20, 36):  # 16 other hosts: the table's size, oldest out first
        mac = f"02:00:00:00:01:{host:02x}"
        net.receive(
            bytes(
                Ether(dst=OUR_MAC, src=mac)
                / ARP(op=2, hwsrc=mac, psrc=f"10.0.0.{host}", pdst=OUR_IP)
            )
        )
    assert net.arp_lookup(PEER_IP) is None
    net.clear()
    assert not net.send_flow(PEER_IP, 9000, 9001, b"order")
    (request,) = [Ether(f) for f in net.sent()]
    assert request[ARP].op == 1 and request[ARP].pdst == PEER_IP


def test_a_flow_refuses_a_payload_past_the_frame(net: HostedNet):
    _learn_peer(net)
    net.clear()
    assert not net.send_flow(PEER_IP, 9000, 9001, b"x" * 1473)
    assert net.sent() == []
    assert net.send_flow(PEER_IP, 9000, 9001, b"x" * 1472)


@pytest.mark.parametrize("version", [2, 3])
def test_join_and_leave_send_igmp_reports(version: int):
    with HostedNet(mac=OUR_MAC, ip=OUR_IP, igmp_version=version) as net:
        assert net.join("239.1.2.3")
        assert net.leave("239.1.2.3")
        join, leave = (Ether(f) for f in net.sent())
        for frame in (join, leave):
            assert frame[IP].ttl == 1
            assert frame[IP].options[0].option == 20  # Router Alert (RFC 2113)
        if version == 2:
            assert join[IGMPv2_MR].type == 0x16 and join[IGMPv2_MR].gaddr == "239.1.2.3"
            assert join[IP].dst == "239.1.2.3" and join.dst == "01:00:5e:01:02:03"
            assert leave[IGMPv2_LG].type == 0x17 and leave[IP].dst == "224.0.0.2"
        else:
            assert join[IP].dst == "224.0.0.22"
            assert join[IGMPv3].type == 0x22
            assert join[IGMPv3_MR].records[0].maddr == "239.1.2.3"
            assert join[IGMPv3_MR].records[0].rtype == 4  # CHANGE_TO_EXCLUDE_MODE
            assert leave[IGMPv3_MR].records[0].rtype == 3  # CHANGE_TO_INCLUDE_MODE


def test_multicast_is_delivered_for_joined_groups_only(net: HostedNet):
    net.bind_recorder(26400)
    net.join("239.1.1.1")
    for group, body in (("239.1.1.1", b"joined"), ("239.9.9.9", b"not joined")):
        low = [int(x) for x in group.split(".")[1:]]
        mac = f"01:00:5e:{low[0] & 0x7F:02x}:{low[1]:02x}:{low[2]:02x}"
        net.receive(udp_frame(body, dport=26400, dst=group, dst_mac=mac))
    assert net.received() == [(b"joined", "239.1.1.1")]
    assert net.counters()["multicast_not_joined"] == 1


BAD_FRAMES = {
    "runt": (b"\x00" * 10, "drop_runt"),
    "oversized": (udp_frame(b"x" * 1600), "drop_oversize"),
    "truncated-ip": (udp_frame()[:30], "ip_bad_length"),
    "ip-total-length-too-big": (udp_frame(len=400), "ip_bad_length"),
    "ip-total-length-too-small": (udp_frame(len=10), "ip_bad_length"),
    "ip-bad-checksum": (udp_frame(chksum=0x1234), "ip_bad_checksum"),
    "ip-version-6": (udp_frame(version=6), "ip_bad_version"),
    "ip-header-length-3": (udp_frame(ihl=3), "ip_bad_header"),
    "fragment": (udp_frame(flags="MF"), "ip_fragment"),
    "ip-options": (udp_frame(options=[b"\x01\x01\x01\x00"]), "ip_options"),
    "other-host": (udp_frame(dst="10.0.0.50"), "ip_not_for_us"),
}


@pytest.mark.parametrize("case", BAD_FRAMES)
def test_bad_frames_are_dropped_and_counted(net: HostedNet, case: str):
    frame, counter = BAD_FRAMES[case]
    net.receive(frame)
    assert net.sent() == []
    counters = net.counters()
    assert counters[counter] == 1
    assert counters["rx_delivered"] == 0


def test_bad_udp_length_and_checksum_are_counted(net: HostedNet):
    good = bytearray(udp_frame(b"abcdef"))
    udp = 14 + 20
    bad_length = bytearray(good)
    bad_length[udp + 4 : udp + 6] = (200).to_bytes(2, "big")  # longer than the IP payload
    bad_sum = bytearray(good)
    bad_sum[udp + 8] ^= 0xFF  # payload changed, checksum not
    net.receive(bytes(bad_length))
    net.receive(bytes(bad_sum))
    c = net.counters()
    assert (c["udp_bad_length"], c["udp_bad_checksum"], c["rx_delivered"]) == (1, 1, 0)


mutation = st.tuples(st.integers(0, 80), st.integers(0, 255))


@settings(max_examples=300, deadline=None)
@given(
    garbage=st.lists(st.binary(min_size=0, max_size=1600), max_size=20),
    mutations=st.lists(st.lists(mutation, min_size=1, max_size=6), max_size=20),
    cuts=st.lists(st.integers(0, 80), max_size=10),
)
def test_random_and_mutated_frames_never_crash_and_echo_still_works(garbage, mutations, cuts):
    """Every frame is either handled or dropped under a counted reason, and the
    stack still answers the echo test afterwards."""
    with HostedNet(mac=OUR_MAC, ip=OUR_IP) as net:
        base = udp_frame(b"0123456789")
        frames = list(garbage)
        for m in mutations:
            f = bytearray(base)
            for at, value in m:
                f[at % len(f)] = value
            frames.append(bytes(f))
        frames += [base[:cut] for cut in cuts]
        for f in frames:
            net.receive(f)
        c = net.counters()
        assert c["rx_frames"] == len(frames)
        assert unaccounted_frames(c) == 0, c
        net.clear()
        net.receive(udp_frame(b"still alive"))
        (reply,) = net.sent()
        assert udp_payload(reply) == b"still alive"


def test_thousands_of_bad_frames_then_echo(net: HostedNet):
    import random

    rng = random.Random(1)
    base = udp_frame(b"payload-payload")
    for _ in range(5000):
        kind = rng.randrange(3)
        if kind == 0:
            f = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 1600)))
        elif kind == 1:
            f = bytearray(base)
            for _ in range(rng.randrange(1, 5)):
                f[rng.randrange(len(f))] = rng.randrange(256)
            f = bytes(f)
        else:
            f = base[: rng.randrange(len(base))]
        net.receive(f)
    assert net.counters()["rx_frames"] == 5000
    assert unaccounted_frames(net.counters()) == 0
    net.clear()
    net.receive(udp_frame(b"after the storm"))
    assert udp_payload(net.sent()[0]) == b"after the storm"


# --- ARP and echo against hosts that lie -----------------------------------

GATEWAY_IP, GATEWAY_MAC, FORGER_MAC = "10.0.0.1", "02:00:00:00:00:01", "02:66:66:66:66:66"


def arp(op: int, sender_mac: str, sender_ip: str, target_ip: str = OUR_IP) -> bytes:
    dst = "ff:ff:ff:ff:ff:ff" if op == 1 else OUR_MAC
    return bytes(
        Ether(dst=dst, src=sender_mac)
        / ARP(op=op, hwsrc=sender_mac, psrc=sender_ip, pdst=target_ip)
    )


def test_a_forged_arp_reply_does_not_redirect_a_static_gateway(net: HostedNet):
    gateway_mac = "02:00:00:00:00:fe"
    assert net.add_neighbor(GATEWAY_IP, gateway_mac)
    net.receive(arp(2, FORGER_MAC, GATEWAY_IP))  # "the gateway is at my MAC"
    net.receive(arp(1, FORGER_MAC, GATEWAY_IP))  # and as a request
    assert net.arp_lookup(GATEWAY_IP) == gateway_mac
    assert net.counters()["arp_static_kept"] == 2
    net.clear()
    assert net.send_udp(
        "10.0.5.5", ports.ORDER_GATEWAY, ports.ORDER_LOCAL, b"order"
    )  # off-link: via the gateway
    (order,) = net.sent()
    assert Ether(order).dst == gateway_mac


def test_a_pinned_neighbor_survives_a_flood_of_other_hosts(net: HostedNet):
    net.receive(arp(2, "02:00:00:00:00:fe", GATEWAY_IP))  # learnt by ARP, then pinned
    assert net.pin_neighbor(GATEWAY_IP)
    for i in range(40):  # more hosts than the table has entries
        net.receive(arp(1, f"02:00:00:00:01:{i:02x}", f"10.0.0.{100 + i}"))
    assert net.arp_lookup(GATEWAY_IP) == "02:00:00:00:00:fe"
    assert net.arp_lookup("10.0.0.139") == "02:00:00:00:01:27"  # dynamic ones still rotate
    assert net.arp_lookup("10.0.0.100") is None


def test_unpinned_entries_follow_arp_as_rfc_826_says(net: HostedNet):
    net.receive(arp(2, "02:00:00:00:00:fe", PEER_IP))
    net.receive(arp(2, "02:00:00:00:00:fd", PEER_IP))
    assert net.arp_lookup(PEER_IP) == "02:00:00:00:00:fd"


def test_arp_claiming_a_group_or_broadcast_mac_is_not_learnt_or_answered(net: HostedNet):
    net.receive(arp(2, "01:00:5e:00:00:01", PEER_IP))
    net.receive(arp(1, "ff:ff:ff:ff:ff:ff", "10.0.0.10"))  # a request: no reply to everyone
    assert net.arp_lookup(PEER_IP) is None and net.arp_lookup("10.0.0.10") is None
    assert net.counters()["arp_received"] == 2
    assert net.sent() == []


@pytest.mark.parametrize(
    "frame",
    [
        udp_frame(b"amplify", dst="255.255.255.255", dst_mac="ff:ff:ff:ff:ff:ff"),
        bytes(
            Ether(dst=OUR_MAC, src=PEER_MAC)
            / IP(src="255.255.255.255", dst=OUR_IP)
            / UDP(sport=5555, dport=7)
            / Raw(b"amplify")
        ),
        bytes(
            Ether(dst=OUR_MAC, src="01:00:5e:00:00:01")
            / IP(src=PEER_IP, dst=OUR_IP)
            / UDP(sport=5555, dport=7)
            / Raw(b"amplify")
        ),
        bytes(
            Ether(dst=OUR_MAC, src=PEER_MAC)
            / IP(src="224.0.0.1", dst=OUR_IP)
            / UDP(sport=5555, dport=7)
            / Raw(b"amplify")
        ),
        udp_frame(b"amplify", dst=OUR_IP, dst_mac="ff:ff:ff:ff:ff:ff"),
    ],
    ids=[
        "to-broadcast",
        "from-broadcast",
        "from-group-mac",
        "from-group-ip",
        "our-ip-to-every-mac",
    ],
)
def test_echo_answers_one_host_only(net: HostedNet, frame: bytes):
    net.receive(frame)
    assert net.sent() == []
    assert net.counters()["echo_refused"] == 1


@pytest.mark.parametrize("cut", [14 + 8, 14 + 20, 14 + 27])
def test_an_arp_packet_cut_short_is_malformed_and_unanswered(net: HostedNet, cut: int):
    request = bytes(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    )
    net.receive(request[:cut])  # the target address, or more, missing
    assert net.sent() == []
    c = net.counters()
    assert (c["arp_malformed"], c["arp_received"], c["arp_learned"]) == (1, 0, 0)
