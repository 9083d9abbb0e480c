"""`make debug`: QEMU halted with its gdb stub; tools/gdb/tradekernel.gdb loads
the symbols and stops at the kernel entry. Driven here with gdb in batch mode."""

import socket
import subprocess
import time

from tradekernel import paths, qemu
from tradekernel.exit_codes import Outcome
from tradekernel.tools import require


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_listener(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"QEMU's gdb stub never listened on port {port}")


def test_gdb_script_stops_at_kernel_entry():
    port = free_port()
    config = qemu.QemuConfig(boot=qemu.BootMethod.DISK, gdb_port=port, timeout=60)
    with qemu.Guest(config) as guest:
        wait_for_listener(port)
        command = [require("gdb"), "-batch", "-nx", "-ex", f"set $tk_port={port}"]
        command += ["-x", str(paths.GDB_SCRIPT)]
        gdb = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=paths.ROOT)
        assert "Breakpoint 1, kernel_entry64 ()" in gdb.stdout, gdb.stdout + gdb.stderr
        assert "stopped at kernel entry: rip=0xffffffff80" in gdb.stdout
    # gdb detached at the end of the batch; the kernel then ran to completion.
    assert guest.result.outcome is Outcome.PASSED, guest.result.describe()
