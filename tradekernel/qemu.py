"""Boot the kernel under QEMU and collect what it says.

One `Qemu` run owns one QEMU process: its command line, the serial console
(QEMU's stdout, read line by line on a thread), a QMP control socket (the
synchronous client of qemu.qmp, as QEMU's own python/qemu/machine uses) and
the shutdown. The process is a plain subprocess.Popen: asyncio's child
watcher in Python 3.11 lost the exit status of fast-exiting QEMUs here
("Unknown child process pid ..., will report returncode 255").

TCG is the accelerator: on these machines a KVM guest is far slower. A run
ends when the kernel writes to isa-debug-exit, when QEMU dies, or at the
timeout, when the host asks QEMU over QMP for the CPU registers (to show where
the guest was) and then stops it.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from qemu.qmp.legacy import QEMUMonitorProtocol

from tradekernel import paths
from tradekernel.exit_codes import Outcome, outcome_from_status
from tradekernel.records import PREFIX, Record, of_kind, parse_record, parse_records
from tradekernel.tools import require

QEMU = "qemu-system-x86_64"
CMDLINE_FW_CFG = "opt/tradekernel/cmdline"  # read by platform/pc/kmain.cpp


class BootMethod(Enum):
    DISK = "disk"  # build/tradekernel.img: our BIOS loader (boot/boot.asm)
    KERNEL = "kernel"  # qemu -kernel build/kernel.elf: Multiboot 1
    ISO = "iso"  # build/tradekernel.iso: GRUB, Multiboot 2 (BIOS or UEFI)

    @property
    def artifact(self) -> Path:
        return {
            BootMethod.DISK: paths.DISK_IMAGE,
            BootMethod.KERNEL: paths.KERNEL_ELF,
            BootMethod.ISO: paths.ISO_IMAGE,
        }[self]

    def artifact_of(self, build: Build) -> Path:
        """This boot method's file for the test or the release kernel."""
        return self.artifact if build is Build.TEST else paths.RELEASE / self.artifact.name


class Build(Enum):
    """Which kernel: the test kernel has the in-kernel tests, mode=bench and
    mode=fault and the debug checks; the release kernel (make release) has
    the trading path only and refuses those modes."""

    TEST = "test"
    RELEASE = "release"


class Machine(Enum):
    """QEMU's chipset. q35 (ICH9, PCI Express, ECAM) is what servers look like;
    pc (i440FX, PCI, legacy configuration ports only) stays a tested option."""

    Q35 = "q35"
    PC = "pc"

    @property
    def pcie(self) -> bool:
        return self is Machine.Q35


class Firmware(Enum):
    BIOS = "bios"  # SeaBIOS, QEMU's default
    UEFI = "uefi"  # OVMF (Debian's ovmf package); boots build/tradekernel.iso only


# Debian's ovmf package: the firmware code (read-only) and a template of its
# variable store, which each run copies (the firmware writes to it).
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")


@dataclass(frozen=True)
class LinuxBoot:
    """A Linux kernel booted in place of ours (the PREEMPT_RT guest that
    TradeKernel is measured beside, tradekernel/linux_guest.py)."""

    kernel: Path
    initrd: Path
    append: str


@dataclass
class QemuConfig:
    boot: BootMethod = BootMethod.DISK
    build: Build = Build.TEST
    machine: Machine = Machine.Q35
    firmware: Firmware = Firmware.BIOS
    cmdline: str = ""
    # -icount shift=0,sleep=off: one instruction per virtual ns, so the guest
    # TSC counts instructions and runs are deterministic.
    icount: bool = False
    memory_mb: int = 512  # the engine takes 277 MiB (book::kMarketDayCapacity)
    cpu: str = "max"  # QEMU's CPU model; the kernel refuses one without RDTSCP, the APIC or NX
    smp: int = 1
    # NUMA nodes: memory split evenly, CPU i on node i % numa_nodes (ACPI SRAT).
    numa_nodes: int = 1
    timeout: float | None = 30.0  # seconds; None or 0: no limit
    gdb_port: int | None = None  # start halted with the gdb stub on this port
    # A raw file for the journal (mode=trade), as a modern virtio-blk disk;
    # QEMU's default write-back cache, so the driver's FLUSH reaches the file.
    journal: Path | None = None
    extra_args: list[str] = field(default_factory=list)
    linux: LinuxBoot | None = None  # boot this Linux kernel instead of ours
    # Boot this kernel ELF (qemu -kernel) instead of build/kernel.elf: a test
    # kernel linked with another strategy (make alt-kernel).
    kernel: Path | None = None
    # Pause and continue the machine over QMP every half second until this
    # record is printed: a Linux guest with two vCPUs under -icount waits at
    # its secondary CPU's bring-up otherwise (docs/performance.md).
    nudge_until: str | None = None


@dataclass
class RunResult:
    outcome: Outcome
    exit_status: int | None
    command: list[str]
    lines: list[str]
    stderr: str
    elapsed: float
    registers: str | None = None  # `info registers` at the timeout, from QMP

    @property
    def records(self) -> list[Record]:
        return parse_records(self.lines)

    def of_kind(self, kind: str) -> list[Record]:
        return of_kind(self.records, kind)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def describe(self, tail: int = 25) -> str:
        """What a person needs to see when a run went wrong."""
        parts = [
            f"outcome: {self.outcome.value} (QEMU exit status {self.exit_status}) "
            f"after {self.elapsed:.1f} s",
            "command: " + " ".join(self.command),
            f"last {tail} console lines:",
            *("  " + line for line in self.lines[-tail:]),
        ]
        if self.stderr.strip():
            parts += ["QEMU stderr:", self.stderr.strip()]
        if self.registers:
            parts += ["CPU registers when stopped:", self.registers.strip()]
        return "\n".join(parts)


def build_command(config: QemuConfig, qmp_socket: Path) -> list[str]:
    """The QEMU command line. Files the run needs (the UEFI variable store)
    are made beside `qmp_socket`, in the run's temporary directory."""
    artifact = config.linux.kernel if config.linux else config.boot.artifact_of(config.build)
    if config.kernel is not None:
        assert config.boot is BootMethod.KERNEL, "another kernel ELF boots with qemu -kernel"
        artifact = config.kernel
    if not artifact.exists():
        target = "make release" if config.build is Build.RELEASE else "make all iso"
        if config.linux is not None:
            target = "make install-deps"
        raise FileNotFoundError(f"{artifact} does not exist: run '{target}' first")
    smp = max(config.smp, config.numa_nodes)
    cmd = [
        require(QEMU),
        "-machine", f"{config.machine.value},accel=tcg",
        "-cpu", config.cpu,
        "-m", str(config.memory_mb),
        "-smp", str(smp),
        "-display", "none",
        "-vga", "none",
        "-monitor", "none",
        "-serial", "stdio",
        "-no-reboot",
        "-nic", "none",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-qmp", f"unix:{qmp_socket},server=on,wait=off",
    ]  # fmt: skip
    if config.cmdline:
        # QEMU option values escape a comma by doubling it.
        value = config.cmdline.replace(",", ",,")
        cmd += ["-fw_cfg", f"name={CMDLINE_FW_CFG},string={value}"]
    cmd += numa_arguments(config)
    cmd += firmware_arguments(config, qmp_socket.parent)
    if config.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if config.gdb_port is not None:
        cmd += ["-gdb", f"tcp:127.0.0.1:{config.gdb_port}", "-S"]
    match config.boot:
        case _ if config.linux is not None:
            cmd += ["-kernel", str(artifact), "-initrd", str(config.linux.initrd)]
            cmd += ["-append", config.linux.append]
        case BootMethod.DISK:
            cmd += ["-drive", f"file={artifact},format=raw,if=ide,snapshot=on"]
        case BootMethod.KERNEL:
            cmd += ["-kernel", str(artifact)]
        case BootMethod.ISO:
            cmd += ["-cdrom", str(artifact), "-boot", "d"]
    if config.journal is not None:
        cmd += [
            "-drive", f"file={config.journal},format=raw,if=none,id=journal",
            "-device", "virtio-blk-pci,drive=journal,disable-legacy=on",
        ]  # fmt: skip
    return cmd + config.extra_args


