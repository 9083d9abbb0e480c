#include "kernel/prof/symbols.h"

extern "C" const char __ksymtab_start[];
extern "C" const char __ksymtab_end[];

namespace tk {

SymbolTable& kernel_symbols() {
    static SymbolTable table;
    static bool attached = false;
    if (!attached) {
        table.attach(__ksymtab_start, usize(__ksymtab_end - __ksymtab_start));
        attached = true;
    }
    return table;
}

}  // namespace tk
