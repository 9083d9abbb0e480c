"""The kernel on a network: QEMU's virtio-net (modern PCI, polled by our
driver) joined to this process by `-netdev dgram` over loopback UDP. Frames
are built and checked with scapy; the guest's NIC traffic is captured to a
pcap (QEMU filter-dump) and decoded by tshark."""

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from scapy.all import ARP, IP, UDP, Ether, Raw
from scapy.layers.igmp import IGMPv3_MR

from tradekernel import qemu
from tradekernel.control import CONTROL_PORT, Control
from tradekernel.exit_codes import Outcome
from tradekernel.guest_link import GUEST_MAC, GuestLink
from tradekernel.hosted_net import unaccounted_frames
from tradekernel.qemu import BootMethod, QemuConfig, RunResult

GUEST_IP, HOST_MAC, HOST_IP = "10.0.2.15", "02:00:00:00:00:99", "10.0.2.2"
GROUP, OTHER_GROUP = "239.1.1.1", "239.9.9.9"


def udp(payload: bytes, dport: int, dst: str = GUEST_IP, dst_mac: str = GUEST_MAC) -> bytes:
    frame = (
        Ether(dst=dst_mac, src=HOST_MAC) / IP(src=HOST_IP, dst=dst) / UDP(sport=4000, dport=dport)
    )
    return bytes(frame / Raw(payload))


def group_mac(group: str) -> str:
    a = [int(x) for x in group.split(".")]
    return f"01:00:5e:{a[1] & 0x7F:02x}:{a[2]:02x}:{a[3]:02x}"


def udp_payload(frame: bytes) -> bytes:
    u = Ether(frame)[UDP]
    return bytes(u.payload)[: u.len - 8]


class NetGuest:
    """The kernel in mode=net, running (qemu.Guest) while the test talks to it."""

    def __init__(self, tmp: Path) -> None:
        self.pcap = tmp / "guest.pcap"
        self.link = GuestLink(pcap=self.pcap)
        self.control = Control(sources=(HOST_IP,))
        config = QemuConfig(
            boot=BootMethod.KERNEL,
            cmdline=f"mode=net ip={GUEST_IP} join={GROUP} {self.control.cmdline()}",
            extra_args=self.link.qemu_args(),
            timeout=120,
        )
        self.guest = qemu.Guest(config).__enter__()  # left in stop()
        if self.guest.wait_for("net-ready", 60) is None:
            self.guest.__exit__(AssertionError, None, None)  # stops QEMU
            self.link.close()
            raise AssertionError("the kernel never reported net-ready")
        control = self.guest.wait_for("control", 0)  # printed before net-ready
        assert control is not None, "the kernel printed no control record"
        self.control.learn(control)
        self.join_report = self.link.receive(timeout=10)  # sent when joining at start

    def ask(self, frame: bytes, timeout: float = 5.0) -> bytes | None:
        self.link.send(frame)
        return self.link.receive(timeout)

    def stop(self) -> RunResult:
        """tk-exit, and the run once the kernel has exited."""
        if self.guest.running:
            self.link.send(udp(self.control.command("tk-exit"), CONTROL_PORT))
        self.guest.__exit__(None, None, None)
        self.link.close()
        return self.guest.result


@pytest.fixture(scope="module")
def guest(tmp_path_factory: pytest.TempPathFactory):
    g = NetGuest(tmp_path_factory.mktemp("net"))
    yield g
    if g.guest.running:  # a test failed before stopping it
        g.guest.stop()
        g.stop()


def test_multicast_join_sends_an_igmp_report(guest: NetGuest):
    assert guest.join_report is not None
    report = Ether(guest.join_report)
    assert report.src == GUEST_MAC and report[IP].dst == "224.0.0.22"
    assert report[IGMPv3_MR].records[0].maddr == GROUP


