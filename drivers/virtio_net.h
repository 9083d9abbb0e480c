// virtio-net, modern PCI transport (Virtual I/O Device Specification 1.2:
// 4.1 PCI transport, 2.7 split virtqueues, 5.1 network device). Polled: the
// device is asked not to interrupt (2.7.7), the driver polls the used rings.
// Receive buffers are handed to the application in place (NetworkPacket) and
// posted back to the ring when it releases them.
#pragma once

#include "drivers/pci.h"
#include "drivers/virtio_pci.h"
#include "kernel/net/packet.h"
#include "tk/types.h"
#include "tk/units.h"

namespace tk::drivers {

// Notifications are counted per queue: the device says with
// VIRTQ_USED_F_NO_NOTIFY when it does not need them.
#define TK_VIRTIO_NET_COUNTERS(X) \
    X(rx_frames) X(rx_too_short) X(tx_frames) X(tx_ring_full) X(tx_notifies) X(tx_notifies_skipped) \
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

class VirtioNet {
public:
    static constexpr u16 kQueueSize = 256;
    static constexpr u32 kBufferSize = 2048;
    // DMA memory needed (one 2 MiB frame holds it): three queues (receive,
    // transmit, control), the buffers and a page for control commands.
    static constexpr usize kDmaBytes = 3 * virtio::queue_bytes(kQueueSize) + 2 * kQueueSize * kBufferSize + 4096;

    // `dma` is physically contiguous, `dma_physical` its physical address.
    // Returns false (and says why in the log) if the device is unusable.
    bool init(const PciDevice& device, u8* dma, PhysAddr dma_physical);

    const net::MacAddress& mac() const { return mac_; }

    // The next received frame, if any; hold it, then release() it.
    bool receive_packet(net::NetworkPacket& packet);
    void release(const net::NetworkPacket& packet);

    // A transmit buffer for one frame of up to 1514 bytes, or nullptr when
    // all are in flight; send() queues it.
    u8* tx_acquire();
    void tx_send(u8* frame, usize length);

    // Receive only frames for our MAC, broadcast, and these multicast MACs,
    // filtered in the device (5.1.6.5: control queue, promiscuous and
    // all-multicast off, MAC table set). False if the device has no control
    // queue: the stack's software filter still applies.
    bool set_receive_filter(const net::MacAddress* multicast, u32 count);
    bool has_control_queue() const { return ctrl_.size != 0; }

    const VirtioNetStats& stats() const { return stats_; }

private:
    using Queue = virtio::Queue;

    void post_rx(u16 buffer);
    void notify(Queue& q, u64& sent, u64& skipped) { transport_.notify(q, sent, skipped); }
    void reclaim_tx();
    bool control(u8 command_class, u8 command, const u8* data, u32 length);
    u64 phys_of(const void* p) const { return dma_phys_ + u64(static_cast<const u8*>(p) - dma_); }

    virtio::PciTransport transport_;
    u8* dma_ = nullptr;
    u64 dma_phys_ = 0;
    Queue rx_{}, tx_{}, ctrl_{};
    u8* ctrl_buffer_ = nullptr;
    u8* rx_buffers_ = nullptr;
    u8* tx_buffers_ = nullptr;
    u16 tx_free_[kQueueSize] = {};
    u16 tx_free_count_ = 0;
    net::MacAddress mac_{};
    VirtioNetStats stats_{};
};

}  // namespace tk::drivers
