; Common 64-bit entry of the kernel, reached from entry32.asm (Multiboot) or
; from boot/boot.asm (our BIOS loader). Both leave paging on with the kernel
; mapped at -2 GiB and the first 4 GiB identity-mapped.
;   RDI = boot protocol magic, RSI = physical address of the boot information.

extern __bss_start
extern __bss_end
extern tk_boot_stack_top
extern kernel_main

section .text
bits 64

global kernel_entry64:function (kernel_entry64.end - kernel_entry64)
kernel_entry64:
    cli
    cld
    mov r12, rdi
    mov r13, rsi

    ; Zero .bss: our BIOS loader copies only the file contents.
    mov rdi, __bss_start
    mov rcx, __bss_end
    sub rcx, rdi
    xor eax, eax
    rep stosb

    mov rsp, [rel tk_boot_stack_top]
    xor ebp, ebp                    ; ends frame-pointer backtraces

    ; SSE on (SDM Vol. 3A, 14.1.3): CR0.EM=0, CR0.MP=1, CR4.OSFXSR and
    ; CR4.OSXMMEXCPT. The compiler may use SSE registers in any function.
    ; CR0.WP=1 so read-only pages are read-only in ring 0 too.
    mov rax, cr0
    and rax, ~(1 << 2)
    or rax, (1 << 1) | (1 << 16)
    mov cr0, rax
    mov rax, cr4
    or rax, (1 << 9) | (1 << 10)
    mov cr4, rax
    ; EFER.NXE so page tables may use the execute-disable bit (SDM 3A, 5.1).
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 11
    wrmsr

    mov rdi, r12
    mov rsi, r13
    call kernel_main
.halt:
    cli
    hlt
    jmp .halt
.end:
