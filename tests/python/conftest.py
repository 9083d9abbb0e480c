"""Shared fixtures. The kernel, images and hosted core are built once, before
collection, because the kernel-test items are named from build/kernel.elf."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from tradekernel import paths, qemu


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("TK_SKIP_BUILD"):
        return
    done = subprocess.run(
        ["make", "-s", "-C", str(paths.ROOT), "all", "iso", "bench-bin"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise pytest.UsageError(f"build failed:\n{done.stdout}\n{done.stderr}")


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
