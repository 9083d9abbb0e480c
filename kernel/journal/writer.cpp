#include "kernel/journal/writer.h"

#include "kernel/lib/little_endian.h"

namespace tk::journal {

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
    sequence_ = durable_ = 0;
    batch_sector_ = kFirstRecordSector;
    full_ = false;
    counters_ = {};
    used_ = 0;
    if (device.sectors <= kFirstRecordSector) return false;
    u8* s = batch_;
    for (usize i = 0; i < kSector; ++i) s[i] = 0;
    for (int i = 0; i < 8; ++i) s[i] = u8(kMagic[i]);
    store_le32(s + 8, kFormatVersion);
    store_le32(s + 12, epoch);
    store_le64(s + 16, kFirstRecordSector);
    store_le64(s + 24, device.sectors);
    store_le64(s + 32, tsc_hz);
    store_le32(s + 40, crc32c(s, 40));
    return device.write(device.context, kSuperblockSector, s, 1) && device.flush(device.context);
}

usize Writer::add(RecordType type, u64 tsc, const u8* payload, usize length) {
    usize need = (kHeader + length + 7) & ~usize(7);
    if (used_ + need > kBatchBytes) return 0;
    return used_ += encode(type, epoch_, ++sequence_, tsc, payload, length, batch_ + used_), need;
}

// The batch holds every record not yet durable and is written whole at
// batch_sector_ each time until a flush after it succeeds; only then are its
// records durable and the next batch starts on the following sector. A
// failed write or flush leaves it to be written whole again: after a failed
// flush the device (or the host's page cache under it) may have dropped the
// cached writes, so what that flush covered is never counted as durable.
u32 Writer::drain() {
    if (full_) {
        while (const Slot* s = ring_->peek()) {
            ++counters_.disk_full;
            ring_->pop();
        }
        return 0;
    }
    while (const Slot* s = ring_->peek()) {
        if (!add(s->type, s->tsc, s->payload, s->length)) break;  // the batch is full: next time
        if (s->type == RecordType::Lost) {
            u64 lost;
            __builtin_memcpy(&lost, s->payload, sizeof lost);
            counters_.lost += lost;
        }
        ring_->pop();
    }
    if (used_ == 0) return 0;
    usize padded = (used_ + kSector - 1) & ~(kSector - 1);
    for (usize i = used_; i < padded; ++i) batch_[i] = 0;
    u32 count = u32(padded / kSector);
    // The device's last sector is kept for the DiskFull record.
    if (batch_sector_ + count > device_.sectors - 1) return disk_full();
    if (!device_.write(device_.context, batch_sector_, batch_, count)) {
        ++counters_.write_errors;
        return 0;
    }
    ++counters_.writes;
    counters_.sectors += count;
    if (!device_.flush(device_.context)) {
        ++counters_.flush_errors;
        return 0;
    }
    ++counters_.flushes;
    u32 made = u32(sequence_ - durable_);
    counters_.records += made;
    durable_ = sequence_;
    batch_sector_ += count;
    used_ = 0;
    return made;
}

// The batch does not fit: its records are dropped (counted), and in their
// place one DiskFull record with how many, so a reader knows the journal
// stops here because the disk did; nothing is written after it.
u32 Writer::disk_full() {
    u64 dropped = sequence_ - durable_;
    counters_.disk_full += dropped;
    sequence_ = durable_;  // their numbers were never on the disk
    used_ = 0;
    u8 payload[8];
    store_le64(payload, dropped);
    add(RecordType::DiskFull, 0, payload, sizeof payload);
    usize padded = (used_ + kSector - 1) & ~(kSector - 1);
    for (usize i = used_; i < padded; ++i) batch_[i] = 0;
    full_ = true;
    if (!device_.write(device_.context, batch_sector_, batch_, 1) || !device_.flush(device_.context)) {
        ++counters_.write_errors;
        sequence_ = durable_;
        return 0;
    }
    durable_ = sequence_;
    ++batch_sector_;
    return 1;
}

}  // namespace tk::journal
