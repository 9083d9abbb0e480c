// Reading and writing network byte order (big-endian) within bounds. Every
// length and offset that comes from the wire goes through these: a read past
// the end reports failure instead of touching memory beyond the frame.
#pragma once

#include "tk/types.h"

namespace tk::net {

inline u16 load_be16(const u8* p) { return u16(p[0] << 8 | p[1]); }
inline u32 load_be32(const u8* p) { return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | p[3]; }
inline u64 load_be64(const u8* p) { return u64(load_be32(p)) << 32 | load_be32(p + 4); }
inline void store_be16(u8* p, u16 v) {
    p[0] = u8(v >> 8);
    p[1] = u8(v);
}
inline void store_be32(u8* p, u32 v) {
    p[0] = u8(v >> 24);
    p[1] = u8(v >> 16);
    p[2] = u8(v >> 8);
    p[3] = u8(v);
}
inline void store_be64(u8* p, u64 v) {
    store_be32(p, u32(v >> 32));
    store_be32(p + 4, u32(v));
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
