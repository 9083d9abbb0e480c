"""OUCH 4.2 Enter Order and Cancel Order from the kernel's encoder, decoded
by the Python order receiver; and the pre-trade risk gate's rejections."""

import ctypes

import pytest

from tradekernel.hosted_lib import library
from tradekernel.trade.ouch import CANCEL_ORDER, ENTER_ORDER, decode


def lib() -> ctypes.CDLL:
    lib = library()
    s, u32, ptr = ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p
    lib.tk_ouch_enter.argtypes = [s, ctypes.c_char, u32, s, u32, u32, s, ptr]
    lib.tk_ouch_enter.restype = ctypes.c_size_t
    lib.tk_ouch_cancel.argtypes = [s, u32, ptr]
    lib.tk_ouch_cancel.restype = ctypes.c_size_t
    lib.tk_risk_init.argtypes = [u32, ctypes.c_int64, u32]
    lib.tk_risk_check.argtypes = [ctypes.c_char, u32, u32, ctypes.c_int64, u32]
    lib.tk_risk_counters.argtypes = [ctypes.c_void_p]
    return lib


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
    n = lib().tk_ouch_cancel(b"TK7", 0, out)
    assert n == CANCEL_ORDER.size == 19
    assert decode(out.raw[:n]) == {"type": "cancel_order", "token": "TK7", "shares": 0}


@pytest.mark.parametrize(
    ("side", "shares", "price", "position", "reason"),
    [
        ("B", 5000, 100_0000, 0, "size"),
        ("B", 0, 100_0000, 0, "size"),
        ("B", 800, 100_0000, 9500, "position"),
        ("S", 800, 100_0000, -9500, "position"),
        ("B", 100, 102_0000, 0, "collar"),  # 2% away with a 1% collar
        ("S", 100, 98_0000, 0, "collar"),
    ],
)
def test_risk_rejections_are_counted(side, shares, price, position, reason):
    k = lib()
    k.tk_risk_init(1000, 10_000, 100)
    assert k.tk_risk_check(side.encode(), shares, price, position, 100_0000) == 0
    counters = (ctypes.c_uint64 * 5)()
    k.tk_risk_counters(counters)
    names = ["accepted", "size", "position", "collar", "kill_switch"]
    assert dict(zip(names, counters, strict=True)) == {n: int(n == reason) for n in names}


def test_kill_switch_stops_everything_after_it():
    k = lib()
    k.tk_risk_init(1000, 10_000, 100)
    assert k.tk_risk_check(b"B", 100, 100_0000, 0, 100_0000) == 1
    k.tk_risk_kill()
    assert k.tk_risk_check(b"B", 100, 100_0000, 0, 100_0000) == 0
    counters = (ctypes.c_uint64 * 5)()
    k.tk_risk_counters(counters)
    assert list(counters) == [1, 0, 0, 0, 1]
