// kernel/net/control: commands obeyed only from configured sources with the
// secret; everything else refused and counted under its reason.

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

TK_TEST(control, obeys_configured_source_with_the_secret) {
    ControlPlane c;
    TK_EXPECT(c.configure(view("10.0.0.7,10.0.0.1"), view(kSecret)));
    TK_EXPECT(c.check(datagram(kOperator, "tk-status s3cret-0123456789")) == ControlCommand::Status);
    TK_EXPECT(c.check(datagram(kOperator, "tk-kill s3cret-0123456789\n")) == ControlCommand::Kill);
    TK_EXPECT(c.check(datagram(0x0A000007, "tk-exit s3cret-0123456789")) == ControlCommand::Exit);
    TK_EXPECT_EQ(c.counters().accepted, 3);
}

TK_TEST(control, refuses_and_counts_everything_else) {
    ControlPlane c;
    c.configure(view("10.0.0.1"), view(kSecret));
    const char* refused_secret[] = {
        "tk-exit",                          // no secret
        "tk-exit ",                         // empty secret
        "tk-exit s3cret-012345678",         // one character short
        "tk-exit s3cret-0123456789x",       // one too many
        "tk-exit S3cret-0123456789",        // case matters
        "tk-exit s3cret-0123456789 extra",  // anything after it
    };
    for (const char* text : refused_secret) TK_EXPECT(c.check(datagram(kOperator, text)) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_secret, 5);  // "tk-exit" alone is not a command word + space
    TK_EXPECT_EQ(c.counters().refused_command, 1);
    TK_EXPECT(c.check(datagram(kStranger, "tk-exit s3cret-0123456789")) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_source, 1);
    TK_EXPECT(c.check(datagram(kOperator, "tk-reboot s3cret-0123456789")) == ControlCommand::None);
    TK_EXPECT_EQ(c.counters().refused_command, 2);
    TK_EXPECT_EQ(c.counters().accepted, 0);
}

TK_TEST(control, unconfigured_or_weak_configuration_obeys_nothing) {
    ControlPlane none;
    TK_EXPECT(!none.configure(view(""), view("")));
    TK_EXPECT(none.check(datagram(kOperator, "tk-exit ")) == ControlCommand::None);
    TK_EXPECT_EQ(none.counters().refused_not_configured, 1);
    ControlPlane short_secret;
    TK_EXPECT(!short_secret.configure(view("10.0.0.1"), view("short")));
    TK_EXPECT(short_secret.check(datagram(kOperator, "tk-exit short")) == ControlCommand::None);
    ControlPlane bad_address;
    TK_EXPECT(!bad_address.configure(view("10.0.0.256,x"), view(kSecret)));
    // One malformed address among good ones refuses the whole list: the
    // operator finds out at boot, not when a command from 10.0.0.9 is refused.
    ControlPlane one_bad;
    TK_EXPECT(!one_bad.configure(view("10.0.0.1,10.0.0.9x"), view(kSecret)));
    TK_EXPECT(one_bad.check(datagram(kOperator, "tk-exit 0123456789abcdef")) == ControlCommand::None);
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
