#include "kernel/net/wire.h"

namespace tk::net {
namespace {

u64 load_u64(const u8* p) {
    u64 v;
    __builtin_memcpy(&v, p, 8);  // any alignment; one load
    return v;
}

}  // namespace

// Eight bytes at a time into a 64-bit total, each group of words one
// add-with-carry chain (__builtin_addcll: x86's ADC, one instruction for
// eight bytes), the chain's carry out counted apart. RFC 1071 section 2(B):
// the ones' complement sum does not depend on byte order, so the data is
// summed as little-endian words and the 16-bit result swapped once into
// network order; and a carry out of bit 64 is worth 2^64, which is 1 modulo
// 2^64 - 1 (and so modulo 2^16 - 1), so the carries count as ones added at
// bit 0. The last one to seven bytes are gathered into one word, each part
// at an even byte position as in the data, without a loop.
u32 checksum_add(u32 sum, const u8* data, usize length) {
    unsigned long long total = 0, carries = 0;
    auto chain = [&](const u8* p, usize words) {
        unsigned long long carry = 0;
        for (usize w = 0; w < words; ++w) total = __builtin_addcll(total, load_u64(p + 8 * w), carry, &carry);
        carries += carry;
    };
    usize i = 0;
    for (; i + 32 <= length; i += 32) chain(data + i, 4);
    if (length - i >= 16) {
        chain(data + i, 2);
        i += 16;
    }
    if (length - i >= 8) {
        chain(data + i, 1);
        i += 8;
    }
    u64 tail = 0;
    unsigned shift = 0;
    if (length - i >= 4) {
        u32 v;
        __builtin_memcpy(&v, data + i, 4);
        tail = v;
        shift = 32;
        i += 4;
    }
    if (length - i >= 2) {
        tail |= u64(u32(data[i]) | u32(data[i + 1]) << 8) << shift;
        shift += 16;
        i += 2;
    }
    if (i < length) tail |= u64(data[i]) << shift;  // odd length: padded with a zero byte
    u64 word = tail;
    chain(reinterpret_cast<const u8*>(&word), 1);
    // The carries (fewer than 2^61) back in at bit 0; one more end-around
    // carry from that leaves at most 2^61, so it takes no further one.
    unsigned long long carry = 0;
    total = __builtin_addcll(total, carries, 0, &carry);
    total += carry;
    u32 low = u32(total), high = u32(total >> 32);
    u32 folded = low + high;
    folded += folded < low;
    folded = (folded & 0xFFFF) + (folded >> 16);
    folded = (folded & 0xFFFF) + (folded >> 16);
    return sum + (folded >> 8 | (folded & 0xFF) << 8);
}

u16 checksum_finish(u32 sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return u16(~sum);
}

}  // namespace tk::net
