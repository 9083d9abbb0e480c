"""Checks of the kernel's order books (through the hosted C ABI) against the
Python reference, shared by the order-book and market-day tests."""

from __future__ import annotations

from tradekernel.feed.reference_book import ReferenceBooks
from tradekernel.hosted_books import HostedBooks


def check_message(
    kernel: HostedBooks, reference: ReferenceBooks, message: bytes, where: str
) -> None:
    """One message into both; what it changed and the touched book's top must agree."""
    touched = reference.apply(message)
    assert kernel.apply(message) == (-1 if touched is None else touched), where
    levels, status = kernel.last_change()
    assert levels == reference.change.levels, where
    assert status == reference.change.status, where
    for locate in {touched, *(loc for loc, _ in status)} - {None}:
        for side in "BS":
            best = kernel.depth(locate, side, 1)
            assert best == (
                [reference.best(locate, side)] if reference.best(locate, side) else []
            ), where
        trust = reference.trust.get(locate)
        assert kernel.state(locate) == (
            (True, 0, False) if trust is None else (trust.trusted, trust.orphans, trust.lost)
        ), where


def check_everything(kernel: HostedBooks, reference: ReferenceBooks) -> None:
    for locate, side in reference.levels:
        assert kernel.depth(locate, side, 100_000) == reference.depth(locate, side, 100_000)
    assert kernel.checksum() == reference.checksum()
    assert kernel.counters() == reference.counters
    assert kernel.figures()["live_orders"] == len(reference.orders)
    assert kernel.figures()["live_levels"] == reference.live_levels
    assert kernel.figures()["untrusted_books"] == reference.untrusted_books()
