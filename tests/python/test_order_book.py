"""The kernel's order books against the Python reference book: after every
message of generated sessions, exactly; deep books, every stock locate, and
every case of the policy for capacity limits and for input the ITCH 5.0
specification does not cover (docs/order-books.md)."""

from __future__ import annotations

import pytest
from book_checks import check_everything, check_message

from tradekernel.feed.generator import session
from tradekernel.feed.itch import encode
from tradekernel.feed.reference_book import Capacity, ReferenceBooks
from tradekernel.hosted_books import HostedBooks, market_day_capacity
from tradekernel.hosted_lib import library


def add(ref: int, locate: int = 3, side: str = "B", shares: int = 100, price: int = 100_0000,
        code: str = "A") -> bytes:  # fmt: skip
    return encode(code, stock_locate=locate, order_reference_number=ref, buy_sell_indicator=side,
                  shares=shares, stock="TK", price=price)  # fmt: skip


def delete(ref: int, locate: int = 3) -> bytes:
    return encode("D", stock_locate=locate, order_reference_number=ref)


def execute(ref: int, shares: int) -> bytes:
    return encode("E", stock_locate=3, order_reference_number=ref, executed_shares=shares)


def cancel(ref: int, shares: int) -> bytes:
    return encode("X", stock_locate=3, order_reference_number=ref, cancelled_shares=shares)


def replace(ref: int, new: int, shares: int, price: int) -> bytes:
    return encode("U", stock_locate=3, original_order_reference_number=ref,
                  new_order_reference_number=new, shares=shares, price=price)  # fmt: skip


@pytest.mark.parametrize(("seed", "messages"), [(1, 100_000), (2, 30_000)])
def test_books_match_the_reference_after_every_message(seed: int, messages: int):
    with HostedBooks() as kernel:
        reference = ReferenceBooks()
        for count, message in enumerate(session(seed, messages), start=1):
            check_message(kernel, reference, message, f"message {count}: {message!r}")
        check_everything(kernel, reference)


def test_partial_execution_cancel_replace_delete_exactly():
    with HostedBooks() as kernel:
        for m in (add(10, shares=500), add(11, shares=200)):
            assert kernel.apply(m) == 3
        assert kernel.depth(3, "B", 5) == [(100_0000, 700, 2)]
        kernel.apply(execute(10, 120))
        kernel.apply(cancel(10, 80))
        assert kernel.depth(3, "B", 5) == [(100_0000, 500, 2)]
        kernel.apply(replace(10, 12, 50, 100_0100))
        assert kernel.depth(3, "B", 5) == [(100_0100, 50, 1), (100_0000, 200, 1)]
        kernel.apply(delete(11))
        assert kernel.depth(3, "B", 5) == [(100_0100, 50, 1)]
        assert kernel.apply(delete(999)) == -1
        assert kernel.apply(b"A" + bytes(10)) == -2  # wrong length: rejected by the ITCH layer
        assert kernel.counters()["unknown_order"] == 1


def test_checksum_tells_books_apart():
    with HostedBooks() as a, HostedBooks() as b:
        empty = a.checksum()
        assert empty == ReferenceBooks().checksum()
        for books in (a, b):
            books.apply(add(1, price=10_0000))
        assert a.checksum() == b.checksum() != empty
        b.apply(cancel(1, 1))
        assert a.checksum() != b.checksum()


def test_a_book_thousands_of_levels_deep_keeps_every_level_and_its_top():
    """The old engine kept 256 levels a side: past that the worst fell off
    while its orders stayed, and removing one of them made a phantom level
    of about 2^64 shares that could become the best. Here 3,000 levels a side
    are built in an order that inserts in the middle, then the orders of the
    worst levels are executed, cancelled and deleted."""
    with HostedBooks() as kernel:
        reference = ReferenceBooks()
        messages = []
        ref = 1
        for i in range(3_000):
            k = (i * 1_237) % 3_000  # every price once, in scattered order
            messages.append(add(ref, side="B", price=50_0000 - k * 100))
            messages.append(add(ref + 1, side="S", price=50_0100 + k * 100))
            ref += 2
        for r in range(1, 600, 2):  # orders of scattered levels leave in three ways
            messages.append(delete(r))
            messages.append(execute(r + 1, 100))
        for r in range(601, 1200, 2):
            messages.append(
                encode("X", stock_locate=3, order_reference_number=r, cancelled_shares=40)
            )
        for i, m in enumerate(messages):
            check_message(kernel, reference, m, f"message {i}")
        check_everything(kernel, reference)
        bids = kernel.depth(3, "B", 10_000)
        assert len(bids) > 2_500
        assert all(shares <= 100 * orders for _, shares, orders in bids)
        assert kernel.state(3) == (True, 0, False)


