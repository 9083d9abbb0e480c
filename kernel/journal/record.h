// The journal's record format: what the trading path reports (orders sent,
// the venue's answers, risk rejections, feed gaps and recoveries, the kill
// switch), each record checksummed, so a journal read back from the disk
// after a crash can tell every whole record from a torn or stale one.
//
// On the disk (little-endian, records 8-byte aligned, packed into 512-byte
// sectors, never across a flush: the writer pads each write to a sector
// boundary with zeros, kernel/journal/writer.h):
//
//   offset  size
//   0       4     CRC-32C of bytes 4 .. length-1 (RFC 3720, appendix B.4)
//   4       2     length: the whole record, header included, a multiple of 8
//   6       1     type (RecordType)
//   7       1     format version (kRecordVersion)
//   8       4     epoch: this boot's journal (the superblock's); a record of
//                 another boot is where this one ends
//   12      4     reserved, 0
//   16      8     sequence: 1, 2, ... within the epoch, no gap
//   24      8     the trading core's TSC when the record was made
//   32      ...   payload (by type, below)
//
// tradekernel/journal.py reads the same format; tests/python/test_journal.py
// checks the two agree.
#pragma once

#include "tk/types.h"

namespace tk::journal {

inline constexpr usize kHeader = 32;
inline constexpr usize kMaxPayload = 96;
inline constexpr usize kMaxRecord = kHeader + kMaxPayload;  // one ring slot
inline constexpr u8 kRecordVersion = 1;
inline constexpr usize kSector = 512;

enum class RecordType : u8 {
    Start = 1,          // feed session[10], order session[10], tsc_hz u64
    OrderSent = 2,      // id u64, price u32, shares u32, locate u16, side, time in force (0 IOC, 1 day), stock[8]
    CancelSent = 3,     // id u64
    Answer = 4,         // answer sequence u64, length u16, then the OUCH 4.2 outbound message
    RiskRejected = 5,   // reason u8 (RiskReason), side, locate u16, shares u32, price u32
    FeedBehind = 6,     // next sequence u64, known end u64
    FeedCaughtUp = 7,   // next sequence u64
    KillSwitch = 8,     // (none)
    Lost = 9,           // records u64: made while the ring was full, never written (where they were)
    End = 10,           // (none): the session ended and everything before is written
    DiskFull = 11,      // records u64: dropped here for want of room; nothing follows
    OrderResent = 12,   // id u64: an unanswered Enter Order sent again, same token
};

// RFC 3720 CRC-32C (Castagnoli), reflected, as iSCSI and ext4 use it.
u32 crc32c(const u8* data, usize length, u32 crc = 0);

// Writes header and payload into `out` (at least kHeader + payload length
// rounded up to 8); returns the record's length. The CRC is filled in.
usize encode(RecordType type, u32 epoch, u64 sequence, u64 tsc, const void* payload, usize payload_length,
             u8* out);

// A record at `p` with `available` bytes: its length if it is whole, of
// `epoch` and of sequence `sequence`, and its CRC holds; 0 otherwise.
usize check(const u8* p, usize available, u32 epoch, u64 sequence);

}  // namespace tk::journal
