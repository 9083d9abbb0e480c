"""The Linux packet-ring peers' feed (bench/veth_feed.h) waits for every
frame it sends until the frame is in the receiving ring, however late it
lands. Receive Packet Steering on the receiving end moves the copy into the
ring to the other CPU, so nearly every frame lands after send() returns: the
runs must still complete with every frame, and count the late ones."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tradekernel import bench, build, paths
from tradekernel.records import of_kind, parse_records

VETH = ("tkfeed0", "tkfeed1")


@pytest.mark.skipif(os.geteuid() != 0, reason="a veth pair needs root")
@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="steering the receive to another CPU needs two"
)
@pytest.mark.parametrize("mode", ["linux_packet_ring_rx_to_app", "linux_packet_ring_tick_to_trade"])
def test_packet_ring_feed_waits_for_frames_received_on_the_other_cpu(mode: str):
    build.ensure(("bench-bin",))
    with bench.veth_pair(lambda line: None, VETH) as have_veth:
        assert have_veth
        # RPS on the receiving end: its receive runs on CPU 1, the feed on CPU 0.
        Path(f"/sys/class/net/{VETH[0]}/queues/rx-0/rps_cpus").write_text("2\n")
        done = subprocess.run(
            [str(paths.BENCH_BIN), mode, *VETH], capture_output=True, text=True, timeout=600
        )
    assert done.returncode == 0, done.stderr
    records = parse_records(done.stdout.splitlines())
    (result,) = of_kind(records, "bench")
    assert int(result["samples"]) == 20000
    (feed,) = [r for r in of_kind(records, "bench-note") if "frames-sent" in r.fields]
    sent, late = int(feed["frames-sent"]), int(feed["frames-landed-after-send"])
    assert 0 < late <= sent


@pytest.mark.skipif(os.geteuid() != 0, reason="a veth pair needs root")
def test_a_stray_frame_on_the_pair_ends_the_run_with_its_reason():
    """A frame of another sender in the receiving ring is never taken for the
    feed's, and never leaves later frames waited for in the wrong slot: the
    run stops, says why, and exits non-zero, in seconds."""
    build.ensure(("bench-bin",))
    stray = b"\xff" * 6 + b"\x02" * 6 + b"\x08\x00" + b"x" * 50  # 64 bytes; the feed's are 106
    command = [str(paths.BENCH_BIN), "linux_packet_ring_rx_to_app", *VETH]
    with bench.veth_pair(lambda line: None, VETH) as have_veth:
        assert have_veth
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sender:
            sender.bind((VETH[1], 0))  # the feed's end: the frames arrive where the ring is
            deadline = time.monotonic() + 60
            while run.poll() is None and time.monotonic() < deadline:
                sender.send(stray)
                time.sleep(0.05)
        stopped_by_itself = run.poll() is not None
        if not stopped_by_itself:
            run.kill()
        _, stderr = run.communicate()
    assert stopped_by_itself, "the run went on for a minute with stray frames in its ring"
    assert run.returncode != 0
    assert "packet-ring feed:" in stderr
