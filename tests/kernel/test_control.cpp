// kernel/net/control: commands obeyed only from configured sources, signed
// with the secret over this boot's nonce and a fresh counter; everything else
// refused and counted under its reason.

#include "kernel/net/control.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::net;

namespace {

constexpr Ipv4Address kOperator = 0x0A000001, kStranger = 0x0A000063;
constexpr const char kSecret[] = "s3cret-0123456789";

StringView view(const char* s) { return StringView{s, str_length(s)}; }

UdpDatagram datagram(Ipv4Address from, const char* text) {
    UdpDatagram d{};
    d.source = from;
    d.destination = 0x0A00000F;
    d.destination_port = kControlPort;
    d.payload = Bytes{reinterpret_cast<const u8*>(text), str_length(text)};
    return d;
}

}  // namespace

// Signed by Python's hmac (tradekernel.control.sign), an implementation
// independent of ours, with kSecret over kNonce.
constexpr u64 kNonce = 0x0123456789abcdefull;
constexpr const char kStatus1[] = "tk-status 1 3dd311935ced6268e7074858a3785ef1a29495b7657263018af6c46e5f15fda1";
constexpr const char kKill2[] = "tk-kill 2 c66468d17d802267dc90464455253551cc793b4ae8a6126efe8050a4b9bbae4e";
constexpr const char kExit3[] = "tk-exit 3 efc0faba7787c23d8bd3d6e0214e2ea16bbffdd3db7b65c9c55b2d002c567bb1";
constexpr const char kExit1[] = "tk-exit 1 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72";
// tk-exit 5 signed over nonce fedcba9876543210: a recording from another boot.
constexpr const char kExit5OtherBoot[] =
    "tk-exit 5 185faaf194d4f291795b0c651687929c72d7db04f4767a3500b55875f1aea9d7";

TK_TEST(control, obeys_signed_fresh_commands_from_a_configured_source) {
    ControlPlane c;
    TK_EXPECT(c.configure(view("10.0.0.7,10.0.0.1"), view(kSecret), kNonce));
    TK_EXPECT(c.check(datagram(kOperator, kStatus1)) == ControlCommand::Status);
    char with_newline[sizeof kKill2 + 1];
    for (usize i = 0; i < sizeof kKill2; ++i) with_newline[i] = kKill2[i];
    with_newline[sizeof kKill2 - 1] = '\n';
    with_newline[sizeof kKill2] = 0;
    TK_EXPECT(c.check(datagram(kOperator, with_newline)) == ControlCommand::Kill);
    TK_EXPECT(c.check(datagram(0x0A000007, kExit3)) == ControlCommand::Exit);
    TK_EXPECT_EQ(c.counters().accepted, 3);
}

