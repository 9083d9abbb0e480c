"""`python -m tradekernel.strategy.compile STRATEGY.py -o OUT.o`: the build
step the Makefile runs for the kernel (--target kernel) and the hosted
programs (--target hosted). --layout-check writes the C++ that checks the
market-data structs' layout against the kernel's (layout.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tradekernel.strategy import frontend, llvm_backend
from tradekernel.strategy.layout import layout_check_source


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tradekernel.strategy.compile")
    ap.add_argument("strategy", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--target", choices=sorted(llvm_backend.TARGETS), default="kernel")
    ap.add_argument("--layout-check", type=Path)
    args = ap.parse_args(argv)
    try:
        program = frontend.check_file(args.strategy)
    except frontend.CompileError as e:
        print(f"strategy: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"strategy: cannot read {args.strategy}: {e.strerror}", file=sys.stderr)
        return 1
    llvm_backend.write_object(program, args.output, args.target)
    if args.layout_check:
        args.layout_check.parent.mkdir(parents=True, exist_ok=True)
        args.layout_check.write_text(layout_check_source())
    print(f"  STRATEGY     {args.strategy} -> {args.output} ({args.target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
