// virtio-net, modern PCI transport (Virtual I/O Device Specification 1.2:
// 4.1 PCI transport, 2.7 split virtqueues, 5.1 network device). Polled: the
// device is asked not to interrupt (2.7.7), the driver polls the used rings.
// This class finds and sets up the device and its control queue; the data
// path is VirtioNetRings (virtio_net_rings.h), which the hosted benchmarks
// also run against a device model in memory.
#pragma once

#include "drivers/pci.h"
#include "drivers/virtio_net_rings.h"
#include "drivers/virtio_pci.h"
#include "kernel/net/packet.h"
#include "tk/types.h"
#include "tk/units.h"

namespace tk::drivers {

class VirtioNet {
public:
    static constexpr u16 kQueueSize = VirtioNetRings::kQueueSize;
    static constexpr u32 kBufferSize = VirtioNetRings::kBufferSize;
    // DMA memory needed (one 2 MiB frame holds it): three queues (receive,
    // transmit, control), the buffers and a page for control commands.
    static constexpr usize kDmaBytes = 3 * virtio::queue_bytes(kQueueSize) + 2 * kQueueSize * kBufferSize + 4096;

    // `dma` is physically contiguous, `dma_physical` its physical address.
    // Returns false (and says why in the log) if the device is unusable.
    bool init(const PciDevice& device, u8* dma, PhysAddr dma_physical);

    const net::MacAddress& mac() const { return mac_; }

    // The data path (virtio_net_rings.h).
    bool receive_packet(net::NetworkPacket& packet) { return rings_.receive_packet(packet); }
    void release(const net::NetworkPacket& packet) { rings_.release(packet); }
    u8* tx_acquire() { return rings_.tx_acquire(); }
    void tx_send(u8* frame, usize length) { rings_.tx_send(frame, length); }
    void tx_reclaim() { rings_.tx_reclaim(); }

    // Receive only frames for our MAC, broadcast, and these multicast MACs,
    // filtered in the device (5.1.6.5: control queue, promiscuous and
    // all-multicast off, MAC table set). False if the device has no control
    // queue: the stack's software filter still applies.
    bool set_receive_filter(const net::MacAddress* multicast, u32 count);
    bool has_control_queue() const { return ctrl_.size != 0; }

    const VirtioNetStats& stats() const { return rings_.stats(); }

private:
    bool control(u8 command_class, u8 command, const u8* data, u32 length);
    u64 phys_of(const void* p) const { return dma_phys_ + u64(static_cast<const u8*>(p) - dma_); }

    virtio::PciTransport transport_;
    u8* dma_ = nullptr;
    u64 dma_phys_ = 0;
    virtio::Queue ctrl_{};
    u8* ctrl_buffer_ = nullptr;
    net::MacAddress mac_{};
    VirtioNetRings rings_;
};

}  // namespace tk::drivers
