// Reading and writing network byte order (big-endian) within bounds. Every
// length and offset that comes from the wire goes through these: a read past
// the end reports failure instead of touching memory beyond the frame.
#pragma once

#include "tk/types.h"

namespace tk::net {

// One load or store of any alignment and a byte swap (x86 is little-endian):
// written byte by byte, clang kept the bytes apart on the trading path, four
// loads or stores and their shifts for each 32-bit field.
inline u16 load_be16(const u8* p) {
    u16 v;
    __builtin_memcpy(&v, p, 2);
    return __builtin_bswap16(v);
}
inline u32 load_be32(const u8* p) {
    u32 v;
    __builtin_memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
inline u64 load_be64(const u8* p) {
    u64 v;
    __builtin_memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}
inline void store_be16(u8* p, u16 v) {
    v = __builtin_bswap16(v);
    __builtin_memcpy(p, &v, 2);
}
inline void store_be32(u8* p, u32 v) {
    v = __builtin_bswap32(v);
    __builtin_memcpy(p, &v, 4);
}
inline void store_be64(u8* p, u64 v) {
    v = __builtin_bswap64(v);
    __builtin_memcpy(p, &v, 8);
}

// A bounded view of received bytes.
struct Bytes {
    const u8* data = nullptr;
    usize length = 0;

    bool has(usize offset, usize n) const { return offset <= length && n <= length - offset; }
    Bytes from(usize offset) const {
        return offset <= length ? Bytes{data + offset, length - offset} : Bytes{data + length, 0};
    }
    Bytes first(usize n) const { return Bytes{data, n < length ? n : length}; }
};

// RFC 1071 Internet checksum: the ones' complement of the ones' complement
// sum of 16-bit words. checksum_add adds the data's words to `sum` (which
// may carry a pseudo-header's, RFC 768), unfolded: `sum` must be at most
// 0xFFFF0000 so that adding the data's 16 bits cannot wrap (every caller's
// is below 0x80000); checksum_finish folds and complements.
//
// Eight bytes at a time into a 64-bit total, each group of words one
// add-with-carry chain (__builtin_addcll: x86's ADC, one instruction for
// eight bytes), the chain's carry out counted apart. RFC 1071 section 2(B):
// the ones' complement sum does not depend on byte order, so the data is
// summed as little-endian words and the 16-bit result swapped once into
// network order; and a carry out of bit 64 is worth 2^64, which is 1 modulo
// 2^64 - 1 (and so modulo 2^16 - 1), so the carries count as ones added at
// bit 0. The last one to seven bytes are gathered into one word, each part
// at an even byte position as in the data, without a loop. Inlined
// everywhere: with a constant length (an IPv4 header's 20 bytes) the loop
// and the tail's branches fold away.
[[gnu::always_inline]] inline u32 checksum_add(u32 sum, const u8* data, usize length) {
    auto load_u64 = [](const u8* p) {
        u64 v;
        __builtin_memcpy(&v, p, 8);  // any alignment; one load
        return v;
    };
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

// Two folds take any 32-bit sum to 16 bits: the first leaves at most
// 0x1FFFE, the second at most 0xFFFF.
inline u16 checksum_finish(u32 sum) {
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    return u16(~sum);
}
[[gnu::always_inline]] inline u16 internet_checksum(const u8* data, usize length) {
    return checksum_finish(checksum_add(0, data, length));
}

// RFC 768: the UDP checksum covers a pseudo-header of both addresses, the
// protocol and the UDP length; the sum of its 16-bit words.
inline u32 pseudo_header_sum(u32 source, u32 destination, u8 protocol, usize length) {
    return (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol +
           u32(length);
}

}  // namespace tk::net
