"""The `tradekernel` command as a user runs it (`make run` calls `tradekernel demo`,
`make boot` calls `tradekernel run`)."""

import gzip
import json
import os
import shutil
import subprocess
import sys

import pytest

from tradekernel import paths


def tradekernel(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    # Wide enough that rich does not wrap the phrases the tests look for.
    env = dict(os.environ, COLUMNS="250")
    return subprocess.run(
        [sys.executable, "-m", "tradekernel", *args],
        capture_output=True, text=True, timeout=timeout, cwd=paths.ROOT, env=env,
    )  # fmt: skip


def test_help_lists_subcommands():
    out = tradekernel("--help").stdout
    for sub in ("build", "run", "demo", "session", "replay", "test", "bench"):
        assert sub in out


def test_a_generated_market_day_replays_through_the_hosted_engine(tmp_path):
    day = tmp_path / "day.itch"
    made = tradekernel(
        "session", str(day), "--market-day", "--messages", "30000", "--symbols", "300"
    )
    assert made.returncode == 0, made.stderr
    assert "messages (a market day of 300 symbols, seed 1)" in made.stderr
    gz = tmp_path / "day.itch.gz"
    gz.write_bytes(gzip.compress(day.read_bytes()))
    outputs = []
    for path in (day, gz):
        done = tradekernel("replay", str(path))
        assert done.returncode == 0, done.stderr
        outputs.append(done.stderr)
        assert "each message timed alone" in done.stderr
        assert "277 MiB set aside at start-up" in done.stderr  # the size the kernel ships
        assert "0 untrusted at the end" in done.stderr
        assert "unknown-order=0" in done.stderr
    counters = [line for line in outputs[0].splitlines() if "applied=" in line]
    assert counters and all(any(c in out for c in counters) for out in outputs)
    small = tradekernel("replay", str(day), "--orders", "50", "--levels", "40")
    assert small.returncode == 0, small.stderr
    assert "peak 50 of 50" in small.stderr  # the table filled, counted, and the day ran on
    assert " table-full=0" not in small.stderr  # the books' (not order-table-full)


def test_replay_explains_a_missing_file(tmp_path):
    done = tradekernel("replay", str(tmp_path / "nothing.itch"))
    assert done.returncode == 2
    assert "nothing.itch" in done.stderr


def test_test_passes_options_through_to_pytest():
    done = tradekernel(
        "test", "-k", "kernel_exit_values_map", "-q", "tests/python/test_exit_codes.py"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


@pytest.mark.qemu
def test_run_boots_and_shows_the_log():
    # The run's own limit stops QEMU (and fails the run) if the kernel hangs.
    done = tradekernel("run", "--timeout", "20")
    assert done.returncode == 0, done.stderr
    assert "tkboot: TradeKernel BIOS loader" in done.stdout
    assert "TradeKernel 0.1.0 (x86_64, pc)" in done.stdout
    assert "memory map:" in done.stdout
    assert "boot complete" in done.stdout
    assert "@tk trading-started violations-before=0" in done.stdout
    assert "kernel run ended: passed" in done.stderr


@pytest.mark.qemu
def test_run_reports_a_panic_as_failure():
    done = tradekernel("run", "--boot", "kernel", "--cmdline", "mode=fault fault=page-fault")
    assert done.returncode == 1
    assert "KERNEL PANIC" in done.stdout
    assert "kernel run ended: panic" in done.stderr


@pytest.mark.qemu
def test_run_with_a_nic_and_a_pcap(tmp_path):
    pcap = tmp_path / "run.pcap"
    done = tradekernel(
        "run",
        "--nic",
        "--pcap",
        str(pcap),
        "--cmdline",
        "mode=net join=239.1.1.1",
        "--timeout",
        "10",  # mode=net runs until stopped; 5 s was too short on a loaded machine
    )
    assert "NIC: virtio-net 02:54:00:12:34:56" in done.stderr
    assert "@tk net-ready ip=10.0.2.15" in done.stdout
    assert "kernel run ended: timeout" in done.stderr  # mode=net runs until told to stop
    assert pcap.stat().st_size > 24  # the IGMP report, at least (24 = pcap file header)
    assert "@tk pci-msix vectors=" in done.stdout
    tshark = shutil.which("tshark")
    assert tshark, "tshark is missing (make install-deps)"
    decoded = subprocess.run([tshark, "-r", str(pcap)], capture_output=True, text=True, check=True)
    assert "IGMPv3" in decoded.stdout and "Membership Report" in decoded.stdout
    malformed = subprocess.run(
        [tshark, "-r", str(pcap), "-Y", "_ws.malformed"], capture_output=True, text=True, check=True
    )
    assert malformed.stdout.strip() == ""


def test_bad_arguments_are_explained():
    done = tradekernel("run", "--boot", "floppy")
    assert done.returncode == 2
    assert "invalid choice: 'floppy'" in done.stderr


@pytest.mark.qemu
def test_bench_writes_results_in_the_shared_format():
    done = tradekernel("bench", timeout=1200)
    assert done.returncode == 0, done.stderr
    report = json.loads((paths.BENCH_DIR / "results.json").read_text())
    assert set(report) == {"machine", "results"}
    assert set(report["machine"]) == {"cpu", "cores", "kernel", "date"}
    results = {r["name"]: r for r in report["results"] if not r["platform"].endswith("icount")}
    icount = {r["name"]: r for r in report["results"] if r["platform"] == "pc-icount"}
    rt_guest = {r["name"]: r for r in report["results"] if r["platform"] == "linux-rt-guest-icount"}
    assert set(icount) == {
        "context_switch_batched", "timer_wakeup_lateness", "nic_rx_to_app", "tick_to_trade",
        "tick_to_trade_replay", "tick_to_trade_replay_journalled", "itch_decode_book_one_symbol",
        "wire_to_order", "ring_to_doorbell", "strategy_on_bbo", "cpp_strategy_on_bbo",
    }  # fmt: skip
    # The Linux PREEMPT_RT guest's figures, beside ours (docs/performance.md).
    assert set(rt_guest) == {
        "wire_to_order", "tick_to_trade", "ring_to_doorbell", "timer_wakeup_lateness",
        "boost_context_switch_batched", "linux_futex_switch_batched", "nic_rx_to_app",
        "tick_to_trade_replay", "itch_decode_book_one_symbol",
    }  # fmt: skip
    assert rt_guest["wire_to_order"]["samples"] == icount["wire_to_order"]["samples"] > 0
    # One doorbell per order-sending frame: one order per trigger on this session.
    assert rt_guest["tick_to_trade"]["samples"] == icount["wire_to_order"]["samples"]
    assert icount["tick_to_trade"]["samples"] == icount["wire_to_order"]["samples"]
    for r in rt_guest.values():
        assert r["unit"] == "instructions" and 0 < r["median"] <= r["p99"] <= r["max"]
    assert icount["context_switch_batched"]["batch"] == 100
    for r in icount.values():
        assert r["unit"] == "instructions"
        assert 0 < r["median"] <= r["p99"] <= r["max"]
    batched = {
        "pool_alloc_free_64B_batched": 100,
        "pool_alloc_free_256B_batched": 100,
        "pool_alloc_free_64B_cross_core_batched": 256,
        "glibc_malloc_free_64B_batched": 100,
        "glibc_malloc_free_64B_cross_core_batched": 256,
        "jemalloc_malloc_free_64B_batched": 100,
        "context_switch_batched": 100,
        "boost_context_switch_batched": 100,
        "linux_futex_switch_batched": 100,
        "nic_rx_to_app_batched": 64,
        # A compiled Python callback beside the C++ one and CPython's runs of the file.
        "strategy_on_bbo_batched": 32,
        "cpp_strategy_on_bbo_batched": 32,
        "cpython_strategy_on_bbo_batched": 32,
        "cpython_checked_strategy_on_bbo_batched": 32,
        # The machine's barriers after a store (what virtio's doorbell check uses).
        "mfence_after_store_batched": 1000,
        "locked_or_after_store_batched": 1000,
        # Linux's packet-ring peers need a veth pair: root.
        **({"linux_packet_ring_rx_to_app_batched": 64} if os.geteuid() == 0 else {}),
    }
    timed_alone = (
        "timer_wakeup_lateness",
        "linux_spin_wakeup_lateness",
        "linux_clock_nanosleep_lateness",
        "itch_decode_book",
        "meatpy_itch_decode_book",
        "itch_top_of_book_10_levels",
        "itch_top_of_book_5000_levels",
        "tick_to_trade",
        "tick_to_trade_cross_core",
        "tick_to_trade_cross_core_software_device",
        "ring_echo",  # the floors under tick_to_trade and tick_to_trade_cross_core
        "ring_echo_cross_core",
        # What each of those pays a frame: the machine's.
        "memory_line_reload",
        "cross_core_line_reload",
        "tick_to_trade_replay",
        *(
            [
                "linux_packet_ring_tick_to_trade",
                "linux_packet_ring_tick_to_trade_cross_core",
                "linux_packet_ring_echo",
                "linux_packet_ring_echo_cross_core",
            ]
            if os.geteuid() == 0  # a veth pair: root
            else []
        ),
        "linux_udp_socket_tick_to_trade",
    )
    core = {"name", "platform", "unit", "median", "p99", "max", "samples", "load"}
    # Spans across the two CPUs: their clocks checked against each other each round.
    clock_checked = {
        "tick_to_trade_cross_core",
        "tick_to_trade_cross_core_software_device",
        "linux_packet_ring_tick_to_trade_cross_core",
        "ring_echo_cross_core",
        "linux_packet_ring_echo_cross_core",
    }
    for name in clock_checked & set(timed_alone):
        checks = results[name]["checks"]
        assert sum("tsc-window-ns=" in line for line in checks) == 3, name
        # Linux's span starts at its kernel's stamp, read against CLOCK_REALTIME.
        linux = name.startswith("linux")
        assert sum("samples-stamped-earlier-left-out=" in line for line in checks) == 3 * linux
    # Linux's packet-ring figures say how many feed frames landed after send()
    # returned (put off to ksoftirqd, waited for outside the span).
    landed_checked = {name for name in results if name.startswith("linux_packet_ring")}
    assert len(landed_checked) == (6 if os.geteuid() == 0 else 0)
    for name in landed_checked:
        checks = results[name]["checks"]
        assert sum("frames-landed-after-send=" in line for line in checks) == 3, name
    # Lateness figures say whether they ran at SCHED_FIFO.
    fifo_checked = {
        "timer_wakeup_lateness", "linux_spin_wakeup_lateness", "linux_clock_nanosleep_lateness"
    }  # fmt: skip
    for name in fifo_checked:
        assert all(line.startswith("sched-fifo=") for line in results[name]["checks"]), name
    for name in (*batched, *timed_alone):
        r = results[name]
        in_python = name == "meatpy_itch_decode_book" or name.startswith("cpython")  # one round
        rounds = set() if in_python else {"repeats", "spread"}
        checked = {"checks"} if name in clock_checked | fifo_checked | landed_checked else set()
        assert set(r) == core | rounds | checked | ({"batch"} if name in batched else set()), name
        assert r.get("batch") == batched.get(name)  # a batched figure says so, by name and field
        assert name.endswith("_batched") == (name in batched)
        if rounds:
            assert r["repeats"] == 3 and r["spread"] >= 1
        assert r["load"] >= 0
        tradekernel_figure = name.startswith(
            ("pool", "context", "timer", "nic", "itch", "tick", "ring", "strategy", "cpp_strategy")
        )
        assert r["platform"] == ("hosted" if tradekernel_figure else "linux")
        assert r["unit"] == "ns"
        assert 0 < r["median"] <= r["p99"] <= r["max"]
        assert r["samples"] >= 1000
    md = (paths.BENCH_DIR / "results.md").read_text()
    assert md.startswith("# TradeKernel benchmark")
    assert "glibc_malloc_free_64B_batched / pool_alloc_free_64B_batched" in md
    assert "boost_context_switch_batched / context_switch_batched" in md
    assert "linux_spin_wakeup_lateness / timer_wakeup_lateness" in md
    assert "meatpy_itch_decode_book / itch_decode_book" in md
    pps = results["udp_echo_pps_batched"]
    assert pps["unit"] == "packets/s" and 0 < pps["p99"] <= pps["median"] <= pps["max"]
    for plot in ("allocators.png", "scheduler.png", "books.png"):
        assert (paths.BENCH_DIR / plot).stat().st_size > 10_000


@pytest.mark.qemu
def test_demo_replays_the_built_in_session_and_summarises_it():
    done = tradekernel("demo", "--messages", "5000", timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stderr
    assert "tkboot: TradeKernel BIOS loader" in out  # the boot log is shown
    assert "every message, once" in out
    assert "matches the Python reference" in out
    assert "matched to their trigger message, 0 missing, 0 unexpected" in out
    assert "in-guest per message" in out and "instructions" in out
    assert "host round trip" in out
    assert "demo complete" in out


@pytest.mark.qemu
def test_demo_replays_a_recorded_itch_file(tmp_path):
    day = tmp_path / "day.itch"
    written = tradekernel("session", str(day), "--messages", "20000", "--seed", "6")
    assert written.returncode == 0, written.stderr
    assert f"written to {day}" in written.stderr
    done = tradekernel("demo", "--itch-file", str(day), "--limit", "4000", "--symbols",
                       "SYM1,SYM2", "--boot", "kernel", timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "4,000 ITCH 5.0 messages" in done.stderr
    assert "matches the Python reference" in done.stderr


@pytest.mark.qemu
def test_run_under_uefi_boots_the_iso_on_q35():
    done = tradekernel("run", "--firmware", "uefi", "--cmdline", "mode=test", timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout[-3000:]
    assert "(iso), on QEMU q35 with UEFI firmware" in done.stderr
    (boot,) = [line for line in done.stdout.splitlines() if line.startswith("@tk boot ")]
    assert "loader=multiboot2" in boot and "firmware=uefi" in boot
    assert "@tk pci-config mechanism=ecam" in done.stdout
    assert "kernel run ended: passed" in done.stderr


def test_run_under_uefi_explains_it_boots_only_the_iso():
    done = tradekernel("run", "--firmware", "uefi", "--boot", "disk")
    assert done.returncode != 0
    assert "--firmware uefi boots the GRUB image only (--boot iso), not disk" in done.stderr


@pytest.mark.qemu
def test_demo_under_uefi_firmware():
    # Plain TCG: OVMF under -icount takes about a minute to reach the kernel.
    done = tradekernel(
        "demo", "--messages", "5000", "--firmware", "uefi", "--no-icount", timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "on QEMU q35 (UEFI)" in done.stderr
    assert "matches the Python reference" in done.stderr
    assert "demo complete" in done.stderr


@pytest.mark.qemu
def test_demo_on_the_i440fx_pc_machine():
    done = tradekernel("demo", "--messages", "5000", "--machine", "pc", timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "on QEMU pc (BIOS)" in done.stderr
    assert "matches the Python reference" in done.stderr
    assert "demo complete" in done.stderr


def test_demo_explains_a_missing_file():
    done = tradekernel("demo", "--itch-file", "/nonexistent/day.itch")
    assert done.returncode == 2
    assert "error:" in done.stderr and "/nonexistent/day.itch" in done.stderr
