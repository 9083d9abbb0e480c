; TradeKernel BIOS boot loader: the first 16 sectors of build/tradekernel.img.
;
; Stage 1 (sector 0, the MBR) loads stage 2 (sectors 1-15). Stage 2 enables
; A20, reads the E820 memory map, copies the kernel image (from sector 16,
; its length taken from the image header in arch/x86_64/image_headers.asm) to
; 1 MiB through "unreal mode", then switches 16 -> 32 -> 64-bit and jumps to
; kernel_entry64 with RDI = "TKBI" and RSI = the boot information at 0x6000.
;
; Memory used below 1 MiB:
;   0x06000  boot information: magic, E820 count, E820 entries (24 bytes each)
;   0x07C00  stage 1; stack grows down from here
;   0x07E00  stage 2
;   0x10000  disk read buffer (32 KiB)
;   0x70000  page tables for the jump to 64-bit (7 pages)

%define STAGE2_SECTORS     15
%define KERNEL_LBA         16
%define CHUNK_SECTORS      64
%define BUFFER_SEGMENT     0x1000
%define BUFFER_LINEAR      0x10000
%define KERNEL_PHYS        0x100000
%define BOOT_INFO          0x6000
%define MAX_E820           128
%define PAGE_TABLES        0x70000
%define COM1               0x3F8

%define IMAGE_MAGIC        0x4E524B54      ; "TKRN"
%define BOOT_INFO_MAGIC    0x49424B54      ; "TKBI"

bits 16
org 0x7C00

; ---------------------------------------------------------------- stage 1
stage1:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    mov [boot_drive], dl

    ; INT 13h extensions present? (AH=41h, BX=55AAh; Phoenix EDD 3.0)
    mov ah, 0x41
    mov bx, 0x55AA
    int 0x13
    jc .no_edd
    cmp bx, 0xAA55
    jne .no_edd

    mov word [dap.count], STAGE2_SECTORS
    mov word [dap.offset], 0x7E00
    mov word [dap.segment], 0
    mov dword [dap.lba], 1
    call read_sectors
    jmp stage2

.no_edd:
    mov si, msg_no_edd
    jmp fail

; Reads [dap] with INT 13h AH=42h; fails the boot on error.
read_sectors:
    mov si, dap
    mov ah, 0x42
    mov dl, [boot_drive]
    int 0x13
    jc .error
    ret
.error:
    mov si, msg_disk_error
    jmp fail

; Prints the NUL-terminated string at DS:SI to COM1 and the screen, then halts.
fail:
    call print
.halt:
    cli
    hlt
    jmp .halt

print:
    lodsb
    test al, al
    jz .done
    mov dx, COM1
    out dx, al
    mov ah, 0x0E
    mov bx, 0x0007
    int 0x10
    jmp print
.done:
    ret

align 4
dap:                        ; disk address packet (EDD 3.0)
    db 0x10, 0
.count:   dw 0
.offset:  dw 0
.segment: dw 0
.lba:     dq 0

boot_drive:     db 0
msg_no_edd:     db "tkboot: BIOS lacks INT 13h extensions", 13, 10, 0
msg_disk_error: db "tkboot: disk read error", 13, 10, 0

times 446 - ($ - $$) db 0
times 64 db 0               ; no partition table
dw 0xAA55

; ---------------------------------------------------------------- stage 2
stage2:
    mov si, msg_hello
    call print

    call enable_a20
    call read_e820
    call enter_unreal_mode
    call load_kernel

    cli
    lgdt [gdt_descriptor]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp 0x08:protected_mode

; A20 (so odd megabytes are reachable): ask the BIOS (INT 15h AX=2401h), then
; the "fast A20" bit of port 92h; check by comparing 0000:0500 with FFFF:0510.
enable_a20:
    call a20_enabled
    jnz .done
    mov ax, 0x2401
    int 0x15
    call a20_enabled
    jnz .done
    in al, 0x92
    or al, 2
    and al, 0xFE            ; bit 0 would reset the machine
    out 0x92, al
    call a20_enabled
    jnz .done
    mov si, msg_no_a20
    jmp fail
.done:
    ret

; ZF clear when A20 is on.
a20_enabled:
    push ds
    push es
    xor ax, ax
    mov ds, ax
    not ax
    mov es, ax
    mov byte [ds:0x0500], 0x00
    mov byte [es:0x0510], 0xFF
    cmp byte [ds:0x0500], 0xFF
    pop es
    pop ds
    ret

; E820 (ACPI 6.5, 15.1 "INT 15H, E820H"): 24-byte entries into BOOT_INFO + 8.
read_e820:
    mov dword [BOOT_INFO], BOOT_INFO_MAGIC
    mov dword [BOOT_INFO + 4], 0
    mov di, BOOT_INFO + 8
    xor ebx, ebx
.next:
    mov eax, 0xE820
    mov edx, 0x534D4150     ; "SMAP"
    mov ecx, 24
    mov dword [di + 20], 1  ; valid, in case the BIOS returns 20 bytes
    int 0x15
    jc .end                 ; carry: no more entries
    cmp eax, 0x534D4150
    jne .end
    test ecx, ecx
    jz .skip
    inc dword [BOOT_INFO + 4]
    add di, 24
.skip:
    test ebx, ebx
    jz .end
    cmp dword [BOOT_INFO + 4], MAX_E820
    jb .next
