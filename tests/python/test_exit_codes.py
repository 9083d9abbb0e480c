from tradekernel.exit_codes import Outcome, outcome_from_status


def test_kernel_exit_values_map_to_outcomes():
    # QEMU exits with (value << 1) | 1 for a write of value to isa-debug-exit.
    assert outcome_from_status(0x21, timed_out=False) is Outcome.PASSED
    assert outcome_from_status(0x23, timed_out=False) is Outcome.TEST_FAILED
    assert outcome_from_status(0x25, timed_out=False) is Outcome.PANIC
    assert outcome_from_status(0x27, timed_out=False) is Outcome.UNSUPPORTED_CPU
    assert outcome_from_status(0x29, timed_out=False) is Outcome.UNKNOWN_MODE
    assert outcome_from_status(0, timed_out=False) is Outcome.RESET
    assert outcome_from_status(1, timed_out=False) is Outcome.QEMU_ERROR
    assert outcome_from_status(None, timed_out=True) is Outcome.TIMEOUT


def test_exit_values_match_the_kernel_header():
    from tradekernel import exit_codes, paths

    header = (paths.ROOT / "include/tk/exit_status.h").read_text()
    assert f"Success = {exit_codes.KERNEL_SUCCESS:#x}" in header
    assert f"TestFailure = {exit_codes.KERNEL_TEST_FAILURE:#x}" in header
    assert f"Panic = {exit_codes.KERNEL_PANIC:#x}" in header
    assert f"UnsupportedCpu = {exit_codes.KERNEL_UNSUPPORTED_CPU:#x}" in header
    assert f"UnknownMode = {exit_codes.KERNEL_UNKNOWN_MODE:#x}" in header
