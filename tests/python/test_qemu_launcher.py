from pathlib import Path

import pytest

from tradekernel import qemu
from tradekernel.exit_codes import Outcome
from tradekernel.qemu import BootMethod, QemuConfig, build_command
from tradekernel.tools import ToolMissing


def test_command_uses_tcg_debug_exit_and_fw_cfg():
    cmd = build_command(QemuConfig(cmdline="mode=test a=1,2"), Path("/tmp/q.sock"))
    assert "pc,accel=tcg" in cmd
    assert "isa-debug-exit,iobase=0xf4,iosize=0x04" in cmd
    assert "name=opt/tradekernel/cmdline,string=mode=test a=1,,2" in cmd
    assert "-icount" not in cmd
    assert "-no-reboot" in cmd


def test_icount_and_gdb_options():
    cmd = build_command(QemuConfig(icount=True, gdb_port=4000), Path("/tmp/q.sock"))
    assert cmd[cmd.index("-icount") + 1] == "shift=0,sleep=off"
    assert "tcp:127.0.0.1:4000" in cmd
    assert "-S" in cmd


def test_missing_qemu_names_the_package(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolMissing, match="qemu-system-x86"):
        build_command(QemuConfig(), Path("/tmp/q.sock"))


def test_timeout_kills_qemu_and_reports_what_it_saw():
    result = qemu.run(QemuConfig(boot=BootMethod.KERNEL, cmdline="mode=idle", timeout=3))
    assert result.outcome is Outcome.TIMEOUT
    assert 2.5 < result.elapsed < 20
    assert "TradeKernel 0.1.0 (x86_64, pc)" in result.lines
    assert result.of_kind("ready")
    assert result.registers and "RIP=ffffffff8" in result.registers  # halted in the kernel
    report = result.describe()
    assert "timeout" in report and "CPU registers when stopped" in report


def test_icount_boot_is_deterministic_in_instructions():
    """With -icount the TSC counts instructions: the calibrated frequency is
    1 GHz exactly, whatever the host is doing."""
    result = qemu.run(QemuConfig(boot=BootMethod.KERNEL, icount=True))
    assert result.outcome is Outcome.PASSED, result.describe()
    (tsc,) = result.of_kind("tsc")
    assert abs(tsc.int("hz") - 1_000_000_000) < 1_000_000
