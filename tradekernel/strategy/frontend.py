"""The strategy language's front end: parses one Python file, checks that it
keeps to the subset (docs/strategies.md) and gives every expression its
type. Both back ends (llvm_backend: the kernel's object; python_backend: the
checked Python run) read the Program it returns, so they agree on what each
construct means.

Anything outside the subset is a CompileError naming the file, the line and
the construct."""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from tradekernel import strategy as api
from tradekernel.strategy.layout import SCALARS, STRUCTS, Scalar
from tradekernel.strategy.runtime import I64_MAX, I64_MIN


class CompileError(Exception):
    def __init__(self, file: str, node: ast.AST | None, message: str) -> None:
        line = getattr(node, "lineno", 0)
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


# Types of values and of the references a strategy may hold.
@dataclass(frozen=True)
class Value:
    name: str  # "int" (64-bit signed, checked) or "bool"


INT, BOOL = Value("int"), Value("bool")


@dataclass(frozen=True)
class StructRef:  # a market-data struct (read-only), at a byte offset in its argument
    struct: str


@dataclass(frozen=True)
class StateRef:  # the strategy's state
    pass


@dataclass(frozen=True)
class ArrayRef:  # an array field of the state
    field: str
    element: Scalar
    length: int


STATE = StateRef()
Type = Value | StructRef | StateRef | ArrayRef

# The callbacks, with the structs each takes after the state (strategy.h).
CALLBACKS: dict[str, tuple[str, ...]] = {
    "on_trade": ("Trade", "SymbolState"),
    "on_book": ("BookChange", "SymbolState"),
    "on_bbo": ("Bbo", "SymbolState"),
    "on_status": ("BookStatus", "SymbolState"),
    "on_feed": ("FeedStatus",),
    "on_order": ("OrderUpdate",),
}


# The kernel's functions: each argument's field type, and the result.
@dataclass(frozen=True)
class ApiFunction:
    params: tuple[tuple[str, str], ...]  # name, field type
    defaults: tuple[int, ...]  # for the trailing parameters
    result: Value


API_FUNCTIONS: dict[str, ApiFunction] = {
    "send_order": ApiFunction(
        (("locate", "u16"), ("side", "u8"), ("shares", "u64"), ("price", "u32"), ("tif", "u32")),
        (api.IOC,),
        INT,
    ),
    "cancel_order": ApiFunction((("order", "u64"),), (), BOOL),
    "position": ApiFunction((("locate", "u16"),), (), INT),
}
BUILTINS = ("min", "max", "abs")
# Names a strategy may not give its own constants, functions, parameters or
# locals: the built-ins it calls, and the Python run's own (python_backend.py).
RESERVED = (*BUILTINS, *API_FUNCTIONS, "range", "bool", "int", "Final")
# The state lives in the kernel image's .bss (or .data, if initialised).
MAX_STATE_BYTES = 16 << 20


@dataclass
class StateField:
    name: str
    scalar: Scalar
    length: int  # 0: a scalar field
    initial: int


@dataclass
class Function:
    name: str
    node: ast.FunctionDef
    params: list[tuple[str, Type]]
    result: Value | None
    callback: bool
    locals: dict[str, Value] = field(default_factory=dict)
    structs: dict[str, StructRef] = field(default_factory=dict)  # names for market structs
    calls: set[str] = field(default_factory=set)
    uses: set[str] = field(default_factory=set)  # the kernel's functions it calls


@dataclass
class Program:
    file: str
    source: str
    tree: ast.Module
    state_class: str
    state: dict[str, StateField]
    constants: dict[str, int | bool]
    functions: dict[str, Function]
    types: dict[ast.AST, Type]  # every checked expression's type
    # each range() loop's step (a constant)
    steps: dict[ast.For, int]

    @property
    def callbacks(self) -> list[Function]:
        return [f for f in self.functions.values() if f.callback]

    @property
    def acts_on_fills(self) -> bool:
        """Whether its orders can depend on when the venue's answers arrive:
        it reads them (on_order) or the position they make (position())."""
        uses = set().union(*(f.uses for f in self.functions.values()))
        return "on_order" in self.functions or "position" in uses


def _describe(node: ast.AST) -> str:
    return type(node).__name__


