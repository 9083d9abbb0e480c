// libFuzzer: Ethernet frames into the network stack (kernel/net/stack.cpp)
// and the control port behind it (kernel/net/control.cpp). Every frame must
// end under exactly one outcome counter, every frame the stack sends must be
// of legal size, and a command is obeyed only from the configured source and
// never twice.

#include <cstdio>

#include "kernel/lib/format.h"
#include "kernel/lib/sha256.h"
#include "kernel/lib/string.h"
#include "kernel/net/control.h"
#include "kernel/net/stack.h"
#include "tests/fuzz/fuzz_input.h"

using namespace tk;

namespace {

struct Capture {
    u8 frame[net::kMaxEthernetFrame];
    u32 sent = 0;
};

u8* acquire(void* c) { return static_cast<Capture*>(c)->frame; }
void send(void* c, u8*, usize length) {
    TK_FUZZ_ASSERT(length >= net::kMinEthernetFrame && length <= net::kMaxEthernetFrame);
    ++static_cast<Capture*>(c)->sent;
}
constexpr char kSecret[] = "fuzz-secret-0123456789";
constexpr u64 kNonce = 0xF0225EED0000000Full;  // tests/fuzz/make_seeds.py signs over it

struct Control {
    net::ControlPlane plane;
    u64 last_obeyed = 0;
};

// Obeyed: it came from the one configured source, its counter is beyond
// every one obeyed before (nothing is obeyed twice), and it carries the MAC
// of "<nonce> 10.0.0.1 <word> <counter>" under the secret, whatever check()
// made of it.
void control(void* c, const net::UdpDatagram& d) {
    auto* control = static_cast<Control*>(c);
    if (control->plane.check(d) == net::ControlCommand::None) return;
    TK_FUZZ_ASSERT(d.source == 0x0A000001);
    const char* p = reinterpret_cast<const char*>(d.payload.data);
    usize n = d.payload.length;
    if (n && p[n - 1] == '\n') --n;
    usize word_end = 0;
    while (word_end < n && p[word_end] != ' ') ++word_end;
    usize counter_end = word_end + 1;
    while (counter_end < n && p[counter_end] != ' ') ++counter_end;
    TK_FUZZ_ASSERT(counter_end + 1 + 64 == n);
    u64 counter = 0;
    TK_FUZZ_ASSERT(parse_u64(StringView{p + word_end + 1, counter_end - word_end - 1}, counter));
    TK_FUZZ_ASSERT(counter > control->last_obeyed);
    control->last_obeyed = counter;
    char message[128];
    usize length = format(message, sizeof message, "%016lx 10.0.0.1 %.*s", (unsigned long)kNonce,
                          int(counter_end), p);
    u8 mac[kSha256Bytes];
    hmac_sha256(reinterpret_cast<const u8*>(kSecret), sizeof kSecret - 1, reinterpret_cast<const u8*>(message),
                length, mac);
    char hex[65];
    for (usize i = 0; i < kSha256Bytes; ++i) format(hex + 2 * i, 3, "%02x", mac[i]);
    TK_FUZZ_ASSERT(std::memcmp(hex, p + counter_end + 1, 64) == 0);
}

void listener(void*, const net::UdpDatagram& d) {
    // The payload lies inside the frame the stack was given.
    volatile u8 sum = 0;
    for (usize i = 0; i < d.payload.length; ++i) sum = u8(sum + d.payload.data[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Capture capture;
    net::NetStack stack;
    net::NetConfig config{};
    config.mac = {{0x02, 0, 0, 0, 0, 0x01}};
    config.ip = 0x0A000002;
    config.netmask = 0xFFFFFF00;
    config.gateway = 0x0A000001;
    stack.init(config, net::TxPort{&capture, acquire, send});
    stack.bind_udp(26500, listener, nullptr);
    static Control control_port;
    control_port = Control{};
    control_port.plane.configure(StringView{"10.0.0.1", 8}, StringView{kSecret, sizeof kSecret - 1}, kNonce);
    stack.bind_udp(net::kControlPort, control, &control_port);
    stack.join(0xE9360C6F);  // 233.54.12.111
    stack.add_neighbor(0x0A000001, net::MacAddress{{2, 0, 0, 0, 0, 0xFE}});
    fuzz::Records records(data, size);
    std::unique_ptr<uint8_t[]> frame;
    size_t length = 0;
    u64 frames = 0;
    while (records.next(frame, length, 2048)) {
        stack.receive(frame.get(), length);
        ++frames;
    }
    const net::NetCounters& c = stack.counters();
    u64 outcomes = 0;
#define TK_ADD_OUTCOME(name) outcomes += c.name;
    TK_NET_RX_OUTCOMES(TK_ADD_OUTCOME)
#undef TK_ADD_OUTCOME
    TK_FUZZ_ASSERT(c.rx_frames == frames);
    TK_FUZZ_ASSERT(outcomes == c.rx_frames);
    net::MacAddress gateway;
    TK_FUZZ_ASSERT(stack.arp_lookup(0x0A000001, gateway) && gateway.bytes[5] == 0xFE);  // static: never moved
    return 0;
}