def firmware_arguments(config: QemuConfig, workdir: Path) -> list[str]:
    """SeaBIOS needs nothing; OVMF is two flash devices, its code and a copy
    of the variable store."""
    if config.firmware is Firmware.BIOS:
        return []
    if config.boot is not BootMethod.ISO:
        raise ValueError(
            f"UEFI firmware boots the GRUB image only (--boot iso), not {config.boot.value}: "
            "the disk image's loader is a BIOS boot sector and -kernel is Multiboot 1"
        )
    for path in (OVMF_CODE, OVMF_VARS):
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: install Debian's ovmf (make install-deps)")
    variables = workdir / "OVMF_VARS.fd"
    shutil.copyfile(OVMF_VARS, variables)
    return [
        "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
        "-drive", f"if=pflash,format=raw,unit=1,file={variables}",
    ]  # fmt: skip


def numa_arguments(config: QemuConfig) -> list[str]:
    nodes = config.numa_nodes
    if nodes <= 1:
        return []
    if config.memory_mb % nodes:
        raise ValueError(f"{config.memory_mb} MiB does not split evenly over {nodes} nodes")
    smp = max(config.smp, nodes)
    args = []
    for n in range(nodes):
        cpus = [c for c in range(smp) if c % nodes == n]
        size = config.memory_mb // nodes
        args += ["-object", f"memory-backend-ram,id=numa-mem{n},size={size}M"]
        cpu_list = ",".join(f"cpus={c}" for c in cpus)
        args += ["-numa", f"node,nodeid={n},{cpu_list},memdev=numa-mem{n}"]
    return args


