; CPU exception entry stubs for vectors 0-31.
; The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some vectors, an error code
; (Intel SDM Vol. 3A, 7.13 and Table 7-1). Each stub pushes a zero where the
; CPU pushes none, then the vector, so every vector reaches
; exception_dispatch(TrapFrame*) with the same frame (arch/x86_64/trap_frame.h).

extern exception_dispatch

; The general registers in TrapFrame order (arch/x86_64/trap_frame.h).
%macro PUSH_GENERAL_REGISTERS 0
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
%endmacro

%macro POP_GENERAL_REGISTERS 0
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
%endmacro

section .text
bits 64

; Typed and sized so backtraces through an exception name it.
global exception_common:function (exception_common_end - exception_common)

%macro EXCEPTION_NO_ERROR 1
exception_stub_%1:
    push 0
    push %1
    jmp exception_common
%endmacro

%macro EXCEPTION_WITH_ERROR 1
exception_stub_%1:
    push %1
    jmp exception_common
%endmacro

; Vectors that push an error code: 8, 10-14, 17, 21, 29, 30.
EXCEPTION_NO_ERROR 0
EXCEPTION_NO_ERROR 1
EXCEPTION_NO_ERROR 2
EXCEPTION_NO_ERROR 3
EXCEPTION_NO_ERROR 4
EXCEPTION_NO_ERROR 5
EXCEPTION_NO_ERROR 6
EXCEPTION_NO_ERROR 7
EXCEPTION_WITH_ERROR 8
EXCEPTION_NO_ERROR 9
EXCEPTION_WITH_ERROR 10
EXCEPTION_WITH_ERROR 11
EXCEPTION_WITH_ERROR 12
EXCEPTION_WITH_ERROR 13
EXCEPTION_WITH_ERROR 14
EXCEPTION_NO_ERROR 15
EXCEPTION_NO_ERROR 16
EXCEPTION_WITH_ERROR 17
EXCEPTION_NO_ERROR 18
EXCEPTION_NO_ERROR 19
EXCEPTION_NO_ERROR 20
EXCEPTION_WITH_ERROR 21
EXCEPTION_NO_ERROR 22
EXCEPTION_NO_ERROR 23
EXCEPTION_NO_ERROR 24
EXCEPTION_NO_ERROR 25
EXCEPTION_NO_ERROR 26
EXCEPTION_NO_ERROR 27
EXCEPTION_NO_ERROR 28
EXCEPTION_WITH_ERROR 29
EXCEPTION_WITH_ERROR 30
EXCEPTION_NO_ERROR 31

exception_common:
    PUSH_GENERAL_REGISTERS
    cld
    mov rdi, rsp
    mov rbx, rsp                    ; callee-saved: the frame after the call
    ; Align the stack for the call; the frame pointer stays the faulting
    ; code's RBP so the backtrace continues from there.
    and rsp, ~0xF
    call exception_dispatch
    ; exception_dispatch does not return today (every exception is fatal);
    ; restore and return anyway so a future recoverable vector works.
    mov rsp, rbx
    POP_GENERAL_REGISTERS
    add rsp, 16
    iretq
exception_common_end:

; Vectors 32-255: device interrupts and IPIs. Each stub pushes a zero error
; code and its vector, then irq_common builds the same TrapFrame.
extern interrupt_dispatch

%assign v 32
%rep 224
irq_stub_%+v:
    push 0
    push v
    jmp irq_common
%assign v v+1
%endrep

global irq_common:function (irq_common_end - irq_common)
irq_common:
    PUSH_GENERAL_REGISTERS
    cld
    mov rdi, rsp
    mov rbx, rsp
    and rsp, ~0xF
    ; May switch tasks (preemption) and return here much later, on the same
    ; stack: everything the interrupted code needs is in the frame.
    call interrupt_dispatch
    mov rsp, rbx
    POP_GENERAL_REGISTERS
    add rsp, 16
    iretq
irq_common_end:

section .rodata
global interrupt_stub_table
interrupt_stub_table:
%assign v 32
%rep 224
    dq irq_stub_%+v
%assign v v+1
%endrep

global exception_stub_table
exception_stub_table:
%assign i 0
%rep 32
    dq exception_stub_%+i
%assign i i+1
%endrep
