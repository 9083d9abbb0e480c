#include "kernel/lib/sha256.h"

namespace tk {
namespace {

// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the
// cube roots of the first 64 primes.
constexpr u32 kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// Section 5.3.3: the square roots of the first 8 primes.
constexpr u32 kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr u32 rotr(u32 x, u32 n) { return x >> n | x << (32 - n); }

}  // namespace

Sha256::Sha256() {
    for (usize i = 0; i < 8; ++i) state_[i] = kInitial[i];
}

void Sha256::compress(const u8* block) {
    u32 w[64];
    for (usize i = 0; i < 16; ++i)
        w[i] = u32(block[4 * i]) << 24 | u32(block[4 * i + 1]) << 16 | u32(block[4 * i + 2]) << 8 | block[4 * i + 3];
    for (usize i = 16; i < 64; ++i) {
        u32 s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ w[i - 15] >> 3;
        u32 s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ w[i - 2] >> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    u32 a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    u32 e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (usize i = 0; i < 64; ++i) {
        u32 t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[i] + w[i];
        u32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
}

void Sha256::update(const u8* data, usize length) {
    total_bytes_ += length;
    while (length) {
        usize take = kBlockBytes - used_ < length ? kBlockBytes - used_ : length;
        for (usize i = 0; i < take; ++i) block_[used_ + i] = data[i];
        used_ += take;
        data += take;
        length -= take;
        if (used_ == kBlockBytes) {
            compress(block_);
            used_ = 0;
        }
    }
}

// Section 5.1.1: a 1 bit, zeros, then the message length in bits (64 bits,
// big-endian) ending the last block.
void Sha256::finish(u8 (&digest)[kSha256Bytes]) {
    u64 bits = total_bytes_ * 8;
    u8 pad = 0x80;
    update(&pad, 1);
    u8 zero = 0;
    while (used_ != kBlockBytes - 8) update(&zero, 1);
    u8 length[8];
    for (usize i = 0; i < 8; ++i) length[i] = u8(bits >> (56 - 8 * i));
    update(length, 8);
    for (usize i = 0; i < 8; ++i)
        for (usize j = 0; j < 4; ++j) digest[4 * i + j] = u8(state_[i] >> (24 - 8 * j));
}

void sha256(const u8* data, usize length, u8 (&digest)[kSha256Bytes]) {
    Sha256 h;
    h.update(data, length);
    h.finish(digest);
}

void hmac_sha256(const u8* key, usize key_length, const u8* message, usize message_length,
                 u8 (&mac)[kSha256Bytes]) {
    u8 block_key[Sha256::kBlockBytes] = {};
    if (key_length > Sha256::kBlockBytes) {
        u8 hashed[kSha256Bytes];
        sha256(key, key_length, hashed);
        for (usize i = 0; i < kSha256Bytes; ++i) block_key[i] = hashed[i];
    } else {
        for (usize i = 0; i < key_length; ++i) block_key[i] = key[i];
    }
    u8 pad[Sha256::kBlockBytes];
    for (usize i = 0; i < Sha256::kBlockBytes; ++i) pad[i] = u8(block_key[i] ^ 0x36);
    Sha256 inner;
    inner.update(pad, sizeof pad);
    inner.update(message, message_length);
    u8 inner_digest[kSha256Bytes];
    inner.finish(inner_digest);
    for (usize i = 0; i < Sha256::kBlockBytes; ++i) pad[i] = u8(block_key[i] ^ 0x5c);
    Sha256 outer;
    outer.update(pad, sizeof pad);
    outer.update(inner_digest, sizeof inner_digest);
    outer.finish(mac);
}

}  // namespace tk
