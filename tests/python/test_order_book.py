"""The kernel's order books against the Python reference book, after every
message of a generated session: the top five levels of the symbol each
message touched, and every symbol's full depth at the end."""

import ctypes

import pytest

from tradekernel.feed.generator import session
from tradekernel.feed.itch import encode
from tradekernel.feed.reference_book import ReferenceBooks
from tradekernel.hosted_lib import library


class KernelBooks:
    def __init__(self) -> None:
        lib = self.lib = library()
        ptr = ctypes.c_void_p
        lib.tk_book_create.restype = ptr
        lib.tk_book_destroy.argtypes = [ptr]
        lib.tk_book_apply.argtypes = [ptr, ctypes.c_char_p, ctypes.c_size_t]
        lib.tk_book_depth.argtypes = [ptr, ctypes.c_uint16, ctypes.c_uint32, ptr, ctypes.c_uint32]
        lib.tk_book_depth.restype = ctypes.c_uint32
        lib.tk_book_counters.argtypes = [ptr, ptr]
        lib.tk_book_checksum.argtypes = [ptr]
        lib.tk_book_checksum.restype = ctypes.c_uint64
        self.h = lib.tk_book_create()
        self._out = (ctypes.c_uint64 * (3 * 256))()

    def apply(self, message: bytes) -> int:
        return self.lib.tk_book_apply(self.h, message, len(message))

    def depth(self, locate: int, side: str, n: int) -> list[tuple[int, int, int]]:
        count = self.lib.tk_book_depth(self.h, locate, 0 if side == "B" else 1, self._out, n)
        o = self._out
        return [(o[3 * i], o[3 * i + 1], o[3 * i + 2]) for i in range(count)]

    def checksum(self) -> int:
        return self.lib.tk_book_checksum(self.h)

    def close(self) -> None:
        self.lib.tk_book_destroy(self.h)


@pytest.mark.parametrize(("seed", "messages"), [(1, 100_000), (2, 30_000)])
def test_books_match_the_reference_after_every_message(seed: int, messages: int):
    kernel, reference = KernelBooks(), ReferenceBooks()
    try:
        for count, message in enumerate(session(seed, messages), start=1):
            touched = reference.apply(message)
            assert kernel.apply(message) == (touched if touched is not None else -1)
            if touched is not None:
                for side in "BS":
                    assert kernel.depth(touched, side, 5) == reference.depth(touched, side, 5), (
                        f"message {count}: {message!r}"
                    )
        for locate in range(1, 9):
            for side in "BS":
                assert kernel.depth(locate, side, 256) == reference.depth(locate, side, 256)
        assert kernel.checksum() == reference.checksum()
    finally:
        kernel.close()


def test_partial_execution_cancel_replace_delete_exactly():
    kernel = KernelBooks()
    try:
        add = encode("A", stock_locate=3, order_reference_number=10, buy_sell_indicator="B",
                     shares=500, stock="TK", price=100_0000)  # fmt: skip
        add2 = encode("A", stock_locate=3, order_reference_number=11, buy_sell_indicator="B",
                      shares=200, stock="TK", price=100_0000)  # fmt: skip
        for m in (add, add2):
            assert kernel.apply(m) == 3
        assert kernel.depth(3, "B", 5) == [(100_0000, 700, 2)]
        kernel.apply(encode("E", stock_locate=3, order_reference_number=10, executed_shares=120))
        kernel.apply(encode("X", stock_locate=3, order_reference_number=10, cancelled_shares=80))
        assert kernel.depth(3, "B", 5) == [(100_0000, 500, 2)]
        kernel.apply(encode("U", stock_locate=3, original_order_reference_number=10,
                            new_order_reference_number=12, shares=50, price=100_0100))  # fmt: skip
        assert kernel.depth(3, "B", 5) == [(100_0100, 50, 1), (100_0000, 200, 1)]
        kernel.apply(encode("D", stock_locate=3, order_reference_number=11))
        assert kernel.depth(3, "B", 5) == [(100_0100, 50, 1)]
        assert kernel.apply(encode("D", stock_locate=3, order_reference_number=999)) == -1
        assert kernel.apply(b"A" + bytes(10)) == -2  # wrong length: rejected by the ITCH layer
    finally:
        kernel.close()


def test_checksum_tells_books_apart():
    a, b = KernelBooks(), KernelBooks()
    try:
        empty = a.checksum()
        assert empty == ReferenceBooks().checksum()
        add = encode("A", stock_locate=3, order_reference_number=1, buy_sell_indicator="B",
                     shares=100, stock="TK", price=10_0000)  # fmt: skip
        for books in (a, b):
            books.apply(add)
        assert a.checksum() == b.checksum() != empty
        b.apply(encode("X", stock_locate=3, order_reference_number=1, cancelled_shares=1))
        assert a.checksum() != b.checksum()
    finally:
        a.close()
        b.close()
