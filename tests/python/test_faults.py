"""Deliberate CPU faults produce a panic report naming the vector and the
faulting function, and QEMU exits with the panic status."""

import pytest

from tradekernel.exit_codes import KERNEL_PANIC, Outcome, qemu_status
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
