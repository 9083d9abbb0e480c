; 32-bit entry from a Multiboot 1 or 2 loader (QEMU -kernel, GRUB).
; Machine state on entry (Multiboot 2 spec section 3.3; Multiboot 1 section
; 3.2): protected mode, paging off, EAX = loader magic, EBX = physical address
; of the boot information. No stack is set up.
;
; This code builds temporary page tables that map the first 4 GiB twice
; (identity, and at -2 GiB where the kernel is linked), enters long mode
; (Intel SDM Vol. 3A, section 10.8.5) and jumps to kernel_entry64 with
; RDI = magic and RSI = boot information. The kernel replaces these tables.

extern kernel_entry64

section .boot.text progbits alloc exec nowrite align=16
bits 32

global multiboot_entry32
multiboot_entry32:
    cli
    cld
    mov edi, eax
    mov esi, ebx
    mov esp, boot32_stack_top

    ; Long mode present? CPUID 0x80000001 EDX bit 29 (SDM Vol. 2A, CPUID).
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode

    call build_boot_page_tables

    mov eax, cr4
    or eax, 1 << 5                  ; CR4.PAE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, 0xC0000080             ; IA32_EFER
    rdmsr
    or eax, 1 << 8                  ; LME
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | 1           ; PG | PE
    mov cr0, eax

    lgdt [boot_gdt_descriptor]
    jmp 0x08:.long_mode

.no_long_mode:
    ; COM1 may not be initialised; QEMU's is usable as is.
    mov esi, no_long_mode_message
.print:
    lodsb
    test al, al
    jz .halt
    mov dx, 0x3F8
    out dx, al
    jmp .print
.halt:
    hlt
    jmp .halt

bits 64
.long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    ; The upper halves of RDI/RSI are undefined after the mode switch.
    mov edi, edi
    mov esi, esi
    mov rax, kernel_entry64
    jmp rax

bits 32
; PML4[0] and PML4[511] -> PDPTs; PDPT_low[0..3] and PDPT_high[510..511]
; -> four page directories of 2 MiB pages covering 0..4 GiB.
build_boot_page_tables:
    mov eax, boot_pdpt_low
    or eax, 3
    mov [boot_pml4], eax
    mov eax, boot_pdpt_high
    or eax, 3
    mov [boot_pml4 + 511 * 8], eax
    xor ecx, ecx
.pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, boot_pd
    or eax, 3
    mov [boot_pdpt_low + ecx * 8], eax
    cmp ecx, 2
    jae .pdpt_next
    mov [boot_pdpt_high + (510 * 8) + ecx * 8], eax
.pdpt_next:
    inc ecx
    cmp ecx, 4
    jb .pdpt
    xor ecx, ecx
.pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                    ; present | writable | 2 MiB page
    mov [boot_pd + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                     ; bits 32.. of the physical address
    mov [boot_pd + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 4 * 512
    jb .pd
    ret

section .boot.rodata progbits alloc noexec nowrite align=16
no_long_mode_message:
    db "TradeKernel: this CPU has no long mode (x86_64); halting.", 13, 10, 0

align 16
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF           ; 0x10: data
boot_gdt_end:
boot_gdt_descriptor:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt

; Zero-filled PROGBITS, not NOBITS: loaders zero only the kernel's .bss, and
; this must live below the higher-half image.
section .boot.data progbits alloc noexec write align=4096
boot_pml4:      times 4096 db 0
boot_pdpt_low:  times 4096 db 0
boot_pdpt_high: times 4096 db 0
boot_pd:        times 4 * 4096 db 0
boot32_stack:   times 1024 db 0
boot32_stack_top:
