"""The strategy compiled ahead of time: LLVM IR through llvmlite's builder,
then a freestanding x86-64 ELF object through llvmlite's target machine.

The object is built as the kernel is built (x86_64-unknown-none-elf, no red
zone, no SSE/MMX/x87, frame pointers, `no-builtins` so that LLVM turns no
loop into a memset call): its only undefined symbols are the kernel's
strategy ABI (kernel/trade/compiled_strategy.cpp), and it defines
`tk_py_strategy`, the descriptor kernel/trade/compiled_strategy.h reads.

Every check runtime.py makes in the Python run is made here at the same
point, in the same order: a failed check records the fault (code and line)
in `tk_py_fault` and returns; from then on every callback returns at once
and counts itself skipped."""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# LLVM 17 and later know only opaque pointers; llvmlite's IR layer reads
# this once, at import.
os.environ["LLVMLITE_ENABLE_IR_LAYER_TYPED_POINTERS"] = "0"
import llvmlite.binding as llvm
import llvmlite.ir as ir

from tradekernel.strategy import CONSTANTS as API_CONSTANTS
from tradekernel.strategy import (
    layout,
    runtime,
)
from tradekernel.strategy.frontend import (
    API_FUNCTIONS,
    BOOL,
    CALLBACKS,
    INT,
    STATE,
    ArrayRef,
    Function,
    Program,
    StructRef,
    Value,
    digest,
)
from tradekernel.strategy.layout import SCALARS, STRUCTS, Scalar

I1, I8, I16, I32, I64 = (ir.IntType(n) for n in (1, 8, 16, 32, 64))
PTR = ir.PointerType()
VOID = ir.VoidType()
FAULT_TYPE = ir.LiteralStructType([I32, I32, I64])  # code, line, callbacks skipped
# The order kernel/trade/compiled_strategy.h lays the callbacks out in (Strategy).
CALLBACK_ORDER = layout.CALLBACKS
ABI = {
    "send_order": ("tk_strategy_send_order", I64, [PTR, I16, I8, I64, I32, I32]),
    "cancel_order": ("tk_strategy_cancel_order", I8, [PTR, I64]),
    "position": ("tk_strategy_position", I64, [PTR, I16]),
}
FEATURES = "-mmx,-sse,-sse2,-sse3,-ssse3,-sse4.1,-sse4.2,-avx,-avx2,-x87"


@dataclass(frozen=True)
class Target:
    """Kernel: static, code model kernel (linked at -2 GiB). Hosted: position
    independent, for the hosted core's shared library and programs."""

    name: str
    reloc: str
    codemodel: str


TARGETS = {
    "kernel": Target("kernel", "static", "kernel"),
    "hosted": Target("hosted", "pic", "small"),
}


def _c(t: ir.IntType, v: int) -> ir.Constant:
    return ir.Constant(t, v)


class _Emitter:
    def __init__(self, program: Program, module: ir.Module, g: _Globals, f: Function) -> None:
        self.p = program
        self.m = module
        self.g = g
        self.f = f
        self.fn = g.functions[f.name]
        self.b = ir.IRBuilder(self.fn.append_basic_block("entry"))
        self.slots: dict[str, ir.AllocaInstr] = {}
        self.args: dict[str, ir.Value] = {}
        self.loops: list[tuple[ir.Block, ir.Block]] = []  # (continue, break) targets

    def put(self, value: ir.Value, ptr: ir.Value) -> None:
        """A store. (llvmlite's builder checks the pointee type, which an
        opaque pointer from a byte-offset GEP does not carry.)"""
        st = ir.instructions.StoreInstr(self.b.block, value, ptr)
        st.align = None
        self.b._insert(st)

    # -- faults -------------------------------------------------------------

    def ret_default(self) -> None:
        r = self.f.result
        if r is None:
            self.b.ret_void()
        else:
            self.b.ret(_c(I64 if r == INT else I1, 0))

    def fault_if(self, cond: ir.Value, code: int, line: int) -> None:
        """Branches to a fresh fault block when `cond` holds."""
        bad = self.fn.append_basic_block(f"fault.{runtime.FAULTS[code]}.{line}")
        ok = self.fn.append_basic_block("ok")
        self.b.cbranch(cond, bad, ok)
        self.b.position_at_end(bad)
        self.put(
            _c(I32, code),
            self.b.gep(self.g.fault, [_c(I32, 0), _c(I32, 0)], source_etype=FAULT_TYPE),
        )
        self.put(
            _c(I32, line),
            self.b.gep(self.g.fault, [_c(I32, 0), _c(I32, 1)], source_etype=FAULT_TYPE),
        )
        self.ret_default()
        self.b.position_at_end(ok)

    def fault_code(self) -> ir.Value:
        return self.b.load(
            self.b.gep(self.g.fault, [_c(I32, 0), _c(I32, 0)], source_etype=FAULT_TYPE), typ=I32
        )

    # -- functions ----------------------------------------------------------

    def emit(self) -> None:
        b = self.b
        for name, t in self.f.locals.items():
            self.slots[name] = b.alloca(I64 if t == INT else I1, name=name)
        for name in self.f.structs:
            self.slots[name] = b.alloca(PTR, name=name)
        params = list(self.fn.args)
        if self.f.callback:
            stopped = b.icmp_unsigned("!=", self.fault_code(), _c(I32, 0))
            skip = self.fn.append_basic_block("stopped")
            run = self.fn.append_basic_block("run")
            b.cbranch(stopped, skip, run)
            b.position_at_end(skip)
            skipped = b.gep(self.g.fault, [_c(I32, 0), _c(I32, 2)], source_etype=FAULT_TYPE)
            self.put(b.add(b.load(skipped, typ=I64), _c(I64, 1)), skipped)
            b.ret_void()
            b.position_at_end(run)
            self.put(params[-1], self.g.orders)
            self.put(_c(I64, runtime.LOOP_BUDGET_ITERATIONS), self.g.budget)
            params = params[:-1]  # the Orders* goes to the global
        for (name, t), arg in zip(self.f.params, params, strict=True):
            if isinstance(t, Value):
                self.put(arg, self.slots[name])
            else:
                self.args[name] = arg
        self.block(self.f.node.body)
        if not b.block.is_terminated:
            self.ret_default()

    def block(self, body: list[ast.stmt]) -> None:
        for s in body:
            if self.b.block.is_terminated:
                return  # code after return/break/continue: never runs
            self.stmt(s)

    # -- statements ---------------------------------------------------------

    def stmt(self, s: ast.stmt) -> None:
        b = self.b
        if isinstance(s, ast.Pass):
            return
        if isinstance(s, ast.Expr):
            if isinstance(s.value, ast.Call):
                self.call(s.value)
            return
        if isinstance(s, ast.Assign | ast.AnnAssign):
            target = s.targets[0] if isinstance(s, ast.Assign) else s.target
            assert s.value is not None
            if isinstance(self.p.types[s.value], StructRef):  # a name for a market struct
                self.put(self.struct_pointer(s.value), self.slots[target.id])  # type: ignore[union-attr]
                return
            v = self.expr(s.value)
            if isinstance(target, ast.Name):
                self.put(v, self.slots[target.id])
                return
            v = self.fit_field(v, target, s.lineno)
            self.put(v, self.field_pointer(target, getattr(target, "lineno", s.lineno)))
            return
        if isinstance(s, ast.AugAssign):
            self.aug_assign(s)
            return
        if isinstance(s, ast.If):
            cond = self.truth(s.test)
            then, other, done = (self.fn.append_basic_block(n) for n in ("then", "else", "endif"))
            b.cbranch(cond, then, other)
            reached = False
            for blk, body in ((then, s.body), (other, s.orelse)):
                b.position_at_end(blk)
                self.block(body)
                if not b.block.is_terminated:
                    b.branch(done)
                    reached = True
            b.position_at_end(done)
            if not reached:  # both branches left: what follows never runs
                b.unreachable()
            return
        if isinstance(s, ast.While):
            test, body, done = (
                self.fn.append_basic_block(n) for n in ("while", "body", "endwhile")
            )
            b.branch(test)
            b.position_at_end(test)
            b.cbranch(self.truth(s.test), body, done)
            b.position_at_end(body)
            self.tick(s.lineno)
            self.loops.append((test, done))
            self.block(s.body)
            self.loops.pop()
            if not b.block.is_terminated:
                b.branch(test)
            b.position_at_end(done)
            return
        if isinstance(s, ast.For):
            self.for_range(s)
            return
        if isinstance(s, ast.Break):
            b.branch(self.loops[-1][1])
            return
        if isinstance(s, ast.Continue):
            b.branch(self.loops[-1][0])
            return
        if isinstance(s, ast.Return):
            if s.value is None:
                b.ret_void()
            else:
                b.ret(self.expr(s.value))
            return
        raise AssertionError(f"unchecked statement {type(s).__name__}")

    def tick(self, line: int) -> None:
        left = self.b.sub(self.b.load(self.g.budget, typ=I64), _c(I64, 1))
        self.put(left, self.g.budget)
        self.fault_if(self.b.icmp_signed("<", left, _c(I64, 0)), runtime.LOOP_BUDGET, line)

    def for_range(self, s: ast.For) -> None:
        b = self.b
        assert isinstance(s.iter, ast.Call) and isinstance(s.target, ast.Name)
        args = s.iter.args
        step = self.p.steps[s]
        if len(args) == 1:
            start, stop = _c(I64, 0), self.expr(args[0])
        else:
            start = self.expr(args[0])
            stop = self.expr(args[1])
        counter = b.alloca(I64, name="range")
        self.put(start, counter)
        test, body, advance, done = (
            self.fn.append_basic_block(n) for n in ("for", "body", "next", "endfor")
        )
        b.branch(test)
        b.position_at_end(test)
        i = b.load(counter, typ=I64)
        more = b.icmp_signed("<" if step > 0 else ">", i, stop)
        b.cbranch(more, body, done)
        b.position_at_end(body)
        self.tick(s.lineno)
        self.put(i, self.slots[s.target.id])
        self.loops.append((advance, done))
        self.block(s.body)
        self.loops.pop()
        if not b.block.is_terminated:
            b.branch(advance)
        b.position_at_end(advance)
        # A step past the 64-bit range ends the range, as it does in Python.
        nxt = b.sadd_with_overflow(b.load(counter, typ=I64), _c(I64, step))
        self.put(b.extract_value(nxt, 0), counter)
        b.cbranch(b.extract_value(nxt, 1), done, test)
        b.position_at_end(done)

    def aug_assign(self, s: ast.AugAssign) -> None:
        b = self.b
        target = s.target
        if isinstance(target, ast.Name):
            slot = self.slots[target.id]
            cur = b.load(slot, typ=I64)
            self.put(self.binop(s.op, cur, self.expr(s.value), s.lineno), slot)
            return
        ptr = self.field_pointer(target, s.lineno)  # the index, checked, first
        scalar = self.field_scalar(target)
        cur = self.load_scalar(ptr, scalar, s.lineno)
        v = self.binop(s.op, cur, self.expr(s.value), s.lineno)
        self.put(self.fit_field(v, target, s.lineno), ptr)

    # -- fields -------------------------------------------------------------

    def field_scalar(self, target: ast.expr) -> Scalar:
        if isinstance(target, ast.Subscript):
            array = self.p.types[target.value]
            assert isinstance(array, ArrayRef)
            return array.element
        assert isinstance(target, ast.Attribute)
        return self.p.state[target.attr].scalar

    def fit_field(self, v: ir.Value, target: ast.expr, line: int) -> ir.Value:
        """The value as the field stores it, after its range check."""
        s = self.field_scalar(target)
        if s.name == "bool":
            return self.b.zext(v, I8)
        return self.fit(v, s, line)

    def fit(self, v: ir.Value, s: Scalar, line: int) -> ir.Value:
        b = self.b
        hi = min(s.hi, runtime.I64_MAX)
        if (s.lo, hi) != (runtime.I64_MIN, runtime.I64_MAX):
            if s.lo == 0:  # one unsigned compare covers both ends
                self.fault_if(b.icmp_unsigned(">", v, _c(I64, hi)), runtime.VALUE_RANGE, line)
            else:
                low = b.icmp_signed("<", v, _c(I64, s.lo))
                high = b.icmp_signed(">", v, _c(I64, hi))
                self.fault_if(b.or_(low, high), runtime.VALUE_RANGE, line)
        return v if s.bits == 64 else b.trunc(v, ir.IntType(s.bits))

    def field_pointer(self, node: ast.expr, line: int) -> ir.Value:
        """The address of a state field or array element (the index
        evaluated and checked here)."""
        b = self.b
        if isinstance(node, ast.Attribute):
            return self.g.state[node.attr]
        assert isinstance(node, ast.Subscript)
        array = self.p.types[node.value]
        assert isinstance(array, ArrayRef)
        i = self.expr(node.slice)
        n = array.length
        low = b.icmp_signed("<", i, _c(I64, -n))
        high = b.icmp_signed(">=", i, _c(I64, n))
        self.fault_if(b.or_(low, high), runtime.INDEX, line)
        wrapped = b.select(b.icmp_signed("<", i, _c(I64, 0)), b.add(i, _c(I64, n)), i)
        g = self.g.state[array.field]
        return b.gep(g, [_c(I64, 0), wrapped], source_etype=g.value_type, inbounds=True)

    def load_scalar(self, ptr: ir.Value, s: Scalar, line: int) -> ir.Value:
        b = self.b
        v = b.load(ptr, typ=ir.IntType(s.bits))
        if s.name == "bool":
            return b.icmp_unsigned("!=", v, _c(I8, 0))
        if s.bits == 64:
            if not s.signed:
                self.fault_if(b.icmp_signed("<", v, _c(I64, 0)), runtime.OVERFLOW, line)
            return v
        return b.sext(v, I64) if s.signed else b.zext(v, I64)

    def struct_pointer(self, node: ast.expr) -> ir.Value:
        """A market struct's address: an argument, or a struct inside one."""
        if isinstance(node, ast.Name):
            if node.id in self.f.structs:
                return self.b.load(self.slots[node.id], typ=PTR)
            return self.args[node.id]
        assert isinstance(node, ast.Attribute)
        base = self.p.types[node.value]
        assert isinstance(base, StructRef)
        f = STRUCTS[base.struct].field(node.attr)
        assert f is not None
        return self.b.gep(self.struct_pointer(node.value), [_c(I64, f.offset)], source_etype=I8)

    # -- expressions --------------------------------------------------------

    def truth(self, node: ast.expr) -> ir.Value:
        v = self.expr(node)
        if self.p.types[node] == INT:
            return self.b.icmp_signed("!=", v, _c(I64, 0))
        return v

    def expr(self, node: ast.expr) -> ir.Value:
        b = self.b
        t = self.p.types[node]
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant):
            return _c(I1, int(node.value)) if t == BOOL else _c(I64, node.value)
        if isinstance(node, ast.Name):
            if node.id in self.slots:
                return b.load(self.slots[node.id], typ=I64 if t == INT else I1)
            value = self.p.constants.get(node.id, API_CONSTANTS.get(node.id))
            assert value is not None, node.id
            return _c(I1, int(value)) if t == BOOL else _c(I64, int(value))
        if isinstance(node, ast.Attribute):
            base = self.p.types[node.value]
            if base == STATE:
                return self.load_scalar(
                    self.g.state[node.attr], self.p.state[node.attr].scalar, line
                )
            assert isinstance(base, StructRef)
            f = STRUCTS[base.struct].field(node.attr)
            assert f is not None
            ptr = b.gep(self.struct_pointer(node.value), [_c(I64, f.offset)], source_etype=I8)
            return self.load_scalar(ptr, SCALARS[f.type], line)
        if isinstance(node, ast.Subscript):
            array = self.p.types[node.value]
            assert isinstance(array, ArrayRef)
            return self.load_scalar(self.field_pointer(node, line), array.element, line)
        if isinstance(node, ast.BinOp):
            left = self.expr(node.left)
            right = self.expr(node.right)
            return self.binop(node.op, left, right, line)
        if isinstance(node, ast.UnaryOp):
            o = node.operand
            if (
                isinstance(node.op, ast.USub)
                and isinstance(o, ast.Constant)
                and o.value == -runtime.I64_MIN
            ):
                return _c(I64, runtime.I64_MIN)
            v = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                if self.p.types[node.operand] == INT:
                    return b.icmp_signed("==", v, _c(I64, 0))
                return b.xor(v, _c(I1, 1))
            if isinstance(node.op, ast.UAdd):
                return v
            if isinstance(node.op, ast.Invert):
                return b.xor(v, _c(I64, -1))
            r = b.ssub_with_overflow(_c(I64, 0), v)
            self.fault_if(b.extract_value(r, 1), runtime.OVERFLOW, line)
            return b.extract_value(r, 0)
        if isinstance(node, ast.BoolOp):
            return self.short_circuit(
                [lambda v=v: self.expr(v) for v in node.values], isinstance(node.op, ast.And)
            )
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            cond = self.truth(node.test)
            then, other, done = (self.fn.append_basic_block(n) for n in ("ifx", "elsex", "endifx"))
            b.cbranch(cond, then, other)
            b.position_at_end(then)
            a = self.expr(node.body)
            then_end = b.block
            b.branch(done)
            b.position_at_end(other)
            c = self.expr(node.orelse)
            other_end = b.block
            b.branch(done)
            b.position_at_end(done)
            phi = b.phi(a.type)
            phi.add_incoming(a, then_end)
            phi.add_incoming(c, other_end)
            return phi
        if isinstance(node, ast.Call):
            v = self.call(node)
            assert v is not None
            return v
        raise AssertionError(f"unchecked expression {type(node).__name__}")

    def short_circuit(self, parts: list[Callable[[], ir.Value]], conjunction: bool) -> ir.Value:
        """a and b and ...: each part runs only while the answer is open."""
        b = self.b
        done = self.fn.append_basic_block("endbool")
        incoming: list[tuple[ir.Value, ir.Block]] = []
        for i, part in enumerate(parts):
            v = part()
            if i == len(parts) - 1:
                incoming.append((v, b.block))
                b.branch(done)
                break
            nxt = self.fn.append_basic_block("bool")
            incoming.append((_c(I1, 0 if conjunction else 1), b.block))
            if conjunction:
                b.cbranch(v, nxt, done)
            else:
                b.cbranch(v, done, nxt)
            b.position_at_end(nxt)
        b.position_at_end(done)
        phi = b.phi(I1)
        for v, blk in incoming:
            phi.add_incoming(v, blk)
        return phi

    def compare(self, node: ast.Compare) -> ir.Value:
        """a < b < c: each operand evaluated once, stopping at the first false."""
        ops = {
            ast.Lt: "<",
            ast.LtE: "<=",
            ast.Gt: ">",
            ast.GtE: ">=",
            ast.Eq: "==",
            ast.NotEq: "!=",
        }
        state: dict[str, ir.Value] = {"left": self.expr(node.left)}

        def part(op: ast.cmpop, right_node: ast.expr) -> Callable[[], ir.Value]:
            def run() -> ir.Value:
                right = self.expr(right_node)
                r = self.b.icmp_signed(ops[type(op)], state["left"], right)
                state["left"] = right
                return r

            return run

        return self.short_circuit(
            [part(o, c) for o, c in zip(node.ops, node.comparators, strict=True)], True
        )

    def binop(self, op: ast.operator, a: ir.Value, c: ir.Value, line: int) -> ir.Value:
        b = self.b
        zero, minus_one, smallest = _c(I64, 0), _c(I64, -1), _c(I64, runtime.I64_MIN)
        if isinstance(op, ast.Add | ast.Sub | ast.Mult):
            f = {
                ast.Add: b.sadd_with_overflow,
                ast.Sub: b.ssub_with_overflow,
                ast.Mult: b.smul_with_overflow,
            }
            r = f[type(op)](a, c)
            self.fault_if(b.extract_value(r, 1), runtime.OVERFLOW, line)
            return b.extract_value(r, 0)
        if isinstance(op, ast.FloorDiv | ast.Mod):
            self.fault_if(b.icmp_signed("==", c, zero), runtime.ZERO_DIVISION, line)
            # x86 IDIV traps on MIN / -1; Python's quotient does not fit, its remainder is 0
            by_minus_one = b.icmp_signed("==", c, minus_one)
            if isinstance(op, ast.FloorDiv):
                self.fault_if(
                    b.and_(by_minus_one, b.icmp_signed("==", a, smallest)), runtime.OVERFLOW, line
                )
            divisor = b.select(by_minus_one, _c(I64, 1), c)
            q = b.select(by_minus_one, b.sub(zero, a), b.sdiv(a, divisor))
            r = b.select(by_minus_one, zero, b.srem(a, divisor))
            # Python floors: when the remainder's sign differs from the divisor's
            adjust = b.and_(b.icmp_signed("!=", r, zero), b.icmp_signed("<", b.xor(r, c), zero))
            if isinstance(op, ast.FloorDiv):
                return b.select(adjust, b.sub(q, _c(I64, 1)), q)
            return b.select(adjust, b.add(r, c), r)
        if isinstance(op, ast.LShift):
            self.fault_if(b.icmp_signed("<", c, zero), runtime.NEGATIVE_SHIFT, line)
            nonzero = b.icmp_signed("!=", a, zero)
            self.fault_if(
                b.and_(nonzero, b.icmp_signed(">=", c, _c(I64, 64))), runtime.OVERFLOW, line
            )
            amount = b.select(nonzero, c, zero)  # 0 << n is 0 for any n
            shifted = b.shl(a, amount)
            self.fault_if(b.icmp_signed("!=", b.ashr(shifted, amount), a), runtime.OVERFLOW, line)
            return shifted
        if isinstance(op, ast.RShift):
            self.fault_if(b.icmp_signed("<", c, zero), runtime.NEGATIVE_SHIFT, line)
            amount = b.select(b.icmp_signed(">", c, _c(I64, 63)), _c(I64, 63), c)
            return b.ashr(a, amount)
        simple = {ast.BitAnd: b.and_, ast.BitOr: b.or_, ast.BitXor: b.xor}
        return simple[type(op)](a, c)

    def call(self, node: ast.Call) -> ir.Value | None:
        b = self.b
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        line = node.lineno
        if name in ("min", "max"):
            values = [self.expr(a) for a in node.args]
            best = values[0]
            for v in values[1:]:
                # Python keeps the first of equals; for ints the value is the same
                better = b.icmp_signed("<" if name == "min" else ">", v, best)
                best = b.select(better, v, best)
            return best
        if name == "abs":
            v = self.expr(node.args[0])
            self.fault_if(b.icmp_signed("==", v, _c(I64, runtime.I64_MIN)), runtime.OVERFLOW, line)
            return b.select(b.icmp_signed("<", v, _c(I64, 0)), b.sub(_c(I64, 0), v), v)
        if name in API_FUNCTIONS:
            fn = API_FUNCTIONS[name]
            names = [p for p, _ in fn.params]
            kinds = dict(fn.params)
            given: dict[str, ir.Value] = {}
            for i, a in enumerate(node.args):  # Python's order: positional, then keywords
                given[names[i]] = self.fit(self.expr(a), SCALARS[kinds[names[i]]], line)
            for k in node.keywords:
                assert k.arg is not None
                given[k.arg] = self.fit(self.expr(k.value), SCALARS[kinds[k.arg]], line)
            for p, default in zip(names[len(names) - len(fn.defaults) :], fn.defaults, strict=True):
                if p not in given:
                    given[p] = _c(ir.IntType(SCALARS[kinds[p]].bits), default)
            orders = b.load(self.g.orders, typ=PTR)
            r = b.call(self.g.abi[name], [orders, *(given[p] for p in names)])
            if name == "send_order":
                self.fault_if(b.icmp_signed("<", r, _c(I64, 0)), runtime.OVERFLOW, line)
                return r
            if name == "cancel_order":
                return b.icmp_unsigned("!=", r, _c(I8, 0))
            return r
        callee = self.p.functions[name]
        args: list[ir.Value] = []
        for a, (_, t) in zip(node.args, callee.params, strict=True):
            if isinstance(t, Value):
                args.append(self.expr(a))
            elif t == STATE:
                args.append(ir.Constant(PTR, None))
            else:
                args.append(self.struct_pointer(a))
        r = b.call(self.g.functions[name], args)
        failed = b.icmp_unsigned("!=", self.fault_code(), _c(I32, 0))
        bad, ok = self.fn.append_basic_block("callee.fault"), self.fn.append_basic_block("ok")
        b.cbranch(failed, bad, ok)
        b.position_at_end(bad)
        self.ret_default()
        b.position_at_end(ok)
        return r if callee.result is not None else None


