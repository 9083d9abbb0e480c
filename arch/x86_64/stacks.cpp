#include "arch/x86_64/stacks.h"

extern "C" const tk::arch::StackRecord __start_tk_stacks[];
extern "C" const tk::arch::StackRecord __stop_tk_stacks[];

namespace tk::arch {

// The stack kernel_entry64 (entry64.asm) runs kernel_main on.
TK_GUARDED_STACK(g_boot_stack, "boot", 32 * 1024);
extern "C" u8* const tk_boot_stack_top;
extern "C" __attribute__((used)) u8* const tk_boot_stack_top = g_boot_stack.bytes + sizeof g_boot_stack.bytes;

const StackRecord* stacks_begin() { return __start_tk_stacks; }
const StackRecord* stacks_end() { return __stop_tk_stacks; }

StackHit stack_with_guard_at(u64 address) {
    for (const StackRecord* s = stacks_begin(); s < stacks_end(); ++s) {
        for (u32 i = 0; i < s->count; ++i) {
            u64 guard = u64(s->guard) + u64(i) * s->stride;
            if (address >= guard && address < guard + kPageSize) return {s, i};
        }
    }
    return {nullptr, 0};
}

StackHit stack_containing(u64 address, u64 length) {
    if (address + length < address) return {nullptr, 0};
    for (const StackRecord* s = stacks_begin(); s < stacks_end(); ++s) {
        for (u32 i = 0; i < s->count; ++i) {
            u64 low = u64(s->guard) + u64(i) * s->stride + kPageSize;
            u64 top = u64(s->top) + u64(i) * s->stride;
            if (address >= low && address + length <= top) return {s, i};
        }
    }
    return {nullptr, 0};
}

}  // namespace tk::arch
