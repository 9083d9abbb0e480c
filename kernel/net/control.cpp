#include "kernel/net/control.h"

#include "kernel/lib/sha256.h"

namespace tk::net {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

struct Command {
    const char* word;
    ControlCommand command;
};
constexpr Command kCommands[] = {
    {"tk-status", ControlCommand::Status},
    {"tk-kill", ControlCommand::Kill},
    {"tk-exit", ControlCommand::Exit},
};

// Length of `word` if `text` starts with it followed by one space; else 0.
usize prefix_length(const u8* text, usize length, const char* word) {
    usize i = 0;
    for (; word[i]; ++i)
        if (i >= length || text[i] != u8(word[i])) return 0;
    return i < length && text[i] == ' ' ? i + 1 : 0;
}

}  // namespace

const char* control_counter_names() {
#define TK_CONTROL_COUNTER_NAME(name) #name ","
    return TK_CONTROL_COUNTERS(TK_CONTROL_COUNTER_NAME);
#undef TK_CONTROL_COUNTER_NAME
}

Ipv4Address parse_ipv4(StringView text) {
    u32 value = 0, part = 0, dots = 0;
    bool digit = false;
    for (usize i = 0; i <= text.length; ++i) {
        char c = i < text.length ? text.data[i] : '.';
        if (c >= '0' && c <= '9') {
            part = part * 10 + u32(c - '0');
            digit = true;
            if (part > 255) return 0;
        } else if (c == '.' && digit) {
            value = value << 8 | part;
            part = 0;
            digit = false;
            ++dots;
        } else {
            return 0;
        }
    }
    return dots == 4 ? value : 0;
}

bool parse_mac(StringView text, MacAddress& out) {
    if (text.length != 17) return false;
    for (usize i = 0; i < 6; ++i) {
        u32 byte = 0;
        for (usize j = 0; j < 2; ++j) {
            char c = text.data[i * 3 + j];
            u32 digit = c >= '0' && c <= '9' ? u32(c - '0') : c >= 'a' && c <= 'f' ? u32(c - 'a' + 10)
                        : c >= 'A' && c <= 'F' ? u32(c - 'A' + 10) : 16u;
            if (digit == 16) return false;
            byte = byte * 16 + digit;
        }
        if (i < 5 && text.data[i * 3 + 2] != ':') return false;
        out.bytes[i] = u8(byte);
    }
    return true;
}

i32 parse_ipv4_list(StringView text, Ipv4Address* out, u32 max) {
    if (text.empty()) return 0;
    u32 count = 0;
    usize start = 0;
    for (usize i = 0; i <= text.length; ++i) {
        if (i < text.length && text.data[i] != ',') continue;
        Ipv4Address ip = parse_ipv4(StringView{text.data + start, i - start});
        if (!ip || count == max) return -1;
        out[count++] = ip;
        start = i + 1;
    }
    return i32(count);
}

bool ControlPlane::configure(StringView sources, StringView secret, u64 nonce, bool have_nonce) {
    *this = ControlPlane{};
    i32 count = parse_ipv4_list(sources, sources_, kMaxSources);
    if (count <= 0 || secret.length < kMinSecret || secret.length > kMaxSecret || !have_nonce) {
        for (Ipv4Address& a : sources_) a = 0;
        return false;
    }
    source_count_ = u32(count);
    for (usize i = 0; i < secret.length; ++i) secret_[i] = u8(secret.data[i]);
    secret_length_ = secret.length;
    nonce_ = nonce;
    return true;
}

// Compares every byte whatever the first difference, so the time taken says
// nothing about how much of a forged MAC was right.
bool ControlPlane::mac_matches(Ipv4Address source, StringView command, StringView counter,
                              const u8* mac_hex) const {
    // "<nonce> <source> <command> <counter>"; the caller bounds the command
    // (a known word) and the counter (20 digits).
    u8 message[kNonceDigits + 1 + 15 + 1 + 16 + 1 + 20];
    usize n = 0;
    for (usize i = 0; i < kNonceDigits; ++i) message[n++] = u8(kHexDigits[nonce_ >> (60 - 4 * i) & 15]);
    message[n++] = ' ';
    for (int shift = 24; shift >= 0; shift -= 8) {
        u32 part = source >> shift & 0xFF;
        if (part >= 100) message[n++] = u8('0' + part / 100);
        if (part >= 10) message[n++] = u8('0' + part / 10 % 10);
        message[n++] = u8('0' + part % 10);
        message[n++] = shift ? '.' : ' ';
    }
    for (usize i = 0; i < command.length; ++i) message[n++] = u8(command.data[i]);
    message[n++] = ' ';
    for (usize i = 0; i < counter.length; ++i) message[n++] = u8(counter.data[i]);
    u8 expected[kSha256Bytes];
    hmac_sha256(secret_, secret_length_, message, n, expected);
    u8 difference = 0;
    for (usize i = 0; i < kSha256Bytes; ++i) {
        difference |= u8(mac_hex[2 * i] ^ u8(kHexDigits[expected[i] >> 4]));
        difference |= u8(mac_hex[2 * i + 1] ^ u8(kHexDigits[expected[i] & 15]));
    }
    return difference == 0;
}

ControlCommand ControlPlane::check(const UdpDatagram& d) {
    if (!configured()) {
        ++counters_.refused_not_configured;
        return ControlCommand::None;
    }
    u32 source = kMaxSources;
    for (u32 i = 0; i < source_count_; ++i)
        if (sources_[i] == d.source) source = i;
    if (source == kMaxSources) {
        ++counters_.refused_source;
        return ControlCommand::None;
    }
    const char* text = reinterpret_cast<const char*>(d.payload.data);
    usize length = d.payload.length;
    if (length && text[length - 1] == '\n') --length;  // as `echo ... | nc -u` sends it
    for (const Command& c : kCommands) {
        usize at = prefix_length(d.payload.data, length, c.word);
        if (!at) continue;
        // "<counter> <mac>": the counter's digits, one space, exactly the MAC.
        usize space = at;
        while (space < length && text[space] != ' ') ++space;
        StringView counter{text + at, space - at};
        u64 value = 0;
        if (counter.length > 20 || !parse_u64(counter, value) || length - space != 1 + kMacDigits) {
            ++counters_.refused_malformed;
            return ControlCommand::None;
        }
        if (!mac_matches(d.source, StringView{c.word, at - 1}, counter, d.payload.data + space + 1)) {
            ++counters_.refused_mac;
            return ControlCommand::None;
        }
        if (value <= last_counter_[source]) {
            ++counters_.refused_replay;
            return ControlCommand::None;
        }
        last_counter_[source] = value;
        ++counters_.accepted;
        return c.command;
    }
    ++counters_.refused_command;
    return ControlCommand::None;
}

}  // namespace tk::net
