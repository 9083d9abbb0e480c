"""Boot the kernel on each boot path (own BIOS loader, qemu -kernel with
Multiboot 1, GRUB with Multiboot 2 under SeaBIOS and under UEFI; q35 and pc)
in test mode, and check what a user sees: the banner, the loader and
firmware, the memory map, ACPI, PCI, the clock, and each in-kernel test."""

import pytest
from conftest import BootedKernel

from tradekernel import build, paths, qemu
from tradekernel.exit_codes import Outcome
from tradekernel.kernel_tests import pc_test_names
from tradekernel.qemu import BootMethod, Firmware, Machine

build.ensure(build.KERNEL)  # the items below are named from the kernel's test table
KERNEL_TESTS = pc_test_names(paths.KERNEL_ELF)
LOADER = {
    BootMethod.DISK: "bios",
    BootMethod.KERNEL: "multiboot1",
    BootMethod.ISO: "multiboot2",
}


def test_boot_ends_with_all_kernel_tests_passed(test_boot: BootedKernel):
    run = test_boot.result
    assert run.outcome is Outcome.PASSED, run.describe()
    done = run.of_kind("tests-done")
    assert len(done) == 1, run.describe()
    assert done[0].int("failed") == 0
    assert done[0].int("passed") == len(KERNEL_TESTS)


def test_banner_loader_and_firmware(test_boot: BootedKernel):
    run, path = test_boot.result, test_boot.path
    assert "TradeKernel 0.1.0 (x86_64, pc)" in run.lines
    (boot,) = run.of_kind("boot")
    assert boot["loader"] == LOADER[path.method]
    assert boot.int("symbols") > 20
    assert boot["firmware"] == path.firmware.value
    if path.firmware is Firmware.UEFI:
        # GRUB passes the EFI memory map beside its own; the kernel reads both.
        assert boot["memory-map"] == "multiboot2"
        assert boot.int("efi-descriptors") > 10
    else:
        assert boot.int("efi-descriptors") == 0


def test_acpi_found_through_the_loader_or_the_bios_area(test_boot: BootedKernel):
    run, path = test_boot.result, test_boot.path
    (acpi,) = run.of_kind("acpi")
    assert acpi["present"] == "1", run.describe()
    # GRUB copies the RSDP into its Multiboot 2 information; under UEFI that
    # is the only way the kernel may find it.
    expected = "loader" if path.method is BootMethod.ISO else "bios-scan"
    assert acpi["rsdp-source"] == expected


def test_pci_configuration_through_ecam_on_q35_and_ports_on_pc(test_boot: BootedKernel):
    run, path = test_boot.result, test_boot.path
    (config,) = run.of_kind("pci-config")
    if path.machine is Machine.Q35:
        # q35's MCFG: one 256 MiB window at 0xB0000000 for buses 0-255.
        assert (config["mechanism"], config.int("windows"), config["buses"]) == ("ecam", 1, "0-255")
        (window,) = run.of_kind("pci-ecam")
        assert (window["base"], window["buses"]) == ("0xb0000000", "0-255")
    else:
        assert (config["mechanism"], config.int("windows")) == ("ports", 0)
        assert run.of_kind("pci-ecam") == []
    # pci.ecam_reads_equal_port_reads_on_every_function checks ECAM's reads.


def test_memory_map(test_boot: BootedKernel):
    run = test_boot.result
    regions = run.of_kind("mmap")
    (summary,) = run.of_kind("mmap-summary")
    assert summary.int("regions") == len(regions) >= 3
    usable = sum(r.int("length") for r in regions if r["type"] == "usable")
    assert usable == summary.int("usable-bytes")
    memory = qemu.QemuConfig().memory_mb << 20  # what QEMU was given
    assert memory - (28 << 20) < usable < memory
    kernel = [r.int("base") for r in regions if r["type"] == "kernel"]
    assert kernel == [0x8000, 0x100000]  # AP trampoline page, kernel image
    # Printed for people too, one line per region.
    assert sum(" usable " in line for line in run.lines) >= 2


def test_tsc_frequency_printed(test_boot: BootedKernel):
    run = test_boot.result
    (tsc,) = run.of_kind("tsc")
    assert 100e6 < tsc.int("hz") < 10e9
    assert any("tsc:" in line and "MHz" in line for line in run.lines)


def test_frame_allocator_manages_usable_memory(test_boot: BootedKernel):
    run = test_boot.result
    (frames,) = run.of_kind("frames")
    (summary,) = run.of_kind("mmap-summary")
    # Every whole usable 4 KiB frame but frame 0 (the failure value) is managed;
    # the frame bitmaps were carved out of usable memory before the map was printed.
    usable_regions = [r for r in run.of_kind("mmap") if r["type"] == "usable"]
    unmanaged = summary.int("usable-bytes") - frames.int("total") * 4096
    assert 0 <= unmanaged <= 4096 * (1 + len(usable_regions))
    assert frames.int("free") == frames.int("total")


def test_kernel_test_names_found():
    assert len(KERNEL_TESTS) >= 20
    assert "paging.every_stack_has_an_unmapped_guard_page" in KERNEL_TESTS


@pytest.mark.parametrize("name", KERNEL_TESTS)
def test_kernel(test_boot: BootedKernel, name: str):
    run = test_boot.result
    results = {r["name"]: r["result"] for r in run.of_kind("test")}
    begun = [r["name"] for r in run.of_kind("test-begin")]
    if name not in results:
        reason = "the kernel stopped during this test" if begun[-1:] == [name] else "never ran"
        pytest.fail(f"{name}: {reason}\n{run.describe()}")
    failures = [r.fields for r in run.of_kind("check-failed") if r["name"] == name]
    assert results[name] == "pass", failures
