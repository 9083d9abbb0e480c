// kernel/journal: the record format's CRC-32C and checks, and the ring's
// full and lost cases, in the kernel as on hosted (the writer and the disk
// format are tested from Python: tests/python/test_journal.py).

#include "kernel/journal/record.h"
#include "kernel/journal/ring.h"
#include "kernel/test/ktest.h"

using namespace tk;

namespace {
journal::Ring g_ring;
}

TK_TEST(journal, crc32c_check_value) {
    // RFC 3720, B.4's check: "123456789".
    TK_EXPECT_EQ(journal::crc32c(reinterpret_cast<const u8*>("123456789"), 9), 0xE3069283u);
    TK_EXPECT_EQ(journal::crc32c(nullptr, 0), 0u);
}

TK_TEST(journal, a_record_checks_only_as_itself) {
    u8 out[journal::kMaxRecord];
    const char payload[] = "order";
    usize n = journal::encode(journal::RecordType::OrderSent, 7, 3, 1234, payload, sizeof payload, out);
    TK_EXPECT_EQ(n, 40u);  // 32 + 6 rounded up to 8
    TK_EXPECT_EQ(journal::check(out, n, 7, 3), n);
    TK_EXPECT_EQ(journal::check(out, n, 8, 3), 0u);      // another boot's
    TK_EXPECT_EQ(journal::check(out, n, 7, 4), 0u);      // out of sequence
    TK_EXPECT_EQ(journal::check(out, n - 1, 7, 3), 0u);  // cut short
    out[journal::kHeader] ^= 1;
    TK_EXPECT_EQ(journal::check(out, n, 7, 3), 0u);      // a flipped bit
}

TK_TEST(journal, a_full_ring_counts_and_then_says_where) {
    g_ring.init();
    for (u32 i = 0; i < journal::Ring::kSlots; ++i) TK_EXPECT(g_ring.append(journal::RecordType::Answer, i, &i, 4));
    TK_EXPECT(!g_ring.append(journal::RecordType::Answer, 0, nullptr, 0));
    TK_EXPECT(!g_ring.append(journal::RecordType::Answer, 0, nullptr, 0));
    TK_EXPECT_EQ(g_ring.lost(), 2u);
    g_ring.pop();  // one free slot: not room for the Lost record and the next
    TK_EXPECT(!g_ring.append(journal::RecordType::Answer, 0, nullptr, 0));
    g_ring.pop();
    g_ring.pop();
    TK_EXPECT(g_ring.append(journal::RecordType::KillSwitch, 0, nullptr, 0));
    for (u32 i = 3; i < journal::Ring::kSlots; ++i) g_ring.pop();
    const journal::Slot* lost = g_ring.peek();
    TK_EXPECT(lost && lost->type == journal::RecordType::Lost);
    u64 count = 0;
    __builtin_memcpy(&count, lost->payload, sizeof count);
    TK_EXPECT_EQ(count, 3u);
    g_ring.pop();
    TK_EXPECT(g_ring.peek() && g_ring.peek()->type == journal::RecordType::KillSwitch);
}
