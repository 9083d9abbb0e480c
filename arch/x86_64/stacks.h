// Kernel stacks with a guard page. Each stack is page-aligned with one page
// below it that the page tables leave unmapped (arch/x86_64/paging.cpp), so an
// overflow faults at once instead of overwriting whatever lies below.
// Every stack is listed in the `tk_stacks` section, which the paging code,
// the backtrace walker and the panic report read.
#pragma once

#include "tk/types.h"

namespace tk::arch {

// One stack, or an array of `count` equal stacks `stride` bytes apart (task
// stacks). For element i: guard page at guard + i * stride, top at
// top + i * stride.
struct StackRecord {
    const char* name;
    const u8* guard;  // the unmapped page
    const u8* top;    // one past the highest byte; the initial stack pointer
    u32 count;
    u32 stride;
};

// Where an address lies relative to the registered stacks.
struct StackHit {
    const StackRecord* record;
    u32 index;  // element of an array record
};

template <usize Size>
struct alignas(kPageSize) GuardedStack {
    static_assert(Size % kPageSize == 0);
    u8 guard[kPageSize];
    u8 bytes[Size];
};

// The stack whose guard page contains `address` (record nullptr if none).
StackHit stack_with_guard_at(u64 address);
// The stack whose usable range contains [address, address + length).
StackHit stack_containing(u64 address, u64 length);

const StackRecord* stacks_begin();
const StackRecord* stacks_end();

// Who owns element `index` of an array of task stacks, for the report of a
// fault on one (the scheduler knows; arch does not). Set by the platform.
using TaskStackOwner = const char* (*)(u32 index);
void set_task_stack_owner(TaskStackOwner owner);

}  // namespace tk::arch

#define TK_GUARDED_STACK(variable, label, size)                                          \
    ::tk::arch::GuardedStack<size> variable;                                             \
    __attribute__((used, section("tk_stacks"), aligned(8))) static const ::tk::arch::StackRecord \
        variable##_record = {label, variable.guard, variable.bytes + (size), 1, 0}

#define TK_GUARDED_STACK_ARRAY(variable, label, size, n)                                 \
    ::tk::arch::GuardedStack<size> variable[n];                                          \
    __attribute__((used, section("tk_stacks"), aligned(8))) static const ::tk::arch::StackRecord \
        variable##_record = {label, variable[0].guard, variable[0].bytes + (size), n,     \
                             sizeof(::tk::arch::GuardedStack<size>)}
