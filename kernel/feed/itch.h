// NASDAQ TotalView-ITCH 5.0 messages: the layout of every message type of the
// specification (section 1.1 data types, section 4 message formats), length
// validation, and field access. All integers are big-endian; timestamps are
// 6-byte nanoseconds since midnight; Price(4) has 4 implied decimals and
// Price(8) 8; Alpha fields are left-justified and space-padded.
//
// The order book reads typed fields through itch::field_u64(); tools and
// tests print any message with format_message().
#pragma once

#include "tk/types.h"

namespace tk::itch {

enum class FieldKind : u8 { Integer, Alpha, Price4, Price8, Timestamp };

struct Field {
    const char* name;
    u8 offset;
    u8 width;
    FieldKind kind;
};

struct Layout {
    char type;
    u8 length;  // whole message, type byte included
    const char* name;
    u8 field_count;
    Field fields[17];
};

// The layout of message type `type`, or nullptr for a type the spec lacks.
const Layout* layout_of(char type);
const Layout* all_layouts(u32* count);

enum class DecodeStatus : u8 { Ok, UnknownType, BadLength };

// A message is accepted only if its type exists and its length is exactly
// that type's length.
DecodeStatus check(const u8* message, usize length);

// Field value as an unsigned integer (Integer, Price4, Price8, Timestamp);
// `field` must come from the message's layout.
u64 field_u64(const u8* message, const Field& field);

// "A stock_locate=1 tracking_number=2 timestamp=... stock=AAPL price=1234500";
// returns the length written (0 if the message fails check()).
usize format_message(const u8* message, usize length, char* out, usize capacity);

}  // namespace tk::itch
