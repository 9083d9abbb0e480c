"""An Ethernet link between a Python process and the guest's virtio-net NIC,
over loopback UDP: QEMU's `-netdev dgram` carries one frame per datagram, so
no root, tap device or bridge is needed.

    with GuestLink() as link:
        config = QemuConfig(..., extra_args=link.qemu_args())
        link.send(bytes(Ether(...) / ARP(...)))
        reply = link.receive(timeout=5)
"""

from __future__ import annotations

import socket
from pathlib import Path

from tradekernel.qemu import Machine

GUEST_MAC = "02:54:00:12:34:56"
# The address the host end of the link uses by convention (QEMU's user
# network calls its gateway 10.0.2.2 too); the kernel's default is 10.0.2.15.
HOST_IP = "10.0.2.2"


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GuestLink:
    def __init__(self, mac: str = GUEST_MAC, pcap: Path | None = None) -> None:
        self.mac = mac
        self.pcap = pcap
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self.host_port = self._sock.getsockname()[1]
        self.guest_port = _free_udp_port()

    def qemu_args(self, machine: Machine = Machine.Q35) -> list[str]:
        """The NIC for `machine`: on q35 behind a PCI Express root port (bus 1,
        as a server's NIC sits in a slot), on pc on the root bus."""
        netdev = (
            f"dgram,id=tknet,local.type=inet,local.host=127.0.0.1,local.port={self.guest_port},"
            f"remote.type=inet,remote.host=127.0.0.1,remote.port={self.host_port}"
        )
        nic = f"virtio-net-pci,netdev=tknet,disable-legacy=on,mac={self.mac}"
        args = ["-netdev", netdev]
        if machine.pcie:
            args += ["-device", "pcie-root-port,id=tkslot,chassis=1,slot=1"]
            nic += ",bus=tkslot"
        args += ["-device", nic]
        if self.pcap is not None:
            args += ["-object", f"filter-dump,id=tkdump,netdev=tknet,file={self.pcap}"]
        return args

    def send(self, frame: bytes) -> None:
        self._sock.sendto(frame, ("127.0.0.1", self.guest_port))

    def receive(self, timeout: float = 5.0) -> bytes | None:
        self._sock.settimeout(timeout)
        try:
            return self._sock.recv(65536)
        except TimeoutError:
            return None

    def drain(self) -> list[bytes]:
        frames = []
        while (f := self.receive(timeout=0.05)) is not None:
            frames.append(f)
        return frames

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> GuestLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