def test_every_stock_locate_has_its_own_book():
    """All 65,536 locates at once, each with its own order at its own price;
    then every order leaves again."""
    with HostedBooks() as kernel:
        reference = ReferenceBooks()
        for locate in range(65_536):
            check_message(kernel, reference, add(locate, locate=locate, price=(locate + 1) * 100),
                          f"add on locate {locate}")  # fmt: skip
        check_everything(kernel, reference)
        assert kernel.figures()["live_orders"] == 65_536
        assert kernel.depth(65_535, "B", 2) == [(65_536 * 100, 100, 1)]
        assert kernel.depth(16_384, "B", 2) == [(16_385 * 100, 100, 1)]
        for locate in range(65_536):
            check_message(kernel, reference, delete(locate, locate), f"delete on locate {locate}")
        check_everything(kernel, reference)
        assert kernel.counters()["applied"] == 2 * 65_536 and kernel.figures()["live_levels"] == 0


# Each case of the policy: the messages, then the counter it must raise and
# what becomes of the book at locate 3 (trusted, orphans, lost).
POLICY = {
    "zero shares: rejected, still trusted": (
        [add(1, shares=0)], "zero_shares", (True, 0, False)),
    "zero price: rejected, still trusted": (
        [add(1, price=0)], "zero_price", (True, 0, False)),
    "unknown side: an orphan until it leaves": (
        [add(1, side="Z")], "bad_side", (False, 1, False)),
    "a space for a side is an unknown side too": (
        [add(1, side=" ")], "bad_side", (False, 1, False)),
    "a byte above ASCII for a side, too": (
        [add(1)[:19] + b"\x80" + add(1)[20:]], "bad_side", (False, 1, False)),
    "an orphan replaced by an orphan: untrusted, trusted, untrusted in one message": (
        [add(1, side="Z"), replace(1, 2, 10, 5)], "bad_side", (False, 1, False)),
    "unknown side, then deleted: trusted again": (
        [add(1, side="Z"), delete(1)], "bad_side", (True, 0, False)),
    "duplicate live reference: lost": (
        [add(1), add(1, price=99_0000)], "duplicate_order", (False, 0, True)),
    "replace onto a live reference: lost, the original gone": (
        [add(1), add(2), replace(1, 2, 10, 1)], "duplicate_order", (False, 0, True)),
    "replace with zero shares: the original gone, still trusted": (
        [add(1), replace(1, 2, 0, 100_0000)], "zero_shares", (True, 0, False)),
    "execution beyond the order's shares: removed, lost": (
        [add(1), execute(1, 101)], "over_execution", (False, 0, True)),
    "cancel beyond the order's shares: removed, lost": (
        [add(1), cancel(1, 500)], "over_execution", (False, 0, True)),
    "locate differs from the order's: not applied, the order an orphan": (
        [add(1), delete(1, locate=4)], "locate_mismatch", (False, 1, False)),
    "locate differs, then the order leaves under its own: trusted again": (
        [add(1), delete(1, locate=4), delete(1)], "locate_mismatch", (True, 0, False)),
    "execution of zero shares: nothing applied, still trusted": (
        [add(1), execute(1, 0)], "zero_shares", (True, 0, False)),
    "replace onto its own reference: the original leaves first, so it is new": (
        [add(1), replace(1, 1, 10, 99_0000)], "applied", (True, 0, False)),
    "reference 0 is a reference like any other": (
        [add(0), cancel(0, 30)], "applied", (True, 0, False)),
}  # fmt: skip


