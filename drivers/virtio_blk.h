// virtio-blk, modern PCI transport (Virtual I/O Device Specification 1.2:
// 5.2 block device, over drivers/virtio_pci.h). Polled and synchronous: one
// request at a time, the caller spinning on the used ring until the device
// answers -- it is meant for the journal's writer, on a core of its own.
// Data goes through a DMA buffer of the driver's (kMaxTransfer bytes), so
// the caller's memory need not be physically contiguous.
#pragma once

#include "drivers/pci.h"
#include "drivers/virtio_pci.h"
#include "tk/types.h"
#include "tk/units.h"

namespace tk::drivers {

#define TK_VIRTIO_BLK_COUNTERS(X) X(writes) X(sectors_written) X(reads) X(flushes) X(errors) X(timeouts)

struct VirtioBlkStats {
#define TK_VIRTIO_BLK_COUNTER_FIELD(name) u64 name;
    TK_VIRTIO_BLK_COUNTERS(TK_VIRTIO_BLK_COUNTER_FIELD)
#undef TK_VIRTIO_BLK_COUNTER_FIELD
};
inline constexpr const char* kVirtioBlkCounterNames =
#define TK_VIRTIO_BLK_COUNTER_NAME(name) #name ","
    TK_VIRTIO_BLK_COUNTERS(TK_VIRTIO_BLK_COUNTER_NAME);
#undef TK_VIRTIO_BLK_COUNTER_NAME

class VirtioBlk {
public:
    static constexpr u16 kQueueSize = 16;
    static constexpr u32 kSector = 512;
    static constexpr u32 kMaxTransfer = 64 * 1024;  // bytes per request
    // The queue, a page for the request header and status, the data buffer.
    static constexpr usize kDmaBytes = virtio::queue_bytes(kQueueSize) + 4096 + kMaxTransfer;

    // `dma` is physically contiguous, `dma_physical` its physical address.
    // False (and said in the log) if the device is unusable.
    bool init(const PciDevice& device, u8* dma, PhysAddr dma_physical);

    u64 sectors() const { return sectors_; }      // capacity, in 512-byte sectors
    bool can_flush() const { return flush_; }     // VIRTIO_BLK_F_FLUSH negotiated
    bool read_only() const { return read_only_; }

    // `count` sectors at `sector`; true once the device reports success.
    bool write(u64 sector, const u8* data, u32 count);
    bool read(u64 sector, u8* data, u32 count);
    // Everything written before is on stable storage (5.2.6.2). True without
    // FLUSH only if the device's cache is write-through, which we do not
    // know: false then.
    bool flush();

    const VirtioBlkStats& stats() const { return stats_; }

private:
    // One request: header, data (if any), status; waits for the device.
    bool request(u32 type, u64 sector, u32 bytes, bool device_writes);
    u64 phys_of(const void* p) const { return dma_phys_ + u64(static_cast<const u8*>(p) - dma_); }

    virtio::PciTransport transport_;
    virtio::Queue queue_{};
    u8* dma_ = nullptr;
    u64 dma_phys_ = 0;
    u8* header_ = nullptr;  // struct virtio_blk_req's first 16 bytes, then the status byte
    u8* data_ = nullptr;
    u64 sectors_ = 0;
    bool flush_ = false, read_only_ = false;
    bool stuck_ = false;  // a request timed out: its descriptors are still the device's
    VirtioBlkStats stats_{};
};

}  // namespace tk::drivers
