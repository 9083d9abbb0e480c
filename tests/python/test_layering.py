"""The layers hold: dependencies point down (docs/architecture.md). Each
rule names the directory whose #includes it checks and the directories it
must not reach; a file that breaks one fails with its path and line."""

import re
from pathlib import Path

import pytest

from tradekernel import paths

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
SOURCES = ("*.h", "*.cpp")

# (directory, top-level directories its includes must not name)
RULES = [
    ("include", ("arch", "drivers", "platform", "kernel", "tests", "bench", "tradekernel")),
    ("kernel", ("arch", "drivers", "platform", "tests", "bench")),
    ("arch", ("drivers", "platform", "tests", "bench")),
    ("drivers", ("platform", "tests", "bench")),
    ("platform", ("tests", "bench")),
]


def includes(directory: str) -> list[tuple[Path, int, str]]:
    found = []
    for pattern in SOURCES:
        for path in sorted((paths.ROOT / directory).rglob(pattern)):
            text = path.read_text()
            for m in INCLUDE.finditer(text):
                found.append((path, text.count("\n", 0, m.start()) + 1, m.group(1)))
    return found


@pytest.mark.parametrize(("directory", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_includes_point_down(directory: str, forbidden: tuple[str, ...]):
    seen = includes(directory)
    assert seen, f"no #include found under {directory}/: the rule checks nothing"
    broken = [
        f"{path.relative_to(paths.ROOT)}:{line}: {name}"
        for path, line, name in seen
        if name.split("/")[0] in forbidden
    ]
    assert broken == []


# Instructions only ring 0 may run (SDM Vol. 3A, 2.8 and 6.9 for IOPL):
# interrupt flag, halt, MSRs, descriptor tables, control registers, TLB,
# port I/O.
PRIVILEGED = re.compile(
    r"\b(cli|sti|hlt|wrmsr|rdmsr|lgdt|lidt|ltr|invlpg|in[bwl]?|out[bwl]?)\b|%%?cr\d"
)
# An asm statement, over as many lines as it takes, and its string literals.
ASM = re.compile(r"\b(?:__)?asm(?:__)?\b[^(;]*\((.*?)\)\s*;", re.DOTALL)
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def privileged_asm(text: str) -> list[str]:
    """The privileged instructions in `text`'s asm statements."""
    found = []
    for statement in ASM.finditer(text):
        code = " ".join(LITERAL.findall(statement.group(1)))
        found += [m.group(0) for m in PRIVILEGED.finditer(code)]
    return found


def test_only_arch_and_platform_pc_run_privileged_instructions():
    offenders = []
    for directory in ("include", "kernel", "drivers", "platform/hosted", "bench", "tests/kernel"):
        for pattern in SOURCES:
            for path in (paths.ROOT / directory).rglob(pattern):
                if found := privileged_asm(path.read_text()):
                    offenders.append(f"{path.relative_to(paths.ROOT)}: {', '.join(found)}")
    assert offenders == []


def test_the_privileged_instruction_check_sees_them_on_one_line_or_many():
    """The scan must find what arch/ really writes, and asm split over lines,
    or the test before it passes on nothing."""
    arch = " ".join(p.read_text() for p in (paths.ROOT / "arch" / "x86_64").glob("*.h"))
    assert {"cli", "hlt"} <= set(privileged_asm(arch))
    split = 'asm volatile(\n    "mov %0, %%cr3\\n"\n    "outb %%al, %%dx" :: "r"(x));'
    assert privileged_asm(split) == ["%%cr3", "outb"]
    assert privileged_asm('asm volatile("pause" ::: "memory"); // cli') == []
