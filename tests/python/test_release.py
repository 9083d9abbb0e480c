"""The release kernel (make release, build/release/): the trading path only.
It refuses the diagnostic modes -- in-kernel tests, benchmarks, fault
injection -- with one line and its own exit status, and still trades the
demo session (make run boots it)."""

import pytest
from elftools.elf.elffile import ELFFile

from tradekernel import paths, qemu
from tradekernel.demo import DemoConfig, run_demo
from tradekernel.exit_codes import Outcome
from tradekernel.feed import sources
from tradekernel.kernel_tests import pc_test_names
from tradekernel.qemu import BootMethod, Build, QemuConfig


@pytest.mark.parametrize("cmdline", ["mode=test", "mode=fault fault=page-fault", "mode=bench"])
def test_release_kernel_refuses_diagnostic_modes(cmdline: str):
    result = qemu.run(QemuConfig(boot=BootMethod.KERNEL, build=Build.RELEASE, cmdline=cmdline))
    assert result.outcome is Outcome.UNKNOWN_MODE, result.describe()
    mode = cmdline.split()[0].removeprefix("mode=")
    (refused,) = result.of_kind("mode-refused")
    assert (refused["mode"], refused["build"]) == (mode, "release")
    assert f"mode={mode} is not in the release kernel" in result.text
    assert not result.of_kind("test") and not result.of_kind("panic")


def symbols(elf_path) -> set[str]:
    with elf_path.open("rb") as f:
        return {s.name for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()}


def test_release_kernel_carries_no_test_code():
    assert pc_test_names(paths.KERNEL_ELF), "the test kernel lists its tests"
    test_only = {
        "_ZN2tk4test7run_allEPKc",  # tk::test::run_all
        "_ZN2tk2pc13trigger_faultENS_10StringViewE",  # tk::pc::trigger_fault
        "_ZN2tk2pc14run_benchmarksEv",  # tk::pc::run_benchmarks
    }
    assert test_only <= symbols(paths.KERNEL_ELF), "the names above are the test kernel's"
    assert not test_only & symbols(paths.RELEASE / "kernel.elf")
    assert pc_test_names(paths.RELEASE / "kernel.elf") == []  # the linker's table is empty


def test_release_kernel_boots_on_each_path_and_says_which_it_is():
    for method in BootMethod:
        result = qemu.run(QemuConfig(boot=method, build=Build.RELEASE))
        assert result.outcome is Outcome.PASSED, result.describe()
        (boot,) = result.of_kind("boot")
        assert boot["build"] == "release"


def test_release_kernel_trades_the_demo_session():
    messages = sources.synthetic(2, 10_000)
    result = run_demo(messages, DemoConfig(build=Build.RELEASE))
    assert result.ok, result.run.describe()
    assert result.record("boot")["build"] == "release"