class _Checker:
    def __init__(self, file: str, source: str) -> None:
        self.file = file
        self.source = source
        self.types: dict[ast.AST, Type] = {}
        self.steps: dict[ast.For, int] = {}
        self.constants: dict[str, int | bool] = {}
        self.imported: set[str] = set()
        self.state: dict[str, StateField] = {}
        self.state_class = ""
        self.functions: dict[str, Function] = {}

    def error(self, node: ast.AST | None, message: str) -> CompileError:
        return CompileError(self.file, node, message)

    # -- the module ---------------------------------------------------------

    def module(self, tree: ast.Module) -> None:
        for i, node in enumerate(tree.body):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and i == 0:
                continue  # the docstring
            if isinstance(node, ast.ImportFrom) and node.module == "tradekernel.strategy":
                for a in node.names:
                    if a.name == "*" or a.asname:
                        raise self.error(node, "import names from tradekernel.strategy one by one")
                    if not hasattr(api, a.name):
                        raise self.error(node, f"tradekernel.strategy has no {a.name}")
                    self.imported.add(a.name)
            elif isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                self.constant(node)
            elif isinstance(node, ast.ClassDef):
                self.state_class_def(node)
            elif isinstance(node, ast.FunctionDef):
                self.declare(node)
            else:
                raise self.error(node, f"{_describe(node)} at module level is not in the subset")
        if not self.state_class:
            raise self.error(None, "no state class (class State: with typed fields)")
        size = sum(f.scalar.bits // 8 * max(f.length, 1) for f in self.state.values())
        if size > MAX_STATE_BYTES:
            raise self.error(
                None,
                f"the state is {size:,} bytes; at most {MAX_STATE_BYTES:,} fit the kernel image",
            )
        if not any(f.callback for f in self.functions.values()):
            raise self.error(None, f"no callback: define one of {', '.join(CALLBACKS)}")
        for f in self.functions.values():
            _FunctionChecker(self, f).check()
        self.no_recursion()

    def constant(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name) or node.value is None:
            raise self.error(node, "a module-level assignment must be NAME = constant")
        if isinstance(node, ast.AnnAssign) and not (
            isinstance(node.annotation, ast.Name) and node.annotation.id in ("Final", "int", "bool")
        ):
            raise self.error(node, "a module constant's annotation is Final, int or bool")
        name = targets[0].id
        self.check_name(name, node, "constant")
        if name in self.constants:
            raise self.error(node, f"constant {name} is assigned twice")
        self.constants[name] = self.fold(node.value)

    def check_name(self, name: str, node: ast.AST, kind: str = "") -> None:
        """One name, one meaning: not a built-in, an API name, the Python
        run's own (_tk_), or a name the module already gives to something
        else (a constant, a function, the state class)."""
        if name in RESERVED or name.startswith("_tk_") or name.startswith("__"):
            raise self.error(node, f"{name} is reserved: choose another name")
        if name in self.imported:
            raise self.error(node, f"{name} is imported from tradekernel.strategy")
        taken = {
            "constant": name in self.constants,
            "function": name in self.functions,
            "class": name == self.state_class,
        }
        for what, yes in taken.items():
            if yes and what != kind:
                raise self.error(node, f"{name} already names a {what}")

    def fold(self, node: ast.expr) -> int | bool:
        """A constant expression's value (literals, constants, arithmetic)."""
        if isinstance(node, ast.Constant) and type(node.value) in (int, bool):
            value = node.value
        elif isinstance(node, ast.Name) and node.id in self.constants:
            value = self.constants[node.id]
        elif isinstance(node, ast.Name) and node.id in api.CONSTANTS and node.id in self.imported:
            value = api.CONSTANTS[node.id]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Invert):
            v = self.fold(node.operand)
            value = -v if isinstance(node.op, ast.USub) else ~v
        elif isinstance(node, ast.BinOp) and isinstance(
            node.op, ast.Add | ast.Sub | ast.Mult | ast.FloorDiv | ast.Mod | ast.LShift | ast.RShift
        ):
            a, b = self.fold(node.left), self.fold(node.right)
            ops = {
                ast.Add: lambda: a + b,
                ast.Sub: lambda: a - b,
                ast.Mult: lambda: a * b,
                ast.FloorDiv: lambda: a // b if b else None,
                ast.Mod: lambda: a % b if b else None,
                ast.LShift: lambda: a << b if 0 <= b < 64 else None,
                ast.RShift: lambda: a >> b if b >= 0 else None,
            }
            value = ops[type(node.op)]()
            if value is None:
                raise self.error(node, "constant expression divides by zero or shifts out of range")
        elif isinstance(node, ast.Constant):
            kind = type(node.value).__name__
            raise self.error(node, f"{kind} constants are not in the subset")
        else:
            raise self.error(node, f"not a constant expression: {_describe(node)}")
        if type(value) is int and not I64_MIN <= value <= I64_MAX:
            raise self.error(node, "constant does not fit in 64 signed bits")
        return value

    def scalar_type(self, node: ast.expr) -> Scalar:
        if isinstance(node, ast.Name) and node.id in SCALARS:
            return SCALARS[node.id]
        if isinstance(node, ast.Name) and node.id == "int":
            return SCALARS["i64"]
        raise self.error(node, "a field's type is one of " + ", ".join(SCALARS) + " or Array[T, N]")

    def state_class_def(self, node: ast.ClassDef) -> None:
        if self.state_class:
            raise self.error(node, "one state class per strategy")
        if node.bases or node.keywords or node.decorator_list:
            raise self.error(node, "the state class has no bases or decorators")
        self.check_name(node.name, node, "class")
        self.state_class = node.name
        for i, item in enumerate(node.body):
            if isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant) and i == 0:
                continue
            if not isinstance(item, ast.AnnAssign) or not isinstance(item.target, ast.Name):
                raise self.error(item, f"{_describe(item)} in the state class: only typed fields")
            name, ann = item.target.id, item.annotation
            if name.startswith("__"):
                raise self.error(item, f"{name} is reserved: choose another name")
            if (
                isinstance(ann, ast.Subscript)
                and isinstance(ann.value, ast.Name)
                and ann.value.id == "Array"
            ):
                if not isinstance(ann.slice, ast.Tuple) or len(ann.slice.elts) != 2:
                    raise self.error(item, "an array field is Array[T, N]")
                scalar = self.scalar_type(ann.slice.elts[0])
                length = self.fold(ann.slice.elts[1])
                if type(length) is not int or not 0 < length <= 1 << 24:
                    raise self.error(item, "an array's length is a constant from 1 to 2**24")
                if item.value is not None:
                    raise self.error(item, "an array field starts as zeros: no initial value")
                self.state[name] = StateField(name, scalar, length, 0)
                continue
            scalar = self.scalar_type(ann)
            initial = self.fold(item.value) if item.value is not None else 0
            if (scalar.name == "bool") != (type(initial) is bool) and item.value is not None:
                raise self.error(item, f"field {name}: initial value of the wrong type")
            if not scalar.lo <= int(initial) <= scalar.hi:
                raise self.error(item, f"field {name}: initial value does not fit {scalar.name}")
            self.state[name] = StateField(name, scalar, 0, int(initial))

    def param_type(self, node: ast.arg) -> Type:
        ann = node.annotation
        if isinstance(ann, ast.Name):
            if ann.id == self.state_class:
                return STATE
            if ann.id in STRUCTS and ann.id in self.imported:
                return StructRef(ann.id)
            if ann.id in ("int", "bool"):
                return INT if ann.id == "int" else BOOL
        raise self.error(
            node,
            f"parameter {node.arg}: annotate it as int, bool, the state class or a market struct",
        )

    def declare(self, node: ast.FunctionDef) -> None:
        if node.decorator_list or (node.returns is None and node.name not in CALLBACKS):
            raise self.error(node, f"function {node.name}: no decorators, and a return annotation")
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.posonlyargs:
            raise self.error(node, f"function {node.name}: plain positional parameters only")
        if node.name in self.functions:
            raise self.error(node, f"function {node.name} is defined twice")
        self.check_name(node.name, node, "function")
        params = [(p.arg, self.param_type(p)) for p in a.args]
        result: Value | None
        ret = node.returns
        if ret is None or (isinstance(ret, ast.Constant) and ret.value is None):
            result = None
        elif isinstance(ret, ast.Name) and ret.id in ("int", "bool"):
            result = INT if ret.id == "int" else BOOL
        else:
            raise self.error(node, f"function {node.name}: returns int, bool or None")
        callback = node.name in CALLBACKS
        if callback:
            want = [STATE] + [StructRef(s) for s in CALLBACKS[node.name]]
            if [t for _, t in params] != want or result is not None:
                names = ", ".join([self.state_class or "State", *CALLBACKS[node.name]])
                raise self.error(node, f"callback {node.name} takes ({names}) and returns None")
        self.functions[node.name] = Function(node.name, node, params, result, callback)

    def no_recursion(self) -> None:
        seen: dict[str, int] = {}  # 1: on the path, 2: done

        def visit(name: str, path: list[str]) -> None:
            if seen.get(name) == 1:
                raise self.error(
                    self.functions[name].node, "recursion: " + " -> ".join([*path, name])
                )
            if seen.get(name) == 2:
                return
            seen[name] = 1
            for c in sorted(self.functions[name].calls):
                visit(c, [*path, name])
            seen[name] = 2

        for n in self.functions:
            visit(n, [])


class _FunctionChecker:
    def __init__(self, module: _Checker, f: Function) -> None:
        self.m = module
        self.f = f
        self.params = dict(f.params)
        self.loop_depth = 0

    def error(self, node: ast.AST | None, message: str) -> CompileError:
        return self.m.error(node, message)

    def check(self) -> None:
        for p in self.f.node.args.args:
            self.m.check_name(p.arg, p)
        assigned = {n for n, t in self.f.params if isinstance(t, Value)}
        for n, t in self.f.params:
            if isinstance(t, Value):
                self.f.locals[n] = t
        after = self.block(self.f.node.body, frozenset(assigned))
        if after is not None and self.f.result is not None:
            raise self.error(
                self.f.node, f"function {self.f.name} can end without returning a value"
            )

    # Each statement returns the names assigned on every path through it,
    # or None when no path comes out of it (return, break, continue).
    def block(self, body: list[ast.stmt], assigned: frozenset[str]) -> frozenset[str] | None:
        for i, stmt in enumerate(body):
            after = self.stmt(stmt, assigned)
            if after is None:
                if i + 1 < len(body):
                    raise self.error(
                        body[i + 1], "this code never runs (after return, break or continue)"
                    )
                return None
            assigned = after
        return assigned

    def stmt(self, s: ast.stmt, assigned: frozenset[str]) -> frozenset[str] | None:
        if isinstance(s, ast.Pass):
            return assigned
        if isinstance(s, ast.Expr):
            if isinstance(s.value, ast.Constant) and isinstance(s.value.value, str):
                return assigned  # a docstring or a comment string
            if not isinstance(s.value, ast.Call):
                raise self.error(s, "an expression statement must be a call")
            self.expr(s.value, assigned, statement=True)
            return assigned
        if isinstance(s, ast.Assign):
            if len(s.targets) != 1:
                raise self.error(s, "one target per assignment")
            t = self.expr(s.value, assigned)
            return self.store(s.targets[0], t, assigned, s)
        if isinstance(s, ast.AnnAssign):
            if not isinstance(s.target, ast.Name) or s.value is None:
                raise self.error(s, "an annotated assignment is NAME: int|bool = value")
            ann = s.annotation
            want: Type
            if isinstance(ann, ast.Name) and ann.id in ("int", "bool"):
                want = INT if ann.id == "int" else BOOL
            elif isinstance(ann, ast.Name) and ann.id in STRUCTS and ann.id in self.m.imported:
                want = StructRef(ann.id)
            else:
                raise self.error(s, "a local is an int, a bool or a market struct")
            t = self.expr(s.value, assigned)
            if t != want:
                raise self.error(s, f"{s.target.id} is annotated {want} but assigned {t}")
            return self.store(s.target, t, assigned, s)
        if isinstance(s, ast.AugAssign):
            if isinstance(s.op, ast.Div | ast.Pow | ast.MatMult):
                raise self.error(s, f"operator {_describe(s.op)} is not in the subset")
            target = s.target
            if isinstance(target, ast.Name) and target.id not in assigned:
                raise self.error(s, f"{target.id} may be used before it is assigned")
            tt = self.target_type(target, assigned)
            if tt != INT:
                raise self.error(s, "augmented assignment works on ints")
            if self.expr(s.value, assigned) != INT:
                raise self.error(s, "augmented assignment needs an int operand")
            return assigned
        if isinstance(s, ast.If):
            self.condition(s.test, assigned)
            a = self.block(s.body, assigned)
            b = self.block(s.orelse, assigned)
            if a is None:
                return b
            if b is None:
                return a
            return a & b
        if isinstance(s, ast.While):
            if s.orelse:
                raise self.error(s, "while ... else is not in the subset")
            self.condition(s.test, assigned)
            self.loop_depth += 1
            self.block(s.body, assigned)
            self.loop_depth -= 1
            return assigned
        if isinstance(s, ast.For):
            return self.for_range(s, assigned)
        if isinstance(s, ast.Break | ast.Continue):
            if not self.loop_depth:
                raise self.error(s, f"{_describe(s).lower()} outside a loop")
            return None
        if isinstance(s, ast.Return):
            if s.value is None:
                if self.f.result is not None:
                    raise self.error(s, f"{self.f.name} must return a {self.f.result.name}")
            else:
                t = self.expr(s.value, assigned)
                if self.f.result is None or t != self.f.result:
                    want = self.f.result.name if self.f.result else "nothing"
                    raise self.error(s, f"{self.f.name} returns {want}, not {t}")
            return None
        raise self.error(s, f"{_describe(s)} is not in the subset")

    def for_range(self, s: ast.For, assigned: frozenset[str]) -> frozenset[str]:
        it = s.iter
        if s.orelse:
            raise self.error(s, "for ... else is not in the subset")
        if not (
            isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
        ):
            raise self.error(s, "a for loop runs over range(...)")
        if not 1 <= len(it.args) <= 3 or it.keywords:
            raise self.error(s, "range takes 1 to 3 arguments")
        if not isinstance(s.target, ast.Name):
            raise self.error(s, "a for loop's target is a name")
        for a in it.args[:2]:
            if self.expr(a, assigned) != INT:
                raise self.error(a, "range's bounds are ints")
        step = 1
        if len(it.args) == 3:
            folded = self.m.fold(it.args[2])
            if type(folded) is not int or folded == 0:
                raise self.error(it.args[2], "range's step is a nonzero constant")
            step = folded
        self.m.steps[s] = step
        self.bind(s.target.id, INT, s)
        self.loop_depth += 1
        self.block(s.body, assigned | {s.target.id})
        self.loop_depth -= 1
        return assigned

    def name_free(self, name: str, node: ast.AST) -> None:
        """A local may take `name`: no other kind of name, nor a struct parameter."""
        self.m.check_name(name, node)
        p = self.params.get(name)
        if p is not None and not isinstance(p, Value):
            raise self.error(node, f"parameter {name} cannot be reassigned")

    def bind(self, name: str, t: Value, node: ast.AST) -> None:
        self.name_free(name, node)
        have = self.f.locals.get(name)
        if have is not None and have != t:
            raise self.error(node, f"{name} was {have.name}, now assigned a {t.name}")
        self.f.locals[name] = t

    def store(
        self, target: ast.expr, t: Type, assigned: frozenset[str], s: ast.stmt
    ) -> frozenset[str]:
        if isinstance(t, StructRef) and isinstance(target, ast.Name):
            # A name for a market struct (quote = symbol.bbo): bound once.
            if target.id in self.f.structs or target.id in self.f.locals:
                raise self.error(s, f"{target.id}: a struct name is assigned once")
            self.name_free(target.id, s)
            self.f.structs[target.id] = t
            self.m.types[target] = t
            return assigned | {target.id}
        if not isinstance(t, Value):
            raise self.error(s, "only ints, bools and market structs can be assigned")
        if isinstance(target, ast.Name):
            if target.id in self.f.structs:
                raise self.error(s, f"{target.id} names a market struct")
            self.bind(target.id, t, s)
            self.m.types[target] = t
            return assigned | {target.id}
        tt = self.target_type(target, assigned)
        if tt != t:
            raise self.error(s, f"assigning a {t.name} to a {tt.name} field")  # type: ignore[union-attr]
        return assigned

    def target_type(self, target: ast.expr, assigned: frozenset[str]) -> Value:
        if isinstance(target, ast.Name):
            t = self.f.locals.get(target.id)
            if t is None:
                raise self.error(target, f"{target.id} is not a local variable")
            self.m.types[target] = t
            return t
        if isinstance(target, ast.Attribute | ast.Subscript):
            t = self.expr(target, assigned)
            base = target.value
            while isinstance(base, ast.Attribute | ast.Subscript):
                base = base.value
            if self.m.types.get(base) != STATE:
                raise self.error(
                    target, "market data is read-only: only the state's fields are assigned"
                )
            if not isinstance(t, Value):
                raise self.error(target, "assign to a field or an element, not a whole array")
            return t
        raise self.error(target, f"cannot assign to {_describe(target)}")

    def condition(self, node: ast.expr, assigned: frozenset[str]) -> None:
        if self.expr(node, assigned) not in (INT, BOOL):
            raise self.error(node, "a condition is an int or a bool")

    def value(self, node: ast.expr, assigned: frozenset[str], want: Value) -> None:
        t = self.expr(node, assigned)
        if t != want:
            raise self.error(node, f"expected {want.name}, found {getattr(t, 'name', t)}")

    def expr(self, node: ast.expr, assigned: frozenset[str], statement: bool = False) -> Type:
        t = self._expr(node, assigned, statement)
        self.m.types[node] = t
        return t

    def _expr(self, node: ast.expr, assigned: frozenset[str], statement: bool) -> Type:
        m = self.m
        if isinstance(node, ast.Constant):
            if type(node.value) is bool:
                return BOOL
            if type(node.value) is int:
                if not I64_MIN <= node.value <= I64_MAX:
                    raise self.error(node, "integer literal does not fit in 64 signed bits")
                return INT
            raise self.error(node, f"{type(node.value).__name__} constants are not in the subset")
        if isinstance(node, ast.Name):
            if node.id in self.params and not isinstance(self.params[node.id], Value):
                return self.params[node.id]
            if node.id in self.f.structs:
                if node.id not in assigned:
                    raise self.error(node, f"{node.id} may be used before it is assigned")
                return self.f.structs[node.id]
            if node.id in self.f.locals:
                if node.id not in assigned:
                    raise self.error(node, f"{node.id} may be used before it is assigned")
                return self.f.locals[node.id]
            if node.id in m.constants:
                return BOOL if type(m.constants[node.id]) is bool else INT
            if node.id in api.CONSTANTS and node.id in m.imported:
                return INT
            raise self.error(node, f"unknown name {node.id}")
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, assigned)
            if base == STATE:
                sf = m.state.get(node.attr)
                if sf is None:
                    raise self.error(node, f"the state has no field {node.attr}")
                if sf.length:
                    return ArrayRef(sf.name, sf.scalar, sf.length)
                return BOOL if sf.scalar.name == "bool" else INT
            if isinstance(base, StructRef):
                f = STRUCTS[base.struct].field(node.attr)
                if f is None:
                    raise self.error(node, f"{base.struct} has no field {node.attr}")
                if f.type in STRUCTS:
                    return StructRef(f.type)
                return BOOL if f.type == "bool" else INT
            raise self.error(node, "attributes are read from the state or a market struct")
        if isinstance(node, ast.Subscript):
            base = self.expr(node.value, assigned)
            if not isinstance(base, ArrayRef):
                raise self.error(node, "only the state's arrays are indexed")
            if isinstance(node.slice, ast.Slice):
                raise self.error(node, "slices are not in the subset")
            self.value(node.slice, assigned, INT)
            return BOOL if base.element.name == "bool" else INT
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Div):
                raise self.error(node, "/ makes a float: use //")
            if isinstance(node.op, ast.Pow | ast.MatMult):
                raise self.error(node, f"operator {_describe(node.op)} is not in the subset")
            self.value(node.left, assigned, INT)
            self.value(node.right, assigned, INT)
            return INT
        if isinstance(node, ast.UnaryOp):
            o = node.operand
            if (
                isinstance(node.op, ast.USub)
                and isinstance(o, ast.Constant)
                and o.value == -I64_MIN
            ):
                self.m.types[o] = INT  # -9223372036854775808: the literal alone would not fit
                return INT
            t = self.expr(node.operand, assigned)
            if isinstance(node.op, ast.Not):
                if t not in (INT, BOOL):
                    raise self.error(node, "not takes an int or a bool")
                return BOOL
            if t != INT:
                raise self.error(node, f"unary {_describe(node.op)} takes an int")
            return INT
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                if self.expr(v, assigned) != BOOL:
                    raise self.error(v, "and/or take bools: compare ints explicitly (x != 0)")
                # only the first operand is certain to run; names it assigns
                # do not count (there are no assignments in expressions)
            return BOOL
        if isinstance(node, ast.Compare):
            types = [self.expr(node.left, assigned)] + [
                self.expr(c, assigned) for c in node.comparators
            ]
            for op in node.ops:
                if isinstance(op, ast.Is | ast.IsNot | ast.In | ast.NotIn):
                    raise self.error(node, f"{_describe(op)} is not in the subset")
            if all(t == INT for t in types):
                return BOOL
            if all(t == BOOL for t in types) and all(
                isinstance(o, ast.Eq | ast.NotEq) for o in node.ops
            ):
                return BOOL
            raise self.error(node, "compare ints with ints, or bools with == and !=")
        if isinstance(node, ast.IfExp):
            self.condition(node.test, assigned)
            a, b = self.expr(node.body, assigned), self.expr(node.orelse, assigned)
            if a != b or not isinstance(a, Value):
                raise self.error(node, "both branches of x if c else y have one type, int or bool")
            return a
        if isinstance(node, ast.Call):
            return self.call(node, assigned, statement)
        raise self.error(node, f"{_describe(node)} is not in the subset")

    def call(self, node: ast.Call, assigned: frozenset[str], statement: bool) -> Type:
        if not isinstance(node.func, ast.Name):
            raise self.error(node, "only functions are called, by name")
        name = node.func.id
        m = self.m
        if name in BUILTINS:
            if node.keywords:
                raise self.error(node, f"{name} takes no keywords")
            if (name == "abs" and len(node.args) != 1) or (name != "abs" and len(node.args) < 2):
                raise self.error(node, f"{name}: wrong number of arguments")
            for a in node.args:
                self.value(a, assigned, INT)
            return INT
        if name in API_FUNCTIONS and name in m.imported:
            fn = API_FUNCTIONS[name]
            args = list(node.args)
            if len(args) > len(fn.params):
                raise self.error(node, f"{name}: too many arguments")
            names = [p for p, _ in fn.params]
            given: dict[str, ast.expr] = dict(zip(names, args, strict=False))
            for k in node.keywords:
                if k.arg not in names or k.arg in given:
                    raise self.error(node, f"{name}: bad keyword {k.arg}")
                given[k.arg] = k.value
            required = len(fn.params) - len(fn.defaults)
            if any(p not in given for p in names[:required]):
                raise self.error(node, f"{name} needs {', '.join(names[:required])}")
            for p in names:
                if p in given:
                    self.value(given[p], assigned, INT)
            if "tif" in given and m.fold(given["tif"]) not in (api.IOC, api.DAY):
                raise self.error(node, "send_order's tif is IOC or DAY")
            self.f.uses.add(name)
            return fn.result
        if name in m.functions:
            callee = m.functions[name]
            if callee.callback:
                raise self.error(node, f"callbacks are called by the kernel, not by {self.f.name}")
            if node.keywords or len(node.args) != len(callee.params):
                raise self.error(node, f"{name} takes {len(callee.params)} positional arguments")
            for a, (_, t) in zip(node.args, callee.params, strict=True):
                if self.expr(a, assigned) != t:
                    raise self.error(a, f"argument of {name} should be {getattr(t, 'name', t)}")
            self.f.calls.add(name)
            if callee.result is None:
                if not statement:
                    raise self.error(node, f"{name} returns nothing")
                return INT  # unused
            return callee.result
        raise self.error(node, f"call to {name}: not a function of the subset")


def digest(source: str) -> str:
    """What the compiled object records of its source (the kernel logs it),
    so that a run can tell which file the kernel was built from."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def check(source: str, file: str) -> Program:
    try:
        tree = ast.parse(source, filename=file)
    except SyntaxError as e:
        raise CompileError(file, None, f"syntax error at line {e.lineno}: {e.msg}") from None
    c = _Checker(file, source)
    c.module(tree)
    return Program(
        file, source, tree, c.state_class, c.state, c.constants, c.functions, c.types, c.steps
    )


def check_file(path: Path) -> Program:
    return check(path.read_text(), str(path))
