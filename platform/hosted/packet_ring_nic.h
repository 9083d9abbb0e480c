// A NIC for a Linux process that takes whole Ethernet frames from the Linux
// kernel the fastest way it offers without a bypass driver: a packet socket
// (packet(7)) whose receive ring (TPACKET_V2) is mapped into the process, so
// a frame is read in place with no system call, polled by a spinning core;
// frames are sent with one send() each, past the queueing discipline
// (PACKET_QDISC_BYPASS). Same interface as drivers::VirtioNet, so the core's
// stack and trading loop run on it unchanged (platform/hosted/trader/).
#pragma once

#include "kernel/net/packet.h"

namespace tk::hosted {

class PacketRingNic {
public:
    static constexpr u32 kFrameSize = 2048;  // a ring slot: header + a 1514-byte frame
    static constexpr u32 kFrames = 1024;
    static constexpr u32 kBufferSize = kFrameSize;

    // Opens interface `name` (e.g. "eth0"), all protocols; false (errno says
    // why) if the socket, its ring or the interface is unavailable.
    bool open(const char* name);
    void close();
    const net::MacAddress& mac() const { return mac_; }
    // Frames to these multicast MACs are received too (the device's filter
    // is told, as the Linux driver does for a socket's membership).
    bool join(const net::MacAddress* multicast, u32 count);

    // The next received frame, in the ring; hold it, then release() it (in
    // the order received).
    bool receive_packet(net::NetworkPacket& packet);
    void release(const net::NetworkPacket& packet);
    u8* tx_acquire() { return tx_; }
    void tx_send(u8* frame, usize length);
    void tx_reclaim() {}  // send() copies the frame: its buffer is free at once

    u64 tx_errors() const { return tx_errors_; }
    // The status word of the last frame received (TP_STATUS_*, packet(7)).
    u32 last_rx_status() const { return last_rx_status_; }
    u64 rx_vlan_tagged() const { return rx_vlan_tagged_; }  // dropped
    // The ring slot the frame `ahead` after the next one to be taken will
    // be received into (its header and the frame), for a benchmark that
    // waits for its frames to land, or evicts them from the caches as a
    // NIC's DMA would leave them.
    const u8* slot_ahead(u32 ahead) const { return ring_ + usize((next_ + ahead) % kFrames) * kFrameSize; }
    // The Linux kernel's stamp of the frame in `slot` (a slot_ahead() whose
    // frame has arrived): CLOCK_REALTIME in ns (tp_sec, tp_nsec of
    // tpacket2_hdr), read once the frame is copied in and before its status
    // is set, unless a software timestamp was taken earlier on its way in;
    // and the frame's length.
    static u64 realtime_ns_of(const u8* slot);
    static u32 length_of(const u8* slot);
    // Whether the kernel has handed `slot`'s frame over (TP_STATUS_USER:
    // set after the stamp, so a frame may be stamped and not yet handed over).
    static bool handed_over(const u8* slot);

private:
    int fd_ = -1;
    int ifindex_ = 0;
    u8* ring_ = nullptr;
    u32 next_ = 0;  // the ring slot to look at next
    net::MacAddress mac_{};
    u8 tx_[kBufferSize] = {};
    u64 tx_errors_ = 0;
    u64 rx_vlan_tagged_ = 0;
    u32 last_rx_status_ = 0;
};

}  // namespace tk::hosted
