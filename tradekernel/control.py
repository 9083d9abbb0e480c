"""The kernel's control port (kernel/net/control.h): "<command> <secret>" on
UDP port 9, obeyed only from the addresses given as control= with the secret
given as secret= on the kernel's command line."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from tradekernel import ports

CONTROL_PORT = ports.CONTROL
COMMANDS = ("tk-status", "tk-kill", "tk-exit")
MIN_SECRET, MAX_SECRET = 16, 64  # ControlPlane::kMinSecret, kMaxSecret


def new_secret() -> str:
    """A fresh secret for one run: 32 hexadecimal characters."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Control:
    """Who may command the kernel, and the secret they prove it with."""

    sources: tuple[str, ...]
    secret: str = field(default_factory=new_secret)

    def __post_init__(self) -> None:
        if not MIN_SECRET <= len(self.secret) <= MAX_SECRET or " " in self.secret:
            raise ValueError(f"a control secret is {MIN_SECRET}-{MAX_SECRET} characters, no spaces")

    def cmdline(self) -> str:
        """The kernel command-line words that configure the control port."""
        return f"control={','.join(self.sources)} secret={self.secret}"

    def command(self, word: str) -> bytes:
        if word not in COMMANDS:
            raise ValueError(f"unknown control command {word!r}: one of {', '.join(COMMANDS)}")
        return f"{word} {self.secret}".encode()
