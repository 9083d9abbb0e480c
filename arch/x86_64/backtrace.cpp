#include "arch/x86_64/backtrace.h"

#include "arch/x86_64/stacks.h"
#include "kernel/lib/format.h"
#include "kernel/log/log.h"
#include "kernel/prof/symbols.h"

namespace tk::arch {
namespace {

constexpr int kMaxFrames = 24;

void print_frame(int index, u64 address) {
    ResolvedSymbol sym;
    if (kernel_symbols().resolve(address, sym)) {
        log::raw("  #%-2d %016lx  %s+%#lx\n", index, (unsigned long)address, sym.name,
                 (unsigned long)sym.offset);
        log::record("backtrace", "frame=%d address=%#lx function=%s", index, (unsigned long)address,
                    sym.name);
    } else {
        log::raw("  #%-2d %016lx  ?\n", index, (unsigned long)address);
        log::record("backtrace", "frame=%d address=%#lx function=?", index, (unsigned long)address);
    }
}

}  // namespace

void describe_address(u64 address, char* out, usize capacity) {
    ResolvedSymbol sym;
    if (kernel_symbols().resolve(address, sym))
        format(out, capacity, "%016lx <%s+%#lx>", (unsigned long)address, sym.name,
               (unsigned long)sym.offset);
    else
        format(out, capacity, "%016lx <?>", (unsigned long)address);
}

void print_backtrace(u64 pc, u64 frame_pointer) {
    log::raw("backtrace:\n");
    print_frame(0, pc);
    u64 fp = frame_pointer;
    for (int i = 1; i < kMaxFrames; ++i) {
        if (fp % 8 != 0 || !stack_containing(fp, 16).record) break;
        auto* frame = reinterpret_cast<const u64*>(fp);
        u64 return_address = frame[1];
        u64 next = frame[0];
        if (return_address == 0) break;
        // The call instruction ends just before the return address; naming
        // address-1 attributes the frame to the caller even for noreturn calls.
        print_frame(i, return_address - 1);
        if (next <= fp) break;  // callers' frames lie at higher addresses
        fp = next;
    }
}

}  // namespace tk::arch
