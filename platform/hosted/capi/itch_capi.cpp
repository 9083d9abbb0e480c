// C ABI over the ITCH 5.0 decoder for Python tests (tests/python/test_itch.py).

#include "platform/hosted/capi/tk_capi.h"

#include "kernel/feed/itch.h"

using namespace tk;

extern "C" {

// 0 ok, 1 unknown type, 2 bad length.
int tk_itch_check(const u8* message, usize length) { return int(itch::check(message, length)); }

usize tk_itch_format(const u8* message, usize length, char* out, usize capacity) {
    return itch::format_message(message, length, out, capacity);
}

}  // extern "C"
