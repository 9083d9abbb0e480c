#include "drivers/virtio_pci.h"

#include "arch/x86_64/paging.h"

namespace tk::drivers::virtio {
namespace {

// 4.1.4: vendor-specific PCI capability (ID 0x09) with a cfg_type.
constexpr u8 kCapVendor = 0x09;
constexpr u8 kCommonCfg = 1, kNotifyCfg = 2, kDeviceCfg = 4;

// 4.1.4.3: struct virtio_pci_common_cfg.
constexpr u32 kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04;
constexpr u32 kDriverFeatureSelect = 0x08, kDriverFeature = 0x0C;
constexpr u32 kDeviceStatus = 0x14, kConfigGeneration = 0x15, kQueueSelect = 0x16, kQueueSizeRegister = 0x18;
constexpr u32 kQueueEnable = 0x1C, kQueueNotifyOff = 0x1E;
constexpr u32 kQueueDesc = 0x20, kQueueDriver = 0x28, kQueueDevice = 0x30;

// 2.1: device status bits.
constexpr u8 kAcknowledge = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kFailed = 128;

template <typename T>
T mmio_read(volatile u8* base, u32 offset) {
    return *reinterpret_cast<volatile T*>(base + offset);
}
template <typename T>
void mmio_write(volatile u8* base, u32 offset, T value) {
    *reinterpret_cast<volatile T*>(base + offset) = value;
}

volatile u8* map_bar(PciAddress a, u8 bar, u32 offset, u32 length) {
    u64 physical = pci_bar_address(a, bar);
    if (!physical) return nullptr;
    return reinterpret_cast<volatile u8*>(arch::paging::map_device(physical + offset, length));
}

}  // namespace

bool PciTransport::map(const PciDevice& device) {
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
    return common_ && notify_base_ && device_cfg_;
}

// 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK (then the
// driver sets up its queues and calls driver_ok()).
bool PciTransport::negotiate(u32 wanted, u32& accepted) {
    mmio_write<u8>(common_, kDeviceStatus, 0);
    while (mmio_read<u8>(common_, kDeviceStatus) != 0) {
    }
    mmio_write<u8>(common_, kDeviceStatus, kAcknowledge | kDriver);
    mmio_write<u32>(common_, kDeviceFeatureSelect, 0);
    u32 low = mmio_read<u32>(common_, kDeviceFeature);
    mmio_write<u32>(common_, kDeviceFeatureSelect, 1);
    u32 high = mmio_read<u32>(common_, kDeviceFeature);
    if (!(high & (1u << (kFeatureVersion1 - 32)))) {
        mmio_write<u8>(common_, kDeviceStatus, kFailed);
        return false;
    }
    accepted = low & wanted;
    mmio_write<u32>(common_, kDriverFeatureSelect, 0);
    mmio_write<u32>(common_, kDriverFeature, accepted);
    mmio_write<u32>(common_, kDriverFeatureSelect, 1);
    mmio_write<u32>(common_, kDriverFeature, 1u << (kFeatureVersion1 - 32));
    mmio_write<u8>(common_, kDeviceStatus, kAcknowledge | kDriver | kFeaturesOk);
    if (!(mmio_read<u8>(common_, kDeviceStatus) & kFeaturesOk)) {
        mmio_write<u8>(common_, kDeviceStatus, kFailed);
        return false;
    }
    return true;
}

bool PciTransport::setup_queue(Queue& q, u16 index, u8*& cursor, u64& phys, u16 max_size) {
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
    usize desc_bytes = (usize(max_size) * 16 + 4095) & ~usize(4095);
    q.avail = reinterpret_cast<volatile u16*>(cursor + desc_bytes);
    q.avail_phys = phys + desc_bytes;
    q.used = cursor + desc_bytes + 4096;
    q.used_phys = phys + desc_bytes + 4096;
    cursor += queue_bytes(max_size);
    phys += queue_bytes(max_size);
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

u8 PciTransport::config_generation() const { return mmio_read<u8>(common_, kConfigGeneration); }

void PciTransport::driver_ok() {
    mmio_write<u8>(common_, kDeviceStatus, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
}

}  // namespace tk::drivers::virtio
