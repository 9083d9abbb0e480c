#include "bench/virtio_net_device.h"

#include <cstdlib>
#include <cstring>

#include "tk/tsc.h"

namespace tk::bench {
namespace {

using drivers::VirtioNetRings;
using drivers::virtio::Queue;

constexpr u16 kSize = VirtioNetRings::kQueueSize;
constexpr usize kDescBytes = (usize(kSize) * 16 + 4095) & ~usize(4095);

// One queue in memory as setup_queue lays it out: descriptors, then the
// driver (available) ring and the device (used) ring on pages of their own.
Queue lay_out(u16 index, u8*& cursor, volatile u16* doorbell) {
    Queue q{};
    q.index = index;
    q.size = kSize;
    q.desc = cursor;
    q.avail = reinterpret_cast<volatile u16*>(cursor + kDescBytes);
    q.used = cursor + kDescBytes + 4096;
    q.notify = doorbell;
    q.desc_phys = u64(q.desc);
    q.avail_phys = u64(q.avail);
    q.used_phys = u64(q.used);
    cursor += drivers::virtio::queue_bytes(kSize);
    return q;
}

void flush(const volatile void* p, usize bytes) {
    auto start = reinterpret_cast<uptr>(p) & ~uptr(63);
    for (uptr line = start; line < reinterpret_cast<uptr>(p) + bytes; line += 64)
        __builtin_ia32_clflush(reinterpret_cast<const void*>(line));
}

struct Descriptor {
    u64 address;
    u32 length;
    u16 flags;
};

Descriptor descriptor(const Queue& q, u16 head) {
    volatile u8* d = q.desc + usize(head % q.size) * 16;
    return {*reinterpret_cast<volatile u64*>(d), *reinterpret_cast<volatile u32*>(d + 8),
            *reinterpret_cast<volatile u16*>(d + 12)};
}

void put_used(Queue& q, u16& used, u16 id, u32 length) {
    volatile u8* element = q.used + 4 + usize(used % q.size) * 8;
    *reinterpret_cast<volatile u32*>(element) = id;
    *reinterpret_cast<volatile u32*>(element + 4) = length;
    // The element before the index that publishes it (2.7.8).
    __atomic_store_n(reinterpret_cast<u16*>(const_cast<u8*>(q.used) + 2), ++used, __ATOMIC_RELEASE);
}

}  // namespace

bool MemoryVirtioNet::init(Placement placement) {
    placement_ = placement;
    usize bytes = 2 * drivers::virtio::queue_bytes(kSize) + 2 * usize(kSize) * VirtioNetRings::kBufferSize;
    auto* dma = static_cast<u8*>(std::aligned_alloc(4096, bytes));
    if (!dma) return false;
    std::memset(dma, 0, bytes);
    u8* cursor = dma;
    rx_ = lay_out(0, cursor, &doorbell_[0]);
    tx_ = lay_out(1, cursor, &doorbell_[1]);
    u8* rx_buffers = cursor;
    u8* tx_buffers = cursor + usize(kSize) * VirtioNetRings::kBufferSize;
    // The device never needs telling of receive buffers (it takes them as
    // frames come); it wants the transmit doorbell (2.7.10).
    *reinterpret_cast<volatile u16*>(rx_.used) = drivers::virtio::kUsedNoNotify;
    // The driver's addresses are this process's: the device's "DMA" is a copy.
    driver_.attach(rx_, tx_, rx_buffers, tx_buffers, dma, u64(dma));
    driver_.notify_rx();
    return true;
}

bool MemoryVirtioNet::deliver(const u8* frame, u32 length) {
    u16 available = __atomic_load_n(const_cast<u16*>(&rx_.avail[1]), __ATOMIC_ACQUIRE);
    if (available == rx_next_avail_ || length + VirtioNetRings::kNetHeader > VirtioNetRings::kBufferSize) {
        ++rx_dropped_;
        return false;
    }
    u16 head = rx_.avail[2 + rx_next_avail_ % rx_.size];
    ++rx_next_avail_;
    Descriptor d = descriptor(rx_, head);
    // A receive buffer is a device-writable descriptor as large as the
    // frame and its header (2.7.5); anything else is the driver's bug.
    if (head >= rx_.size || !(d.flags & drivers::virtio::kDescWrite) ||
        d.length < VirtioNetRings::kNetHeader + length) {
        ++driver_errors_;
        return false;
    }
    auto* buffer = reinterpret_cast<u8*>(d.address);
    std::memset(buffer, 0, VirtioNetRings::kNetHeader);  // no offloads: a zero virtio_net_hdr
    std::memcpy(buffer + VirtioNetRings::kNetHeader, frame, length);
    // Stamped before the index is stored, so the driver cannot have seen
    // the frame earlier; when evicting, once the flushes are done.
    if (placement_ == Placement::WritersCache) written_tsc_ = tsc_end();
    put_used(rx_, rx_used_, head, VirtioNetRings::kNetHeader + length);
    if (placement_ == Placement::Evicted) {
        flush(buffer, VirtioNetRings::kNetHeader + length);
        flush(rx_.used, 4 + usize(rx_.size) * 8);
        __builtin_ia32_mfence();
        written_tsc_ = tsc_begin();
    }
    return true;
}

u32 MemoryVirtioNet::transmit(u8* last, u32& last_length) {
    u32 taken = 0;
    u16 available = __atomic_load_n(const_cast<u16*>(&tx_.avail[1]), __ATOMIC_ACQUIRE);
    while (tx_next_avail_ != available) {
        u16 head = tx_.avail[2 + tx_next_avail_ % tx_.size];
        ++tx_next_avail_;
        Descriptor d = descriptor(tx_, head);
        // A frame to send: device-readable, its header and 14 bytes at least.
        if (head >= tx_.size || (d.flags & drivers::virtio::kDescWrite) ||
            d.length < VirtioNetRings::kNetHeader + 14 || d.length > VirtioNetRings::kBufferSize) {
            ++driver_errors_;
            continue;
        }
        last_length = d.length - VirtioNetRings::kNetHeader;
        std::memcpy(last, reinterpret_cast<const u8*>(d.address) + VirtioNetRings::kNetHeader, last_length);
        put_used(tx_, tx_used_, head, 0);
        ++taken;
    }
    return taken;
}

}  // namespace tk::bench
