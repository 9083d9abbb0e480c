"""Boot the kernel on each boot path (own BIOS loader, qemu -kernel with
Multiboot 1, GRUB with Multiboot 2) in test mode, and check what a user sees:
the banner, the loader, the memory map, the clock, and each in-kernel test."""

import pytest

from tradekernel import paths, qemu
from tradekernel.exit_codes import Outcome
from tradekernel.kernel_tests import pc_test_names
from tradekernel.qemu import BootMethod, RunResult

KERNEL_TESTS = pc_test_names(paths.KERNEL_ELF)
LOADER = {"disk": "bios", "kernel": "multiboot1", "iso": "multiboot2"}


def method_of(result: RunResult) -> str:
    return next(m.value for m in BootMethod if str(m.artifact) in " ".join(result.command))


def test_boot_ends_with_all_kernel_tests_passed(test_boot: RunResult):
    assert test_boot.outcome is Outcome.PASSED, test_boot.describe()
    done = test_boot.of_kind("tests-done")
    assert len(done) == 1, test_boot.describe()
    assert done[0].int("failed") == 0
    assert done[0].int("passed") == len(KERNEL_TESTS)


def test_banner_and_loader(test_boot: RunResult):
    assert "TradeKernel 0.1.0 (x86_64, pc)" in test_boot.lines
    (boot,) = test_boot.of_kind("boot")
    assert boot["loader"] == LOADER[method_of(test_boot)]
    assert boot.int("symbols") > 20


def test_memory_map(test_boot: RunResult):
    regions = test_boot.of_kind("mmap")
    (summary,) = test_boot.of_kind("mmap-summary")
    assert summary.int("regions") == len(regions) >= 3
    usable = sum(r.int("length") for r in regions if r["type"] == "usable")
    assert usable == summary.int("usable-bytes")
    memory = qemu.QemuConfig().memory_mb << 20  # what QEMU was given
    assert memory - (28 << 20) < usable < memory
    kernel = [r.int("base") for r in regions if r["type"] == "kernel"]
    assert kernel == [0x8000, 0x100000]  # AP trampoline page, kernel image
    # Printed for people too, one line per region.
    assert sum(" usable " in line for line in test_boot.lines) >= 2


def test_tsc_frequency_printed(test_boot: RunResult):
    (tsc,) = test_boot.of_kind("tsc")
    assert 100e6 < tsc.int("hz") < 10e9
    assert any("tsc:" in line and "MHz" in line for line in test_boot.lines)


def test_frame_allocator_manages_usable_memory(test_boot: RunResult):
    (frames,) = test_boot.of_kind("frames")
    (summary,) = test_boot.of_kind("mmap-summary")
    # Every whole usable 4 KiB frame but frame 0 (the failure value) is managed;
    # the frame bitmaps were carved out of usable memory before the map was printed.
    usable_regions = [r for r in test_boot.of_kind("mmap") if r["type"] == "usable"]
    unmanaged = summary.int("usable-bytes") - frames.int("total") * 4096
    assert 0 <= unmanaged <= 4096 * (1 + len(usable_regions))
    assert frames.int("free") == frames.int("total")
    (acpi,) = test_boot.of_kind("acpi")
    assert acpi["present"] == "1"


def test_kernel_test_names_found():
    assert len(KERNEL_TESTS) >= 20
    assert "paging.every_stack_has_an_unmapped_guard_page" in KERNEL_TESTS


@pytest.mark.parametrize("name", KERNEL_TESTS)
def test_kernel(test_boot: RunResult, name: str):
    results = {r["name"]: r["result"] for r in test_boot.of_kind("test")}
    begun = [r["name"] for r in test_boot.of_kind("test-begin")]
    if name not in results:
        reason = "the kernel stopped during this test" if begun[-1:] == [name] else "never ran"
        pytest.fail(f"{name}: {reason}\n{test_boot.describe()}")
    failures = [r.fields for r in test_boot.of_kind("check-failed") if r["name"] == name]
    assert results[name] == "pass", failures
