; Headers at the start of the kernel image, read by its three loaders:
;   - our BIOS loader (boot/boot.asm): the TradeKernel image header;
;   - QEMU's -kernel: the Multiboot 1 header (QEMU's loader speaks only
;     Multiboot 1, and only the "a.out kludge" form for a 64-bit ELF);
;   - GRUB: the Multiboot 2 header.
; All addresses here are physical.

extern __kernel_phys_start
extern __kernel_load_end_phys
extern __kernel_bss_end_phys
extern __kernel_load_size
extern multiboot_entry32
extern kernel_entry64

section .boot.header progbits alloc noexec nowrite align=8

; TradeKernel image header (boot/boot.asm reads it at offset 0).
global tk_image_header
tk_image_header:
    dd 0x4E524B54                 ; "TKRN"
    dd 1                          ; header version
    dq kernel_entry64             ; 64-bit virtual entry point
    dd __kernel_load_size         ; bytes to load from the disk image
    dd 0                          ; reserved
    dq 0                          ; reserved

; Multiboot 1 header (Multiboot Specification 0.6.96, section 3.1).
; Flags: bit 0 page-align modules, bit 1 memory map wanted, bit 16 the
; address fields below are valid (needed for an ELF64 file).
MB1_MAGIC equ 0x1BADB002
MB1_FLAGS equ (1 << 0) | (1 << 1) | (1 << 16)
align 4
multiboot1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd multiboot1_header          ; header_addr
    dd __kernel_phys_start        ; load_addr
    dd __kernel_load_end_phys     ; load_end_addr
    dd __kernel_bss_end_phys      ; bss_end_addr
    dd multiboot_entry32          ; entry_addr

; Multiboot 2 header (Multiboot2 Specification 2.0, section 3.1).
MB2_MAGIC equ 0xE85250D6
MB2_ARCH_I386 equ 0
align 8
multiboot2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd multiboot2_header_end - multiboot2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (multiboot2_header_end - multiboot2_header))
    ; Entry address tag (type 3, section 3.1.6): the 32-bit entry point.
    align 8
    dw 3, 0
    dd 12
    dd multiboot_entry32
    ; End tag.
    align 8
    dw 0, 0
    dd 8
multiboot2_header_end:
