// Fixed-width integer names used across the kernel core, on both platforms.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tk {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using usize = size_t;
using uptr = uintptr_t;

inline constexpr usize kCacheLine = 64;
inline constexpr usize kPageSize = 4096;

template <typename T, usize N>
constexpr usize array_size(const T (&)[N]) {
    return N;
}

}  // namespace tk
