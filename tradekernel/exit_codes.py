"""How a kernel run ended, from QEMU's exit status.

The kernel writes an ExitStatus (include/tk/exit_status.h) to QEMU's
isa-debug-exit port; QEMU then exits with status (value << 1) | 1.
"""

from __future__ import annotations

from enum import Enum

# include/tk/exit_status.h
KERNEL_SUCCESS = 0x10
KERNEL_TEST_FAILURE = 0x11
KERNEL_PANIC = 0x12
KERNEL_UNSUPPORTED_CPU = 0x13
KERNEL_UNKNOWN_MODE = 0x14


def qemu_status(kernel_value: int) -> int:
    return (kernel_value << 1) | 1


class Outcome(Enum):
    PASSED = "passed"  # the kernel reported success
    TEST_FAILED = "test-failed"  # in-kernel tests ran and some failed
    PANIC = "panic"  # CPU exception or tk::panic
    UNSUPPORTED_CPU = "unsupported-cpu"  # a required CPU feature is missing (the log names it)
    UNKNOWN_MODE = (
        "unknown-mode"  # a mode this kernel was built without (release: test, bench, fault)
    )
    TIMEOUT = "timeout"  # the host stopped QEMU
    STOPPED = "stopped"  # the host's caller stopped QEMU early (qemu.Guest, after a failure)
    RESET = "reset"  # QEMU exited without the kernel's word: triple fault (-no-reboot)
    QEMU_ERROR = "qemu-error"  # QEMU failed to start or died

    @property
    def ok(self) -> bool:
        return self is Outcome.PASSED


def outcome_from_status(status: int | None, timed_out: bool) -> Outcome:
    if timed_out:
        return Outcome.TIMEOUT
    return {
        qemu_status(KERNEL_SUCCESS): Outcome.PASSED,
        qemu_status(KERNEL_TEST_FAILURE): Outcome.TEST_FAILED,
        qemu_status(KERNEL_PANIC): Outcome.PANIC,
        qemu_status(KERNEL_UNSUPPORTED_CPU): Outcome.UNSUPPORTED_CPU,
        qemu_status(KERNEL_UNKNOWN_MODE): Outcome.UNKNOWN_MODE,
        0: Outcome.RESET,
    }.get(status if status is not None else -1, Outcome.QEMU_ERROR)
