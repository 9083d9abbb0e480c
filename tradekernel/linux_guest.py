"""The Linux PREEMPT_RT guest TradeKernel is measured beside: Debian's RT
kernel (linux-image-rt-amd64) booted by QEMU with the same settings as ours
(TCG, -icount, the same CPU model, vCPUs, memory and virtio-net device) and
a minimal initramfs (busybox-static) holding the virtio modules, the core as a
Linux program (build/hosted/tk_trader, platform/hosted/trader/), the hosted
benchmarks (build/bench/tk_bench) and cyclictest (rt-tests).

The guest is tuned as a trading shop would tune it: CPU 1 isolated from the
scheduler, the timer tick and RCU callbacks (isolcpus, nohz_full, rcu_nocbs),
every interrupt on CPU 0, no watchdogs, the real-time throttle off, and the
trading thread pinned to CPU 1 at SCHED_FIFO, polling a packet socket's mapped
receive ring. Its init (below) takes its mode from the kernel command line,
after "--": `trade <tk_trader options>`, `bench <tk_bench arguments>` or
`cyclictest <loops>`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tradekernel import paths, qemu
from tradekernel.initramfs import Initramfs

# The tuning, on the kernel command line (Documentation/admin-guide/
# kernel-parameters.txt). ipv6.disable keeps the guest's own IPv6 traffic
# (router solicitations, MLD) off the link and out of the measurement.
TUNING = (
    "isolcpus=1 nohz_full=1 rcu_nocbs=1 irqaffinity=0 nowatchdog nosoftlockup "
    "tsc=reliable mitigations=off ipv6.disable=1"
)
# The virtio-net driver and what it needs, in load order.
MODULES = ("virtio_net", "virtio_pci")
# First line of the guest's init that QEMU can stop nudging at (qemu.py).
UP_RECORD = "linux-up"
CYCLICTEST_PREFIX = "@tk-cyclictest "  # before each line cyclictest printed

_INIT = """#!/bin/sh
# The guest's init: its mode and arguments follow "--" on the kernel command line.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
for m in $(cat /modules.order); do insmod /lib/modules/$m.ko || echo "init: insmod $m failed"; done
ip link set lo up
ip link set eth0 up
echo -1 > /proc/sys/kernel/sched_rt_runtime_us
isolated=$(cat /sys/devices/system/cpu/isolated)
echo "@tk linux-up release=$(uname -r) cpus=$(nproc) isolated=$isolated"
mode=$1
shift
case "$mode" in
trade) /tk_trader ifname=eth0 cpu=1 "$@" ;;
bench)
    # Each benchmark named, one after the other, on the isolated CPU 1 at
    # SCHED_FIFO 80 as the trading thread runs; the TSC counts instructions.
    for m in "$@"; do
        TK_BENCH_TICKS_PER_NS=1 TK_BENCH_CPU_OFFSET=1 TK_BENCH_FIFO=80 /tk_bench "$m"
    done ;;
cyclictest)
    # One thread on the isolated CPU at SCHED_FIFO 99, memory locked, waking
    # every 1 ms; a histogram of the lateness in nanoseconds (empty buckets
    # left out).
    cyclictest --mlockall --priority=99 --threads=1 --affinity=1 --interval=1000 \\
        --loops="$1" --histogram=100000 --quiet --nsecs > /tmp/cyclictest.out 2>&1
    grep -v ' 000000$' /tmp/cyclictest.out | sed 's/^/@tk-cyclictest /' ;;
*) echo "init: unknown mode '$mode'" ;;
esac
echo "@tk linux-done"
poweroff -f
"""


class LinuxGuestError(RuntimeError):
    pass


def rt_kernel() -> tuple[Path, str]:
    """Debian's newest PREEMPT_RT kernel image and its release."""
    images = sorted(Path("/boot").glob("vmlinuz-*-rt-amd64"))
    if not images:
        raise LinuxGuestError(
            "no /boot/vmlinuz-*-rt-amd64: run 'make install-deps' (linux-image-rt-amd64)"
        )
    image = images[-1]
    return image, image.name.removeprefix("vmlinuz-")


def _module_order(release: str) -> list[Path]:
    """The .ko files of MODULES and what they depend on (modules.dep), each
    after its dependencies."""
    root = Path("/lib/modules") / release
    deps: dict[str, list[str]] = {}
    for line in (root / "modules.dep").read_text().splitlines():
        module, _, needs = line.partition(":")
        deps[Path(module).name.split(".ko")[0]] = [module, *needs.split()]
    order: list[Path] = []

    def visit(name: str) -> None:
        if name not in deps:
            raise LinuxGuestError(f"module {name} not in {root}/modules.dep")
        module, *needs = deps[name]
        for need in reversed(needs):  # modules.dep lists the deepest last
            visit(Path(need).name.split(".ko")[0])
        if root / module not in order:
            order.append(root / module)

    for name in MODULES:
        visit(name)
    return order


def _libraries(program: Path) -> list[Path]:
    """The shared libraries `program` loads, with the dynamic loader."""
    out = subprocess.run(["ldd", str(program)], capture_output=True, text=True, check=True).stdout
    return [Path(p) for p in re.findall(r"(/\S+) \(0x", out)]


def build_initramfs(release: str, out: Path | None = None) -> Path:
    """The guest's initramfs for kernel `release`, written to `out`."""
    out = out or paths.LINUX_GUEST_DIR / f"initramfs-{release}.cpio.gz"
    busybox = shutil.which("busybox") or "/bin/busybox"
    cyclictest = shutil.which("cyclictest")
    if not Path(busybox).exists() or cyclictest is None:
        raise LinuxGuestError("busybox-static and rt-tests are needed: run 'make install-deps'")
    for program in (paths.TRADER_BIN, paths.BENCH_BIN):
        if not program.exists():
            raise LinuxGuestError(f"{program} does not exist: run 'make hosted bench'")
    fs = Initramfs()
    for d in ("proc", "sys", "dev", "tmp", "etc"):
        fs.directory(d)
    fs.copy("bin/busybox", Path(busybox))
    fs.symlink("bin/sh", "busybox")
    fs.file("init", _INIT.encode(), 0o755)
    fs.copy("tk_trader", paths.TRADER_BIN)
    fs.copy("usr/bin/cyclictest", Path(cyclictest))
    fs.copy("tk_bench", paths.BENCH_BIN)
    for lib in {*_libraries(Path(cyclictest)), *_libraries(paths.BENCH_BIN)}:
        fs.copy(str(lib), lib)
    modules = _module_order(release)
    for ko in modules:
        if ko.suffix != ".ko":
            raise LinuxGuestError(f"{ko}: compressed; busybox insmod takes plain .ko files")
        fs.copy(f"lib/modules/{ko.stem}.ko", ko)
    fs.file("modules.order", "\n".join(ko.stem for ko in modules).encode() + b"\n")
    fs.write(out)
    return out


def guest_config(
    mode_args: str,
    extra_args: list[str],
    smp: int = 2,
    memory_mb: int = 1024,
    timeout: float = 600.0,
) -> qemu.QemuConfig:
    """The RT guest under -icount with `extra_args` (its NIC), its init
    running `mode_args` ("trade ..." or "cyclictest N")."""
    kernel, release = rt_kernel()
    initrd = build_initramfs(release)
    append = f"console=ttyS0 quiet {TUNING} -- {mode_args}"
    return qemu.QemuConfig(
        icount=True,
        smp=smp,
        memory_mb=memory_mb,
        timeout=timeout,
        extra_args=extra_args,
        linux=qemu.LinuxBoot(kernel, initrd, append),
        nudge_until=UP_RECORD,
    )
