; Task context switch, shared by the pc kernel and the hosted build.
;
;   void tk_context_switch(u64* save_sp, u64 next_sp);   (kernel/sched/context.h)
;
; A switch is an ordinary function call, so the System V AMD64 ABI already
; makes the caller save everything except RBX, RBP, R12-R15 and RSP: those six
; registers are pushed, RSP is stored, the other task's RSP is loaded and its
; registers popped. Vector registers are caller-saved and need nothing here
; (docs/scheduler.md: FPU policy). The MXCSR and x87 control words are not
; switched: tasks must not change them.

section .text
bits 64

global tk_context_switch:function (tk_context_switch.end - tk_context_switch)
tk_context_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
.end:

; First instructions of every task: a new task's initial frame (built by
; kernel/sched/context.cpp) "returns" here with R12 = argument, R13 = entry
; function and RBP = 0, which ends backtraces.
extern tk_task_start
global tk_task_trampoline:function (tk_task_trampoline.end - tk_task_trampoline)
tk_task_trampoline:
    mov rdi, r12
    mov rsi, r13
    call tk_task_start wrt ..plt    ; PLT form: also linkable into libtkcore.so
    ud2                             ; tk_task_start does not return
.end:

; No executable stack wanted (the hosted linker asks).
section .note.GNU-stack noalloc noexec nowrite progbits
