#include "drivers/virtio_blk.h"

#include "kernel/lib/little_endian.h"
#include "kernel/log/log.h"

namespace tk::drivers {
namespace {

// 5.2.3: feature bits.
constexpr u32 kFeatureReadOnly = 5, kFeatureFlush = 9;
// 5.2.6: request types and status.
constexpr u32 kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4;
constexpr u8 kStatusOk = 0;
constexpr u8 kStatusUnset = 0xFF;  // ours: the device has not written it yet
// Polls of the used ring before a request is given up: far beyond any
// device's answer (QEMU's take a few thousand), short of hanging for good.
constexpr u64 kMaxSpins = 2'000'000'000ull;

}  // namespace

bool VirtioBlk::init(const PciDevice& device, u8* dma, PhysAddr dma_physical) {
    if (!transport_.map(device)) {
        log::info("virtio-blk: no modern (virtio 1.x) capabilities");
        return false;
    }
    u32 accepted = 0;
    if (!transport_.negotiate((1u << kFeatureFlush) | (1u << kFeatureReadOnly), accepted)) {
        log::info("virtio-blk: no VIRTIO_F_VERSION_1, or the features were not accepted");
        return false;
    }
    flush_ = accepted & (1u << kFeatureFlush);
    read_only_ = accepted & (1u << kFeatureReadOnly);
    dma_ = dma;
    dma_phys_ = dma_physical.value;
    for (usize i = 0; i < kDmaBytes; ++i) dma_[i] = 0;
    u8* cursor = dma_;
    u64 phys = dma_phys_;
    // A request is three descriptors (header, data, status).
    if (!transport_.setup_queue(queue_, 0, cursor, phys, kQueueSize) || queue_.size < 3) {
        log::info("virtio-blk: no request queue of at least 3 descriptors");
        return false;
    }
    header_ = cursor;
    data_ = cursor + 4096;
    queue_.avail[0] = virtio::kAvailNoInterrupt;  // polled (2.7.7)
    // 5.2.4: capacity, le64, in 512-byte sectors, at the start of the device configuration.
    volatile u8* config = transport_.device_config();
    u8 generation;
    do {
        generation = transport_.config_generation();
        sectors_ = 0;
        for (int i = 7; i >= 0; --i) sectors_ = sectors_ << 8 | config[i];
    } while (generation != transport_.config_generation());
    transport_.driver_ok();
    log::info("virtio-blk: %lu sectors (%lu MiB)%s%s, polled", (unsigned long)sectors_,
              (unsigned long)(sectors_ >> 11), flush_ ? ", flush" : ", no flush", read_only_ ? ", read-only" : "");
    return true;
}

// struct virtio_blk_req (5.2.6): type, reserved, sector (16 bytes, read by
// the device), the data, then one status byte the device writes.
bool VirtioBlk::request(u32 type, u64 sector, u32 bytes, bool device_writes) {
    if (stuck_) return false;
    store_le32(header_, type);
    store_le32(header_ + 4, 0);
    store_le64(header_ + 8, sector);
    u8* status = header_ + 16;
    *reinterpret_cast<volatile u8*>(status) = kStatusUnset;
    u16 n = 0;
    queue_.set_descriptor(n, phys_of(header_), 16, virtio::kDescNext, u16(n + 1));
    ++n;
    if (bytes) {
        queue_.set_descriptor(n, phys_of(data_), bytes, u16(virtio::kDescNext | (device_writes ? virtio::kDescWrite : 0)),
                              u16(n + 1));
        ++n;
    }
    queue_.set_descriptor(n, phys_of(status), 1, virtio::kDescWrite);
    queue_.make_available(0);
    u64 sent = 0, skipped = 0;
    virtio::notify(queue_, sent, skipped);
    for (u64 spins = 0; queue_.used_idx() == queue_.last_used; ++spins) {
        if (spins == kMaxSpins) {
            ++stats_.timeouts;
            stuck_ = true;  // the chain stays the device's: no request can use it again
            return false;
        }
        __builtin_ia32_pause();
    }
    ++queue_.last_used;
    asm volatile("" ::: "memory");
    if (*reinterpret_cast<volatile u8*>(status) != kStatusOk) {
        ++stats_.errors;
        return false;
    }
    return true;
}

bool VirtioBlk::write(u64 sector, const u8* data, u32 count) {
    if (read_only_) return false;
    for (u32 done = 0; done < count;) {
        u32 n = count - done < kMaxTransfer / kSector ? count - done : kMaxTransfer / kSector;
        if (sector + done + n > sectors_) return false;
        __builtin_memcpy(data_, data + usize(done) * kSector, usize(n) * kSector);
        if (!request(kTypeOut, sector + done, n * kSector, false)) return false;
        ++stats_.writes;
        stats_.sectors_written += n;
        done += n;
    }
    return true;
}

bool VirtioBlk::read(u64 sector, u8* data, u32 count) {
    for (u32 done = 0; done < count;) {
        u32 n = count - done < kMaxTransfer / kSector ? count - done : kMaxTransfer / kSector;
        if (sector + done + n > sectors_) return false;
        if (!request(kTypeIn, sector + done, n * kSector, true)) return false;
        __builtin_memcpy(data + usize(done) * kSector, data_, usize(n) * kSector);
        ++stats_.reads;
        done += n;
    }
    return true;
}

bool VirtioBlk::flush() {
    if (!flush_) return false;
    if (!request(kTypeFlush, 0, 0, false)) return false;
    ++stats_.flushes;
    return true;
}

}  // namespace tk::drivers
