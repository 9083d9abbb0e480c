// The virtio 1.x modern PCI transport (Virtual I/O Device Specification 1.2,
// 4.1) and split virtqueues (2.7), shared by the virtio-net and virtio-blk
// drivers: finding the capabilities, the initialisation sequence (3.1.1),
// feature negotiation, queue set-up and notification. The drivers poll the
// used rings; no interrupts are asked for.
#pragma once

#include "drivers/pci.h"
#include "tk/types.h"

namespace tk::drivers::virtio {

inline constexpr u16 kDescNext = 1, kDescWrite = 2;  // 2.7.5
inline constexpr u16 kAvailNoInterrupt = 1;          // 2.7.6
inline constexpr u16 kUsedNoNotify = 1;              // 2.7.8
inline constexpr u32 kFeatureVersion1 = 32;          // 6: VIRTIO_F_VERSION_1

// One split virtqueue, each of its three parts on its own page.
struct Queue {
    u16 index;
    u16 size;
    volatile u8* desc;    // 16-byte descriptors
    volatile u16* avail;  // flags, idx, ring[size]
    volatile u8* used;    // flags, idx, {id, len}[size]
    u16 avail_idx;
    u16 last_used;
    volatile u16* notify;
    u64 desc_phys, avail_phys, used_phys;

    void set_descriptor(u16 i, u64 address, u32 length, u16 flags, u16 next = 0) {
        volatile u8* d = desc + usize(i) * 16;
        *reinterpret_cast<volatile u64*>(d) = address;
        *reinterpret_cast<volatile u32*>(d + 8) = length;
        *reinterpret_cast<volatile u16*>(d + 12) = flags;
        *reinterpret_cast<volatile u16*>(d + 14) = next;
    }
    // Puts chain `head` in the driver ring and publishes it (2.7.13).
    void make_available(u16 head) {
        avail[2 + avail_idx % size] = head;
        asm volatile("" ::: "memory");  // the ring entry before the index that publishes it
        avail[1] = ++avail_idx;
    }
    u16 used_idx() const { return *reinterpret_cast<volatile u16*>(used + 2); }
    // The used element at `last_used`: (descriptor id, bytes written).
    volatile u8* used_element() const { return used + 4 + usize(last_used % size) * 8; }
};

// DMA bytes a queue of at most `max_size` entries takes (with a guard page).
inline constexpr usize queue_bytes(u16 max_size) {
    return ((usize(max_size) * 16 + 4095) & ~usize(4095)) + 3 * 4096;
}

class PciTransport {
public:
    // Finds and maps the common, notify and device configuration; false if
    // the device has no modern (virtio 1.x) capabilities.
    bool map(const PciDevice& device);
    // Reset, ACKNOWLEDGE and DRIVER, then offers `wanted` of the device's
    // low 32 feature bits with VERSION_1 and sets FEATURES_OK. The bits
    // accepted in `accepted`; false (device marked FAILED) without VERSION_1
    // or if the device refuses.
    bool negotiate(u32 wanted, u32& accepted);
    // Queue `index`, at most `max_size` entries, its memory taken from
    // `cursor`/`phys` (advanced past it); false if the device lacks it.
    bool setup_queue(Queue& q, u16 index, u8*& cursor, u64& phys, u16 max_size);
    void driver_ok();
    // Tells the device about new available buffers unless it said it need
    // not be told; counts either.
    void notify(Queue& q, u64& sent, u64& skipped);
    volatile u8* device_config() const { return device_cfg_; }
    // config_generation (4.1.4.3): a device may change its configuration
    // while it is read; a read spanning more than 32 bits is repeated until
    // the generation is the same before and after.
    u8 config_generation() const;

private:
    volatile u8* common_ = nullptr;
    volatile u8* device_cfg_ = nullptr;
    volatile u8* notify_base_ = nullptr;
    u32 notify_multiplier_ = 0;
};

}  // namespace tk::drivers::virtio
