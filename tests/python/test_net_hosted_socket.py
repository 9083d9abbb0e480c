"""The hosted NIC backend: the same stack and poll loop as the kernel's
mode=net, on a UDP socket carrying one Ethernet frame per datagram (QEMU's
-netdev dgram framing), driven by the same GuestLink the QEMU tests use."""

import ipaddress
import secrets
import threading

from scapy.all import ARP, IP, UDP, Ether, Raw

from tradekernel.control import CONTROL_PORT, Control
from tradekernel.guest_link import GuestLink
from tradekernel.hosted_lib import library
from tradekernel.records import Record

MAC, IP_ADDR, PEER_MAC, PEER_IP = "02:00:00:00:00:42", "10.1.0.2", "02:00:00:00:00:99", "10.1.0.9"


def test_arp_and_echo_over_the_socket_backend():
    lib = library()
    control = Control(sources=(PEER_IP,))
    secret = control.secret.encode()
    nonce = secrets.randbits(64)  # the kernel draws its own; this server is given one
    control.learn(Record("control", {"nonce": f"{nonce:016x}"}))
    link = GuestLink(mac=MAC)
    result: list[int] = []
    raw_mac = bytes(int(b, 16) for b in MAC.split(":"))
    ip = int(ipaddress.IPv4Address(IP_ADDR))
    server = threading.Thread(
        target=lambda: result.append(
            lib.tk_net_serve_socket(
                raw_mac,
                ip,
                link.guest_port,
                link.host_port,
                PEER_IP.encode(),
                secret,
                nonce,
            )
        )
    )
    server.start()
    try:
        # The server binds asynchronously: retry the first request briefly.
        arp = Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) / ARP(
            op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=IP_ADDR
        )
        reply = None
        for _ in range(50):
            link.send(bytes(arp))
            if (reply := link.receive(timeout=0.1)) is not None:
                break
        assert reply is not None and Ether(reply)[ARP].hwsrc == MAC
        link.drain()
        base = Ether(dst=MAC, src=PEER_MAC) / IP(src=PEER_IP, dst=IP_ADDR)
        link.send(bytes(base / UDP(sport=4000, dport=7) / Raw(b"over a socket")))
        echo = Ether(link.receive(timeout=5))
        assert bytes(echo[UDP].payload)[: echo[UDP].len - 8] == b"over a socket"
        # A bare "tk-exit", as this server once obeyed, and one from a stranger: refused.
        control_frame = Ether(dst=MAC, src=PEER_MAC) / IP(src=PEER_IP, dst=IP_ADDR)
        link.send(bytes(control_frame / UDP(sport=4000, dport=CONTROL_PORT) / Raw(b"tk-exit")))
        stranger = Ether(dst=MAC, src=PEER_MAC) / IP(src="10.1.0.66", dst=IP_ADDR)
        link.send(bytes(stranger / UDP(sport=4000, dport=CONTROL_PORT)
                        / Raw(control.command("tk-exit"))))  # fmt: skip
        # Frames are handled in order: once this echo comes back, both were seen.
        link.send(bytes(base / UDP(sport=4000, dport=7) / Raw(b"still here")))
        assert link.receive(timeout=5) is not None
        assert server.is_alive(), "stopped by a command without the secret, or from a stranger"
    finally:
        link.send(bytes(Ether(dst=MAC, src=PEER_MAC) / IP(src=PEER_IP, dst=IP_ADDR)
                        / UDP(sport=4000, dport=CONTROL_PORT)
                        / Raw(control.command("tk-exit"))))  # fmt: skip
        server.join(10)
        link.close()
    assert result and result[0] >= 5
