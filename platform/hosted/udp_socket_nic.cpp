#include "platform/hosted/udp_socket_nic.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tk/tsc.h"

namespace tk::hosted {
namespace {

sockaddr_in loopback(u16 port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

}  // namespace

bool UdpSocketNic::open(u16 local_port, u16 remote_port) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return false;
    sockaddr_in local = loopback(local_port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        close();
        return false;
    }
    remote_port_ = remote_port;
    return true;
}

void UdpSocketNic::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool UdpSocketNic::receive_packet(net::NetworkPacket& packet) {
    u32 slot = 0;
    while (slot < kBuffers && held_[slot]) ++slot;
    if (slot == kBuffers) return false;
    ssize_t n = ::recv(fd_, rx_[slot], kBufferSize, 0);
    if (n <= 0) return false;
    held_[slot] = true;
    packet.data = rx_[slot];
    packet.length = u32(n);
    packet.buffer = slot;
    packet.rx_tsc = rdtscp(nullptr);
    return true;
}

void UdpSocketNic::release(const net::NetworkPacket& packet) {
    if (packet.buffer < kBuffers) held_[packet.buffer] = false;
}

void UdpSocketNic::tx_send(u8* frame, usize length) {
    sockaddr_in remote = loopback(remote_port_);
    ::sendto(fd_, frame, length, 0, reinterpret_cast<sockaddr*>(&remote), sizeof remote);
}

}  // namespace tk::hosted
