// exception_dispatch: every CPU exception ends here. None is recoverable in
// this kernel (no demand paging, no user mode), so each one prints a panic
// report and ends the run with ExitStatus::Panic.

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/stacks.h"
#include "arch/x86_64/trap_frame.h"
#include "kernel/log/log.h"
#include "kernel/prof/symbols.h"
#include "tk/platform.h"

namespace tk::arch {
namespace {

TaskStackOwner g_task_stack_owner = nullptr;

struct ExceptionInfo {
    const char* mnemonic;
    const char* name;
};

// SDM Vol. 3A, Table 7-1.
constexpr ExceptionInfo kExceptions[32] = {
    {"#DE", "divide-error"},       {"#DB", "debug"},
    {"NMI", "non-maskable-interrupt"}, {"#BP", "breakpoint"},
    {"#OF", "overflow"},           {"#BR", "bound-range-exceeded"},
    {"#UD", "invalid-opcode"},     {"#NM", "device-not-available"},
    {"#DF", "double-fault"},       {"#CSO", "coprocessor-segment-overrun"},
    {"#TS", "invalid-tss"},        {"#NP", "segment-not-present"},
    {"#SS", "stack-segment-fault"}, {"#GP", "general-protection"},
    {"#PF", "page-fault"},         {"#15", "reserved"},
    {"#MF", "x87-floating-point"}, {"#AC", "alignment-check"},
    {"#MC", "machine-check"},      {"#XM", "simd-floating-point"},
    {"#VE", "virtualization"},     {"#CP", "control-protection"},
    {"#22", "reserved"},           {"#23", "reserved"},
    {"#24", "reserved"},           {"#25", "reserved"},
    {"#26", "reserved"},           {"#27", "reserved"},
    {"#HV", "hypervisor-injection"}, {"#VC", "vmm-communication"},
    {"#SX", "security"},           {"#31", "reserved"},
};

// Page-fault error code bits (SDM Vol. 3A, Figure 5-12).
void print_page_fault_error(u64 error) {
    log::raw("               [%s %s %s%s%s]\n", error & 1 ? "protection-violation" : "not-present",
             error & 2 ? "write" : "read", error & 4 ? "user" : "supervisor",
             error & 8 ? " reserved-bit" : "", error & 16 ? " instruction-fetch" : "");
}

void print_registers(const TrapFrame& f, u64 cr2) {
    log::raw("RAX %016lx  RBX %016lx  RCX %016lx\n", f.rax, f.rbx, f.rcx);
    log::raw("RDX %016lx  RSI %016lx  RDI %016lx\n", f.rdx, f.rsi, f.rdi);
    log::raw("RBP %016lx  RSP %016lx  R8  %016lx\n", f.rbp, f.rsp, f.r8);
    log::raw("R9  %016lx  R10 %016lx  R11 %016lx\n", f.r9, f.r10, f.r11);
    log::raw("R12 %016lx  R13 %016lx  R14 %016lx\n", f.r12, f.r13, f.r14);
    log::raw("R15 %016lx  RFLAGS %016lx\n", f.r15, f.rflags);
    log::raw("CS  %04lx  SS  %04lx  CR2 %016lx  CR3 %016lx\n", f.cs, f.ss, cr2, read_cr3());
}

// Name for the report: the stack's own, or the task that owns a task stack.
const char* overflow_owner(const StackHit& hit) {
    if (!hit.record) return nullptr;
    if (hit.record->count > 1) return g_task_stack_owner ? g_task_stack_owner(hit.index) : nullptr;
    return hit.record->name;
}

}  // namespace

void set_task_stack_owner(TaskStackOwner owner) { g_task_stack_owner = owner; }

extern "C" void exception_dispatch(TrapFrame* frame) {
    const TrapFrame& f = *frame;
    const u64 cr2 = read_cr2();
    const unsigned vector = unsigned(f.vector & 31);
    const ExceptionInfo& info = kExceptions[vector];

    char where[128];
    describe_address(f.rip, where, sizeof where);
    ResolvedSymbol sym{"?", 0};
    kernel_symbols().resolve(f.rip, sym);

    log::raw("\n================ KERNEL PANIC ================\n");
    log::raw("CPU exception %u %s (%s), error code %#lx\n", vector, info.mnemonic, info.name,
             (unsigned long)f.error_code);
    if (vector == 14) print_page_fault_error(f.error_code);
    log::raw("RIP %s\n", where);
    print_registers(f, cr2);

    StackHit overflow{nullptr, 0};
    if (vector == 14 || vector == 8) overflow = stack_with_guard_at(vector == 14 ? cr2 : f.rsp);
    const char* overflowed = overflow_owner(overflow);
    if (overflowed)
        log::raw("stack overflow: the fault hit the guard page of stack '%s'\n", overflowed);

    print_backtrace(f.rip, f.rbp);
    log::record("panic",
                "kind=exception vector=%u name=%s error=%#lx rip=%#lx cr2=%#lx function=%s "
                "stack-overflow=%s",
                vector, info.mnemonic, (unsigned long)f.error_code, (unsigned long)f.rip,
                (unsigned long)cr2, sym.name, overflowed ? overflowed : "none");
    log::raw("==============================================\n");
    platform::exit(ExitStatus::Panic);
}

}  // namespace tk::arch
