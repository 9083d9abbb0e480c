#include "kernel/net/wire.h"

namespace tk::net {
namespace {

u64 load_u64(const u8* p) {
    u64 v;
    __builtin_memcpy(&v, p, 8);  // any alignment; one load
    return v;
}

}  // namespace

// Eight bytes at a time into a 128-bit total, so that each add is an add and
// an add-with-carry. RFC 1071 section 2(B): the ones' complement sum does not
// depend on byte order, so the data is summed as little-endian words and the
// 16-bit result swapped once into network order; and a carry out of bit 64
// is worth 2^64, which is 1 modulo 2^16 - 1, so the high half adds to the low
// as it is. The tail is four, two and one bytes, without a loop.
u32 checksum_add(u32 sum, const u8* data, usize length) {
    unsigned __int128 wide = 0;
    usize i = 0;
    for (; i + 16 <= length; i += 16) {
        wide += load_u64(data + i);
        wide += load_u64(data + i + 8);
    }
    if (length - i >= 8) {
        wide += load_u64(data + i);
        i += 8;
    }
    if (length - i >= 4) {
        u32 v;
        __builtin_memcpy(&v, data + i, 4);
        wide += v;
        i += 4;
    }
    if (length - i >= 2) {
        wide += u32(data[i]) | u32(data[i + 1]) << 8;
        i += 2;
    }
    if (i < length) wide += data[i];  // odd length: padded with a zero byte
    u64 low = u64(wide), high = u64(wide >> 64);
    u64 total = low + high;
    total += total < low;  // the end-around carry
    total = (total & 0xFFFFFFFF) + (total >> 32);
    total = (total & 0xFFFF) + (total >> 16);
    total = (total & 0xFFFF) + (total >> 16);
    total = (total & 0xFFFF) + (total >> 16);
    return sum + (u32(total >> 8) | u32(total & 0xFF) << 8);
}

u16 checksum_finish(u32 sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return u16(~sum);
}

}  // namespace tk::net
