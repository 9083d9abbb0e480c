// kernel/lib/format: the kernel log's printf.

#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"

// The helper forwards test format strings; their checking happens at the
// call sites' literals, which the compiler cannot see through the template.
#pragma clang diagnostic ignored "-Wformat-security"
#pragma clang diagnostic ignored "-Wformat-nonliteral"

namespace {

bool formats_to(const char* expected, const char* fmt, auto... args) {
    char out[128];
    tk::format(out, sizeof out, fmt, args...);
    return tk::str_equal(out, expected);
}

}  // namespace

TK_TEST(format, integers) {
    TK_EXPECT(formats_to("42 -7 0", "%d %d %u", 42, -7, 0u));
    TK_EXPECT(formats_to("18446744073709551615", "%lu", ~0ul));
    TK_EXPECT(formats_to("-9223372036854775808", "%ld", long(1ull << 63)));
    TK_EXPECT(formats_to("ff FF 0xff", "%x %X %#x", 255u, 255u, 255u));
}

TK_TEST(format, width_and_padding) {
    TK_EXPECT(formats_to("[   42]", "[%5d]", 42));
    TK_EXPECT(formats_to("[00042]", "[%05d]", 42));
    TK_EXPECT(formats_to("[42   ]", "[%-5d]", 42));
    TK_EXPECT(formats_to("[ab   ]", "[%-5s]", "ab"));
    TK_EXPECT(formats_to("[abc]", "[%.3s]", "abcdef"));
    TK_EXPECT(formats_to("[ab]", "[%.*s]", 2, "abcdef"));
    TK_EXPECT(formats_to("0x00000000000000ff", "%p", reinterpret_cast<void*>(0xff)));
}

TK_TEST(format, strings_and_oddities) {
    TK_EXPECT(formats_to("(null)", "%s", static_cast<const char*>(nullptr)));
    TK_EXPECT(formats_to("100%", "100%%"));
    TK_EXPECT(formats_to("x%qy", "x%qy"));  // unknown conversion shown as written
}

TK_TEST(format, truncates_without_overflow) {
    char out[8];
    for (char& c : out) c = 'Z';
    tk::usize n = tk::format(out, 5, "%s", "abcdefgh");
    TK_EXPECT_EQ(n, 4);
    TK_EXPECT(tk::str_equal(out, "abcd"));
    TK_EXPECT_EQ(out[5], 'Z');  // nothing past the given capacity is touched
}
