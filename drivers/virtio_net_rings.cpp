#include "drivers/virtio_net_rings.h"

#include "tk/prefetch.h"
#include "tk/tsc.h"

namespace tk::drivers {
namespace {

using virtio::kAvailNoInterrupt, virtio::kDescWrite;

void barrier() { asm volatile("" ::: "memory"); }

}  // namespace

void VirtioNetRings::attach(const virtio::Queue& rx, const virtio::Queue& tx, u8* rx_buffers, u8* tx_buffers,
                            u8* dma, u64 dma_device) {
    rx_ = rx;
    tx_ = tx;
    rx_buffers_ = rx_buffers;
    tx_buffers_ = tx_buffers;
    dma_ = dma;
    dma_device_ = dma_device;
    stats_ = {};
    // Polled receive: no interrupts wanted (2.7.7).
    rx_.avail[0] = kAvailNoInterrupt;
    tx_.avail[0] = kAvailNoInterrupt;
    for (u16 i = 0; i < rx_.size; ++i) post_rx(i);
    tx_free_count_ = 0;
    for (u16 i = 0; i < tx_.size; ++i) tx_free_[tx_free_count_++] = i;
    for (u64& word : tx_in_flight_) word = 0;
}

void VirtioNetRings::post_rx(u16 buffer) {
    volatile u8* d = rx_.desc + usize(buffer) * 16;
    *reinterpret_cast<volatile u64*>(d) = device_address(rx_buffers_ + usize(buffer) * kBufferSize);
    *reinterpret_cast<volatile u32*>(d + 8) = kBufferSize;
    *reinterpret_cast<volatile u16*>(d + 12) = kDescWrite;
    rx_.make_available(buffer);
}

bool VirtioNetRings::receive_packet(net::NetworkPacket& packet) {
    // A frame written by DMA is three cache misses, each address known only
    // from the line before: the used index, the used element, the buffer.
    // But the device takes receive buffers in the order they were made
    // available (2.7.13.1), and QEMU's virtio-net also completes them in that
    // order, so the next element and the buffer named at the same place in
    // the available ring are known before the index is read: fetched with
    // it, the misses overlap. Only a hint: a wrong guess costs the hint.
    // A split ring's size is a power of two (2.7): masks, not divisions.
    u16 mask = u16(rx_.size - 1);
    const u8* expected = rx_buffers_ + usize(rx_.avail[2 + (rx_.last_used & mask)] & mask) * kBufferSize;
    prefetch(rx_.used_element());
    prefetch(expected);
    prefetch(expected + 64);
    u16 used_idx = rx_.used_idx();
    if (used_idx == rx_.last_used) return false;
    barrier();
    volatile u8* element = rx_.used_element();
    u32 id = *reinterpret_cast<volatile u32*>(element);
    u32 length = *reinterpret_cast<volatile u32*>(element + 4);
    ++rx_.last_used;
    if (id >= rx_.size || length < kNetHeader || length > kBufferSize) {
        ++stats_.rx_too_short;
        if (id < rx_.size) post_rx(u16(id));
        return false;
    }
    packet.data = rx_buffers_ + usize(id) * kBufferSize + kNetHeader;
    packet.length = length - kNetHeader;
    packet.buffer = id;
    packet.rx_tsc = rdtscp(nullptr);
    ++stats_.rx_frames;
    return true;
}

void VirtioNetRings::release(const net::NetworkPacket& packet) {
    post_rx(u16(packet.buffer));
    // The device polls no ring: tell it a buffer is back only when it may
    // have run out (VIRTQ_USED_F_NO_NOTIFY lets it say it does not care).
    notify_rx();
}

void VirtioNetRings::reclaim_tx() {
    u16 used_idx = tx_.used_idx();
    while (tx_.last_used != used_idx) {
        u32 id = *reinterpret_cast<volatile u32*>(tx_.used_element());
        // Only a buffer in flight goes back on the free list: one handed
        // back twice would otherwise be given out while still being sent.
        u64 bit = u64(1) << (id % 64);
        if (id < tx_.size && (tx_in_flight_[id / 64] & bit)) {
            tx_in_flight_[id / 64] &= ~bit;
            tx_free_[tx_free_count_++] = u16(id);
        } else {
            ++stats_.tx_used_unexpected;
        }
        ++tx_.last_used;
    }
}

u8* VirtioNetRings::tx_acquire() {
    if (tx_free_count_ == 0) reclaim_tx();
    if (tx_free_count_ == 0) {
        ++stats_.tx_ring_full;
        return nullptr;
    }
    u16 buffer = tx_free_[--tx_free_count_];
    u8* b = tx_buffers_ + usize(buffer) * kBufferSize;
    for (u32 i = 0; i < kNetHeader; ++i) b[i] = 0;  // no offloads requested
    return b + kNetHeader;
}

void VirtioNetRings::tx_send(u8* frame, usize length) {
    u8* b = frame - kNetHeader;
    u16 buffer = u16(usize(b - tx_buffers_) / kBufferSize);
    volatile u8* d = tx_.desc + usize(buffer) * 16;
    *reinterpret_cast<volatile u64*>(d) = device_address(b);
    *reinterpret_cast<volatile u32*>(d + 8) = u32(length + kNetHeader);
    *reinterpret_cast<volatile u16*>(d + 12) = 0;
    tx_in_flight_[buffer / 64] |= u64(1) << (buffer % 64);
    tx_.make_available(buffer);
    ++stats_.tx_frames;
    virtio::notify(tx_, stats_.tx_notifies, stats_.tx_notifies_skipped);
}

}  // namespace tk::drivers
