; Application processor start-up code (Intel SDM Vol. 3A, 9.4.4, MP
; initialization): copied to physical 0x8000 and entered in real mode at
; 0800:0000 by the STARTUP IPI (vector 0x08). It goes 16 -> 32 -> 64-bit
; like the boot loader, on page tables that map both this page and the kernel
; (paging::ap_boot_cr3), then jumps to ap_entry64(cpu) on the CPU's own stack.
;
; The boot CPU fills the parameter block at the end before each start-up.

%define BASE 0x8000
%define AT(label) (BASE + (label) - ap_trampoline_start)

section .rodata
bits 16

global ap_trampoline_start
global ap_trampoline_end
global ap_trampoline_params
ap_trampoline_start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    lgdt [AT(ap_gdt_descriptor)]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp dword 0x08:AT(ap_protected)

bits 32
ap_protected:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, (1 << 5) | (1 << 9) | (1 << 10)   ; PAE, OSFXSR, OSXMMEXCPT
    mov cr4, eax
    mov eax, [AT(ap_param_cr3)]
    mov cr3, eax
    mov ecx, 0xC0000080                       ; IA32_EFER
    rdmsr
    or eax, (1 << 8) | (1 << 11)              ; LME, NXE
    wrmsr
    mov eax, cr0
    and eax, ~(1 << 2)                        ; EM off
    or eax, (1 << 31) | (1 << 16) | (1 << 1)  ; PG, WP, MP
    mov cr0, eax
    jmp 0x18:AT(ap_long)

bits 64
ap_long:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, [AT(ap_param_stack)]
    xor ebp, ebp
    mov edi, [AT(ap_param_cpu)]
    mov rax, [AT(ap_param_entry)]
    jmp rax

align 8
ap_gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: 32-bit code
    dq 0x00CF92000000FFFF       ; 0x10: data
    dq 0x00AF9A000000FFFF       ; 0x18: 64-bit code
ap_gdt_descriptor:
    dw ap_gdt_descriptor - ap_gdt - 1
    dd AT(ap_gdt)

align 8
ap_trampoline_params:
ap_param_cr3:   dq 0
ap_param_stack: dq 0
ap_param_entry: dq 0
ap_param_cpu:   dq 0
ap_trampoline_end:
