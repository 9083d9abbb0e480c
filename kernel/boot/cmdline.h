// The kernel command line: words separated by spaces, each either a flag
// ("quiet") or "key=value" ("mode=test"). It comes from the boot loader or
// from QEMU's fw_cfg file opt/tradekernel/cmdline.
#pragma once

#include "kernel/lib/string.h"
#include "tk/types.h"

namespace tk {

class CommandLine {
public:
    static constexpr usize kCapacity = 512;

    // Copies `text` (at most kCapacity - 1 characters are kept).
    void set(const char* text, usize length);

    const char* text() const { return text_; }
    // Value of `key=value`; empty view if absent.
    StringView value(const char* key) const;
    bool has_flag(const char* flag) const;
    // The text with the value of `key=` replaced by "(hidden)", for logs:
    // a secret given on the command line is never printed.
    void copy_hiding(const char* key, char* out, usize capacity) const;

private:
    char text_[kCapacity] = {};
    usize length_ = 0;
};

}  // namespace tk
