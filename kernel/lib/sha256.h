// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for authenticating control
// commands (kernel/net/control.h). Not on any trading path.
#pragma once

#include "tk/types.h"

namespace tk {

inline constexpr usize kSha256Bytes = 32;

class Sha256 {
public:
    Sha256();
    void update(const u8* data, usize length);
    // The digest of everything given; the object is spent afterwards.
    void finish(u8 (&digest)[kSha256Bytes]);

    static constexpr usize kBlockBytes = 64;

private:
    void compress(const u8* block);

    u32 state_[8];
    u8 block_[kBlockBytes];
    usize used_ = 0;      // bytes in block_
    u64 total_bytes_ = 0;
};

void sha256(const u8* data, usize length, u8 (&digest)[kSha256Bytes]);

// HMAC-SHA256 of `message` under `key` (any length: a key longer than a
// block is hashed first, RFC 2104 section 2).
void hmac_sha256(const u8* key, usize key_length, const u8* message, usize message_length,
                 u8 (&mac)[kSha256Bytes]);

}  // namespace tk
