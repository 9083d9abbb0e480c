// What the harnesses share: an input is a sequence of records, each a 16-bit
// big-endian length and that many bytes (a frame, a packet). Each record is
// copied into a heap block of exactly its length, so AddressSanitizer sees a
// read one byte past it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace tk::fuzz {

class Records {
public:
    Records(const uint8_t* data, size_t size) : data_(data), size_(size) {}

    // The next record, or false when the input is used up (a cut record ends it).
    bool next(std::unique_ptr<uint8_t[]>& bytes, size_t& length, size_t max_length) {
        if (at_ + 2 > size_) return false;
        length = size_t(data_[at_]) << 8 | data_[at_ + 1];
        at_ += 2;
        if (length > size_ - at_) length = size_ - at_;
        if (length > max_length) length = max_length;
        bytes.reset(new uint8_t[length ? length : 1]);
        std::memcpy(bytes.get(), data_ + at_, length);
        at_ += length;
        return true;
    }

private:
    const uint8_t* data_;
    size_t size_;
    size_t at_ = 0;
};

// A check that holds for every input; a failure is a finding (libFuzzer
// saves the input).
#define TK_FUZZ_ASSERT(condition)                                                         \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #condition, __FILE__, \
                         __LINE__);                                                       \
            std::abort();                                                                 \
        }                                                                                 \
    } while (0)

}  // namespace tk::fuzz
