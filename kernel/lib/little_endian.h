// Little-endian loads and stores, byte by byte (any alignment): the
// journal's on-disk format and virtio's device structures (virtio 1.2,
// 1.4: little-endian). Network byte order is kernel/net/wire.h.
#pragma once

#include "tk/types.h"

namespace tk {

inline void store_le16(u8* p, u16 v) { p[0] = u8(v), p[1] = u8(v >> 8); }
inline void store_le32(u8* p, u32 v) {
    for (int i = 0; i < 4; ++i) p[i] = u8(v >> (8 * i));
}
inline void store_le64(u8* p, u64 v) {
    for (int i = 0; i < 8; ++i) p[i] = u8(v >> (8 * i));
}
inline u16 load_le16(const u8* p) { return u16(p[0] | p[1] << 8); }
inline u32 load_le32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }
inline u64 load_le64(const u8* p) { return u64(load_le32(p)) | u64(load_le32(p + 4)) << 32; }

}  // namespace tk
