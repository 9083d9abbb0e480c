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
// sum of 16-bit words. `initial` carries a pseudo-header sum (UDP, RFC 768).
u32 checksum_add(u32 sum, const u8* data, usize length);
u16 checksum_finish(u32 sum);
inline u16 internet_checksum(const u8* data, usize length) {
    return checksum_finish(checksum_add(0, data, length));
}

// RFC 768: the UDP checksum covers a pseudo-header of both addresses, the
// protocol and the UDP length; the sum of its 16-bit words.
inline u32 pseudo_header_sum(u32 source, u32 destination, u8 protocol, usize length) {
    return (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol +
           u32(length);
}

}  // namespace tk::net