class _Globals:
    def __init__(self, program: Program, module: ir.Module) -> None:
        self.state: dict[str, ir.GlobalVariable] = {}
        for f in program.state.values():
            t = ir.IntType(f.scalar.bits)
            if f.length:
                g = ir.GlobalVariable(module, ir.ArrayType(t, f.length), f"tk_py_state.{f.name}")
                g.initializer = ir.Constant(g.value_type, None)
            else:
                g = ir.GlobalVariable(module, t, f"tk_py_state.{f.name}")
                g.initializer = _c(t, f.initial & ((1 << f.scalar.bits) - 1))
            g.linkage = "internal"
            g.align = 8
            self.state[f.name] = g
        self.fault = ir.GlobalVariable(module, FAULT_TYPE, "tk_py_fault")
        self.fault.initializer = ir.Constant(FAULT_TYPE, None)
        self.fault.linkage = "internal"
        self.budget = ir.GlobalVariable(module, I64, "tk_py_loop_budget")
        self.budget.initializer = _c(I64, 0)
        self.budget.linkage = "internal"
        self.orders = ir.GlobalVariable(module, PTR, "tk_py_orders")
        self.orders.initializer = ir.Constant(PTR, None)
        self.orders.linkage = "internal"
        self.abi = {
            name: ir.Function(module, ir.FunctionType(ret, args), symbol)
            for name, (symbol, ret, args) in ABI.items()
        }
        self.functions: dict[str, ir.Function] = {}
        for f in program.functions.values():
            if f.callback:
                params = [PTR] * (len(CALLBACKS[f.name]) + 2)
                ftype = ir.FunctionType(VOID, params)
            else:
                params = [I64 if t == INT else I1 if t == BOOL else PTR for _, t in f.params]
                ret = VOID if f.result is None else I64 if f.result == INT else I1
                ftype = ir.FunctionType(ret, params)
            # Callbacks by their own names; helpers apart, so that no name a
            # strategy picks meets the compiler's globals (tk_py_fault ...).
            symbol = f"tk_py_{f.name}" if f.callback else f"tk_py.fn.{f.name}"
            fn = ir.Function(module, ftype, symbol)
            fn.linkage = "internal"
            fn.attributes.add("nounwind")
            fn.attributes.add("noredzone")
            self.functions[f.name] = fn


