"""Where the repository's build artifacts live."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
# The strategy `make` compiles into the kernel unless told another (STRATEGY=).
DEFAULT_STRATEGY = ROOT / "strategies" / "spread_taker.py"
KERNEL_ELF = BUILD / "kernel.elf"
DISK_IMAGE = BUILD / "tradekernel.img"
ISO_IMAGE = BUILD / "tradekernel.iso"
# make release: the same three artifacts, built without tests, benchmark mode
# or fault injection.
RELEASE = BUILD / "release"
HOSTED_TESTS = BUILD / "hosted" / "tk_tests"
BENCH_DIR = BUILD / "bench"
GDB_SCRIPT = ROOT / "tools" / "gdb" / "tradekernel.gdb"
REPLAY_BIN = BUILD / "hosted" / "tk_replay"
JOURNAL_DIR = BUILD / "journal"  # the demo's journal disks
BENCH_BIN = BENCH_DIR / "tk_bench"  # the hosted benchmarks (bench/)
TRADER_BIN = BUILD / "hosted" / "tk_trader"  # the Linux feed handler (platform/hosted/trader/)
LINUX_GUEST_DIR = BUILD / "linux-guest"  # the PREEMPT_RT guest's initramfs