class Qemu:
    """One QEMU run. Use `run()` unless you need the pieces."""

    def __init__(self, config: QemuConfig, on_line: Callable[[str], None] | None = None):
        self.config = config
        self.on_line = on_line
        self.lines: list[str] = []
        self._stop_requested = threading.Event()
        self._kill_requested = threading.Event()
        self._nudged_enough = threading.Event()

    def request_stop(self) -> None:
        """Ends a run from another thread: QEMU is told to quit (its registers
        are kept for the report), as at the timeout."""
        self._stop_requested.set()

    def request_kill(self) -> None:
        """Ends a run from another thread as a crash would: SIGKILL, at once."""
        self._kill_requested.set()

    def run(self) -> RunResult:
        with tempfile.TemporaryDirectory(prefix="tk-qemu-") as tmp:
            socket_path = Path(tmp) / "qmp.sock"
            command = build_command(self.config, socket_path)
            start = time.monotonic()
            with subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            ) as proc:
                reader = threading.Thread(target=self._read_console, args=(proc,), daemon=True)
                reader.start()
                stderr_chunks: list[bytes] = []
                err_reader = threading.Thread(
                    target=lambda: stderr_chunks.append(proc.stderr.read()),  # type: ignore[union-attr]
                    daemon=True,
                )
                err_reader.start()
                qmp = self._connect_qmp(socket_path, proc)
                timed_out, stopped, registers = False, False, None
                deadline = start + self.config.timeout if self.config.timeout else None
                next_nudge = time.monotonic() + 0.5
                try:
                    while proc.poll() is None:
                        if (
                            self.config.nudge_until
                            and qmp is not None
                            and not self._nudged_enough.is_set()
                            and time.monotonic() > next_nudge
                        ):
                            with contextlib.suppress(Exception):
                                qmp.cmd_raw("stop")
                                qmp.cmd_raw("cont")
                            next_nudge = time.monotonic() + 0.5
                        if self._kill_requested.is_set():
                            stopped = True
                            proc.kill()
                            break
                        if self._stop_requested.is_set():
                            stopped = True
                            registers = self._stop(qmp, proc)
                            break
                        if deadline is not None and time.monotonic() > deadline:
                            timed_out = True
                            registers = self._stop(qmp, proc)
                            break
                        with contextlib.suppress(subprocess.TimeoutExpired):
                            proc.wait(timeout=0.005)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                    status = proc.wait()
                    if qmp is not None:
                        with contextlib.suppress(Exception):
                            qmp.close()
                reader.join(timeout=5)
                err_reader.join(timeout=5)
            return RunResult(
                outcome=Outcome.STOPPED if stopped else outcome_from_status(status, timed_out),
                exit_status=status,
                command=command,
                lines=self.lines,
                stderr=b"".join(stderr_chunks).decode(errors="replace"),
                elapsed=time.monotonic() - start,
                registers=registers,
            )

    def _read_console(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            text = line.decode(errors="replace").rstrip("\r\n")
            self.lines.append(text)
            if self.config.nudge_until and text.startswith(f"{PREFIX}{self.config.nudge_until}"):
                self._nudged_enough.set()
            if self.on_line:
                self.on_line(text)

    @staticmethod
    def _connect_qmp(
        socket_path: Path, proc: subprocess.Popen[bytes]
    ) -> QEMUMonitorProtocol | None:
        """Connects while QEMU lives; None if it never listened (it may exit first)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if socket_path.exists():
                client = QEMUMonitorProtocol(str(socket_path))
                try:
                    client.connect()
                    return client
                except Exception:  # not accepting yet, or already exiting
                    with contextlib.suppress(Exception):
                        client.close()
            time.sleep(0.02)
        return None

    @staticmethod
    def _stop(qmp: QEMUMonitorProtocol | None, proc: subprocess.Popen[bytes]) -> str | None:
        """At the timeout: the CPU registers for the report, then `quit`."""
        registers = None
        if qmp is not None:
            try:
                qmp.settimeout(5)
                reply = qmp.cmd_raw("human-monitor-command", {"command-line": "info registers"})
                registers = reply.get("return")
                qmp.cmd_raw("quit")
            except Exception:  # QEMU may be gone or wedged; it is killed next
                pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        return registers if isinstance(registers, str) else None


class Guest:
    """A kernel running in the background while the caller talks to it:

        with qemu.Guest(config) as guest:
            guest.wait_for("trade-ready", 60)
            ...  # ends by telling the kernel to exit (tk-exit)
        guest.result  # once the block is left

    Leaving the block normally waits for the kernel to finish, up to
    `exit_wait` seconds, then stops it; leaving by an exception (a failed
    assertion) stops it at once. Either way QEMU is gone when the block is
    left. An error of the run itself (QEMU missing, an image missing) is
    raised from `result`, and from the block's end unless the block is
    already raising."""

    def __init__(
        self,
        config: QemuConfig,
        on_line: Callable[[str], None] | None = None,
        exit_wait: float = 60.0,
    ):
        self._qemu = Qemu(config, self._on_line)
        self._user_on_line = on_line
        self._exit_wait = exit_wait
        self._seen: dict[str, list[Record]] = {}
        self._changed = threading.Condition()
        self._result: RunResult | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="qemu", daemon=True)

    def __enter__(self) -> Guest:
        logging.getLogger("qemu.qmp").setLevel(logging.CRITICAL)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None:
            self._qemu.request_stop()
        self._thread.join(self._exit_wait)
        if self._thread.is_alive():
            self._qemu.request_stop()
            self._thread.join()
        if kind is None and self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            self._result = self._qemu.run()
        except BaseException as error:  # kept for result and the block's end
            self._error = error
        finally:
            with self._changed:
                self._changed.notify_all()

    def _on_line(self, line: str) -> None:
        record = parse_record(line)
        if record is not None:
            with self._changed:
                self._seen.setdefault(record.kind, []).append(record)
                self._changed.notify_all()
        if self._user_on_line:
            try:
                self._user_on_line(line)
            except Exception as error:  # the console must keep being read
                self._error = self._error or error

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait_for(self, kind: str, timeout: float) -> Record | None:
        """The first `kind` record, waiting up to `timeout` seconds; None if
        the guest ended or the time ran out first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._seen.get(kind):
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    break
                self._changed.wait(min(left, 0.1))
            found = self._seen.get(kind)
            return found[0] if found else None

    def stop(self) -> None:
        """Tells QEMU to quit now (the kernel prints nothing more)."""
        self._qemu.request_stop()

    def kill(self) -> None:
        """Kills QEMU at once (SIGKILL), as a crash of the machine would be
        for the guest: nothing is flushed, nothing more is printed."""
        self._qemu.request_kill()

    @property
    def result(self) -> RunResult:
        """The run, once it has ended; its error if it failed."""
        if self._thread.is_alive():
            raise RuntimeError("the guest is still running")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def run(config: QemuConfig, on_line: Callable[[str], None] | None = None) -> RunResult:
    """Boots the kernel as configured and returns when the run has ended."""
    # qemu.qmp logs the expected EOF when QEMU exits; keep it out of the console.
    logging.getLogger("qemu.qmp").setLevel(logging.CRITICAL)
    return Qemu(config, on_line).run()
