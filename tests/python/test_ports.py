"""The ports are one fact: kernel/net/ports.h for the kernel and
tradekernel/ports.py for the host must say the same."""

import re

from tradekernel import paths, ports


def test_the_host_and_the_kernel_agree_on_every_port():
    header = (paths.ROOT / "kernel" / "net" / "ports.h").read_text()
    kernel = {
        re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper(): int(value)
        for name, value in re.findall(r"constexpr u16 k(\w+) = (\d+);", header)
    }
    host = {k: v for k, v in vars(ports).items() if k.isupper()}
    assert len(kernel) >= 7
    assert kernel == host
