"""The strategy's Python run: the file's own code, run by CPython, with the
checks the compiled code makes inserted where it makes them.

Each integer operation that can leave the 64-bit range, each index, each
store into a narrower field and each argument passed to the kernel becomes a
call into tradekernel/strategy/runtime.py, evaluated in Python's order, so
that the first fault either run meets is the same fault on the same line.
Everything else (comparisons, `and`/`or`, `&`, `|`, `^`, `~`, min, max,
control flow, helper calls) is left as Python runs it."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tradekernel.strategy import runtime
from tradekernel.strategy.frontend import (
    API_FUNCTIONS,
    INT,
    ArrayRef,
    Program,
    StructRef,
    check,
)
from tradekernel.strategy.layout import SCALARS, STRUCTS

_RT = "_tk_rt"
_CHECKED = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
    ast.LShift: "lshift",
    ast.RShift: "rshift",
}


def _rt(name: str, *args: ast.expr, line: int) -> ast.Call:
    return ast.Call(
        ast.Attribute(ast.Name(_RT, ast.Load()), name, ast.Load()),
        [*args, ast.Constant(line)],
        [],
    )


class _Transformer(ast.NodeTransformer):
    def __init__(self, program: Program) -> None:
        self.p = program
        self.temps = 0

    def line(self, node: ast.AST) -> int:
        return getattr(node, "lineno", 0)

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        name = _CHECKED.get(type(node.op))
        if name is None:
            return node
        return _rt(name, node.left, node.right, line=self.line(node))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and self.p.types.get(node) == INT:
            return _rt("neg", node.operand, line=self.line(node))
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        base = self.p.types.get(node.value)
        self.generic_visit(node)
        if isinstance(base, StructRef) and isinstance(node.ctx, ast.Load):
            f = STRUCTS[base.struct].field(node.attr)
            if f is not None and f.type == "u64":
                return _rt("load_u64", node, line=self.line(node))
            if f is not None and f.type == "bool":
                return ast.Call(ast.Name("bool", ast.Load()), [node], [])
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        array = self.p.types.get(node.value)
        self.generic_visit(node)
        if isinstance(array, ArrayRef):
            node.slice = _rt("index", node.slice, ast.Constant(array.length), line=self.line(node))
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name):
            return node
        name = node.func.id
        line = self.line(node)
        if name == "abs":
            return _rt("abs_", *node.args, line=line)
        fn = API_FUNCTIONS.get(name)
        if fn is None:
            return node
        names = [p for p, _ in fn.params]
        kinds = dict(fn.params)

        def checked(arg: ast.expr, param: str) -> ast.expr:
            s = SCALARS[kinds[param]]
            hi = min(s.hi, runtime.I64_MAX)
            return _rt("store", arg, ast.Constant(s.lo), ast.Constant(hi), line=line)

        node.args = [checked(a, names[i]) for i, a in enumerate(node.args)]
        for k in node.keywords:
            assert k.arg is not None
            k.value = checked(k.value, k.arg)
        if name == "send_order":
            return _rt("order_id", node, line=line)
        if name == "cancel_order":  # as the compiled code reads the kernel's u8
            return ast.Call(ast.Name("bool", ast.Load()), [node], [])
        return node

    def field_range(self, target: ast.expr) -> tuple[int, int] | None:
        """(lo, hi) of the state field or element a store goes to, if narrower
        than an int (bool fields take only bools: nothing to check)."""
        if isinstance(target, ast.Subscript):
            array = self.p.types.get(target.value)
            assert isinstance(array, ArrayRef)
            s = array.element
        elif isinstance(target, ast.Attribute):
            s = self.p.state[target.attr].scalar
        else:
            return None
        if s.name == "bool":
            return None
        return s.lo, min(s.hi, runtime.I64_MAX)

    def fit(self, value: ast.expr, target: ast.expr, line: int) -> ast.expr:
        r = self.field_range(target)
        if r is None or r == (runtime.I64_MIN, runtime.I64_MAX):
            return value
        return _rt("store", value, ast.Constant(r[0]), ast.Constant(r[1]), line=line)

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        target = node.targets[0]
        self.generic_visit(node)
        node.value = self.fit(node.value, target, node.lineno)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> list[ast.stmt] | ast.stmt:
        line = node.lineno
        target = node.target
        pre: list[ast.stmt] = []
        if isinstance(target, ast.Subscript):
            array = self.p.types[target.value]
            assert isinstance(array, ArrayRef)
            self.temps += 1
            temp = f"_tk_index{self.temps}"
            index = _rt("index", self.visit(target.slice), ast.Constant(array.length), line=line)
            pre.append(ast.Assign([ast.Name(temp, ast.Store())], index, lineno=line))
            base = self.visit(target.value)
            load: ast.expr = ast.Subscript(base, ast.Name(temp, ast.Load()), ast.Load())
            store: ast.expr = ast.Subscript(base, ast.Name(temp, ast.Load()), ast.Store())
        elif isinstance(target, ast.Attribute):
            base = self.visit(target.value)
            load = ast.Attribute(base, target.attr, ast.Load())
            store = ast.Attribute(base, target.attr, ast.Store())
        else:
            assert isinstance(target, ast.Name)
            load, store = ast.Name(target.id, ast.Load()), ast.Name(target.id, ast.Store())
        value = self.visit(node.value)
        op = _CHECKED.get(type(node.op))
        combined: ast.expr = (
            _rt(op, load, value, line=line) if op else ast.BinOp(load, node.op, value)
        )
        pre.append(ast.Assign([store], self.fit(combined, target, line), lineno=line))
        return pre

    def _tick(self, node: ast.stmt) -> ast.stmt:
        return ast.Expr(_rt("tick", line=node.lineno))

    def visit_While(self, node: ast.While) -> ast.stmt:
        self.generic_visit(node)
        node.body.insert(0, self._tick(node))
        return node

    def visit_For(self, node: ast.For) -> ast.stmt:
        self.generic_visit(node)
        node.body.insert(0, self._tick(node))
        return node


@dataclass
class Fault:
    code: int
    line: int
    callback: str

    @property
    def name(self) -> str:
        return runtime.FAULTS[self.code]


@dataclass
class PythonStrategy:
    """The strategy as Python: call(name, ...) runs one callback the way the
    kernel runs the compiled one; after a fault, no callback runs again
    (the strategy stops entirely: its state may be half updated)."""

    program: Program
    state: Any
    functions: dict[str, Callable[..., None]]
    fault: Fault | None = None
    calls: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # callbacks not run since the fault, as the kernel counts them

    def has(self, callback: str) -> bool:
        return callback in self.functions

    def call(self, callback: str, *args: Any) -> None:
        fn = self.functions.get(callback)
        if fn is None:
            return
        if self.fault is not None:
            self.skipped += 1
            return
        self.calls[callback] = self.calls.get(callback, 0) + 1
        runtime.LoopBudget.left = runtime.LOOP_BUDGET_ITERATIONS
        try:
            fn(self.state, *args)
        except runtime.StrategyFault as f:
            self.fault = Fault(f.code, f.line, callback)


def load(program: Program) -> PythonStrategy:
    """Runs the module (constants, the state class, the functions) with the
    checks in, and sets up the state as the kernel does: each field at its
    initial value, arrays zeroed."""
    # A tree of its own: the transformer rewrites it in place.
    own = check(program.source, program.file)
    tree = _Transformer(own).visit(own.tree)
    at = 0  # after the docstring and `from __future__` imports
    while at < len(tree.body) and (
        isinstance(tree.body[at], ast.Expr)
        or (isinstance(tree.body[at], ast.ImportFrom) and tree.body[at].module == "__future__")
    ):
        at += 1
    tree.body.insert(at, ast.Import([ast.alias("tradekernel.strategy.runtime", _RT)]))
    ast.fix_missing_locations(tree)
    namespace: dict[str, Any] = {"__name__": "tk_strategy", "__file__": program.file}
    # dont_inherit: this module's `from __future__ import annotations` would
    # let through annotations plain CPython rejects.
    exec(compile(tree, program.file, "exec", dont_inherit=True), namespace)
    state = namespace[program.state_class]()
    for f in program.state.values():
        zero: int | bool = False if f.scalar.name == "bool" else 0
        if f.length:
            setattr(state, f.name, [zero] * f.length)
        else:
            setattr(state, f.name, bool(f.initial) if f.scalar.name == "bool" else f.initial)
    callbacks = {f.name: namespace[f.name] for f in program.callbacks}
    return PythonStrategy(program, state, callbacks)


__all__ = ["Fault", "PythonStrategy", "load"]
