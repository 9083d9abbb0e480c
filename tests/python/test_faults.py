"""Deliberate CPU faults produce a panic report naming the vector and the
faulting function, and QEMU exits with the panic status."""

import pytest

from tradekernel.exit_codes import KERNEL_PANIC, KERNEL_UNSUPPORTED_CPU, Outcome, qemu_status
from tradekernel.qemu import BootMethod, QemuConfig, run

FAULTS = {
    # name: (vector, mnemonic, faulting function, extra line expected in the report)
    "page-fault": (14, "#PF", "tk::pc::fault_null_pointer_write", "[not-present write supervisor]"),
    "general-protection": (13, "#GP", "tk::pc::fault_non_canonical_read", "error code 0x0"),
    "stack-overflow": (
        14, "#PF", "tk::pc::fault_recurse_forever",
        "stack overflow: the fault hit the guard page of stack 'boot'",
    ),
    "write-text": (14, "#PF", "tk::pc::fault_write_to_text", "[protection-violation write"),
    "task-stack-overflow": (
        14, "#PF", "tk::pc::fault_recurse_forever",
        "stack overflow: the fault hit the guard page of stack 'overflow-task'",
    ),
}  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_produces_panic_report(fault: str):
    vector, mnemonic, function, detail = FAULTS[fault]
    result = run(QemuConfig(boot=BootMethod.DISK, cmdline=f"mode=fault fault={fault}", timeout=30))

    assert result.outcome is Outcome.PANIC, result.describe()
    assert result.exit_status == qemu_status(KERNEL_PANIC) != 0
    text = result.text
    assert "KERNEL PANIC" in text
    assert f"CPU exception {vector} {mnemonic}" in text
    assert detail in text
    assert f"<{function}+0x" in text  # RIP line names the function
    for register in ("RAX", "RBX", "RSP", "RBP", "R15", "RFLAGS", "CR2", "CR3"):
        assert f"{register} " in text, register
    (panic,) = result.of_kind("panic")
    assert panic.int("vector") == vector
    assert panic["function"] == function
    frames = result.of_kind("backtrace")
    assert frames[0]["function"] == function
    assert len(frames) >= 2
    if fault.endswith("stack-overflow"):
        assert panic["stack-overflow"] == ("boot" if fault == "stack-overflow" else "overflow-task")
        assert all(f["function"] == function for f in frames[1:4])  # the recursion
    else:
        assert panic["stack-overflow"] == "none"
        assert [f["function"] for f in frames[-2:]] == ["kernel_main", "kernel_entry64"]


def test_page_fault_reports_the_address():
    result = run(QemuConfig(boot=BootMethod.KERNEL, cmdline="mode=fault fault=page-fault"))
    (panic,) = result.of_kind("panic")
    assert panic.int("cr2") == 0  # the null pointer
    assert panic.int("error") == 0x2  # write to a not-present page


@pytest.mark.parametrize("method", [BootMethod.DISK, BootMethod.KERNEL])
def test_a_cpu_without_rdtscp_is_refused_by_name_not_faulted_on(method: BootMethod):
    """QEMU's default model, qemu64, has no RDTSCP, which every measured span
    ends with: the kernel says so on one line and exits with its own status."""
    result = run(QemuConfig(boot=method, cpu="qemu64", cmdline="mode=test", timeout=30))
    assert result.outcome is Outcome.UNSUPPORTED_CPU, result.describe()
    assert result.exit_status == qemu_status(KERNEL_UNSUPPORTED_CPU) == 39
    (refused,) = result.of_kind("cpu-refused")
    assert refused["missing"] == "RDTSCP"
    assert any("needs RDTSCP (CPUID 8000_0001h EDX bit 27)" in line for line in result.lines)
    assert not any("KERNEL PANIC" in line for line in result.lines)
    assert not result.of_kind("test")  # nothing ran


def test_the_cpu_the_kernel_runs_on_is_described_at_boot():
    result = run(QemuConfig(boot=BootMethod.KERNEL, timeout=30))
    (cpu,) = result.of_kind("cpu")
    assert cpu.int("rdtscp") == cpu.int("apic") == cpu.int("nx") == 1
    assert {"invariant-tsc", "x2apic", "tsc-deadline", "xsave"} <= set(cpu.fields)
