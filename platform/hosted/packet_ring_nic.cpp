#include "platform/hosted/packet_ring_nic.h"

#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cstring>

#include "tk/tsc.h"

namespace tk::hosted {
namespace {

constexpr usize kRingBytes = usize(PacketRingNic::kFrames) * PacketRingNic::kFrameSize;

tpacket2_hdr* slot(u8* ring, u32 index) {
    return reinterpret_cast<tpacket2_hdr*>(ring + usize(index) * PacketRingNic::kFrameSize);
}

}  // namespace

bool PacketRingNic::open(const char* name) {
    fd_ = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd_ < 0) return false;
    int version = TPACKET_V2, one = 1;
    tpacket_req req{};
    req.tp_block_size = 1u << 16;
    req.tp_frame_size = kFrameSize;
    req.tp_block_nr = u32(kRingBytes / req.tp_block_size);
    req.tp_frame_nr = kFrames;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    // Our own transmissions are not handed back to us (Linux 4.20).
    bool ok = ::setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) == 0 &&
              ::setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) == 0 &&
              ::setsockopt(fd_, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) == 0 &&
              ::setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) == 0 &&
              ::ioctl(fd_, SIOCGIFINDEX, &ifr) == 0;
    if (!ok) return close(), false;
    int index = ifindex_ = ifr.ifr_ifindex;
    if (::ioctl(fd_, SIOCGIFHWADDR, &ifr) != 0) return close(), false;
    std::memcpy(mac_.bytes, ifr.ifr_hwaddr.sa_data, 6);
    void* ring = ::mmap(nullptr, kRingBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd_, 0);
    if (ring == MAP_FAILED) return close(), false;
    ring_ = static_cast<u8*>(ring);
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = index;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return close(), false;
    return true;
}

bool PacketRingNic::join(const net::MacAddress* multicast, u32 count) {
    for (u32 i = 0; i < count; ++i) {
        packet_mreq request{};
        request.mr_ifindex = ifindex_;
        request.mr_type = PACKET_MR_MULTICAST;
        request.mr_alen = 6;
        std::memcpy(request.mr_address, multicast[i].bytes, 6);
        if (::setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &request, sizeof request) != 0) return false;
    }
    return true;
}

void PacketRingNic::close() {
    if (ring_) ::munmap(ring_, kRingBytes);
    if (fd_ >= 0) ::close(fd_);
    ring_ = nullptr;
    fd_ = -1;
}

bool PacketRingNic::receive_packet(net::NetworkPacket& packet) {
    tpacket2_hdr* h = slot(ring_, next_);
    // The kernel sets TP_STATUS_USER after writing the frame (packet(7));
    // the acquire load keeps the frame's reads after it.
    u32 status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    if (!(status & TP_STATUS_USER)) return false;
    if (status & TP_STATUS_VLAN_VALID) {
        // Linux took an 802.1Q tag off this frame; the kernel's stack drops
        // tagged frames (it is on no VLAN), so this NIC does not pass one
        // off as untagged.
        ++rx_vlan_tagged_;
        __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        next_ = (next_ + 1) % kFrames;
        return false;
    }
    last_rx_status_ = status;
    packet.data = reinterpret_cast<const u8*>(h) + h->tp_mac;
    packet.length = h->tp_snaplen;
    packet.buffer = next_;
    packet.rx_tsc = rdtscp(nullptr);
    next_ = (next_ + 1) % kFrames;
    return true;
}

// Read as the kernel may be writing them (another core's reader).
u64 PacketRingNic::realtime_ns_of(const u8* slot) {
    const auto* h = reinterpret_cast<const tpacket2_hdr*>(slot);
    u32 seconds = __atomic_load_n(&h->tp_sec, __ATOMIC_ACQUIRE), nanoseconds = __atomic_load_n(&h->tp_nsec, __ATOMIC_ACQUIRE);
    return u64(seconds) * 1'000'000'000 + nanoseconds;
}

u32 PacketRingNic::length_of(const u8* slot) { return reinterpret_cast<const tpacket2_hdr*>(slot)->tp_snaplen; }

bool PacketRingNic::handed_over(const u8* slot) {
    return __atomic_load_n(&reinterpret_cast<const tpacket2_hdr*>(slot)->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER;
}

void PacketRingNic::release(const net::NetworkPacket& packet) {
    if (packet.buffer < kFrames) __atomic_store_n(&slot(ring_, packet.buffer)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}

void PacketRingNic::tx_send(u8* frame, usize length) {
    if (::send(fd_, frame, length, 0) != ssize_t(length)) ++tx_errors_;
}

}  // namespace tk::hosted