.end:
    cmp dword [BOOT_INFO + 4], 0
    jne .done
    mov si, msg_no_e820
    jmp fail
.done:
    ret

; Loads DS and ES with 4 GiB-limit descriptors, then returns to real mode:
; the cached limits stay, so 32-bit offsets reach above 1 MiB. Called again
; after each BIOS call, since a BIOS may reload the segment registers.
enter_unreal_mode:
    cli
    push ds
    push es
    lgdt [gdt_descriptor]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp $ + 2
    mov bx, 0x10
    mov ds, bx
    mov es, bx
    and al, 0xFE
    mov cr0, eax
    pop es
    pop ds
    sti
    ret

; Copies the kernel from KERNEL_LBA to KERNEL_PHYS, at most 32 KiB per read.
load_kernel:
    ; The image header (first sector) gives the number of bytes to load.
    mov dword [next_lba], KERNEL_LBA
    mov word [chunk_sectors], 1
    call read_chunk
    mov ax, BUFFER_SEGMENT
    mov fs, ax
    cmp dword [fs:0], IMAGE_MAGIC
    je .magic_ok
    mov si, msg_bad_image
    jmp fail
.magic_ok:
    mov eax, [fs:16]                  ; bytes to load
    add eax, 511
    shr eax, 9
    mov [sectors_left], eax
    mov dword [next_lba], KERNEL_LBA
    mov dword [destination], KERNEL_PHYS
    mov si, msg_loading
    call print
.loop:
    mov eax, [sectors_left]
    cmp eax, CHUNK_SECTORS
    jbe .last
    mov eax, CHUNK_SECTORS
.last:
    mov [chunk_sectors], ax
    sub [sectors_left], eax
    call read_chunk
    call copy_chunk
    cmp dword [sectors_left], 0
    jne .loop
    ret

; Reads [chunk_sectors] sectors from [next_lba] into the buffer.
read_chunk:
    mov ax, [chunk_sectors]
    mov [dap.count], ax
    mov word [dap.offset], 0
    mov word [dap.segment], BUFFER_SEGMENT
    mov eax, [next_lba]
    mov [dap.lba], eax
    movzx ecx, word [chunk_sectors]
    add eax, ecx
    mov [next_lba], eax
    jmp read_sectors

; Copies the buffer to [destination] above 1 MiB.
copy_chunk:
    call enter_unreal_mode
    mov esi, BUFFER_LINEAR
    mov edi, [destination]
    movzx ecx, word [chunk_sectors]
    shl ecx, 7                        ; sectors * 512 / 4 dwords
    a32 rep movsd
    mov [destination], edi
    ret

bits 32
protected_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7C00

    ; Page tables: identity map and -2 GiB map of the first 4 GiB in 2 MiB
    ; pages, the same shape as arch/x86_64/entry32.asm builds.
    mov edi, PAGE_TABLES
    mov ecx, 7 * 4096 / 4
    xor eax, eax
    rep stosd
    %define PML4      PAGE_TABLES
    %define PDPT_LOW  PAGE_TABLES + 0x1000
    %define PDPT_HIGH PAGE_TABLES + 0x2000
    %define PD        PAGE_TABLES + 0x3000
    mov dword [PML4], PDPT_LOW | 3
    mov dword [PML4 + 511 * 8], PDPT_HIGH | 3
    xor ecx, ecx
.pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, PD | 3
    mov [PDPT_LOW + ecx * 8], eax
    cmp ecx, 2
    jae .pdpt_next
    mov [PDPT_HIGH + 510 * 8 + ecx * 8], eax
.pdpt_next:
    inc ecx
    cmp ecx, 4
    jb .pdpt
    xor ecx, ecx
.pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83
    mov [PD + ecx * 8], eax
    mov eax, ecx
    shr eax, 11
    mov [PD + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 4 * 512
    jb .pd

    ; Long mode (SDM Vol. 3A, 10.8.5): PAE, CR3, EFER.LME, then paging.
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, PML4
    mov cr3, eax
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 8
    wrmsr
    mov eax, cr0
    or eax, 1 << 31
    mov cr0, eax
    jmp 0x18:long_mode

bits 64
long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov edi, BOOT_INFO_MAGIC
    mov esi, BOOT_INFO
    mov rax, [KERNEL_PHYS + 8]        ; image header: 64-bit entry point
    jmp rax

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF   ; 0x08: 32-bit code, 4 GiB
    dq 0x00CF92000000FFFF   ; 0x10: data, 4 GiB
    dq 0x00AF9A000000FFFF   ; 0x18: 64-bit code
gdt_end:
gdt_descriptor:
    dw gdt_end - gdt - 1
    dd gdt

next_lba:     dd 0
destination:  dd 0
sectors_left: dd 0
chunk_sectors: dw 0

msg_hello:     db "tkboot: TradeKernel BIOS loader", 13, 10, 0
msg_loading:   db "tkboot: loading kernel to 1 MiB", 13, 10, 0
msg_no_a20:    db "tkboot: cannot enable A20", 13, 10, 0
msg_no_e820:   db "tkboot: BIOS gave no E820 memory map", 13, 10, 0
msg_bad_image: db "tkboot: no TradeKernel image at sector 16", 13, 10, 0

%if ($ - $$) > 16 * 512
%error "boot loader exceeds 16 sectors"
%endif
times 16 * 512 - ($ - $$) db 0