TK_TEST(control, refuses_recordings_from_this_boot_and_others) {
    ControlPlane c;
    c.configure(view("10.0.0.1"), view(kSecret), kNonce);
    TK_EXPECT(c.check(datagram(kOperator, kKill2)) == ControlCommand::Kill);
    TK_EXPECT(c.check(datagram(kOperator, kKill2)) == ControlCommand::None);   // the same again
    TK_EXPECT(c.check(datagram(kOperator, kStatus1)) == ControlCommand::None);  // an older one
    TK_EXPECT_EQ(c.counters().refused_replay, 2);
    TK_EXPECT(c.check(datagram(kOperator, kExit5OtherBoot)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_mac, 1);
    // The same secret, another boot's nonce: everything signed for kNonce is refused.
    ControlPlane rebooted;
    rebooted.configure(view("10.0.0.1"), view(kSecret), kNonce + 1);
    TK_EXPECT(rebooted.check(datagram(kOperator, kExit1)) == ControlCommand::None);
    TK_EXPECT_EQ(rebooted.counters().refused_mac, 1);
}

TK_TEST(control, refuses_and_counts_everything_else) {
    ControlPlane c;
    c.configure(view("10.0.0.1"), view(kSecret), kNonce);
    const char* malformed[] = {
        "tk-exit ",                           // nothing after the word
        "tk-exit s3cret-0123456789",          // the secret in clear, as the port once took it
        "tk-exit 1",                          // no MAC
        "tk-exit x d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72",  // counter
        "tk-exit 1 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef7",   // short MAC
        "tk-exit 1 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72 ",  // after it
        "tk-exit 1  d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72",  // two spaces
        "tk-exit 000000000000000000001 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72",
    };
    for (const char* text : malformed) TK_EXPECT(c.check(datagram(kOperator, text)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_malformed, 8);
    const char* bad_mac[] = {
        "tk-exit 1 D4929F944AE97FF7F2306F6865402CB63F4076C7D3F0AC72D6E309479F44EF72",  // case matters
        "tk-exit 1 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef73",  // last digit
        "tk-kill 1 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72",  // another word
        "tk-exit 2 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72",  // another counter
        "tk-exit 01 d4929f944ae97ff7f2306f6865402cb63f4076c7d3f0ac72d6e309479f44ef72",  // its spelling
    };
    for (const char* text : bad_mac) TK_EXPECT(c.check(datagram(kOperator, text)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_mac, 5);
    TK_EXPECT(c.check(datagram(kOperator, "tk-exit")) == ControlCommand::None);  // not a word + space
    TK_EXPECT(c.check(datagram(kOperator, "tk-reboot 1 00")) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_command, 2);
    TK_EXPECT(c.check(datagram(kStranger, kExit1)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_source, 1);
    TK_EXPECT_EQ(c.counters().accepted, 0);
    TK_EXPECT(c.check(datagram(kOperator, kExit1)) == ControlCommand::Exit);  // still obeyed after all that
}

TK_TEST(control, unconfigured_or_weak_configuration_obeys_nothing) {
    ControlPlane none;
    TK_EXPECT(!none.configure(view(""), view(""), kNonce));
    TK_EXPECT(none.check(datagram(kOperator, "tk-exit ")) == ControlCommand::None);
    TK_EXPECT_EQ(none.counters().refused_not_configured, 1);
    ControlPlane short_secret;
    TK_EXPECT(!short_secret.configure(view("10.0.0.1"), view("short"), kNonce));
    TK_EXPECT(short_secret.check(datagram(kOperator, kExit1)) == ControlCommand::None);
    ControlPlane bad_address;
    TK_EXPECT(!bad_address.configure(view("10.0.0.256,x"), view(kSecret), kNonce));
    // One malformed address among good ones refuses the whole list: the
    // operator finds out at boot, not when a command from 10.0.0.9 is refused.
    ControlPlane one_bad;
    TK_EXPECT(!one_bad.configure(view("10.0.0.1,10.0.0.9x"), view(kSecret), kNonce));
    TK_EXPECT(one_bad.check(datagram(kOperator, kExit1)) == ControlCommand::None);
}

TK_TEST(control, parses_an_address_list_all_or_nothing) {
    Ipv4Address out[2] = {};
    TK_EXPECT_EQ(parse_ipv4_list(view(""), out, 2), 0);
    TK_EXPECT_EQ(parse_ipv4_list(view("10.0.0.1,10.0.0.9"), out, 2), 2);
    TK_EXPECT_EQ(out[1], 0x0A000009u);
    TK_EXPECT_EQ(parse_ipv4_list(view("10.0.0.1,,10.0.0.9"), out, 2), -1);
    TK_EXPECT_EQ(parse_ipv4_list(view("10.0.0.1,"), out, 2), -1);
    TK_EXPECT_EQ(parse_ipv4_list(view("10.0.0.1,10.0.0.2,10.0.0.3"), out, 2), -1);
}

TK_TEST(control, parses_ipv4_strictly) {
    TK_EXPECT_EQ(parse_ipv4(view("10.0.2.15")), 0x0A00020Fu);
    TK_EXPECT_EQ(parse_ipv4(view("255.255.255.255")), 0xFFFFFFFFu);
    const char* bad[] = {"", "10.0.2", "10.0.2.15.1", "10..2.15", "10.0.2.256", "a.b.c.d", "10.0.2.15 "};
    for (const char* text : bad) TK_EXPECT_EQ(parse_ipv4(view(text)), 0u);
}
