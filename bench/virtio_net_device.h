// A virtio-net device in ordinary memory, for the hosted benchmarks: it lays
// the receive and transmit split virtqueues out as the PCI transport would
// (drivers/virtio_pci.cpp setup_queue) and plays the device's side of them
// (Virtual I/O Device Specification 1.2, 2.7), so the kernel's own data path
// (drivers::VirtioNetRings) runs unchanged against it: descriptors, the
// available and used rings, their fences and notification suppression, and a
// doorbell register (here a word of memory).
//
// Where a received frame is left is the caller's choice (Placement): evicted
// from every cache level after the device writes it (CLFLUSH), as a NIC's
// DMA without DDIO leaves it in memory; or in the cache of the core that
// wrote it, when the device runs on a core of its own, as DDIO (Intel Data
// Direct I/O) leaves it in the last-level cache: either way not in the
// trading core's cache.
#pragma once

#include "drivers/virtio_net_rings.h"

namespace tk::bench {

enum class Placement : u8 {
    Evicted,        // flushed to memory before deliver() returns
    WritersCache,   // left where the writing core's stores put it
};

class MemoryVirtioNet {
public:
    // False if the memory could not be had.
    bool init(Placement placement);
    drivers::VirtioNetRings& driver() { return driver_; }

    // The device's side of a received frame: into the next buffer the driver
    // posted, virtio_net_hdr first, then the used ring's element and index,
    // flushed from the caches if Placement::Evicted. False if the driver
    // posted none or a wrong one.
    bool deliver(const u8* frame, u32 length);
    // The TSC once the last frame was written: read before the used index
    // that publishes it is stored, or, if evicted, after the flushes.
    u64 written_tsc() const { return written_tsc_; }

    // The device takes every frame the driver made available for transmit
    // and hands its buffer back (used ring); the last one is copied to
    // `last` (1514 bytes at most). Returns how many it took.
    u32 transmit(u8* last, u32& last_length);

    u64 rx_dropped() const { return rx_dropped_; }  // no buffer posted
    // Descriptors the device refused: out of the ring, the wrong direction
    // or too short. A correct driver makes none.
    u64 driver_errors() const { return driver_errors_; }

private:
    drivers::virtio::Queue rx_{}, tx_{};  // the device's view: the same memory as the driver's
    drivers::VirtioNetRings driver_;
    u16 rx_next_avail_ = 0, tx_next_avail_ = 0;
    u16 rx_used_ = 0, tx_used_ = 0;
    Placement placement_ = Placement::Evicted;
    u64 written_tsc_ = 0;
    u64 rx_dropped_ = 0;
    u64 driver_errors_ = 0;
    volatile u16 doorbell_[2] = {};  // the queues' notify registers
};

}  // namespace tk::bench
