"""The kernel's control port (kernel/net/control.h). A command is obeyed only
from an address given as control= on the kernel's command line, signed with
the secret given as secret=, over this boot's nonce, the sender's address and
a counter that only grows, one per sender:

    <command> <counter> hex(HMAC-SHA256(secret, "<nonce> <source> <command> <counter>"))

The secret never travels; a recorded command is refused in this boot (its
counter is spent), from another sender's address (the source is signed) and
in any other boot (its nonce is). The kernel prints the nonce at boot:
`@tk control nonce=`."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import secrets
import threading
from dataclasses import dataclass, field

from tradekernel import ports
from tradekernel.records import Record

CONTROL_PORT = ports.CONTROL
COMMANDS = ("tk-status", "tk-kill", "tk-exit")
MIN_SECRET, MAX_SECRET = 16, 64  # ControlPlane::kMinSecret, kMaxSecret
NONCE_DIGITS = 16  # ControlPlane::kNonceDigits
NONCE = re.compile(rf"[0-9a-f]{{{NONCE_DIGITS}}}")  # as the kernel prints it
# The kernel's command line splits words on whitespace, and the kernel counts
# the secret in bytes: printable ASCII only, no spaces.
SECRET = re.compile(r"[!-~]+")


class NonceUnknown(RuntimeError):
    """A command was asked for before the kernel's nonce was learnt."""


def new_secret() -> str:
    """A fresh secret for one run: 32 hexadecimal characters."""
    return secrets.token_hex(16)


def sign(secret: str, nonce: str, source: str, word: str, counter: int) -> str:
    """The MAC a command from `source` (dotted decimal) carries, as the
    kernel computes it."""
    message = f"{nonce} {source} {word} {counter}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Control:
    """Who may command the kernel, the secret they sign with, and the boot's
    nonce once learnt (`learn`). Commands are signed as from the first
    source, and numbered from 1 in the order they are made; one overtaken by
    a later one on the way is refused. Two signers sharing a source address
    would refuse each other's commands: give each its own address."""

    sources: tuple[str, ...]
    secret: str = field(default_factory=new_secret)
    nonce: str | None = None
    _counter: itertools.count[int] = field(
        default_factory=lambda: itertools.count(1), repr=False, compare=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not MIN_SECRET <= len(self.secret) <= MAX_SECRET or not SECRET.fullmatch(self.secret):
            raise ValueError(
                f"a control secret is {MIN_SECRET}-{MAX_SECRET} printable ASCII characters, "
                "no spaces"
            )

    def cmdline(self) -> str:
        """The kernel command-line words that configure the control port."""
        return f"control={','.join(self.sources)} secret={self.secret}"

    def learn(self, record: Record) -> None:
        """Takes the nonce from the kernel's `@tk control` boot record; a new
        boot's nonce starts the counter again."""
        nonce = record.get("nonce")
        if record.kind != "control" or nonce is None or not NONCE.fullmatch(nonce):
            raise ValueError(f"not a control record with a nonce: {record}")
        if record.get("configured") == "0":
            raise ValueError(f"the kernel refuses every command: {record}")
        with self._lock:
            if nonce != self.nonce:
                self.nonce, self._counter = nonce, itertools.count(1)

    def command(self, word: str) -> bytes:
        if word not in COMMANDS:
            raise ValueError(f"unknown control command {word!r}: one of {', '.join(COMMANDS)}")
        with self._lock:
            if self.nonce is None:
                raise NonceUnknown("the kernel's nonce is not known yet (its `@tk control` record)")
            counter = next(self._counter)
            mac = sign(self.secret, self.nonce, self.sources[0], word, counter)
            return f"{word} {counter} {mac}".encode()
