; Space for the kernel symbol table (kernel/prof/symbols.h). The linker places
; it before .bss; tradekernel/symtab.py fills it in after linking, so writing
; the table changes no address in the image.

section .ksymtab progbits alloc noexec nowrite align=16
global __ksymtab_start
global __ksymtab_end
__ksymtab_start:
    times 256 * 1024 db 0
__ksymtab_end:
