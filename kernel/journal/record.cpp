#include "kernel/journal/record.h"

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

void put16(u8* p, u16 v) {
    p[0] = u8(v), p[1] = u8(v >> 8);
}
void put32(u8* p, u32 v) {
    for (int i = 0; i < 4; ++i) p[i] = u8(v >> (8 * i));
}
void put64(u8* p, u64 v) {
    for (int i = 0; i < 8; ++i) p[i] = u8(v >> (8 * i));
}
u16 get16(const u8* p) { return u16(p[0] | p[1] << 8); }
u32 get32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }
u64 get64(const u8* p) { return u64(get32(p)) | u64(get32(p + 4)) << 32; }

}  // namespace

u32 crc32c(const u8* data, usize length, u32 crc) {
    crc = ~crc;
    for (usize i = 0; i < length; ++i) crc = kTable.entry[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

usize encode(RecordType type, u32 epoch, u64 sequence, u64 tsc, const void* payload, usize payload_length, u8* out) {
    if (payload_length > kMaxPayload) payload_length = kMaxPayload;
    usize length = (kHeader + payload_length + 7) & ~usize(7);
    put16(out + 4, u16(length));
    out[6] = u8(type);
    out[7] = kRecordVersion;
    put32(out + 8, epoch);
    put32(out + 12, 0);
    put64(out + 16, sequence);
    put64(out + 24, tsc);
    const u8* from = static_cast<const u8*>(payload);
    for (usize i = 0; i < payload_length; ++i) out[kHeader + i] = from[i];
    for (usize i = kHeader + payload_length; i < length; ++i) out[i] = 0;
    put32(out, crc32c(out + 4, length - 4));
    return length;
}

usize check(const u8* p, usize available, u32 epoch, u64 sequence) {
    if (available < kHeader) return 0;
    usize length = get16(p + 4);
    if (length < kHeader || length > kMaxRecord || length % 8 || length > available) return 0;
    if (p[7] != kRecordVersion || get32(p + 8) != epoch || get64(p + 16) != sequence) return 0;
    return crc32c(p + 4, length - 4) == get32(p) ? length : 0;
}

}  // namespace tk::journal
