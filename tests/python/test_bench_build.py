"""The hosted benchmark measures the core as the kernel compiles it: no
function of the core in build/bench/tk_bench uses an SSE or AVX register
(the kernel is built with -mgeneral-regs-only), while the harness around it
may (it computes statistics in floating point)."""

import re
import subprocess

import pytest

from tradekernel import build, paths
from tradekernel.tools import require

BENCH = paths.BUILD / "bench" / "tk_bench"
CORE = (
    "tk::book::",
    "tk::trade::",
    "tk::mold::",
    "tk::net::",
    "tk::itch::",
    "tk::mem::",
    "tk::ouch::",
)


@pytest.fixture(scope="module")
def functions() -> dict[str, list[str]]:
    build.ensure(("bench-bin",))
    text = subprocess.run([require("objdump"), "-d", "--no-show-raw-insn", "-C", str(BENCH)],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    found: dict[str, list[str]] = {}
    name = None
    for line in text.splitlines():
        if m := re.match(r"^[0-9a-f]+ <(.+)>:$", line):
            name = m.group(1)
            found[name] = []
        elif name and line.strip():
            found[name].append(line)
    return found


def test_no_function_of_the_core_uses_a_vector_register(functions):
    core = {n: body for n, body in functions.items() if n.startswith(CORE)}
    # Link-time optimisation inlines most of the core into a few functions;
    # these remain and carry the hot path.
    assert any(n.startswith("tk::book::Books::apply(") for n in core), "the test checks nothing"
    assert len(core) >= 15
    vector = [n for n, body in core.items() if any(re.search(r"%[xyz]mm\d", i) for i in body)]
    assert vector == []


def test_the_harness_does_use_them_so_the_check_can_see_them(functions):
    harness = [n for n, body in functions.items() if not n.startswith(CORE)
               and any(re.search(r"%xmm\d", i) for i in body)]  # fmt: skip
    assert harness
