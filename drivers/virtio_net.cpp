#include "drivers/virtio_net.h"

#include "kernel/log/log.h"

namespace tk::drivers {
namespace {

constexpr u32 kFeatureMac = 5;          // 5.1.3 VIRTIO_NET_F_MAC
constexpr u32 kFeatureCtrlVq = 17;      // VIRTIO_NET_F_CTRL_VQ
constexpr u32 kFeatureCtrlRx = 18;      // VIRTIO_NET_F_CTRL_RX

// 5.1.6.5: control commands.
constexpr u8 kCtrlRx = 0, kCtrlRxPromisc = 0, kCtrlRxAllmulti = 1;
constexpr u8 kCtrlMac = 1, kCtrlMacTableSet = 0;
constexpr u8 kCtrlOk = 0;
constexpr u16 kControlQueueSize = 16;
using virtio::kDescNext, virtio::kDescWrite;

template <typename T>
T mmio_read(volatile u8* base, u32 offset) {
    return *reinterpret_cast<volatile T*>(base + offset);
}

void barrier() { asm volatile("" ::: "memory"); }

}  // namespace

bool VirtioNet::init(const PciDevice& device, u8* dma, PhysAddr dma_physical) {
    if (!transport_.map(device)) {
        log::info("virtio-net: no modern (virtio 1.x) capabilities");
        return false;
    }
    u32 control_bits = (1u << kFeatureCtrlVq) | (1u << kFeatureCtrlRx);
    u32 wanted_low = 0;
    if (!transport_.negotiate((1u << kFeatureMac) | control_bits, wanted_low)) {
        log::info("virtio-net: no VIRTIO_F_VERSION_1, or the features were not accepted");
        return false;
    }
    bool control = (wanted_low & control_bits) == control_bits;
    dma_ = dma;
    dma_phys_ = dma_physical.value;  // the descriptors carry raw addresses (virtio 1.x 2.7.5)
    for (usize i = 0; i < kDmaBytes; ++i) dma_[i] = 0;
    u8* cursor = dma_;
    u64 phys = dma_phys_;
    virtio::Queue rx{}, tx{};
    if (!transport_.setup_queue(rx, 0, cursor, phys, kQueueSize) ||
        !transport_.setup_queue(tx, 1, cursor, phys, kQueueSize))
        return false;
    if (control && !transport_.setup_queue(ctrl_, 2, cursor, phys, kControlQueueSize)) ctrl_.size = 0;
    u8* rx_buffers = cursor;
    u8* tx_buffers = cursor + usize(kQueueSize) * kBufferSize;
    ctrl_buffer_ = tx_buffers + usize(kQueueSize) * kBufferSize;

    for (int i = 0; i < 6; ++i)
        mac_.bytes[i] =
            (wanted_low & (1u << kFeatureMac)) ? mmio_read<u8>(transport_.device_config(), u32(i)) : u8(i ? 0 : 2);
    rings_.attach(rx, tx, rx_buffers, tx_buffers, dma_, dma_phys_);
    transport_.driver_ok();
    rings_.notify_rx();
    log::info("virtio-net: %02x:%02x:%02x:%02x:%02x:%02x, %u RX / %u TX descriptors, polled",
              mac_.bytes[0], mac_.bytes[1], mac_.bytes[2], mac_.bytes[3], mac_.bytes[4], mac_.bytes[5],
              rx.size, tx.size);
    return true;
}

// One command: header (class, command) and data readable by the device, the
// one-byte ack writable; then wait for the device to use the chain.
bool VirtioNet::control(u8 command_class, u8 command, const u8* data, u32 length) {
    if (!ctrl_.size || length > 4096 - 8) return false;
    u8* header = ctrl_buffer_;
    u8* body = ctrl_buffer_ + 2;
    u8* ack = ctrl_buffer_ + 4095;
    header[0] = command_class;
    header[1] = command;
    for (u32 i = 0; i < length; ++i) body[i] = data[i];
    *ack = 0xFF;
    auto put = [&](u16 i, const u8* p, u32 n, u16 flags) {
        volatile u8* d = ctrl_.desc + usize(i) * 16;
        *reinterpret_cast<volatile u64*>(d) = phys_of(p);
        *reinterpret_cast<volatile u32*>(d + 8) = n;
        *reinterpret_cast<volatile u16*>(d + 12) = flags;
        *reinterpret_cast<volatile u16*>(d + 14) = u16(i + 1);
    };
    put(0, header, 2, kDescNext);
    put(1, body, length, kDescNext);
    put(2, ack, 1, kDescWrite);
    ctrl_.avail[2 + ctrl_.avail_idx % ctrl_.size] = 0;
    barrier();
    ctrl_.avail[1] = ++ctrl_.avail_idx;
    *ctrl_.notify = ctrl_.index;
    for (u64 spins = 0; *reinterpret_cast<volatile u16*>(ctrl_.used + 2) == ctrl_.last_used; ++spins)
        if (spins > 100'000'000) return false;
    ++ctrl_.last_used;
    barrier();
    return *ack == kCtrlOk;
}

bool VirtioNet::set_receive_filter(const net::MacAddress* multicast, u32 count) {
    if (!ctrl_.size || count > 64) return false;
    u8 off = 0;
    // Two struct virtio_net_ctrl_mac: no unicast entries (our own MAC is
    // always accepted), then the multicast entries (5.1.6.5.2).
    u8 tables[4 + 4 + 64 * 6] = {};
    tables[4] = u8(count);
    for (u32 i = 0; i < count; ++i)
        for (u32 b = 0; b < 6; ++b) tables[8 + i * 6 + b] = multicast[i].bytes[b];
    return control(kCtrlRx, kCtrlRxPromisc, &off, 1) && control(kCtrlRx, kCtrlRxAllmulti, &off, 1) &&
           control(kCtrlMac, kCtrlMacTableSet, tables, 8 + count * 6);
}

}  // namespace tk::drivers
