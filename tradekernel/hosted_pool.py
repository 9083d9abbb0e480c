"""The kernel's object pools, loaded from the hosted build (ctypes).

    with Pool(object_size=64, capacity_per_node=1000, cores=4, nodes=2) as pool:
        obj = pool.alloc(core=1)      # an address, or None when exhausted
        pool.free(core=3, obj)

The C ABI is platform/hosted/capi/pool_capi.cpp, in the hosted library
(tradekernel/hosted_lib.py).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache

from tradekernel.hosted_lib import library

ANY_NODE = 0xFFFFFFFF


class _Stats(ctypes.Structure):
    _fields_ = [
        ("capacity", ctypes.c_uint64),
        ("in_use", ctypes.c_uint64),
        ("high_water", ctypes.c_uint64),
        ("failures", ctypes.c_uint64),
        ("remote_refills", ctypes.c_uint64),
        ("cached", ctypes.c_uint64),
        ("object_size", ctypes.c_uint32),
        ("stride", ctypes.c_uint32),
    ]


class _Stress(ctypes.Structure):
    _fields_ = [
        ("allocated", ctypes.c_uint64),
        ("freed", ctypes.c_uint64),
        ("duplicates", ctypes.c_uint64),
        ("corrupted", ctypes.c_uint64),
        ("exhausted_spins", ctypes.c_uint64),
        ("stalled", ctypes.c_uint64),
    ]


@dataclass(frozen=True)
class PoolStats:
    capacity: int
    in_use: int
    high_water: int
    failures: int
    remote_refills: int
    cached: int
    object_size: int
    stride: int


@dataclass(frozen=True)
class StressResult:
    allocated: int
    freed: int
    duplicates: int
    corrupted: int
    exhausted_spins: int
    stalled: int  # producers that gave up: the pool stayed empty


@cache
def _pool_library() -> ctypes.CDLL:
    return library()


class Pool:
    """One ObjectPool; core c is on node c % nodes."""

    def __init__(self, object_size: int, capacity_per_node: int, cores: int = 2, nodes: int = 1):
        self._lib = _pool_library()
        self._handle = self._lib.tk_pool_create(object_size, capacity_per_node, cores, nodes)
        if not self._handle:
            raise ValueError("pool rejected its arguments (or trading has started)")
        self.cores, self.nodes = cores, nodes

    def alloc(self, core: int) -> int | None:
        return self._lib.tk_pool_alloc(self._handle, core)

    def free(self, core: int, address: int) -> None:
        self._lib.tk_pool_free(self._handle, core, address)

    def node_of(self, address: int) -> int:
        return self._lib.tk_pool_node_of(self._handle, address)

    def stats(self) -> PoolStats:
        s = _Stats()
        self._lib.tk_pool_stats(self._handle, ctypes.byref(s))
        return PoolStats(*(getattr(s, name) for name, _ in _Stats._fields_))

    def stress(self, pairs: int, objects_per_producer: int) -> StressResult:
        """Threads in C++: producers allocate, consumers on other cores free."""
        r = _Stress()
        self._lib.tk_pool_stress(self._handle, pairs, objects_per_producer, ctypes.byref(r))
        return StressResult(*(getattr(r, name) for name, _ in _Stress._fields_))

    def close(self) -> None:
        if self._handle:
            self._lib.tk_pool_destroy(self._handle)
            self._handle = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_trading() -> None:
    _pool_library().tk_mem_start_trading()


def reset_trading() -> None:
    _pool_library().tk_mem_reset_trading()


def allocation_violations() -> int:
    return _pool_library().tk_mem_allocation_violations()
