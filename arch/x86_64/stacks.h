// Kernel stacks with a guard page. Each stack is page-aligned with one page
// below it that the page tables leave unmapped (arch/x86_64/paging.cpp), so an
// overflow faults at once instead of overwriting whatever lies below.
// Every stack is listed in the `tk_stacks` section, which the paging code,
// the backtrace walker and the panic report read.
#pragma once

#include "tk/types.h"

namespace tk::arch {

struct StackRecord {
    const char* name;
    const u8* guard;  // the unmapped page
    const u8* top;    // one past the highest byte; the initial stack pointer
};

template <usize Size>
struct alignas(kPageSize) GuardedStack {
    static_assert(Size % kPageSize == 0);
    u8 guard[kPageSize];
    u8 bytes[Size];
};

// The stack whose guard page contains `address`, or nullptr.
const StackRecord* stack_with_guard_at(u64 address);
// The stack whose usable range contains [address, address + length), or nullptr.
const StackRecord* stack_containing(u64 address, u64 length);

const StackRecord* stacks_begin();
const StackRecord* stacks_end();

}  // namespace tk::arch

#define TK_GUARDED_STACK(variable, label, size)                                          \
    ::tk::arch::GuardedStack<size> variable;                                             \
    __attribute__((used, section("tk_stacks"), aligned(8))) static const ::tk::arch::StackRecord \
        variable##_record = {label, variable.guard, variable.bytes + (size)}
