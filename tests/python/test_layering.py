"""The layers hold: dependencies point down (docs/architecture.md). Each
rule names the directory whose #includes it checks and the directories it
must not reach; a file that breaks one fails with its path and line."""

import re
from pathlib import Path

import pytest

from tradekernel import paths

INCLUDE = re.compile(r'^\s*#\s*include\s+["<]([^">]+)[">]', re.MULTILINE)
SOURCES = ("*.h", "*.cpp")

# (directory, top-level directories its includes must not name)
RULES = [
    ("include", ("arch", "drivers", "platform", "kernel", "tests", "bench", "tradekernel")),
    ("kernel", ("arch", "drivers", "platform", "tests", "bench")),
    # arch uses the core's services (kernel/lib, log, prof), nothing else of it
    (
        "arch",
        (
            "drivers",
            "platform",
            "tests",
            "bench",
            "kernel/trade",
            "kernel/feed",
            "kernel/book",
            "kernel/net",
            "kernel/sched",
            "kernel/mem",
        ),
    ),
    ("drivers", ("platform", "tests", "bench")),
    ("platform", ("tests", "bench")),
]


def includes(directory: str) -> list[tuple[Path, int, str]]:
    """(file, line, included path from the repository root) for every include
    of a project file, however written: "..." or <...>, from the root or
    relative to the including file ("../../platform/pc/x.h")."""
    found = []
    for pattern in SOURCES:
        for path in sorted((paths.ROOT / directory).rglob(pattern)):
            text = path.read_text()
            for m in INCLUDE.finditer(text):
                name = m.group(1)
                relative = (path.parent / name).resolve()
                if relative.exists() and paths.ROOT in relative.parents:
                    name = str(relative.relative_to(paths.ROOT))
                elif (paths.ROOT / "include" / name).exists():  # -Iinclude
                    name = f"include/{name}"
                elif not (paths.ROOT / name).exists():
                    continue  # a system header
                found.append((path, text.count("\n", 0, m.start()) + 1, name))
    return found


def reaches(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f + "/") for f in forbidden)


@pytest.mark.parametrize(("directory", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_includes_point_down(directory: str, forbidden: tuple[str, ...]):
    seen = includes(directory)
    assert seen, f"no #include found under {directory}/: the rule checks nothing"
    broken = [
        f"{path.relative_to(paths.ROOT)}:{line}: {name}"
        for path, line, name in seen
        if reaches(name, forbidden)
    ]
    assert broken == []


# Instructions only ring 0 may run (SDM Vol. 3A, 2.8 and 6.9 for IOPL):
# interrupt flag, halt, MSRs, descriptor tables, control registers, TLB,
# port I/O.
PRIVILEGED = re.compile(
    r"\b(cli|sti|hlt|wrmsr|rdmsr|lgdt|lidt|lldt|ltr|invlpg|invd|wbinvd|swapgs|clts|lmsw|xsetbv|"
    r"sysret[lq]?|iret[lq]?|in[bwl]?|out[bwl]?|ins[bwl]|outs[bwl])\b|%%?[cd]r\d"
)
# An asm statement up to its `;`, reading string literals whole (a `;` in
# "cli; hlt" does not end it).
ASM = re.compile(r'\b(?:__)?asm(?:__)?\b((?:"(?:[^"\\]|\\.)*"|[^;"])*)', re.DOTALL)
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)(.*)$", re.MULTILINE)


def privileged_asm(text: str) -> list[str]:
    """The privileged instructions in `text`'s asm: statements over any
    number of lines, macros that contain asm, and string macros an asm
    statement names."""
    text = text.replace("\\\n", " ")  # a macro continued over lines is one line
    macros = {m.group(1): m.group(2) for m in DEFINE.finditer(text)}
    code = DEFINE.sub("", text)
    pieces = [body for body in macros.values() if re.search(r"\b(?:__)?asm(?:__)?\b", body)]
    for statement in ASM.finditer(code):
        pieces.append(statement.group(1))
        pieces += [macros[w] for w in re.findall(r"\w+", statement.group(1)) if w in macros]
    found = []
    for piece in pieces:
        found += [m.group(0) for m in PRIVILEGED.finditer(" ".join(LITERAL.findall(piece)))]
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
    macro = '#define HALT() \\\n    asm volatile("hlt")\nvoid f() { HALT(); }'
    assert privileged_asm(macro) == ["hlt"]
    named = '#define WB "wbinvd"\nvoid f() { asm volatile(WB); }'
    assert privileged_asm(named) == ["wbinvd"]
    assert privileged_asm('asm volatile("xsetbv" :: "c"(0));') == ["xsetbv"]


def test_an_include_by_any_spelling_is_seen(tmp_path: Path):
    """Relative and <...> includes of project files count (found by the
    helper the rules use), so neither escapes a rule."""
    probe = paths.ROOT / "kernel" / "lib" / "_layering_probe.h"
    probe.write_text('#include "../../platform/pc/memory.h"\n#include <arch/x86_64/port_io.h>\n')
    try:
        names = [name for path, _, name in includes("kernel") if path == probe]
    finally:
        probe.unlink()
    assert names == ["platform/pc/memory.h", "arch/x86_64/port_io.h"]
