"""Shared fixtures. The kernel, images and hosted core are built once, before
collection, because the kernel-test items are named from build/kernel.elf."""

from __future__ import annotations

import os
import subprocess

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


@pytest.fixture(scope="session", params=list(qemu.BootMethod), ids=lambda m: m.value)
def test_boot(request: pytest.FixtureRequest) -> qemu.RunResult:
    """One `mode=test` boot per boot path, shared by every item that reads it."""
    return boot(request.param, "mode=test")
