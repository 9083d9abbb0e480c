"""The control port's authentication (kernel/net/control.h, kernel/lib/sha256)
against Python's own hashlib and hmac: the kernel's HMAC-SHA256 equals
Python's on any key and message; the commands tradekernel.control builds are
obeyed once each, in order; a recording, a tampered byte, another boot's
nonce or another source is refused and counted."""

import ctypes
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradekernel.control import COMMANDS, Control, sign
from tradekernel.hosted_lib import library
from tradekernel.records import Record

OPERATOR, STRANGER = 0x0A000001, 0x0A000063
NONE, STATUS, KILL, EXIT = 0, 1, 2, 3
OBEYED = {"tk-status": STATUS, "tk-kill": KILL, "tk-exit": EXIT}


def kernel_hmac(key: bytes, message: bytes) -> bytes:
    out = (ctypes.c_uint8 * 32)()
    library().tk_hmac_sha256(key, len(key), message, len(message), out)
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.binary(max_size=300))
def test_kernel_hmac_sha256_equals_pythons(key: bytes, message: bytes):
    assert kernel_hmac(key, message) == hmac.new(key, message, hashlib.sha256).digest()


class Plane:
    """The kernel's ControlPlane, configured for OPERATOR with `control`'s
    secret over `nonce`."""

    def __init__(self, control: Control, nonce: int, sources: bytes = b"10.0.0.1") -> None:
        self.lib = library()
        self.handle = self.lib.tk_control_create(sources, control.secret.encode(), nonce)
        assert self.handle

    def check(self, payload: bytes, source: int = OPERATOR) -> int:
        return self.lib.tk_control_check(self.handle, source, payload, len(payload))

    def counters(self) -> dict[str, int]:
        names = self.lib.tk_control_counter_names().decode().rstrip(",").split(",")
        out = (ctypes.c_uint64 * len(names))()
        self.lib.tk_control_counters(self.handle, out)
        return dict(zip(names, out, strict=True))

    def close(self) -> None:
        self.lib.tk_control_destroy(self.handle)


def booted(nonce: int, source: str = "10.0.0.1", secret: str | None = None) -> Control:
    control = Control(sources=(source,)) if secret is None else Control((source,), secret)
    control.learn(Record("control", {"nonce": f"{nonce:016x}"}))
    return control


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**64 - 1), st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=8))
def test_python_commands_are_obeyed_once_each_in_order(nonce: int, words: list[str]):
    control = booted(nonce)
    plane = Plane(control, nonce)
    try:
        sent = [control.command(w) for w in words]
        assert [plane.check(c) for c in sent] == [OBEYED[w] for w in words]
        assert [plane.check(c) for c in sent] == [NONE] * len(sent)  # recordings
        assert plane.counters()["refused_replay"] == len(sent)
    finally:
        plane.close()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**64 - 1), st.sampled_from(COMMANDS), st.data())
def test_any_changed_byte_is_refused(nonce: int, word: str, data: st.DataObject):
    control = booted(nonce)
    plane = Plane(control, nonce)
    try:
        command = bytearray(control.command(word))
        at = data.draw(st.integers(0, len(command) - 1))
        new = data.draw(st.integers(0, 255).filter(lambda b: b != command[at]))
        command[at] = new
        assert plane.check(bytes(command)) == NONE
        assert plane.counters()["accepted"] == 0
    finally:
        plane.close()


def test_another_boot_or_another_source_is_refused():
    control = booted(7)
    recording = control.command("tk-exit")
    rebooted = Plane(control, 8)
    here = Plane(control, 7)
    try:
        assert rebooted.check(recording) == NONE
        assert rebooted.counters()["refused_mac"] == 1
        assert here.check(recording, source=STRANGER) == NONE
        assert here.counters()["refused_source"] == 1
        assert here.check(recording) == EXIT
    finally:
        rebooted.close()
        here.close()


def test_the_secret_never_travels():
    control = booted(1)
    for word in COMMANDS:
        command = control.command(word)
        assert control.secret.encode() not in command
        assert command.split()[2].decode() == sign(
            control.secret, control.nonce or "", "10.0.0.1", word, int(command.split()[1])
        )


SECOND = 0x0A000007


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**64 - 1), st.lists(st.booleans(), min_size=1, max_size=12))
def test_two_operators_count_apart_and_cannot_borrow_each_others_commands(
    nonce: int, turns: list[bool]
):
    first = booted(nonce)
    second = booted(nonce, "10.0.0.7", first.secret)
    plane = Plane(first, nonce, b"10.0.0.1,10.0.0.7")
    try:
        for second_turn in turns:
            signer, source = (second, SECOND) if second_turn else (first, OPERATOR)
            command = signer.command("tk-status")
            other = OPERATOR if second_turn else SECOND
            assert plane.check(command, source=other) == NONE  # from the other's address
            assert plane.check(command, source=source) == STATUS
        counts = plane.counters()
        assert (counts["accepted"], counts["refused_mac"]) == (len(turns), len(turns))
    finally:
        plane.close()


@pytest.mark.parametrize(
    "secret", ["é" * 16, "tab\tinside-secret-x", "space inside secret", "short", "x" * 65]
)
def test_a_secret_the_kernel_would_read_differently_is_refused_up_front(secret: str):
    with pytest.raises(ValueError, match="printable ASCII"):
        Control(sources=("10.0.0.1",), secret=secret)


@pytest.mark.parametrize(
    "fields",
    [
        {"nonce": "0123456789ABCDEF", "configured": "1"},  # the kernel prints lowercase
        {"nonce": "0123456789abcde", "configured": "1"},
        {"nonce": "0123456789abcdef", "configured": "0"},  # every command would be refused
        {"configured": "1"},
    ],
)
def test_a_nonce_the_kernel_did_not_print_is_refused(fields: dict[str, str]):
    with pytest.raises(ValueError):
        Control(sources=("10.0.0.1",)).learn(Record("control", fields))
