// C ABI over the control plane and its HMAC for Python tests
// (test_control_auth.py), which check both against Python's own hmac.

#include "platform/hosted/capi/tk_capi.h"

#include <cstring>
#include <new>

#include "kernel/lib/sha256.h"
#include "kernel/net/control.h"

using namespace tk;

extern "C" {

void tk_hmac_sha256(const u8* key, size_t key_length, const u8* message, size_t length, u8* mac) {
    u8 out[kSha256Bytes];
    hmac_sha256(key, key_length, message, length, out);
    std::memcpy(mac, out, sizeof out);
}

// nullptr if the sources or secret are not a valid configuration.
void* tk_control_create(const char* sources, const char* secret, u64 nonce) {
    auto* plane = new (std::nothrow) net::ControlPlane;
    if (plane && !plane->configure(StringView{sources, std::strlen(sources)},
                                   StringView{secret, std::strlen(secret)}, nonce)) {
        delete plane;
        return nullptr;
    }
    return plane;
}

void tk_control_destroy(void* control) { delete static_cast<net::ControlPlane*>(control); }

// The command obeyed (net::ControlCommand: 0 none, 1 status, 2 kill, 3 exit).
int tk_control_check(void* control, u32 source, const u8* payload, size_t length) {
    net::UdpDatagram d{};
    d.source = source;
    d.destination_port = net::kControlPort;
    d.payload = net::Bytes{payload, length};
    return int(static_cast<net::ControlPlane*>(control)->check(d));
}

const char* tk_control_counter_names() { return net::control_counter_names(); }

void tk_control_counters(void* control, u64* out) {
    const net::ControlCounters& c = static_cast<net::ControlPlane*>(control)->counters();
    std::memcpy(out, &c, sizeof c);
}

}  // extern "C"
