"""`make perf` (tradekernel/perf.py): the fast path's instructions
attributed to functions and call stacks, and the hosted counters' report."""

from __future__ import annotations

from collections import Counter

import pytest

from tradekernel import paths, perf


class FakeSymbols(perf.Symbols):
    """Three functions: a at 0x100, b at 0x200, c at 0x300, 0x100 bytes each."""

    def __init__(self, mnemonic: dict[int, str]) -> None:
        self.mnemonic = mnemonic

    def function(self, address: int) -> str:
        return {1: "a", 2: "b", 3: "c"}.get(address >> 8, hex(address))


def test_calls_returns_and_tail_calls_build_the_stacks() -> None:
    # a calls b; b tail-calls (jmp) c; c returns to a; a runs on.
    trace = [0x100, 0x104, 0x200, 0x204, 0x300, 0x304, 0x108]
    ops = {0x104: "call", 0x204: "jmp", 0x304: "ret"}
    profile = perf.attribute([trace, trace], FakeSymbols(ops))
    assert profile.calls == 2 and profile.per_call == [7, 7]
    assert profile.self_counts == Counter({"a": 6, "b": 4, "c": 4})
    assert profile.stacks == Counter({"a": 6, "a;b": 4, "a;c": 4})
    assert profile.inclusive["a"] == 14 and profile.inclusive["c"] == 4


def test_the_flame_graph_has_a_frame_per_stack_as_wide_as_its_share() -> None:
    svg = perf.flame_svg(Counter({"a": 6, "a;b": 4, "a;c": 2}), "t<itle>", width=1200)
    assert svg.count("<rect") == 3
    assert 'width="1200.00"' in svg and 'width="400.00"' in svg and 'width="200.00"' in svg
    assert "t&lt;itle&gt;" in svg


def test_hosted_counters_are_reported_or_their_absence_explained() -> None:
    lines = perf.hosted_counters()
    text = "\n".join(lines)
    assert "| instructions |" in text or "exposes no hardware performance counters" in text, text


@pytest.mark.qemu
def test_every_traced_instruction_of_the_kernel_fast_path_has_its_function() -> None:
    symbols = perf.Symbols(paths.KERNEL_ELF)
    traces = perf.trace_kernel(symbols, calls=2)
    profile = perf.attribute(traces, symbols)
    assert profile.calls == 2
    assert all(100 < n < 10_000 for n in profile.per_call), profile.per_call
    assert all(stack.split(";")[0] == perf.ENTRY for stack in profile.stacks)
    assert not [name for name in profile.self_counts if name.startswith("0x")]
    assert profile.inclusive[perf.ENTRY] == profile.total
