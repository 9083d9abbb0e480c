#include "kernel/lib/format.h"

namespace tk {
namespace {

class Writer {
public:
    Writer(char* out, usize capacity) : out_(out), capacity_(capacity) {}

    void put(char c) {
        if (length_ + 1 < capacity_) out_[length_++] = c;
    }
    usize finish() {
        if (capacity_) out_[length_] = '\0';
        return length_;
    }

private:
    char* out_;
    usize capacity_;
    usize length_ = 0;
};

struct Spec {
    bool zero_pad = false;
    bool left = false;
    bool alternate = false;
    int width = 0;
    int precision = -1;  // %s only: at most this many characters
    int length = 0;  // 0: int, 1: long, 2: long long, 3: size_t
};

void put_padded(Writer& w, const char* digits, int n, const char* prefix, const Spec& spec) {
    int prefix_len = 0;
    while (prefix[prefix_len]) ++prefix_len;
    int pad = spec.width - n - prefix_len;
    if (!spec.left && !spec.zero_pad)
        for (; pad > 0; --pad) w.put(' ');
    for (int i = 0; i < prefix_len; ++i) w.put(prefix[i]);
    if (!spec.left && spec.zero_pad)
        for (; pad > 0; --pad) w.put('0');
    for (int i = 0; i < n; ++i) w.put(digits[i]);
    for (; pad > 0; --pad) w.put(' ');
}

void put_unsigned(Writer& w, u64 value, unsigned base, bool upper, const char* prefix,
                  const Spec& spec) {
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char reversed[24];
    int n = 0;
    do {
        reversed[n++] = alphabet[value % base];
        value /= base;
    } while (value);
    char digits[24];
    for (int i = 0; i < n; ++i) digits[i] = reversed[n - 1 - i];
    put_padded(w, digits, n, prefix, spec);
}

u64 take_unsigned(va_list& args, int length) {
    switch (length) {
        case 0: return va_arg(args, unsigned int);
        case 1: return va_arg(args, unsigned long);
        case 2: return va_arg(args, unsigned long long);
        default: return va_arg(args, size_t);
    }
}

i64 take_signed(va_list& args, int length) {
    switch (length) {
        case 0: return va_arg(args, int);
        case 1: return va_arg(args, long);
        case 2: return va_arg(args, long long);
        default: return i64(va_arg(args, size_t));
    }
}

const char* parse_spec(const char* p, Spec& spec, va_list& args) {
    for (;; ++p) {
        if (*p == '0') spec.zero_pad = true;
        else if (*p == '-') spec.left = true;
        else if (*p == '#') spec.alternate = true;
        else break;
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    if (*p == '.') {
        ++p;
        spec.precision = 0;
        if (*p == '*') {
            spec.precision = va_arg(args, int);
            ++p;
        }
        while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
    }
    if (*p == 'z') spec.length = 3, ++p;
    while (*p == 'l') ++spec.length, ++p;
    return p;
}

}  // namespace

usize format_v(char* out, usize capacity, const char* fmt, va_list args) {
    Writer w(out, capacity);
    va_list ap;
    va_copy(ap, args);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            w.put(*p);
            continue;
        }
        const char* start = p;
        Spec spec;
        p = parse_spec(p + 1, spec, ap);
        switch (*p) {
            case 'd':
            case 'i': {
                i64 v = take_signed(ap, spec.length);
                u64 magnitude = v < 0 ? u64(0) - u64(v) : u64(v);
                put_unsigned(w, magnitude, 10, false, v < 0 ? "-" : "", spec);
                break;
            }
            case 'u': put_unsigned(w, take_unsigned(ap, spec.length), 10, false, "", spec); break;
            case 'x':
            case 'X':
                put_unsigned(w, take_unsigned(ap, spec.length), 16, *p == 'X',
                             spec.alternate ? "0x" : "", spec);
                break;
            case 'p':
                spec.zero_pad = true;
                spec.width = 18;
                put_unsigned(w, uptr(va_arg(ap, void*)), 16, false, "0x", spec);
                break;
            case 'c': w.put(char(va_arg(ap, int))); break;
            case 's': {
                const char* s = va_arg(ap, const char*);
                if (!s) s = "(null)";
                int n = 0;
                while (s[n] && (spec.precision < 0 || n < spec.precision)) ++n;
                put_padded(w, s, n, "", spec);
                break;
            }
            case '%': w.put('%'); break;
            default:  // unknown conversion: show it as written
                for (const char* q = start; q <= p && *q; ++q) w.put(*q);
                if (!*p) --p;
                break;
        }
    }
    va_end(ap);
    return w.finish();
}

usize format(char* out, usize capacity, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    usize n = format_v(out, capacity, fmt, args);
    va_end(args);
    return n;
}

}  // namespace tk
