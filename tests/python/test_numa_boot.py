"""A two-node NUMA machine (QEMU -numa, described to the kernel by ACPI SRAT):
the kernel finds both nodes, and pool objects allocated through a core of
node 1 lie in node 1's physical memory."""

import pytest

from tradekernel.exit_codes import Outcome
from tradekernel.qemu import BootMethod, QemuConfig, RunResult, run


@pytest.fixture(scope="module")
def numa_boot() -> RunResult:
    return run(QemuConfig(boot=BootMethod.DISK, numa_nodes=2, memory_mb=128, cmdline="mode=test"))


def test_all_kernel_tests_pass_on_two_nodes(numa_boot: RunResult):
    assert numa_boot.outcome is Outcome.PASSED, numa_boot.describe()
    (done,) = numa_boot.of_kind("tests-done")
    assert done.int("failed") == 0


def test_srat_describes_two_nodes(numa_boot: RunResult):
    (numa,) = numa_boot.of_kind("numa")
    assert numa.int("nodes") == 2
    assert numa["srat"] == "1"
    ranges = numa_boot.of_kind("numa-range")
    node1 = [r for r in ranges if r["node"] == "1"]
    assert [(r.int("base"), r.int("length")) for r in node1] == [(64 << 20, 64 << 20)]
    cores = {r.int("core"): r.int("node") for r in numa_boot.of_kind("numa-core")}
    assert cores == {0: 0, 1: 1}


def test_objects_of_a_node1_core_lie_in_node1(numa_boot: RunResult):
    checks = {r.int("core"): r for r in numa_boot.of_kind("numa-check")}
    assert checks[1].int("node") == 1
    assert checks[1].int("objects-on-node") == 100
    assert checks[0].int("node") == 0
    assert checks[0].int("objects-on-node") == 100
    results = {r["name"]: r["result"] for r in numa_boot.of_kind("test")}
    assert results["numa.pool_objects_lie_on_the_cores_node"] == "pass"


def test_pool_statistics_are_reported(numa_boot: RunResult):
    (pool,) = [p for p in numa_boot.of_kind("pool") if p["name"] == "numa-test"]
    assert pool.int("capacity") == 2 * 4096
    assert pool.int("in-use") == 0
    assert pool.int("failures") == 0
    assert pool.int("remote-refills") == 0
    assert 100 <= pool.int("high-water") <= pool.int("capacity")
    assert any("pool numa-test:" in line for line in numa_boot.lines)
