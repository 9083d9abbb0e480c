// kernel/lib/sha256: the FIPS 180-4 examples and RFC 4231's HMAC-SHA256 test
// cases (tests/python/test_control_auth.py compares against Python's hashlib
// and hmac on random input).

#include "kernel/lib/sha256.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"

using namespace tk;

namespace {

bool digest_is(const u8 (&digest)[kSha256Bytes], const char* hex) {
    constexpr char kDigits[] = "0123456789abcdef";
    for (usize i = 0; i < kSha256Bytes; ++i)
        if (hex[2 * i] != kDigits[digest[i] >> 4] || hex[2 * i + 1] != kDigits[digest[i] & 15]) return false;
    return hex[2 * kSha256Bytes] == 0;
}

const u8* bytes(const char* s) { return reinterpret_cast<const u8*>(s); }

}  // namespace

TK_TEST(sha256, fips_examples) {
    u8 d[kSha256Bytes];
    sha256(bytes(""), 0, d);
    TK_EXPECT(digest_is(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    sha256(bytes("abc"), 3, d);
    TK_EXPECT(digest_is(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    // 56 bytes: the length no longer fits the first block's padding.
    const char* two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256(bytes(two_blocks), str_length(two_blocks), d);
    TK_EXPECT(digest_is(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

TK_TEST(sha256, a_million_a_in_uneven_pieces) {
    u8 chunk[1000];
    for (u8& c : chunk) c = 'a';
    Sha256 h;
    usize left = 1000000;
    for (usize piece = 1; left; piece = piece % 997 + 1) {
        usize n = piece < left ? piece : left;
        h.update(chunk, n);
        left -= n;
    }
    u8 d[kSha256Bytes];
    h.finish(d);
    TK_EXPECT(digest_is(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

TK_TEST(sha256, hmac_rfc4231) {
    u8 mac[kSha256Bytes];
    const char* data = "what do ya want for nothing?";  // test case 2
    hmac_sha256(bytes("Jefe"), 4, bytes(data), str_length(data), mac);
    TK_EXPECT(digest_is(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    u8 long_key[131];  // test case 6: a key longer than a block is hashed first
    for (u8& k : long_key) k = 0xaa;
    const char* text = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_sha256(long_key, sizeof long_key, bytes(text), str_length(text), mac);
    TK_EXPECT(digest_is(mac, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
}
