#include "kernel/journal/writer.h"

namespace tk::journal {
namespace {

void put32(u8* p, u32 v) {
    for (int i = 0; i < 4; ++i) p[i] = u8(v >> (8 * i));
}
void put64(u8* p, u64 v) {
    for (int i = 0; i < 8; ++i) p[i] = u8(v >> (8 * i));
}

}  // namespace

const char* counter_names() {
#define TK_JOURNAL_COUNTER_NAME(name) #name ","
    return TK_JOURNAL_COUNTERS(TK_JOURNAL_COUNTER_NAME);
#undef TK_JOURNAL_COUNTER_NAME
}

// Superblock (sector 0): magic[8], version u32, epoch u32, first record
// sector u64, device sectors u64, tsc_hz u64, then CRC-32C of bytes 0..39;
// little-endian, the rest of the sector zero.
bool Writer::start(Ring* ring, const BlockDevice& device, u32 epoch, u64 tsc_hz) {
    ring_ = ring;
    device_ = device;
    epoch_ = epoch;
    sequence_ = written_ = durable_ = 0;
    next_sector_ = kFirstRecordSector;
    lost_reported_ = 0;
    full_ = false;
    counters_ = {};
    used_ = 0;
    if (device.sectors <= kFirstRecordSector) return false;
    u8* s = batch_;
    for (usize i = 0; i < kSector; ++i) s[i] = 0;
    for (int i = 0; i < 8; ++i) s[i] = u8(kMagic[i]);
    put32(s + 8, kFormatVersion);
    put32(s + 12, epoch);
    put64(s + 16, kFirstRecordSector);
    put64(s + 24, device.sectors);
    put64(s + 32, tsc_hz);
    put32(s + 40, crc32c(s, 40));
    return device.write(device.context, kSuperblockSector, s, 1) && device.flush(device.context);
}

usize Writer::add(RecordType type, u64 tsc, const u8* payload, usize length) {
    usize need = (kHeader + length + 7) & ~usize(7);
    if (used_ + need > kBatchBytes) return 0;
    return used_ += encode(type, epoch_, ++sequence_, tsc, payload, length, batch_ + used_), need;
}

// The batch keeps what has not been written: a failed write is tried again
// with the next drain, so the records on the disk stay in sequence.
u32 Writer::drain() {
    // A Lost record first, if the ring dropped records since the last one.
    u64 lost = ring_->lost();
    if (lost != lost_reported_) {
        u8 payload[8];
        put64(payload, lost - lost_reported_);
        if (add(RecordType::Lost, 0, payload, sizeof payload)) {
            counters_.lost += lost - lost_reported_;
            lost_reported_ = lost;
        }
    }
    while (const Slot* s = ring_->peek()) {
        if (!add(s->type, s->tsc, s->payload, s->length)) break;  // the batch is full: next time
        ring_->pop();
    }
    if (used_ > 0) {
        usize padded = (used_ + kSector - 1) & ~(kSector - 1);
        for (usize i = used_; i < padded; ++i) batch_[i] = 0;
        u32 count = u32(padded / kSector);
        if (full_ || next_sector_ + count > device_.sectors) {
            full_ = true;
            counters_.disk_full += sequence_ - written_;
            sequence_ = written_;  // never on the disk: their numbers are not used
            used_ = 0;
        } else if (!device_.write(device_.context, next_sector_, batch_, count)) {
            ++counters_.write_errors;
            return 0;
        } else {
            ++counters_.writes;
            next_sector_ += count;
            counters_.sectors += count;
            counters_.records += sequence_ - written_;
            written_ = sequence_;
            used_ = 0;
        }
    }
    if (written_ == durable_) return 0;
    if (!device_.flush(device_.context)) {
        ++counters_.flush_errors;
        return 0;
    }
    ++counters_.flushes;
    u32 made = u32(written_ - durable_);
    durable_ = written_;
    return made;
}

}  // namespace tk::journal
