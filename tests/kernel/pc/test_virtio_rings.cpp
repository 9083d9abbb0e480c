// drivers/virtio_net_rings: the transmit side against a device played here,
// in ordinary memory (queues of 16, laid out as the PCI transport does):
// buffers come back last in, first out, and a buffer the device hands back
// twice, or one it never had, is counted and never given out while in flight.

#include "drivers/virtio_net_rings.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::drivers;

namespace {

constexpr u16 kSize = 16;
constexpr usize kQueueBytes = virtio::queue_bytes(kSize);
alignas(4096) u8 g_dma[2 * kQueueBytes + 2 * usize(kSize) * VirtioNetRings::kBufferSize];
volatile u16 g_doorbell[2];
VirtioNetRings g_rings;

virtio::Queue lay_out(u16 index, u8* at) {
    virtio::Queue q{};
    q.index = index;
    q.size = kSize;
    q.desc = at;
    q.avail = reinterpret_cast<volatile u16*>(at + 4096);
    q.used = at + 2 * 4096;
    q.notify = &g_doorbell[index];
    return q;
}

struct Link {
    virtio::Queue tx;
    u8* tx_buffers;
    u16 used = 0;

    // The device hands descriptor `id` back on the transmit used ring.
    void hand_back(u32 id) {
        volatile u8* element = tx.used + 4 + usize(used % kSize) * 8;
        *reinterpret_cast<volatile u32*>(element) = id;
        *reinterpret_cast<volatile u32*>(element + 4) = 0;
        *reinterpret_cast<volatile u16*>(tx.used + 2) = ++used;
    }
    u16 buffer_of(const u8* frame) const {
        return u16(usize(frame - VirtioNetRings::kNetHeader - tx_buffers) / VirtioNetRings::kBufferSize);
    }
};

Link attach() {
    for (u8& b : g_dma) b = 0;
    virtio::Queue rx = lay_out(0, g_dma), tx = lay_out(1, g_dma + kQueueBytes);
    u8* rx_buffers = g_dma + 2 * kQueueBytes;
    u8* tx_buffers = rx_buffers + usize(kSize) * VirtioNetRings::kBufferSize;
    g_rings.attach(rx, tx, rx_buffers, tx_buffers, g_dma, u64(reinterpret_cast<uptr>(g_dma)));
    return {tx, tx_buffers};
}

u8* send_one() {
    u8* frame = g_rings.tx_acquire();
    if (frame) g_rings.tx_send(frame, 60);
    return frame;
}

}  // namespace

TK_PC_TEST(virtio_rings, transmit_buffers_come_back_last_in_first_out) {
    Link link = attach();
    u8* first = send_one();
    u8* second = send_one();
    TK_EXPECT(first && second && first != second);
    if (!first || !second) return;
    link.hand_back(link.buffer_of(first));
    link.hand_back(link.buffer_of(second));
    g_rings.tx_reclaim();
    TK_EXPECT(g_rings.tx_acquire() == second);  // the one handed back last
    TK_EXPECT_EQ(g_rings.stats().tx_used_unexpected, 0u);
}

// Three in flight, so that a free list with room for a duplicate would take it.
TK_PC_TEST(virtio_rings, a_buffer_handed_back_twice_or_never_sent_is_counted_not_reused) {
    Link link = attach();
    u8* a = send_one();
    u8* b = send_one();
    u8* c = send_one();
    TK_EXPECT(a && b && c);
    if (!a || !b || !c) return;
    u16 never_sent = 0;
    while (never_sent == link.buffer_of(a) || never_sent == link.buffer_of(b) || never_sent == link.buffer_of(c))
        ++never_sent;
    link.hand_back(link.buffer_of(a));
    link.hand_back(link.buffer_of(a));  // again, while b and c are still being sent
    link.hand_back(kSize + 3);           // out of the ring
    link.hand_back(never_sent);          // free, never sent
    g_rings.tx_reclaim();
    TK_EXPECT_EQ(g_rings.stats().tx_used_unexpected, 3u);
    // The free buffers and a, each given out once; b and c not at all.
    u32 given[kSize] = {};
    u32 count = 0;
    for (u8* frame; count <= kSize && (frame = g_rings.tx_acquire()) != nullptr; ++count) {
        u16 i = link.buffer_of(frame);
        if (i < kSize) ++given[i];
        g_rings.tx_send(frame, 60);
    }
    TK_EXPECT_EQ(count, u32(kSize - 2));
    TK_EXPECT_EQ(given[link.buffer_of(a)], 1u);
    TK_EXPECT_EQ(given[link.buffer_of(b)], 0u);
    TK_EXPECT_EQ(given[link.buffer_of(c)], 0u);
    for (u32 i = 0; i < kSize; ++i) TK_EXPECT(given[i] <= 1);
}
