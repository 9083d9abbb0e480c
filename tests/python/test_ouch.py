"""OUCH 4.2 Enter Order and Cancel Order from the kernel's encoder, decoded
by the Python order receiver; and the pre-trade risk gate's rejections."""

import ctypes
from dataclasses import astuple, dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradekernel.hosted_lib import library
from tradekernel.trade.ouch import CANCEL_ORDER, ENTER_ORDER, decode


def lib() -> ctypes.CDLL:
    return library()


@dataclass
class Limits:
    """kernel/trade/ouch.h RiskLimits, with small figures to reach."""

    max_shares: int = 1000
    max_position: int = 10_000
    collar_bps: int = 100
    max_order_notional: int = 900 * 100_0000  # $90,000
    max_session_notional: int = 2_000 * 100_0000  # $200,000
    max_orders_per_second: int = 1_000_000
    max_open_orders: int = 1_000_000
    ticks_per_second: int = 1_000_000_000


class Gate:
    def __init__(self, limits: Limits | None = None) -> None:
        self.k = lib()
        self.limits = limits or Limits()
        self.k.tk_risk_init(*astuple(self.limits))
        self.names = self.k.tk_risk_counter_names().decode().strip(",").split(",")

    def check(self, side: str, shares: int, price: int = 100_0000, position: int = 0,
              reference: int = 100_0000, now: int = 0) -> bool:  # fmt: skip
        return bool(self.k.tk_risk_check(side.encode(), shares, price, position, reference, now))

    def counters(self) -> dict[str, int]:
        values = (ctypes.c_uint64 * len(self.names))()
        self.k.tk_risk_counters(values)
        return dict(zip(self.names, values, strict=True))

    def rejected(self) -> dict[str, int]:
        return {k: v for k, v in self.counters().items() if k.startswith("rejected_") and v}


def test_enter_order_decodes_as_ouch_42():
    out = ctypes.create_string_buffer(64)
    n = lib().tk_ouch_enter(b"TK000000000001", b"B", 300, b"AAPL", 1_872_500, 0, b"TKFM", out)
    assert n == ENTER_ORDER.size == 49
    assert decode(out.raw[:n]) == {
        "type": "enter_order", "token": "TK000000000001", "side": "B", "shares": 300,
        "stock": "AAPL", "price": 1_872_500, "time_in_force": 0, "firm": "TKFM",
        "display": "Y", "capacity": "P", "intermarket_sweep": "N", "minimum_quantity": 0,
        "cross_type": "N", "customer_type": " ",
    }  # fmt: skip
    assert out.raw[1:15] == b"TK000000000001" and out.raw[20:28] == b"AAPL    "


def test_cancel_order_decodes_as_ouch_42():
    out = ctypes.create_string_buffer(32)
    n = lib().tk_ouch_cancel(b"TK7".ljust(14, b"\0"), 0, out)
    assert n == CANCEL_ORDER.size == 19
    assert decode(out.raw[:n]) == {"type": "cancel_order", "token": "TK7", "shares": 0}


@given(token=st.binary(min_size=14, max_size=14))
def test_an_alpha_field_ends_at_its_first_nul_and_is_padded_with_spaces(token: bytes):
    # Word at a time in the encoder; here the definition, byte by byte.
    out = ctypes.create_string_buffer(32)
    assert lib().tk_ouch_cancel(token, 5, out) == 19
    assert out.raw[1:15] == token.split(b"\0")[0].ljust(14, b" ")


@given(
    fields=st.tuples(
        *(st.binary(max_size=n).map(lambda b: b.replace(b"\0", b"")) for n in (14, 8, 4))
    )
)
def test_enter_order_alpha_fields_of_every_length(fields: tuple[bytes, bytes, bytes]):
    token, stock, firm = fields
    out = ctypes.create_string_buffer(64)
    assert lib().tk_ouch_enter(token, b"S", 1, stock, 1, 0, firm, out) == 49
    assert out.raw[1:15] == token.ljust(14, b" ")
    assert out.raw[20:28] == stock.ljust(8, b" ")
    assert out.raw[36:40] == firm.ljust(4, b" ")


