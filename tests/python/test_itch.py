"""The kernel's ITCH 5.0 decoder (kernel/feed/itch.cpp), field by field for
every message type, against the independent Python encoder
(tradekernel/feed/itch.py). Lengths per type are the specification's."""

import ctypes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.feed.itch import TYPES, decode, encode
from tradekernel.hosted_lib import library

# TotalView-ITCH 5.0, section 4: message lengths including the type byte.
SPEC_LENGTHS = {
    "S": 12, "R": 39, "H": 25, "Y": 20, "L": 26, "V": 35, "W": 12, "K": 28, "J": 35, "h": 21,
    "A": 36, "F": 40, "E": 31, "C": 36, "X": 23, "D": 19, "U": 35, "P": 44, "Q": 40, "B": 19,
    "I": 50, "N": 20, "O": 48,
}  # fmt: skip


def kernel() -> ctypes.CDLL:
    lib = library()
    return lib


def kernel_decode(message: bytes) -> dict[str, int | str]:
    out = ctypes.create_string_buffer(1024)
    n = kernel().tk_itch_format(message, len(message), out, 1024)
    assert n > 0, f"kernel rejected {message!r}"
    code, *pairs = out.raw[:n].decode().split(" ")
    assert code == chr(message[0])
    fields = dict(pair.split("=", 1) for pair in pairs)
    kinds = {name: kind for name, kind, _ in TYPES[code].fields}
    return {k: (v if kinds[k] == "a" else int(v)) for k, v in fields.items()}


def test_every_message_type_with_the_specification_length():
    assert {code: t.length for code, t in TYPES.items()} == SPEC_LENGTHS


def field_values(code: str):
    strategies = {}
    for name, kind, width in TYPES[code].fields:
        if kind == "a":
            strategies[name] = st.text(
                alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=width
            )
        else:
            strategies[name] = st.integers(0, 2 ** (8 * width) - 1)
    return st.fixed_dictionaries(strategies)


@pytest.mark.parametrize("code", sorted(TYPES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_kernel_decodes_every_field(code: str, data: st.DataObject):
    values = data.draw(field_values(code))
    message = encode(code, **values)
    assert len(message) == SPEC_LENGTHS[code]
    assert decode(message) == values
    assert kernel_decode(message) == values


def test_hand_encoded_add_order():
    # Add Order (section 4.3.1), byte by byte: 'A', locate 7, tracking 0,
    # timestamp 34200000000000 ns (09:30), ref 12345, 'B', 100 shares,
    # "AAPL    ", $187.2500 = 1872500.
    message = (
        b"A" + (7).to_bytes(2, "big") + (0).to_bytes(2, "big")
        + (34_200_000_000_000).to_bytes(6, "big") + (12345).to_bytes(8, "big")
        + b"B" + (100).to_bytes(4, "big") + b"AAPL    " + (1_872_500).to_bytes(4, "big")
    )  # fmt: skip
    assert kernel_decode(message) == {
        "stock_locate": 7, "tracking_number": 0, "timestamp": 34_200_000_000_000,
        "order_reference_number": 12345, "buy_sell_indicator": "B", "shares": 100,
        "stock": "AAPL", "price": 1_872_500,
    }  # fmt: skip


@pytest.mark.parametrize("code", sorted(TYPES))
def test_wrong_length_is_rejected(code: str):
    message = encode(code)
    lib = kernel()
    assert lib.tk_itch_check(message, len(message)) == 0
    assert lib.tk_itch_check(message[:-1], len(message) - 1) == 2
    assert lib.tk_itch_check(message + b"\0", len(message) + 1) == 2


@given(st.binary(min_size=0, max_size=64))
def test_random_bytes_are_classified_not_crashed(blob: bytes):
    status = kernel().tk_itch_check(blob, len(blob))
    known = blob[:1].decode("latin-1") in TYPES
    if not blob:
        assert status == 2
    elif not known:
        assert status == 1
    else:
        assert status == (0 if len(blob) == SPEC_LENGTHS[chr(blob[0])] else 2)


def test_encoder_refuses_a_field_the_type_does_not_have():
    with pytest.raises(ValueError, match="order_delete has no field locate"):
        encode("D", locate=5, order_reference_number=1)
