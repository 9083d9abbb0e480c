// kernel/net: checksums and byte order (the frame-level behaviour is tested
// from Python with scapy, tests/python/test_net_stack.py).

#include "kernel/net/protocols.h"
#include "kernel/net/wire.h"
#include "kernel/test/ktest.h"
#include "tk/bytes.h"

using namespace tk;
using namespace tk::net;

TK_TEST(net, internet_checksum_rfc1071_example) {
    // RFC 1071, 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (checksum 220d).
    const u8 data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    TK_EXPECT_EQ(internet_checksum(data, sizeof data), 0x220d);
    const u8 odd[] = {0x01, 0x02, 0x03};  // padded with a zero byte
    TK_EXPECT_EQ(internet_checksum(odd, 3), u16(~(0x0102 + 0x0300)));
}

// The definition, one big-endian 16-bit word at a time.
static u16 checksum_by_words(const u8* data, usize length) {
    u32 sum = 0;
    for (usize i = 0; i < length; i += 2) sum += u32(data[i]) << 8 | (i + 1 < length ? data[i + 1] : 0);
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return u16(~sum);
}

TK_TEST(net, wide_checksum_equals_the_definition_at_every_length_and_alignment) {
    u8 data[1600];
    u32 x = 12345;
    for (u8& b : data) b = u8((x = x * 1103515245 + 12345) >> 16);
    for (usize offset = 0; offset < 8; ++offset) {
        for (usize length = 0; length <= 1500; length += length < 80 ? 1 : 37)
            TK_EXPECT_EQ(internet_checksum(data + offset, length), checksum_by_words(data + offset, length));
    }
    u8 ones[1600];
    for (u8& b : ones) b = 0xFF;  // carries on every add, out of 64 bits too
    const usize lengths[] = {63, 64, 1499, 1500, 1600};
    for (usize length : lengths)
        TK_EXPECT_EQ(internet_checksum(ones, length), checksum_by_words(ones, length));
}

TK_TEST(net, ipv4_header_with_its_checksum_sums_to_zero) {
    // A real header (RFC 791 layout); with its checksum filled in, the
    // checksum over it is zero.
    u8 h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    store_be16(h + 10, internet_checksum(h, 20));
    TK_EXPECT_EQ(load_be16(h + 10), 0xb861);
    TK_EXPECT_EQ(internet_checksum(h, 20), 0);
}

// same_bytes against a byte loop: equal strings, then one byte changed at
// each place, for the sizes the kernel compares (a MAC, a session) and the
// bounds of each word size.
template <usize N>
static void check_same_bytes(::tk::test::Context& tk_test_context) {
    u8 a[N + 3], b[N + 3];
    for (usize offset = 0; offset < 3; ++offset) {
        for (usize i = 0; i < N; ++i) a[offset + i] = b[offset + i] = u8(0x5A + 7 * i);
        TK_EXPECT(same_bytes<N>(a + offset, b + offset));
        for (usize at = 0; at < N; ++at) {
            b[offset + at] ^= 0x80;
            TK_EXPECT(!same_bytes<N>(a + offset, b + offset));
            b[offset + at] ^= 0x80;
        }
    }
}

TK_TEST(net, same_bytes_finds_a_difference_at_every_place) {
    check_same_bytes<4>(tk_test_context);
    check_same_bytes<6>(tk_test_context);
    check_same_bytes<8>(tk_test_context);
    check_same_bytes<9>(tk_test_context);
    check_same_bytes<10>(tk_test_context);
    check_same_bytes<16>(tk_test_context);
}

TK_TEST(net, bounded_views_and_multicast_macs) {
    const u8 bytes[4] = {1, 2, 3, 4};
    Bytes b{bytes, 4};
    TK_EXPECT(b.has(0, 4));
    TK_EXPECT(!b.has(1, 4));
    TK_EXPECT(!b.has(5, 0));
    TK_EXPECT(!b.has(2, ~usize(0)));  // no overflow in the check
    TK_EXPECT_EQ(b.from(9).length, 0);
    MacAddress m = multicast_mac(0xEF810203);  // 239.129.2.3: bit 23 dropped
    const u8 expected[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
    bool same = true;
    for (int i = 0; i < 6; ++i) same = same && m.bytes[i] == expected[i];
    TK_EXPECT(same);
}
