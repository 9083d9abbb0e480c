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
// independent of ours, with kSecret over kNonce, from 10.0.0.1 (kOperator)
// unless named.
constexpr u64 kNonce = 0x0123456789abcdefull;
constexpr const char kStatus1[] = "tk-status 1 fcca3c2b65b305722c13cc9efa30b7d80a8863afc153504a8f9838a7e73d21af";
constexpr const char kKill2[] = "tk-kill 2 c9da1f00bda0e0364edf8536220df6544576407b9e8eac7b31bfbc782bf477ee";
constexpr const char kExit3[] =  // from 10.0.0.7
    "tk-exit 3 d0fe1cde216b98edd73c6f01382ba889f2a75b9874ee998830b628eab6f55fd6";
constexpr const char kExit1[] = "tk-exit 1 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c";
constexpr const char kKill1From7[] =
    "tk-kill 1 bf8f2a7c2d77d6c4a358a9198d2f0f86e52f9df805d3c07a36f63f50093b519d";
constexpr const char kStatusLast[] =  // counter 2^64-1
    "tk-status 18446744073709551615 5832a9f092d98912e24e049770c39d37d3248bb4db85fc7cb2e04d71dc76b405";
// tk-exit 5 signed over nonce fedcba9876543210: a recording from another boot.
constexpr const char kExit5OtherBoot[] =
    "tk-exit 5 ebb30b793b7fd6ead54701d6929c8bd074f0cc5932fc328071959fb2593ed564";

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

TK_TEST(control, each_source_counts_for_itself_and_is_signed) {
    ControlPlane c;
    c.configure(view("10.0.0.1,10.0.0.7"), view(kSecret), kNonce);
    TK_EXPECT(c.check(datagram(kOperator, kKill2)) == ControlCommand::Kill);
    // The first operator's command replayed from the second's address, where
    // counter 2 is fresh: the source is signed, so the MAC fails.
    TK_EXPECT(c.check(datagram(0x0A000007, kKill2)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_mac, 1);
    // The second operator's own first command is not refused for the first's counter.
    TK_EXPECT(c.check(datagram(0x0A000007, kKill1From7)) == ControlCommand::Kill);
    TK_EXPECT(c.check(datagram(0x0A000007, kExit3)) == ControlCommand::Exit);
    TK_EXPECT_EQ(c.counters().accepted, 3);
}

TK_TEST(control, the_last_counter_ends_commands_from_that_source_until_reboot) {
    ControlPlane c;
    c.configure(view("10.0.0.1"), view(kSecret), kNonce);
    TK_EXPECT(c.check(datagram(kOperator, kStatusLast)) == ControlCommand::Status);
    TK_EXPECT(c.check(datagram(kOperator, kExit1)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_replay, 1);
    TK_EXPECT(!c.configure(view("10.0.0.1"), view(kSecret), kNonce, false));  // no nonce: nothing obeyed
    TK_EXPECT(c.check(datagram(kOperator, kExit1)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_not_configured, 1);
}

TK_TEST(control, refuses_and_counts_everything_else) {
    ControlPlane c;
    c.configure(view("10.0.0.1"), view(kSecret), kNonce);
    const char* malformed[] = {
        "tk-exit ",                           // nothing after the word
        "tk-exit s3cret-0123456789",          // the secret in clear, as the port once took it
        "tk-exit 1",                          // no MAC
        "tk-exit x cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c",  // counter
        "tk-exit 1 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9",   // short MAC
        "tk-exit 1 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c ",  // after it
        "tk-exit 1  cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c",  // two spaces
        "tk-exit 000000000000000000001 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c",
    };
    for (const char* text : malformed) TK_EXPECT(c.check(datagram(kOperator, text)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_malformed, 8);
    const char* bad_mac[] = {
        "tk-exit 1 CFDC6AEC8C9D7D1B762C7AB4B0195BEF8F117E4D87BDC98182640E3C6CC30D9C",  // case matters
        "tk-exit 1 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9d",  // last digit
        "tk-kill 1 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c",  // another word
        "tk-exit 2 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c",  // another counter
        "tk-exit 01 cfdc6aec8c9d7d1b762c7ab4b0195bef8f117e4d87bdc98182640e3c6cc30d9c",  // its spelling
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
