from pathlib import Path

import pytest

from tradekernel import qemu
from tradekernel.exit_codes import Outcome
from tradekernel.guest_link import GuestLink
from tradekernel.qemu import BootMethod, Firmware, Machine, QemuConfig, build_command
from tradekernel.tools import ToolMissing


def test_command_uses_tcg_debug_exit_and_fw_cfg():
    cmd = build_command(QemuConfig(cmdline="mode=test a=1,2"), Path("/tmp/q.sock"))
    assert "q35,accel=tcg" in cmd  # the default machine
    assert "isa-debug-exit,iobase=0xf4,iosize=0x04" in cmd
    assert "name=opt/tradekernel/cmdline,string=mode=test a=1,,2" in cmd
    assert "-icount" not in cmd
    assert "-no-reboot" in cmd


def test_pc_machine_and_uefi_firmware(tmp_path: Path):
    assert "pc,accel=tcg" in build_command(QemuConfig(machine=Machine.PC), tmp_path / "q.sock")
    cmd = build_command(
        QemuConfig(boot=BootMethod.ISO, firmware=Firmware.UEFI), tmp_path / "q.sock"
    )
    flash = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "-drive" and "pflash" in cmd[i + 1]]
    assert flash == [
        "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
        f"if=pflash,format=raw,unit=1,file={tmp_path / 'OVMF_VARS.fd'}",
    ]
    # Each run writes to its own copy of the variable store.
    assert (tmp_path / "OVMF_VARS.fd").read_bytes() == qemu.OVMF_VARS.read_bytes()


def test_uefi_refuses_images_it_cannot_start(tmp_path: Path):
    for method in (BootMethod.DISK, BootMethod.KERNEL):
        with pytest.raises(ValueError, match="UEFI firmware boots the GRUB image only"):
            build_command(QemuConfig(boot=method, firmware=Firmware.UEFI), tmp_path / "q.sock")


def test_nic_sits_behind_a_pcie_root_port_on_q35_only():
    with GuestLink() as link:
        q35, pc = link.qemu_args(Machine.Q35), link.qemu_args(Machine.PC)
    assert "pcie-root-port,id=tkslot,chassis=1,slot=1" in q35
    assert any(a.startswith("virtio-net-pci,") and a.endswith(",bus=tkslot") for a in q35)
    assert not any("pcie" in a or "bus=" in a for a in pc)


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
    assert result.elapsed >= 3  # not stopped before its time
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


def test_a_failure_inside_a_guest_block_stops_qemu_instead_of_waiting_for_its_timeout():
    config = QemuConfig(boot=BootMethod.KERNEL, cmdline="mode=idle", timeout=600)
    with pytest.raises(RuntimeError, match="the test failed"), qemu.Guest(config) as guest:
        assert guest.wait_for("boot", 60) is not None
        raise RuntimeError("the test failed")
    result = guest.result
    assert result.outcome is Outcome.STOPPED, result.describe()
    assert result.registers, "stopped through QMP, registers kept for the report"
    assert not guest.running


def test_a_guest_block_left_normally_waits_for_the_kernel_to_finish():
    with qemu.Guest(QemuConfig(boot=BootMethod.KERNEL, timeout=60)) as guest:
        pass  # no mode: the kernel boots, prints its log and exits
    assert guest.result.outcome is Outcome.PASSED, guest.result.describe()
    assert guest.result.of_kind("boot")


def test_the_runs_own_error_comes_out_of_the_block_unless_the_block_is_raising(
    monkeypatch: pytest.MonkeyPatch,
):
    def cannot_start(self: qemu.Qemu) -> qemu.RunResult:
        raise ToolMissing("qemu-system-x86_64 is not installed")

    monkeypatch.setattr(qemu.Qemu, "run", cannot_start)
    config = QemuConfig(boot=BootMethod.KERNEL, timeout=60)
    with pytest.raises(ToolMissing), qemu.Guest(config) as guest:
        pass
    with pytest.raises(ToolMissing):
        _ = guest.result
    with pytest.raises(ValueError, match="the block's own"), qemu.Guest(config):
        raise ValueError("the block's own")
