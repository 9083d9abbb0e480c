#include "kernel/journal/record.h"

#include "kernel/lib/little_endian.h"

namespace tk::journal {
namespace {

// The reflected polynomial 0x1EDC6F41, one table of 256 entries built once.
struct Crc32cTable {
    u32 entry[256];
    constexpr Crc32cTable() : entry{} {
        for (u32 i = 0; i < 256; ++i) {
            u32 c = i;
            for (int k = 0; k < 8; ++k) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            entry[i] = c;
        }
    }
};
constexpr Crc32cTable kTable;

}  // namespace

u32 crc32c(const u8* data, usize length, u32 crc) {
    crc = ~crc;
    for (usize i = 0; i < length; ++i) crc = kTable.entry[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

usize encode(RecordType type, u32 epoch, u64 sequence, u64 tsc, const void* payload, usize payload_length, u8* out) {
    if (payload_length > kMaxPayload) payload_length = kMaxPayload;
    usize length = (kHeader + payload_length + 7) & ~usize(7);
    store_le16(out + 4, u16(length));
    out[6] = u8(type);
    out[7] = kRecordVersion;
    store_le32(out + 8, epoch);
    store_le32(out + 12, 0);
    store_le64(out + 16, sequence);
    store_le64(out + 24, tsc);
    const u8* from = static_cast<const u8*>(payload);
    for (usize i = 0; i < payload_length; ++i) out[kHeader + i] = from[i];
    for (usize i = kHeader + payload_length; i < length; ++i) out[i] = 0;
    store_le32(out, crc32c(out + 4, length - 4));
    return length;
}

usize check(const u8* p, usize available, u32 epoch, u64 sequence) {
    if (available < kHeader) return 0;
    usize length = load_le16(p + 4);
    if (length < kHeader || length > kMaxRecord || length % 8 || length > available) return 0;
    if (p[7] != kRecordVersion || load_le32(p + 8) != epoch || load_le64(p + 16) != sequence) return 0;
    return crc32c(p + 4, length - 4) == load_le32(p) ? length : 0;
}

}  // namespace tk::journal