@pytest.mark.parametrize(
    ("side", "shares", "price", "position", "reason"),
    [
        ("B", 5000, 100_0000, 0, "size"),
        ("B", 0, 100_0000, 0, "size"),
        ("B", 800, 100_0000, 9500, "position"),
        ("S", 800, 100_0000, -9500, "position"),
        ("T", 800, 100_0000, -9500, "position"),  # a short sale is a sell
        ("B", 100, 102_0000, 0, "collar"),  # 2% away with a 1% collar
        ("S", 100, 98_0000, 0, "collar"),
        ("X", 100, 100_0000, 0, "side"),  # not an OUCH side: never sent as a sell
        ("\x00", 100, 100_0000, 0, "side"),
        ("B", 950, 100_0000, 0, "order_notional"),  # $95,000 > $90,000
    ],
)
def test_risk_rejections_are_counted(side, shares, price, position, reason):
    gate = Gate()
    assert not gate.check(side, shares, price, position)
    assert gate.rejected() == {f"rejected_{reason}": 1}
    assert gate.counters()["accepted"] == 0


def test_kill_switch_stops_everything_after_it():
    gate = Gate()
    assert gate.check("B", 100)
    gate.k.tk_risk_kill()
    assert not gate.check("B", 100)
    assert gate.counters()["accepted"] == 1
    assert gate.rejected() == {"rejected_kill_switch": 1}


def test_session_notional_is_gross_over_every_order_sent():
    gate = Gate()
    for _ in range(4):  # 4 x $50,000 = the $200,000 limit
        assert gate.check("B" if _ % 2 else "S", 500)
    assert not gate.check("B", 1)
    assert gate.rejected() == {"rejected_session_notional": 1}


def test_order_rate_allows_a_burst_then_the_sustained_rate():
    gate = Gate(Limits(max_orders_per_second=10, ticks_per_second=1000))  # 100 ticks apart
    assert all(gate.check("B", 1, now=0) for _ in range(10))  # a burst of 10
    assert not gate.check("B", 1, now=0)
    assert not gate.check("B", 1, now=99)
    assert gate.check("B", 1, now=100)  # one interval later, one more
    assert not gate.check("B", 1, now=150)
    assert gate.check("B", 1, now=10_000)  # long after: the burst is back
    assert gate.rejected() == {"rejected_rate": 3}


def test_open_orders_are_capped_until_one_is_done():
    gate = Gate(Limits(max_open_orders=3))
    assert all(gate.check("S", 10) for _ in range(3))
    assert not gate.check("S", 10)
    gate.k.tk_risk_order_done()
    assert gate.check("S", 10)
    assert gate.rejected() == {"rejected_open_orders": 1}


def test_zero_rate_limit_sends_nothing():
    gate = Gate(Limits(max_orders_per_second=0))
    assert not gate.check("B", 1)
    assert gate.rejected() == {"rejected_rate": 1}


@given(sequence=st.integers(0, 10**10 - 1), index=st.integers(0, 9_999))
def test_an_order_token_is_the_trigger_and_index_in_decimal(sequence: int, index: int):
    out = ctypes.create_string_buffer(15)
    assert lib().tk_order_token(sequence, index, out) == 1
    assert out.raw[:14] == f"{sequence:010d}{index:04d}".encode()


def test_order_tokens_stay_unique_or_are_refused():
    k = lib()
    out = ctypes.create_string_buffer(15)
    assert k.tk_order_token(42, 7, out) == 1 and out.raw[:14] == b"00000000420007"
    assert k.tk_order_token(9_999_999_999, 9_999, out) == 1 and out.raw[:14] == b"9" * 14
    assert k.tk_order_token(10_000_000_000, 0, out) == 0  # would wrap onto sequence 0
    assert k.tk_order_token(1, 10_000, out) == 0  # would be the next message's first


def test_order_rate_is_never_exceeded_with_a_coarse_clock():
    # A clock slower than the limit (100 ticks a second, 1,000 orders a
    # second) used to leave the rate unlimited; a rate that does not divide
    # the clock used to round the interval down.
    for ticks, limit in ((100, 1_000), (1_999, 1_000)):
        gate = Gate(Limits(max_orders_per_second=limit, ticks_per_second=ticks))
        # 10,000 orders asked for over 3 seconds: at most a burst of `limit`
        # and `limit` a second may pass.
        sent = sum(gate.check("B", 1, now=t * 3 * ticks // 10_000) for t in range(10_000))
        assert limit <= sent <= limit + 3 * limit, (ticks, limit, sent)
