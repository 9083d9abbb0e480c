"""Writes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<harness>/)
from the session generator and scapy. Deterministic: run it again after a
change of input format and commit what it writes.

    .venv/bin/python tests/fuzz/make_seeds.py

Each seed is a sequence of records, a 16-bit big-endian length and that many
bytes (tests/fuzz/fuzz_input.h)."""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Iterable
from pathlib import Path

from scapy.all import ARP, IP, UDP, Ether, Raw
from scapy.layers.igmp import IGMP

from tradekernel.control import sign
from tradekernel.feed.generator import session
from tradekernel.feed.itch import encode
from tradekernel.feed.moldudp64 import end_of_session, heartbeat, packet
from tradekernel.trade import ouch
from tradekernel.trade.answer_stream import ORDER_SESSION

CORPUS = Path(__file__).resolve().parent / "corpus"
OUR_MAC, OUR_IP, PEER_MAC, PEER_IP = (
    "02:00:00:00:00:10",
    "10.0.0.16",
    "02:00:00:00:00:20",
    "10.0.0.32",
)
SESSION = b"TKFUZZ0001"
FUZZ_SECRET, FUZZ_NONCE = "fuzz-secret-0123456789", "f0225eed0000000f"  # fuzz_net.cpp


def records(items: Iterable[bytes]) -> bytes:
    return b"".join(struct.pack(">H", len(item)) + item for item in items)


def write(harness: str, seeds: list[bytes]) -> None:
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for seed in seeds:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{harness}: {len(seeds)} seeds in {folder}")


def frames(our_mac: str, our_ip: str, port: int) -> list[bytes]:
    def udp(
        payload: bytes, dport: int = port, dst: str = our_ip, mac: str = our_mac, **ip
    ) -> bytes:
        return bytes(
            Ether(dst=mac, src=PEER_MAC)
            / IP(src=PEER_IP, dst=dst, **ip)
            / UDP(sport=26400, dport=dport)
            / Raw(payload)
        )

    def control(text: bytes, source: str = "10.0.0.1") -> bytes:
        return bytes(
            Ether(dst=our_mac, src=PEER_MAC)
            / IP(src=source, dst=our_ip)
            / UDP(sport=9, dport=9)
            / Raw(text)
        )

    def signed(word: str, counter: int) -> bytes:
        mac = sign(FUZZ_SECRET, FUZZ_NONCE, "10.0.0.1", word, counter)
        return f"{word} {counter} {mac}".encode()

    controls = [
        control(signed("tk-status", 1)),
        control(signed("tk-exit", 2) + b"\n"),
        control(signed("tk-exit", 2)),  # a replay
        control(b"tk-kill 3 " + b"0" * 64),
        control(signed("tk-exit", 4), source=PEER_IP),
    ]
    return [
        bytes(
            Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
            / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=our_ip)
        ),
        bytes(
            Ether(dst=our_mac, src=PEER_MAC)
            / ARP(op=2, hwsrc=PEER_MAC, psrc="10.0.0.1", pdst=our_ip)
        ),
        udp(b"hello"),
        udp(b"echo me", dport=7),
        udp(b"to the group", dst="233.54.12.111", mac="01:00:5e:36:0c:6f"),
        udp(b"with options", options=[b"\x94\x04\x00\x00"]),
        udp(b"a fragment", flags="MF"),
        bytes(
            Ether(dst="01:00:5e:00:00:01", src=PEER_MAC) / IP(src=PEER_IP, dst="224.0.0.1") / IGMP()
        ),
        *controls,
        bytes(Ether(dst=our_mac, src=PEER_MAC) / Raw(b"\x00" * 2)),
    ]


def itch_streams(count: int, length: int) -> list[list[bytes]]:
    messages = list(session(seed=17, messages=count * length, symbols=3))
    return [messages[i : i + length] for i in range(0, len(messages), length)][:count]


def add(ref: int, side: str, price: int) -> bytes:
    return encode("A", stock_locate=5, order_reference_number=ref, buy_sell_indicator=side,
                  shares=300, stock="TK", price=price)  # fmt: skip


def main() -> None:
    rng = random.Random(1)
    net = frames("02:00:00:00:00:01", "10.0.0.2", 26500)
    write("net", [records([f]) for f in net] + [records(net)])

    streams = itch_streams(12, 40)
    mold = []
    for stream in streams[:6]:
        packets, seq = [], 1
        while seq <= len(stream):
            n = rng.randrange(1, 6)
            packets.append(packet(SESSION, seq, stream[seq - 1 : seq - 1 + n]))
            seq += n
        shuffled = packets[:]
        rng.shuffle(shuffled)
        mold.append(records([*packets, heartbeat(SESSION, seq), end_of_session(SESSION, seq)]))
        mold.append(records(shuffled + packets[:3]))  # out of order, then duplicates
        mold.append(records([packet(b"STRANGER01", 1, stream[:2]), *packets[1:]]))  # first lost
    write("mold", [b"\x00" + seed for seed in mold] + [b"\x01" + seed for seed in mold[:3]])

    write("books", [records(stream) for stream in streams])

    pipeline = []
    for stream in streams[6:]:
        directory = [
            encode("R", stock_locate=loc, stock=f"SYM{loc}", round_lot_size=100)
            for loc in (1, 2, 3)
        ]
        body = directory + stream
        packets, seq = [], 1
        while seq <= len(body):
            n = rng.randrange(1, 8)
            packets.append(b"\x00" + packet(SESSION, seq, body[seq - 1 : seq - 1 + n]))
            seq += n
        if len(packets) > 3:
            del packets[2]  # a gap: the kernel asks the rewinder
        raw = [b"\x01" + f for f in frames("02:00:00:00:00:10", "10.0.0.16", 26500)[3:5]]
        pipeline.append(records(raw + packets))
    # Sessions that make the sample strategy send orders: a bid, a wide offer,
    # then offers that narrow the spread to a cent (test_trade_e2e's case).
    for seed in range(4):
        orders = [encode("R", stock_locate=5, stock="TK", round_lot_size=100)]
        price = 100_0000 + 100 * seed
        orders.append(add(1, "B", price))
        orders.append(add(2, "S", price + 500))
        for i in range(6):
            orders.append(add(3 + i, "S", price + 100 - 10 * i))
        pipeline.append(
            records(b"\x00" + packet(SESSION, 1 + i, [m]) for i, m in enumerate(orders))
        )
        # The venue's answers to the first order (triggered by message 4):
        # record type 3 goes to the port of the answers.
        token = "00000000040000"
        order = {"token": token, "side": "B", "shares": 100, "stock": "TK", "price": price + 100,
                 "time_in_force": 0, "firm": "", "display": "Y", "capacity": "P",
                 "intermarket_sweep": "N", "minimum_quantity": 0, "cross_type": "N"}  # fmt: skip
        answers = [
            ouch.system_event(1, b"S"),
            ouch.accepted(2, order, 77),
            ouch.executed(3, token, 60, price + 100, b"R", 9),
            ouch.canceled(4, token, 40, ouch.CANCEL_IOC),
            ouch.rejected(5, "00000000050000", ouch.REJECT_HALTED),
        ]
        split = 1 + seed % 3
        stream = [
            packet(ORDER_SESSION, 1, answers[:split]),
            packet(ORDER_SESSION, 1 + split, answers[split:]),
        ]
        if seed % 2:
            stream.reverse()  # out of order: the second waits for the first
        pipeline.append(
            records(
                [b"\x00" + packet(SESSION, 1 + i, [m]) for i, m in enumerate(orders)]
                + [b"\x03" + a for a in stream]
            )
        )
    write("pipeline", pipeline)


if __name__ == "__main__":
    main()
