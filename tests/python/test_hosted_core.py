"""The portable core's tests, run in a Linux process (build/hosted/tk_tests).
Each kernel test case is its own item."""

import subprocess

import pytest

from tradekernel import paths
from tradekernel.kernel_tests import hosted_test_names
from tradekernel.records import of_kind, parse_records

NAMES = hosted_test_names(paths.HOSTED_TESTS)


def test_hosted_build_has_tests():
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_hosted(name: str):
    done = subprocess.run(
        [str(paths.HOSTED_TESTS), name], capture_output=True, text=True, timeout=60
    )
    records = parse_records(done.stdout.splitlines())
    results = {r["name"]: r["result"] for r in of_kind(records, "test")}
    failures = [r.fields for r in of_kind(records, "check-failed")]
    assert results.get(name) == "pass", f"{name}: {failures}\n{done.stdout}"
    assert done.returncode == 0
