; memcpy, memmove, memset and memcmp for the freestanding kernel: the compiler
; emits calls to them for struct copies and large initialisers.
; System V AMD64 calling convention: RDI, RSI, RDX; result in RAX.

section .text
bits 64

global memcpy:function (memcpy_end - memcpy)
memcpy:
    mov rax, rdi
    mov rcx, rdx
    rep movsb
    ret
memcpy_end:

global memmove:function (memmove_end - memmove)
memmove:
    mov rax, rdi
    mov rcx, rdx
    cmp rdi, rsi
    jbe .forward
    lea r8, [rsi + rdx]
    cmp rdi, r8
    jae .forward
    ; Overlap with destination above source: copy backwards.
    lea rsi, [rsi + rdx - 1]
    lea rdi, [rdi + rdx - 1]
    std
    rep movsb
    cld
    ret
.forward:
    rep movsb
    ret
memmove_end:

global memset:function (memset_end - memset)
memset:
    mov r8, rdi
    mov eax, esi
    mov rcx, rdx
    rep stosb
    mov rax, r8
    ret
memset_end:

global memcmp:function (memcmp_end - memcmp)
memcmp:
    xor eax, eax
    test rdx, rdx
    jz .done
.loop:
    movzx eax, byte [rdi]
    movzx ecx, byte [rsi]
    sub eax, ecx
    jnz .done
    inc rdi
    inc rsi
    dec rdx
    jnz .loop
.done:
    ret
memcmp_end:
