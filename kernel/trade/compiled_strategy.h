// A strategy compiled from Python (tradekernel/strategy/llvm_backend.py).
//
// The compiled object defines one symbol the kernel reads, `tk_py_strategy`,
// laid out as CompiledStrategy: the Strategy (its state is private to the
// object, so `state` is null), then its fault record, the source file's
// name and the fault names. It calls back only into the strategy ABI below.
//
// A fault (an int past 64 bits, an index out of range, a division by zero,
// a negative shift, a value too wide for its field, a loop past its budget)
// stops the strategy entirely: the callback returns at the faulting line with
// no further order, and every later callback returns at once, counted as
// skipped. Its state may be half updated, so no symbol trades on.
#pragma once

#include "kernel/trade/strategy.h"
#include "tk/types.h"

namespace tk::trade {

struct CompiledFault {
    u32 code;     // 0: none; an index into CompiledStrategy::fault_names
    u32 line;     // the source line that faulted
    u64 skipped;  // callbacks not run since
};

struct CompiledStrategy {
    Strategy strategy;
    CompiledFault* fault;
    const char* source;       // the strategy file's name
    const char* fault_names;  // comma separated, by code
    const char* digest;       // of the source: the first 16 hex digits of its SHA-256
};

// The fault's name ("none" while running); `out` gets at most `capacity` - 1 chars.
void compiled_fault_name(const CompiledStrategy& s, char* out, usize capacity);
// One `strategy` log record: source, digest, fault, line, skipped callbacks.
void log_compiled_strategy(const CompiledStrategy& s);

}  // namespace tk::trade

// Defined by the compiled object linked into the kernel (Makefile: STRATEGY).
extern "C" const tk::trade::CompiledStrategy tk_py_strategy;

// The strategy ABI: what compiled code calls. Plain C types only (the
// compiler declares them in tradekernel/strategy/llvm_backend.py, ABI).
extern "C" {
tk::u64 tk_strategy_send_order(tk::trade::Orders* orders, tk::u16 locate, tk::u8 side, tk::u64 shares,
                               tk::u32 price, tk::u32 time_in_force);
tk::u8 tk_strategy_cancel_order(tk::trade::Orders* orders, tk::u64 order);
tk::i64 tk_strategy_position(tk::trade::Orders* orders, tk::u16 locate);
}
