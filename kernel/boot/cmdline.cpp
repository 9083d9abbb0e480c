#include "kernel/boot/cmdline.h"

namespace tk {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Calls fn(word) for each space-separated word; stops when fn returns true.
template <typename Fn>
void for_each_word(const char* text, usize length, Fn fn) {
    usize i = 0;
    while (i < length) {
        while (i < length && is_space(text[i])) ++i;
        usize start = i;
        while (i < length && !is_space(text[i])) ++i;
        if (i > start && fn(StringView{text + start, i - start})) return;
    }
}

}  // namespace

void CommandLine::set(const char* text, usize length) {
    if (length > kCapacity - 1) length = kCapacity - 1;
    usize n = 0;
    for (; n < length && text[n]; ++n) text_[n] = text[n];
    text_[n] = '\0';
    length_ = n;
}

StringView CommandLine::value(const char* key) const {
    usize key_length = str_length(key);
    StringView found;
    for_each_word(text_, length_, [&](StringView word) {
        if (word.length > key_length && word.data[key_length] == '=' &&
            StringView{word.data, key_length}.equals(key)) {
            found = {word.data + key_length + 1, word.length - key_length - 1};
            return true;
        }
        return false;
    });
    return found;
}

void CommandLine::copy_hiding(const char* key, char* out, usize capacity) const {
    if (capacity == 0) return;
    usize key_length = str_length(key), n = 0;
    auto put = [&](const char* from, usize count) {
        for (usize i = 0; i < count && n + 1 < capacity; ++i) out[n++] = from[i];
    };
    for_each_word(text_, length_, [&](StringView word) {
        if (n) put(" ", 1);
        bool hidden = word.length > key_length && word.data[key_length] == '=' &&
                      StringView{word.data, key_length}.equals(key);
        if (hidden) {
            put(word.data, key_length + 1);
            put("(hidden)", 8);
        } else {
            put(word.data, word.length);
        }
        return false;
    });
    out[n] = '\0';
}

bool CommandLine::has_flag(const char* flag) const {
    bool found = false;
    for_each_word(text_, length_, [&](StringView word) { return found = word.equals(flag); });
    return found;
}

}  // namespace tk