def _cstring(module: ir.Module, name: str, text: str) -> ir.GlobalVariable:
    data = bytearray(text.encode() + b"\0")
    g = ir.GlobalVariable(module, ir.ArrayType(I8, len(data)), name)
    g.initializer = ir.Constant(g.value_type, data)
    g.global_constant = True
    g.linkage = "internal"
    return g


def build_ir(program: Program) -> str:
    module = ir.Module(name=Path(program.file).name)
    module.triple = "x86_64-unknown-none-elf"
    g = _Globals(program, module)
    for f in program.functions.values():
        _Emitter(program, module, g, f).emit()
    # The descriptor (kernel/trade/compiled_strategy.h): the Strategy, then
    # the fault record, the source's name and the fault names.
    slots: list[ir.Constant] = [ir.Constant(PTR, None)]
    for name in CALLBACK_ORDER:
        fn = g.functions.get(name)
        slots.append(fn if fn is not None else ir.Constant(PTR, None))
    slots += [
        g.fault,
        _cstring(module, "tk_py_source", Path(program.file).name),
        _cstring(module, "tk_py_fault_names", ",".join(runtime.FAULTS)),
        _cstring(module, "tk_py_digest", digest(program.source)),
    ]
    assert len(slots) == len(layout.DESCRIPTOR)  # checked against the C++ by the layout check
    descriptor_type = ir.LiteralStructType([PTR] * len(slots))
    descriptor = ir.GlobalVariable(module, descriptor_type, "tk_py_strategy")
    descriptor.initializer = ir.Constant(descriptor_type, slots)
    descriptor.global_constant = True
    text = str(module)
    # Function attributes llvmlite's builder does not know: what clang's
    # -ffreestanding and -fno-omit-frame-pointer give the kernel's code.
    extra = f' "no-builtins" "frame-pointer"="all" "target-features"="{FEATURES}"'
    marked = text.replace("noredzone nounwind\n", "noredzone nounwind" + extra + "\n")
    assert marked.count('"no-builtins"') == len(program.functions)
    return marked


def compile_object(
    program: Program, target: str = "kernel", optimize: int = 2
) -> tuple[bytes, str]:
    """The ELF object and the IR it came from."""
    text = build_ir(program)
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    mod = llvm.parse_assembly(text)
    mod.verify()
    t = TARGETS[target]
    machine = llvm.Target.from_triple("x86_64-unknown-none-elf").create_target_machine(
        cpu="x86-64", features=FEATURES, opt=optimize, reloc=t.reloc, codemodel=t.codemodel
    )
    mod.triple = "x86_64-unknown-none-elf"
    mod.data_layout = str(machine.target_data)
    if optimize:
        tuning = llvm.create_pipeline_tuning_options(speed_level=optimize)
        builder = llvm.create_pass_builder(machine, tuning)
        builder.getModulePassManager().run(mod, builder)
    return machine.emit_object(mod), str(mod)


def write_object(program: Program, out: Path, target: str = "kernel") -> None:
    obj, optimized = compile_object(program, target)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(obj)
    os.replace(tmp, out)
    out.with_suffix(".ll").write_text(optimized)
