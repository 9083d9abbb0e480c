"""A compiled strategy loaded into this process: the object the kernel would
link, built for the hosted target and linked with a bridge
(platform/hosted/strategy_bridge/bridge.c) that sends its calls of the
strategy ABI to the Python engine in charge (tradekernel.strategy.set_engine).

CompiledStrategy has PythonStrategy's interface (call, has, fault, calls),
so the backtest drives either, and a test can hold the two runs side by
side, message by message."""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradekernel import paths
from tradekernel import strategy as api
from tradekernel.strategy import layout, llvm_backend, runtime
from tradekernel.strategy.frontend import CALLBACKS, Program
from tradekernel.strategy.layout import ctypes_struct
from tradekernel.strategy.python_backend import Fault

BRIDGE = paths.ROOT / "platform" / "hosted" / "strategy_bridge" / "bridge.c"
CACHE = paths.BUILD / "strategy" / "hosted-lib"

_SEND = ctypes.CFUNCTYPE(
    ctypes.c_uint64, ctypes.c_uint16, ctypes.c_uint8, ctypes.c_uint64, ctypes.c_uint32,
    ctypes.c_uint32,
)  # fmt: skip
_CANCEL = ctypes.CFUNCTYPE(ctypes.c_uint8, ctypes.c_uint64)
_POSITION = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_uint16)


class _Fault(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint32), ("line", ctypes.c_uint32), ("skipped", ctypes.c_uint64)]


def _descriptor_field(name: str) -> tuple[str, Any]:
    short = name.removeprefix("strategy.")
    kind = {"fault": ctypes.POINTER(_Fault), "source": ctypes.c_char_p}
    kind |= {"fault_names": ctypes.c_char_p, "digest": ctypes.c_char_p}
    return short, kind.get(short, ctypes.c_void_p)


class _Descriptor(ctypes.Structure):
    _fields_ = [_descriptor_field(name) for name in layout.DESCRIPTOR]


def _callback_type(name: str) -> Any:
    structs = [ctypes.POINTER(ctypes_struct(s)) for s in CALLBACKS[name]]
    return ctypes.CFUNCTYPE(None, ctypes.c_void_p, *structs, ctypes.c_void_p)


def build_library(program: Program) -> Path:
    """The strategy as a shared library (cached by the object's bytes)."""
    obj, _ = llvm_backend.compile_object(program, "hosted")
    key = hashlib.sha256(obj + BRIDGE.read_bytes()).hexdigest()[:16]
    lib = CACHE / f"{key}.so"
    if lib.exists():
        return lib
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        o = Path(tmp) / "strategy.o"
        o.write_bytes(obj)
        out = Path(tmp) / "strategy.so"
        subprocess.run(
            [
                "clang",
                "-shared",
                "-fPIC",
                "-O2",
                "-fuse-ld=lld",
                str(BRIDGE),
                str(o),
                "-o",
                str(out),
            ],
            check=True,
        )
        out.replace(lib)
    return lib


@dataclass
class CompiledStrategy:
    program: Program
    library: ctypes.CDLL
    calls: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.descriptor = _Descriptor.in_dll(self.library, "tk_py_strategy")
        self._functions = {
            name: _callback_type(name)(getattr(self.descriptor, name))
            for name in llvm_backend.CALLBACK_ORDER
            if getattr(self.descriptor, name)
        }
        # Kept referenced: the C side holds only the raw pointers.
        self._bridge = (
            _SEND(lambda *a: api.send_order(*a)),
            _CANCEL(lambda order: int(api.cancel_order(order))),
            _POSITION(lambda locate: api.position(locate)),
        )
        for name, fn in zip(("send_order", "cancel_order", "position"), self._bridge, strict=True):
            ctypes.c_void_p.in_dll(self.library, f"tk_bridge_{name}").value = ctypes.cast(
                fn, ctypes.c_void_p
            ).value
        self.last_callback = ""

    @property
    def functions(self) -> dict[str, Any]:
        return self._functions

    def has(self, callback: str) -> bool:
        return callback in self._functions

    def call(self, callback: str, *args: Any) -> None:
        fn = self._functions.get(callback)
        if fn is None:
            return
        if self.descriptor.fault.contents.code == 0:
            self.calls[callback] = self.calls.get(callback, 0) + 1
            self.last_callback = callback
        fn(None, *(ctypes.byref(a) for a in args), None)

    @property
    def fault(self) -> Fault | None:
        f = self.descriptor.fault.contents
        if f.code == 0:
            return None
        return Fault(f.code, f.line, self.last_callback)

    @property
    def skipped(self) -> int:
        return int(self.descriptor.fault.contents.skipped)

    @property
    def fault_names(self) -> tuple[str, ...]:
        return tuple(self.descriptor.fault_names.decode().split(","))


def load(program: Program) -> CompiledStrategy:
    """A fresh instance: its state as the kernel starts it. (dlopen hands
    back the library already loaded from the same path, state and all, so
    each load opens a copy of its own.)"""
    built = build_library(program)
    with tempfile.NamedTemporaryFile(dir=CACHE, prefix="instance-", suffix=".so") as copy:
        copy.write(built.read_bytes())
        copy.flush()
        lib = ctypes.CDLL(copy.name, mode=ctypes.RTLD_LOCAL)
    compiled = CompiledStrategy(program, lib)
    assert compiled.fault_names == runtime.FAULTS
    return compiled
