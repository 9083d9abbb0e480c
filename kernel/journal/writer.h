// The journal writer: on a core of its own, it takes records from the ring
// (kernel/journal/ring.h), numbers them, checksums them and appends them to
// a block device, then flushes. A record is durable once the flush after
// its write has completed; durable() says up to which sequence, and nothing
// up to it is lost by a crash (the device's flush guarantees the write).
//
// Disk layout (512-byte sectors):
//   sector 0   the superblock: "TKJOURNL", format version, this boot's
//              epoch, the first record sector, the device's sectors, the
//              TSC frequency, CRC-32C of all that
//   sector 8.. records (kernel/journal/record.h), appended. Each write
//              starts on a fresh sector and is padded to a sector boundary
//              with zeros, so a write never rewrites a sector that holds a
//              durable record: a write torn by a crash can only damage the
//              batch's own records, which were not durable yet.
//
// A reader takes records from sector 8 while each is whole, of the
// superblock's epoch and next in sequence; zeros skip to the next sector;
// anything else is the end (a torn tail, or a previous boot's records).
//
// Full disk: the device's last sector is kept back. A batch that does not
// fit before it is dropped (counted as disk_full) and a DiskFull record with
// how many takes the last sector; everything after is dropped and counted.
// A failed write or flush is counted and the batch written whole again by
// the next drain: its records are not durable until a flush after a
// successful write of all of them succeeds.
#pragma once

#include "kernel/journal/ring.h"

namespace tk::journal {

inline constexpr u64 kSuperblockSector = 0, kFirstRecordSector = 8;
inline constexpr u32 kFormatVersion = 1;
inline constexpr char kMagic[8] = {'T', 'K', 'J', 'O', 'U', 'R', 'N', 'L'};

struct BlockDevice {
    void* context;
    // `count` sectors from `data` at `sector`; true once the device has them.
    bool (*write)(void* context, u64 sector, const u8* data, u32 count);
    // True once everything written before is on stable storage.
    bool (*flush)(void* context);
    u64 sectors;  // the device's size
};

// One list, so the struct, the kernel's record and the host's names agree:
//   records       made durable in all
//   lost          made while the ring was full (the Lost records say where)
//   disk_full     taken from the ring with no room left on the device
//   write_errors, flush_errors   failed device requests; their records are not durable
#define TK_JOURNAL_COUNTERS(X) \
    X(records) X(writes) X(flushes) X(sectors) X(lost) X(disk_full) X(write_errors) X(flush_errors)

struct WriterCounters {
#define TK_JOURNAL_COUNTER_FIELD(name) u64 name;
    TK_JOURNAL_COUNTERS(TK_JOURNAL_COUNTER_FIELD)
#undef TK_JOURNAL_COUNTER_FIELD
};
const char* counter_names();

class Writer {
public:
    // Records are gathered into batches of up to this many bytes per write.
    static constexpr usize kBatchBytes = 64 * 1024;

    // Writes and flushes the superblock; false if the device is too small or
    // does not take it.
    bool start(Ring* ring, const BlockDevice& device, u32 epoch, u64 tsc_hz);

    // Takes what the ring holds (up to a batch), writes it and flushes.
    // Returns how many records became durable.
    u32 drain();

    u64 durable() const { return durable_; }  // the last durable sequence; 0: none
    u64 made() const { return sequence_; }     // the last record numbered, durable or not
    u32 epoch() const { return epoch_; }
    u64 next_sector() const { return batch_sector_; }
    bool full() const { return full_; }
    const WriterCounters& counters() const { return counters_; }

private:
    usize add(RecordType type, u64 tsc, const u8* payload, usize length);
    u32 disk_full();

    Ring* ring_ = nullptr;
    BlockDevice device_{};
    u32 epoch_ = 0;
    u64 sequence_ = 0;  // of the last record numbered (in the batch, or durable)
    u64 durable_ = 0;
    u64 batch_sector_ = kFirstRecordSector;  // where the batch goes: the first free sector
    bool full_ = false;
    WriterCounters counters_{};
    usize used_ = 0;
    alignas(64) u8 batch_[kBatchBytes];
};

}  // namespace tk::journal
