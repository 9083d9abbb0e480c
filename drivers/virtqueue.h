// Split virtqueues (Virtual I/O Device Specification 1.2, 2.7): the rings a
// virtio driver shares with its device, whatever the transport. The PCI
// transport (virtio_pci.h) sets them up on real hardware; the hosted
// benchmarks' memory device (bench/virtio_net_device.h) lays them out in
// ordinary memory and plays the device's side.
#pragma once

#include "tk/barrier.h"
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

// Tells the device about new available buffers unless it said it need not
// be told (VIRTQ_USED_F_NO_NOTIFY); counts either.
inline void notify(Queue& q, u64& sent, u64& skipped) {
    // The avail->idx store must be visible to the device before the
    // used->flags load (2.7.13.3 step 4, and 2.7.10's memory barrier): x86
    // lets a load pass an earlier store, and then a device that has just
    // cleared NO_NOTIFY and gone to sleep is never told. Where the store's
    // line must first come back from the device, the fence waits for it.
    store_load_fence();
    if (*reinterpret_cast<volatile u16*>(q.used) & kUsedNoNotify) {
        ++skipped;
        return;
    }
    *q.notify = q.index;
    ++sent;
}

}  // namespace tk::drivers::virtio