@pytest.mark.parametrize("case", POLICY)
def test_policy_for_input_the_specification_does_not_cover(case: str):
    messages, counter, state = POLICY[case]
    with HostedBooks() as kernel:
        reference = ReferenceBooks()
        for i, m in enumerate(messages):
            check_message(kernel, reference, m, f"{case}: message {i}")
        check_everything(kernel, reference)
        assert kernel.counters()[counter] >= 1
        assert kernel.state(3) == state
        for side in "BS":
            for _, shares, orders in kernel.depth(3, side, 100):
                assert orders > 0 and 0 < shares <= 2**32 * orders


def test_no_free_level_makes_an_orphan_and_trust_returns_when_it_leaves():
    with HostedBooks(Capacity(orders=100, levels=2)) as kernel:
        reference = ReferenceBooks(Capacity(orders=100, levels=2))
        messages = [add(1, price=10_0000), add(2, price=9_0000), add(3, price=8_0000),
                    add(4, price=10_0000), delete(3)]  # fmt: skip
        for i, m in enumerate(messages):
            check_message(kernel, reference, m, f"message {i}")
            if i == 2:
                assert kernel.state(3) == (False, 1, False)
                assert kernel.depth(3, "B", 5) == [(10_0000, 100, 1), (9_0000, 100, 1)]
        assert kernel.state(3) == (True, 0, False)
        assert kernel.counters()["levels_full"] == 1 and kernel.counters()["recovered"] == 1


def test_a_full_order_table_loses_the_book_for_the_session():
    with HostedBooks(Capacity(orders=3, levels=100)) as kernel:
        reference = ReferenceBooks(Capacity(orders=3, levels=100))
        messages = [add(1), add(2, locate=4), add(3), add(4), delete(1), add(5)]
        for i, m in enumerate(messages):
            check_message(kernel, reference, m, f"message {i}")
        check_everything(kernel, reference)
        assert kernel.counters()["table_full"] == 1
        assert kernel.state(3) == (False, 0, True) and kernel.state(4) == (True, 0, False)


@pytest.mark.parametrize(
    ("orders", "levels", "overflows"),
    [(400, 50, "levels_full"), (2_000, 20, "levels_full"), (150, 1_000, "table_full")],
)
def test_sessions_that_overflow_each_capacity_match_the_reference(
    orders: int, levels: int, overflows: str
):
    capacity = Capacity(orders, levels)
    with HostedBooks(capacity) as kernel:
        reference = ReferenceBooks(capacity)
        for count, message in enumerate(session(7, 20_000), start=1):
            check_message(kernel, reference, message, f"message {count}")
        check_everything(kernel, reference)
        assert kernel.counters()[overflows] > 0, f"the session must overflow: {overflows}"
        assert kernel.figures()["peak_orders"] <= orders
        assert kernel.figures()["peak_levels"] <= levels


def test_a_capacity_beyond_what_32_bit_indexes_hold_is_refused():
    with pytest.raises(ValueError):
        HostedBooks(Capacity(orders=1_800_000_000, levels=4))
    market_day_capacity()  # declares the C ABI's types
    assert library().tk_book_create(2**31, 4, 65_536) is None  # the C ABI refuses it too
    assert library().tk_book_create(100, 4, 0) is None  # and books for no locate
    assert library().tk_book_create(100, 4, 65_537) is None


def test_books_for_fewer_locates_refuse_the_rest_and_count_them():
    capacity = Capacity(orders=1_000, levels=500, locates=4)
    with HostedBooks(capacity) as kernel:
        reference = ReferenceBooks(capacity)
        messages = [add(1, locate=3), add(2, locate=4), add(3, locate=65_535), delete(1, locate=3),
                    delete(2, locate=4), add(4, locate=0)]  # fmt: skip
        for i, m in enumerate(messages):
            check_message(kernel, reference, m, f"message {i}")
        check_everything(kernel, reference)
        assert kernel.counters()["locate_out_of_range"] == 3
        assert kernel.depth(4, "B", 10) == [] and kernel.state(4)[0] is False  # no book: untrusted
        # A session on three symbols fits books for four locates, message for message.
        for count, message in enumerate(session(3, 5_000, symbols=3), start=1):
            check_message(kernel, reference, message, f"session message {count}")
        check_everything(kernel, reference)


def test_the_python_side_sees_the_capacity_the_kernel_ships():
    capacity = market_day_capacity()
    assert capacity.orders >= 5_300_000, "the busiest published day peaked at 5.27 million"
    with HostedBooks() as kernel:
        assert kernel.capacity == capacity
