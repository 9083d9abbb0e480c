#include "kernel/net/wire.h"

namespace tk::net {
namespace {

u64 load_u64(const u8* p) {
    u64 v;
    __builtin_memcpy(&v, p, 8);  // any alignment; one load
    return v;
}

}  // namespace

// Eight bytes at a time. RFC 1071 section 2(B): the ones' complement sum
// does not depend on byte order, so the data is summed as little-endian
// words (two 32-bit halves per load into a 64-bit total, folded at the
// end) and the 16-bit result swapped once into network order.
u32 checksum_add(u32 sum, const u8* data, usize length) {
    u64 total = 0;
    usize i = 0;
    for (; i + 8 <= length; i += 8) {
        u64 v = load_u64(data + i);
        total += (v & 0xFFFFFFFF) + (v >> 32);
    }
    for (; i + 2 <= length; i += 2) total += u32(data[i]) | u32(data[i + 1]) << 8;
    if (i < length) total += data[i];  // odd length: padded with a zero byte
    while (total >> 16) total = (total & 0xFFFF) + (total >> 16);
    return sum + (u32(total >> 8) | u32(total & 0xFF) << 8);
}

u16 checksum_finish(u32 sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return u16(~sum);
}

}  // namespace tk::net
