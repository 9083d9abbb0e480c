#include "drivers/virtio_net.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "kernel/log/log.h"
#include "tk/tsc.h"

namespace tk::drivers {
namespace {

// 4.1.4: vendor-specific PCI capability (ID 0x09) with a cfg_type.
constexpr u8 kCapVendor = 0x09;
constexpr u8 kCommonCfg = 1, kNotifyCfg = 2, kDeviceCfg = 4;

// 4.1.4.3: struct virtio_pci_common_cfg.
constexpr u32 kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04;
constexpr u32 kDriverFeatureSelect = 0x08, kDriverFeature = 0x0C;
constexpr u32 kDeviceStatus = 0x14, kQueueSelect = 0x16, kQueueSizeRegister = 0x18;
constexpr u32 kQueueEnable = 0x1C, kQueueNotifyOff = 0x1E;
constexpr u32 kQueueDesc = 0x20, kQueueDriver = 0x28, kQueueDevice = 0x30;

// 2.1: device status bits.
constexpr u8 kAcknowledge = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kFailed = 128;

constexpr u32 kFeatureMac = 5;          // 5.1.3 VIRTIO_NET_F_MAC
constexpr u32 kFeatureCtrlVq = 17;      // VIRTIO_NET_F_CTRL_VQ
constexpr u32 kFeatureCtrlRx = 18;      // VIRTIO_NET_F_CTRL_RX

// 5.1.6.5: control commands.
constexpr u8 kCtrlRx = 0, kCtrlRxPromisc = 0, kCtrlRxAllmulti = 1;
constexpr u8 kCtrlMac = 1, kCtrlMacTableSet = 0;
constexpr u8 kCtrlOk = 0;
constexpr u16 kControlQueueSize = 16;
constexpr u32 kFeatureVersion1 = 32;    // 6 VIRTIO_F_VERSION_1

constexpr u16 kDescNext = 1, kDescWrite = 2;  // 2.7.5
constexpr u16 kAvailNoInterrupt = 1;          // 2.7.6
constexpr u16 kUsedNoNotify = 1;              // 2.7.8

// 5.1.6: with VERSION_1 the header is struct virtio_net_hdr, 12 bytes.
constexpr u32 kNetHeader = 12;

template <typename T>
T mmio_read(volatile u8* base, u32 offset) {
    return *reinterpret_cast<volatile T*>(base + offset);
}
template <typename T>
void mmio_write(volatile u8* base, u32 offset, T value) {
    *reinterpret_cast<volatile T*>(base + offset) = value;
}

void barrier() { asm volatile("" ::: "memory"); }

volatile u8* map_bar(PciAddress a, u8 bar, u32 offset, u32 length) {
    u64 physical = pci_bar_address(a, bar);
    if (!physical) return nullptr;
    return reinterpret_cast<volatile u8*>(arch::paging::map_device(physical + offset, length));
}

}  // namespace

bool VirtioNet::init(const PciDevice& device, u8* dma, PhysAddr dma_physical) {
    PciAddress a = device.address;
    pci_enable(a);
    for (u8 cap = pci_find_capability(a, kCapVendor); cap; cap = pci_find_capability(a, kCapVendor, cap)) {
        u8 type = pci_read8(a, u8(cap + 3)), bar = pci_read8(a, u8(cap + 4));
        u32 offset = pci_read32(a, u8(cap + 8)), length = pci_read32(a, u8(cap + 12));
        if (type == kCommonCfg && !common_) common_ = map_bar(a, bar, offset, length);
        else if (type == kDeviceCfg && !device_cfg_) device_cfg_ = map_bar(a, bar, offset, length);
        else if (type == kNotifyCfg && !notify_base_) {
            notify_base_ = map_bar(a, bar, offset, length);
            notify_multiplier_ = pci_read32(a, u8(cap + 16));
        }
    }
    if (!common_ || !notify_base_ || !device_cfg_) {
        log::info("virtio-net: no modern (virtio 1.x) capabilities");
        return false;
    }

    // 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK.
    mmio_write<u8>(common_, kDeviceStatus, 0);
    while (mmio_read<u8>(common_, kDeviceStatus) != 0) {
    }
    mmio_write<u8>(common_, kDeviceStatus, kAcknowledge | kDriver);
    mmio_write<u32>(common_, kDeviceFeatureSelect, 0);
    u32 features_low = mmio_read<u32>(common_, kDeviceFeature);
    mmio_write<u32>(common_, kDeviceFeatureSelect, 1);
    u32 features_high = mmio_read<u32>(common_, kDeviceFeature);
    if (!(features_high & (1u << (kFeatureVersion1 - 32)))) {
        mmio_write<u8>(common_, kDeviceStatus, kFailed);
        log::info("virtio-net: device lacks VIRTIO_F_VERSION_1");
        return false;
    }
    u32 control_bits = (1u << kFeatureCtrlVq) | (1u << kFeatureCtrlRx);
    bool control = (features_low & control_bits) == control_bits;
    u32 wanted_low = (features_low & (1u << kFeatureMac)) | (control ? control_bits : 0);
    mmio_write<u32>(common_, kDriverFeatureSelect, 0);
    mmio_write<u32>(common_, kDriverFeature, wanted_low);
    mmio_write<u32>(common_, kDriverFeatureSelect, 1);
    mmio_write<u32>(common_, kDriverFeature, 1u << (kFeatureVersion1 - 32));
    mmio_write<u8>(common_, kDeviceStatus, kAcknowledge | kDriver | kFeaturesOk);
    if (!(mmio_read<u8>(common_, kDeviceStatus) & kFeaturesOk)) {
        mmio_write<u8>(common_, kDeviceStatus, kFailed);
        log::info("virtio-net: features not accepted");
        return false;
    }

    dma_ = dma;
    dma_phys_ = dma_physical.value;  // the descriptors carry raw addresses (virtio 1.x 2.7.5)
    for (usize i = 0; i < kDmaBytes; ++i) dma_[i] = 0;
    u8* cursor = dma_;
    u64 phys = dma_phys_;
    if (!setup_queue(rx_, 0, cursor, phys) || !setup_queue(tx_, 1, cursor, phys)) return false;
    if (control && !setup_queue(ctrl_, 2, cursor, phys, kControlQueueSize)) ctrl_.size = 0;
    rx_buffers_ = cursor;
    tx_buffers_ = cursor + usize(kQueueSize) * kBufferSize;
    ctrl_buffer_ = tx_buffers_ + usize(kQueueSize) * kBufferSize;

    for (int i = 0; i < 6; ++i)
        mac_.bytes[i] = (wanted_low & (1u << kFeatureMac)) ? mmio_read<u8>(device_cfg_, u32(i)) : u8(i ? 0 : 2);
    // Polled receive: no interrupts wanted (2.7.7).
    rx_.avail[0] = kAvailNoInterrupt;
    tx_.avail[0] = kAvailNoInterrupt;
    for (u16 i = 0; i < rx_.size; ++i) post_rx(i);
    tx_free_count_ = 0;
    for (u16 i = 0; i < tx_.size; ++i) tx_free_[tx_free_count_++] = i;

    mmio_write<u8>(common_, kDeviceStatus, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
    notify(rx_, stats_.rx_notifies, stats_.rx_notifies_skipped);
    log::info("virtio-net: %02x:%02x:%02x:%02x:%02x:%02x, %u RX / %u TX descriptors, polled",
              mac_.bytes[0], mac_.bytes[1], mac_.bytes[2], mac_.bytes[3], mac_.bytes[4], mac_.bytes[5],
              rx_.size, tx_.size);
    return true;
}

bool VirtioNet::setup_queue(Queue& q, u16 index, u8*& cursor, u64& phys, u16 max_size) {
    mmio_write<u16>(common_, kQueueSelect, index);
    u16 size = mmio_read<u16>(common_, kQueueSizeRegister);
    if (size == 0) return false;
    if (size > max_size) size = max_size;
    mmio_write<u16>(common_, kQueueSizeRegister, size);
    q.index = index;
    q.size = size;
    // 2.7: descriptor table (16-aligned), driver ring (2), device ring (4):
    // each on its own page here.
    q.desc = cursor;
    q.desc_phys = phys;
    usize desc_bytes = (usize(kQueueSize) * 16 + 4095) & ~usize(4095);
    q.avail = reinterpret_cast<volatile u16*>(cursor + desc_bytes);
    q.avail_phys = phys + desc_bytes;
    q.used = cursor + desc_bytes + 4096;
    q.used_phys = phys + desc_bytes + 4096;
    usize total = desc_bytes + 2 * 4096;
    cursor += total + 4096;
    phys += total + 4096;
    mmio_write<u32>(common_, kQueueDesc, u32(q.desc_phys));
    mmio_write<u32>(common_, kQueueDesc + 4, u32(q.desc_phys >> 32));
    mmio_write<u32>(common_, kQueueDriver, u32(q.avail_phys));
    mmio_write<u32>(common_, kQueueDriver + 4, u32(q.avail_phys >> 32));
    mmio_write<u32>(common_, kQueueDevice, u32(q.used_phys));
    mmio_write<u32>(common_, kQueueDevice + 4, u32(q.used_phys >> 32));
    u16 notify_off = mmio_read<u16>(common_, kQueueNotifyOff);
    q.notify = reinterpret_cast<volatile u16*>(notify_base_ + u32(notify_off) * notify_multiplier_);
    mmio_write<u16>(common_, kQueueEnable, 1);
    q.avail_idx = 0;
    q.last_used = 0;
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

void VirtioNet::post_rx(u16 buffer) {
    volatile u8* d = rx_.desc + usize(buffer) * 16;
    *reinterpret_cast<volatile u64*>(d) = phys_of(rx_buffers_ + usize(buffer) * kBufferSize);
    *reinterpret_cast<volatile u32*>(d + 8) = kBufferSize;
    *reinterpret_cast<volatile u16*>(d + 12) = kDescWrite;
    rx_.avail[2 + rx_.avail_idx % rx_.size] = buffer;
    barrier();  // the ring entry before the index that publishes it (2.7.13)
    rx_.avail[1] = ++rx_.avail_idx;
}

void VirtioNet::notify(Queue& q, u64& sent, u64& skipped) {
    // The avail->idx store must be visible to the device before the
    // used->flags load (virtio 1.2, 2.7.13.3 step 4, and 2.7.10's memory
    // barrier): x86 lets a load pass an earlier store, and then a device
    // that has just cleared NO_NOTIFY and gone to sleep is never told.
    arch::full_fence();
    if (*reinterpret_cast<volatile u16*>(q.used) & kUsedNoNotify) {
        ++skipped;
        return;
    }
    *q.notify = q.index;
    ++sent;
}

bool VirtioNet::receive_packet(net::NetworkPacket& packet) {
    u16 used_idx = *reinterpret_cast<volatile u16*>(rx_.used + 2);
    if (used_idx == rx_.last_used) return false;
    barrier();
    volatile u8* element = rx_.used + 4 + usize(rx_.last_used % rx_.size) * 8;
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

void VirtioNet::release(const net::NetworkPacket& packet) {
    post_rx(u16(packet.buffer));
    // The device polls no ring: tell it a buffer is back only when it may
    // have run out (VIRTQ_USED_F_NO_NOTIFY lets it say it does not care).
    notify(rx_, stats_.rx_notifies, stats_.rx_notifies_skipped);
}

void VirtioNet::reclaim_tx() {
    u16 used_idx = *reinterpret_cast<volatile u16*>(tx_.used + 2);
    while (tx_.last_used != used_idx) {
        volatile u8* element = tx_.used + 4 + usize(tx_.last_used % tx_.size) * 8;
        u32 id = *reinterpret_cast<volatile u32*>(element);
        if (id < tx_.size) tx_free_[tx_free_count_++] = u16(id);
        ++tx_.last_used;
    }
}

u8* VirtioNet::tx_acquire() {
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

void VirtioNet::tx_send(u8* frame, usize length) {
    u8* b = frame - kNetHeader;
    u16 buffer = u16(usize(b - tx_buffers_) / kBufferSize);
    volatile u8* d = tx_.desc + usize(buffer) * 16;
    *reinterpret_cast<volatile u64*>(d) = phys_of(b);
    *reinterpret_cast<volatile u32*>(d + 8) = u32(length + kNetHeader);
    *reinterpret_cast<volatile u16*>(d + 12) = 0;
    tx_.avail[2 + tx_.avail_idx % tx_.size] = buffer;
    barrier();
    tx_.avail[1] = ++tx_.avail_idx;
    ++stats_.tx_frames;
    notify(tx_, stats_.tx_notifies, stats_.tx_notifies_skipped);
}

}  // namespace tk::drivers
