"""Four CPUs under QEMU TCG, CPU 3 isolated (cmdline isolate=3): every AP
starts, each core runs its own tasks, wake-ups cross cores (by IPI, or by
polling on the isolated core), and the isolated core takes no interrupt at
all while core 0 takes 20 timer interrupts."""

import pytest

from tradekernel.exit_codes import Outcome
from tradekernel.qemu import BootMethod, QemuConfig, RunResult, run


@pytest.fixture(scope="module")
def smp_boot() -> RunResult:
    return run(QemuConfig(boot=BootMethod.DISK, smp=4, cmdline="mode=test isolate=3"))


def checks(result: RunResult, test: str) -> list:
    return [r for r in result.of_kind("smp-check") if r["test"] == test]


def test_all_kernel_tests_pass_on_four_cpus(smp_boot: RunResult):
    assert smp_boot.outcome is Outcome.PASSED, smp_boot.describe()
    (done,) = smp_boot.of_kind("tests-done")
    assert done.int("failed") == 0


def test_every_application_processor_starts(smp_boot: RunResult):
    (smp,) = smp_boot.of_kind("smp")
    assert smp.int("cpus") == smp.int("online") == 4
    assert smp.int("isolated") == 0b1000
    assert "smp: 4 CPUs online" in smp_boot.text


def test_each_core_runs_its_own_tasks(smp_boot: RunResult):
    (check,) = checks(smp_boot, "every-core")
    assert check.int("right") == check.int("cores") == 4


def test_wakeups_cross_cores(smp_boot: RunResult):
    by_target = {r.int("target"): r for r in checks(smp_boot, "cross-core-wake")}
    assert set(by_target) == {0, 1, 2, 3}
    assert all(r["woken"] == "1" for r in by_target.values())
    assert by_target[1].int("ipis") >= 1 and by_target[2].int("ipis") >= 1  # IPI delivered
    assert by_target[3]["isolated"] == "1" and by_target[3].int("ipis") == 0  # polled


def test_isolated_core_takes_no_interrupts(smp_boot: RunResult):
    (check,) = checks(smp_boot, "isolation")
    assert check["skipped"] == "0"
    assert check.int("core") == 3
    assert check.int("interrupts") == 0
    assert check.int("core0-timer-interrupts") >= 20
