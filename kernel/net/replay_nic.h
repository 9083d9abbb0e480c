// An in-memory NIC with the same interface as drivers::VirtioNet
// (receive_packet / release / tx_acquire / tx_send), for benchmarks and
// tests on the hosted build: recorded frames are served from a ring of
// receive buffers, and sent frames are counted.
#pragma once

#include "kernel/net/packet.h"
#include "tk/tsc.h"

namespace tk::net {

class ReplayNic {
public:
    static constexpr u32 kBuffers = 256;
    static constexpr u32 kBufferSize = 2048;

    // Copies `frame` into the next free receive buffer, as a NIC's DMA would;
    // false when all buffers are held by the application.
    bool inject(const u8* frame, u32 length) {
        if (length > kBufferSize || held_ == kBuffers) return false;
        u32 slot = head_ % kBuffers;
        for (u32 i = 0; i < length; ++i) rx_[slot][i] = frame[i];
        lengths_[slot] = length;
        ++head_;
        ++held_;
        return true;
    }

    bool receive_packet(NetworkPacket& p) {
        if (tail_ == head_) return false;
        u32 slot = tail_++ % kBuffers;
        p.data = rx_[slot];
        p.length = lengths_[slot];
        p.buffer = slot;
        p.rx_tsc = rdtscp(nullptr);
        return true;
    }

    void release(const NetworkPacket&) { --held_; }

    u8* tx_acquire() { return tx_; }
    void tx_send(u8*, u32) { ++tx_frames_; }
    void tx_reclaim() {}  // one transmit buffer, never in flight

    u64 tx_frames() const { return tx_frames_; }

private:
    alignas(64) u8 rx_[kBuffers][kBufferSize];
    u32 lengths_[kBuffers] = {};
    u32 head_ = 0, tail_ = 0, held_ = 0;
    alignas(64) u8 tx_[kBufferSize];
    u64 tx_frames_ = 0;
};

}  // namespace tk::net
