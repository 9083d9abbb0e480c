"""Shared fixtures. What the tests need is built before they run: the hosted
core always, the kernel and its images only when a selected test boots QEMU
(marked `qemu`), or when a module that names its tests from the kernel is
collected (test_kernel_boot.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tradekernel import build, qemu

# Modules whose tests boot the kernel under QEMU: each gets the `qemu` marker.
QEMU_MODULES = {
    "test_debug", "test_faults", "test_hostile_trade", "test_kernel_boot", "test_loss_sweep",
    "test_net_e2e", "test_numa_boot", "test_qemu_launcher", "test_release", "test_smp_boot",
    "test_trade_e2e", "test_trade_session", "test_linux_guest", "test_perf",
    "test_strategy_kernel",
}  # fmt: skip
# Modules that read the built kernel without booting it.
KERNEL_MODULES = {"test_symtab"}


def pytest_configure(config: pytest.Config) -> None:
    try:
        build.ensure(build.HOSTED)
    except build.BuildFailed as failed:
        raise pytest.UsageError(str(failed)) from failed


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With -m "not qemu", the QEMU modules are not even imported: one of them
    names its items from the built kernel, which would be built for nothing."""
    if config.getoption("markexpr", "").replace(" ", "") == "notqemu":
        return collection_path.stem in QEMU_MODULES or None
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__ in QEMU_MODULES:
            item.add_marker(pytest.mark.qemu)


def pytest_collection_finish(session: pytest.Session) -> None:
    """After -m and -k have chosen: the kernel, images and benchmarks are
    built only if a chosen test needs them."""
    needs_kernel = any(
        item.get_closest_marker("qemu")
        or (item.module is not None and item.module.__name__ in KERNEL_MODULES)
        for item in session.items
    )
    if needs_kernel:
        try:
            build.ensure(build.KERNEL)
        except build.BuildFailed as failed:
            raise pytest.UsageError(str(failed)) from failed


def boot(method: qemu.BootMethod, cmdline: str, timeout: float = 30) -> qemu.RunResult:
    return qemu.run(qemu.QemuConfig(boot=method, cmdline=cmdline, timeout=timeout))


@dataclass(frozen=True)
class BootPath:
    """An image, the machine it boots on and the firmware that starts it."""

    method: qemu.BootMethod
    machine: qemu.Machine = qemu.Machine.Q35
    firmware: qemu.Firmware = qemu.Firmware.BIOS

    @property
    def id(self) -> str:
        return f"{self.method.value}-{self.machine.value}-{self.firmware.value}"

    def config(self, **kwargs: Any) -> qemu.QemuConfig:
        return qemu.QemuConfig(
            boot=self.method, machine=self.machine, firmware=self.firmware, **kwargs
        )


# Every image on q35 (the default) under SeaBIOS, the GRUB image under OVMF,
# and the BIOS paths again on the i440FX machine.
BOOT_PATHS = [
    BootPath(qemu.BootMethod.DISK),
    BootPath(qemu.BootMethod.KERNEL),
    BootPath(qemu.BootMethod.ISO),
    BootPath(qemu.BootMethod.ISO, firmware=qemu.Firmware.UEFI),
    BootPath(qemu.BootMethod.DISK, qemu.Machine.PC),
    BootPath(qemu.BootMethod.KERNEL, qemu.Machine.PC),
    BootPath(qemu.BootMethod.ISO, qemu.Machine.PC),
]


@dataclass
class BootedKernel:
    path: BootPath
    result: qemu.RunResult


@pytest.fixture(scope="session", params=BOOT_PATHS, ids=lambda p: p.id)
def test_boot(request: pytest.FixtureRequest) -> BootedKernel:
    """One `mode=test` boot per boot path, shared by every item that reads it."""
    path: BootPath = request.param
    return BootedKernel(path, qemu.run(path.config(cmdline="mode=test", timeout=60)))
