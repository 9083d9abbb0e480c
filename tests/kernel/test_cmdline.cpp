// kernel/boot/cmdline: key=value words and flags.

#include "kernel/boot/cmdline.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"

using tk::CommandLine;

TK_TEST(cmdline, values_and_flags) {
    CommandLine c;
    const char text[] = "  mode=test quiet test=format.  fault=page-fault\n";
    c.set(text, sizeof text - 1);
    TK_EXPECT(c.value("mode").equals("test"));
    TK_EXPECT(c.value("test").equals("format."));
    TK_EXPECT(c.value("fault").equals("page-fault"));
    TK_EXPECT(c.has_flag("quiet"));
    TK_EXPECT(!c.has_flag("mode"));
    TK_EXPECT(c.value("missing").empty());
    TK_EXPECT(c.value("mod").empty());  // a prefix of a key is not the key
}

TK_TEST(cmdline, truncates_long_text) {
    static char text[CommandLine::kCapacity * 2];
    for (char& ch : text) ch = 'x';
    CommandLine c;
    c.set(text, sizeof text);
    TK_EXPECT_EQ(tk::str_length(c.text()), CommandLine::kCapacity - 1);
}

TK_TEST(cmdline, stops_at_nul) {
    CommandLine c;
    const char text[] = "a=1\0b=2";
    c.set(text, sizeof text - 1);
    TK_EXPECT(c.value("a").equals("1"));
    TK_EXPECT(c.value("b").empty());
}

TK_TEST(cmdline, secret_is_hidden_in_the_copy_for_the_log) {
    CommandLine c;
    const char text[] = "mode=trade secret=0123456789abcdef control=10.0.0.1 secretive=yes";
    c.set(text, sizeof text - 1);
    char shown[CommandLine::kCapacity];
    c.copy_hiding("secret", shown, sizeof shown);
    TK_EXPECT(tk::str_equal(shown, "mode=trade secret=(hidden) control=10.0.0.1 secretive=yes"));
    char tiny[8];
    c.copy_hiding("secret", tiny, sizeof tiny);
    TK_EXPECT(tk::str_equal(tiny, "mode=tr"));
}
