// virtio-net's data path (Virtual I/O Device Specification 1.2, 5.1.6): the
// receive and transmit virtqueues once set up, whatever set them up. Frames
// are received in place (NetworkPacket) and their buffers posted back when
// released; frames are sent from the driver's own buffers. Polled: no
// interrupts are asked for (2.7.7), and the device is told of new buffers
// only when it has not said it need not be (2.7.10).
//
// The kernel's VirtioNet (virtio_net.h) sets the queues up through the PCI
// transport; the hosted benchmarks attach the same code to a device model in
// memory (bench/virtio_net_device.h), so the two measure one data path.
#pragma once

#include "drivers/virtqueue.h"
#include "kernel/net/packet.h"
#include "tk/types.h"

namespace tk::drivers {

// Notifications are counted per queue: the device says with
// VIRTQ_USED_F_NO_NOTIFY when it does not need them. tx_used_unexpected: a
// transmit buffer the device handed back that was not in flight (out of the
// ring, or handed back twice), ignored: only the device's error makes one.
#define TK_VIRTIO_NET_COUNTERS(X) \
    X(rx_frames) X(rx_too_short) X(tx_frames) X(tx_ring_full) X(tx_notifies) X(tx_notifies_skipped) \
    X(tx_used_unexpected) \
    X(rx_notifies) X(rx_notifies_skipped)

struct VirtioNetStats {
#define TK_VIRTIO_NET_COUNTER_FIELD(name) u64 name;
    TK_VIRTIO_NET_COUNTERS(TK_VIRTIO_NET_COUNTER_FIELD)
#undef TK_VIRTIO_NET_COUNTER_FIELD
};
inline constexpr const char* kVirtioNetCounterNames =
#define TK_VIRTIO_NET_COUNTER_NAME(name) #name ","
    TK_VIRTIO_NET_COUNTERS(TK_VIRTIO_NET_COUNTER_NAME);
#undef TK_VIRTIO_NET_COUNTER_NAME

class VirtioNetRings {
public:
    static constexpr u16 kQueueSize = 256;
    static constexpr u32 kBufferSize = 2048;
    // 5.1.6: with VERSION_1 every frame starts with struct virtio_net_hdr.
    static constexpr u32 kNetHeader = 12;

    // The queues as set up (at most kQueueSize entries each), kQueueSize
    // buffers of kBufferSize for each at `rx_buffers` and `tx_buffers`, all
    // inside the DMA block at `dma` whose device address is `dma_device`.
    // Posts every receive buffer; the caller tells the device (notify_rx)
    // once it is live.
    void attach(const virtio::Queue& rx, const virtio::Queue& tx, u8* rx_buffers, u8* tx_buffers, u8* dma,
                u64 dma_device);
    void notify_rx() { virtio::notify(rx_, stats_.rx_notifies, stats_.rx_notifies_skipped); }

    // The next received frame, if any; hold it, then release() it.
    bool receive_packet(net::NetworkPacket& packet);
    void release(const net::NetworkPacket& packet);

    // A transmit buffer for one frame of up to 1514 bytes, or nullptr when
    // all are in flight; tx_send() queues it and rings the doorbell.
    u8* tx_acquire();
    void tx_send(u8* frame, usize length);
    // Takes back the transmit buffers the device is done with; for the
    // trading loop's idle turns. Free buffers are reused last in, first out,
    // so the next tx_acquire() then gets the one sent last, whose lines are
    // still in this core's cache, rather than (had it waited for the free
    // list to run dry) the one sent kQueueSize frames ago, long evicted.
    void tx_reclaim() {
        if (tx_free_count_ < tx_.size && tx_.used_idx() != tx_.last_used) reclaim_tx();
    }

    const VirtioNetStats& stats() const { return stats_; }

private:
    void post_rx(u16 buffer);
    void reclaim_tx();
    u64 device_address(const void* p) const { return dma_device_ + u64(static_cast<const u8*>(p) - dma_); }

    virtio::Queue rx_{}, tx_{};
    u8* dma_ = nullptr;
    u64 dma_device_ = 0;
    u8* rx_buffers_ = nullptr;
    u8* tx_buffers_ = nullptr;
    u16 tx_free_[kQueueSize] = {};
    u16 tx_free_count_ = 0;
    u64 tx_in_flight_[kQueueSize / 64] = {};  // a bit per buffer sent and not yet handed back
    VirtioNetStats stats_{};
};

}  // namespace tk::drivers
