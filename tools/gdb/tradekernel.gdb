# Debug the kernel under QEMU's gdb stub.
#   terminal 1:  make debug            (QEMU halted, gdb stub on port 1234)
#   terminal 2:  gdb -x tools/gdb/tradekernel.gdb
# Another port: gdb -ex 'set $tk_port=4321' -x tools/gdb/tradekernel.gdb
#
# Loads the kernel's symbols and stops at kernel_entry64, the first 64-bit
# instruction common to every boot path. A hardware breakpoint is needed: the
# CPU starts in real mode, where the kernel's virtual address is not mapped
# and a software breakpoint could not be written there.

set pagination off
set confirm off
set architecture i386:x86-64
file build/kernel.elf

if $_isvoid($tk_port)
    set $tk_port = 1234
end
eval "target remote 127.0.0.1:%d", $tk_port

hbreak kernel_entry64
continue
printf "stopped at kernel entry: rip=%#lx\n", $rip
