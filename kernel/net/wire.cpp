#include "kernel/net/wire.h"

namespace tk::net {

u32 checksum_add(u32 sum, const u8* data, usize length) {
    usize i = 0;
    for (; i + 1 < length; i += 2) sum += u32(data[i]) << 8 | data[i + 1];
    if (i < length) sum += u32(data[i]) << 8;  // odd length: pad with zero
    return sum;
}

u16 checksum_finish(u32 sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return u16(~sum);
}

}  // namespace tk::net
