// The virtio 1.x modern PCI transport (Virtual I/O Device Specification 1.2,
// 4.1) and split virtqueues (2.7), shared by the virtio-net and virtio-blk
// drivers: finding the capabilities, the initialisation sequence (3.1.1),
// feature negotiation, queue set-up and notification. The drivers poll the
// used rings; no interrupts are asked for.
#pragma once

#include "drivers/pci.h"
#include "drivers/virtqueue.h"
#include "tk/types.h"

namespace tk::drivers::virtio {

class PciTransport {
public:
    // Finds and maps the common, notify and device configuration; false if
    // the device has no modern (virtio 1.x) capabilities.
    bool map(const PciDevice& device);
    // Reset, ACKNOWLEDGE and DRIVER, then offers `wanted` of the device's
    // low 32 feature bits with VERSION_1 and sets FEATURES_OK. The bits
    // accepted in `accepted`; false (device marked FAILED) without VERSION_1
    // or if the device refuses.
    bool negotiate(u32 wanted, u32& accepted);
    // Queue `index`, at most `max_size` entries, its memory taken from
    // `cursor`/`phys` (advanced past it); false if the device lacks it.
    bool setup_queue(Queue& q, u16 index, u8*& cursor, u64& phys, u16 max_size);
    void driver_ok();
    volatile u8* device_config() const { return device_cfg_; }
    // config_generation (4.1.4.3): a device may change its configuration
    // while it is read; a read spanning more than 32 bits is repeated until
    // the generation is the same before and after.
    u8 config_generation() const;

private:
    volatile u8* common_ = nullptr;
    volatile u8* device_cfg_ = nullptr;
    volatile u8* notify_base_ = nullptr;
    u32 notify_multiplier_ = 0;
};

}  // namespace tk::drivers::virtio
