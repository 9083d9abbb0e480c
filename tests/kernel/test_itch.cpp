// kernel/feed/itch: the layout table itself. Field-by-field decoding of every
// type against an independent Python encoder is tests/python/test_itch.py.

#include "kernel/feed/itch.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::itch;

TK_TEST(itch, layouts_tile_each_message_exactly) {
    u32 count = 0;
    const Layout* layouts = all_layouts(&count);
    TK_EXPECT_EQ(count, 23);  // every message type of TotalView-ITCH 5.0
    for (u32 i = 0; i < count; ++i) {
        const Layout& l = layouts[i];
        u32 next = 1;  // after the type byte
        bool tiled = true;
        for (u8 f = 0; f < l.field_count; ++f) {
            tiled = tiled && l.fields[f].offset == next;
            next += l.fields[f].width;
        }
        if (!TK_EXPECT(tiled && next == l.length)) return;
        TK_EXPECT(layout_of(l.type) == &l);
    }
}

TK_TEST(itch, lengths_and_types_are_checked) {
    u8 add[36] = {'A'};
    TK_EXPECT(check(add, 36) == DecodeStatus::Ok);
    TK_EXPECT(check(add, 35) == DecodeStatus::BadLength);
    TK_EXPECT(check(add, 37) == DecodeStatus::BadLength);
    TK_EXPECT(check(add, 0) == DecodeStatus::BadLength);
    add[0] = 'Z';
    TK_EXPECT(check(add, 36) == DecodeStatus::UnknownType);
    add[0] = 0xC1;  // not ASCII
    TK_EXPECT(check(add, 36) == DecodeStatus::UnknownType);
    char out[64];
    TK_EXPECT_EQ(format_message(add, 36, out, sizeof out), 0);
}