def test_arp_reply(guest: NetGuest):
    request = Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) / ARP(
        op=1, hwsrc=HOST_MAC, psrc=HOST_IP, pdst=GUEST_IP
    )
    reply = guest.ask(bytes(request))
    assert reply is not None
    arp = Ether(reply)[ARP]
    assert (arp.op, arp.hwsrc, arp.psrc, arp.pdst) == (2, GUEST_MAC, GUEST_IP, HOST_IP)


def test_udp_echo_round_trip(guest: NetGuest):
    reply = guest.ask(udp(b"round trip 1", 7))
    assert reply is not None
    pkt = Ether(reply)
    assert (pkt[IP].src, pkt[IP].dst, pkt[UDP].sport, pkt[UDP].dport) == (
        GUEST_IP,
        HOST_IP,
        7,
        4000,
    )
    assert udp_payload(reply) == b"round trip 1"


def test_multicast_delivered_for_joined_groups_only(guest: NetGuest):
    joined = guest.ask(udp(b"tick-1", 26400, dst=GROUP, dst_mac=group_mac(GROUP)))
    assert joined is not None and udp_payload(joined) == b"got:tick-1"
    other = guest.ask(udp(b"tick-2", 26400, dst=OTHER_GROUP, dst_mac=group_mac(OTHER_GROUP)), 1.0)
    assert other is None


def test_thousands_of_bad_frames_then_echo_still_answers(guest: NetGuest):
    rng = random.Random(7)
    base = udp(b"good frame, about to be damaged", 7)
    for i in range(3000):
        kind = i % 4
        if kind == 0:
            frame = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 1500)))
        elif kind == 1:
            frame = base[: rng.randrange(1, len(base))]  # truncated, runts
        elif kind == 2:
            b = bytearray(base)
            b[rng.choice([16, 17, 24, 25, 38, 39, 40, 41])] ^= 0xFF  # lengths, checksums
            frame = bytes(b)
        else:
            frame = base + bytes(1600)  # oversized
        guest.link.send(frame)
    guest.link.drain()  # any echoes of frames that happened to stay valid
    reply = guest.ask(udp(b"still here", 7), timeout=10)
    assert reply is not None and udp_payload(reply) == b"still here"


def test_exit_reports_drops_and_pcap_decodes_cleanly(guest: NetGuest):
    result = guest.stop()
    assert result.outcome is Outcome.PASSED, result.describe()
    (counters,) = result.of_kind("net-counters")
    values = {k: int(v) for k, v in counters.fields.items()}
    # Every frame the stack received is under exactly one outcome, and the
    # stack received every frame the NIC did.
    assert unaccounted_frames(values) == 0, values
    (nic,) = result.of_kind("nic-counters")
    assert nic.int("rx-frames") == values["rx-frames"]
    dropped = sum(v for k, v in values.items() if k.startswith(("drop-", "ip-", "udp-")))
    assert dropped >= 1000
    # The device filtered multicast (control queue): the datagram for the
    # group we did not join never reached the stack's software filter.
    (nic_filter,) = result.of_kind("nic-filter")
    assert nic_filter["device"] == "1" and nic_filter.int("multicast") == 1
    assert values["multicast-not-joined"] == 0
    tshark = shutil.which("tshark")
    assert tshark, "tshark is missing: apt-get install tshark (make install-deps)"

    def frames(display_filter: str) -> list[str]:
        out = subprocess.run(
            [tshark, "-r", str(guest.pcap), "-o", "ip.check_checksum:TRUE",
             "-o", "udp.check_checksum:TRUE", "-Y", display_filter],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        return [line for line in out.splitlines() if line.strip()]

    # Everything the guest sent decodes cleanly (the host's deliberately
    # damaged frames are in the capture too, and are excluded by source).
    sent = frames(f"eth.src == {GUEST_MAC}")
    assert len(sent) >= 5  # IGMP report, ARP reply, echoes, the multicast ack
    assert frames(f"eth.src == {GUEST_MAC} && _ws.malformed") == []
    assert (
        frames(f"eth.src == {GUEST_MAC} && (ip.checksum.status == 2 || udp.checksum.status == 2)")
        == []
    )
