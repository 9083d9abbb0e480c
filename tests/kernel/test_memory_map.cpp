// kernel/boot/memory_map: firmware maps made canonical.

#include "kernel/boot/memory_map.h"
#include "kernel/test/ktest.h"

using tk::MemoryMap;
using tk::RegionType;

TK_TEST(memory_map, sorts_and_merges) {
    MemoryMap m;
    m.add(0x200000, 0x100000, RegionType::Usable);
    m.add(0x0, 0x9FC00, RegionType::Usable);
    m.add(0x100000, 0x100000, RegionType::Usable);  // touches the first: merged
    m.normalize();
    TK_EXPECT_EQ(m.count(), 2);
    TK_EXPECT_EQ(m[0].base, 0);
    TK_EXPECT_EQ(m[1].base, 0x100000);
    TK_EXPECT_EQ(m[1].length, 0x200000);
    TK_EXPECT_EQ(m.usable_bytes(), 0x9FC00 + 0x200000);
}

TK_TEST(memory_map, restrictive_type_wins_overlap) {
    MemoryMap m;
    m.add(0x0, 0x10000000, RegionType::Usable);
    m.add(0x0F000000, 0x2000000, RegionType::Reserved);  // overlaps the tail
    m.normalize();
    TK_EXPECT_EQ(m.count(), 2);
    TK_EXPECT_EQ(m[0].end(), 0x0F000000);
    TK_EXPECT(m[1].type == RegionType::Reserved);
    TK_EXPECT_EQ(m[1].end(), 0x11000000);
}

TK_TEST(memory_map, reserve_cuts_usable) {
    MemoryMap m;
    m.add(0x0, 0x8000000, RegionType::Usable);
    m.normalize();
    m.reserve(0x100000, 0x50000, RegionType::Kernel);
    TK_EXPECT_EQ(m.count(), 3);
    TK_EXPECT(m[1].type == RegionType::Kernel);
    TK_EXPECT_EQ(m[1].base, 0x100000);
    TK_EXPECT_EQ(m[2].base, 0x150000);
    TK_EXPECT_EQ(m.usable_bytes(), 0x8000000 - 0x50000);
    TK_EXPECT_EQ(m.highest_ram_address(), 0x8000000);
}

TK_TEST(memory_map, drops_bad_entries) {
    MemoryMap m;
    m.add(0x1000, 0, RegionType::Usable);                       // empty
    m.add(0xFFFFFFFFFFFFF000ull, 0x2000, RegionType::Usable);   // wraps
    m.add(0x1000, 0x1000, tk::region_type_from_e820(99));       // unknown -> reserved
    m.normalize();
    TK_EXPECT_EQ(m.dropped(), 2);
    TK_EXPECT_EQ(m.count(), 1);
    TK_EXPECT(m[0].type == RegionType::Reserved);
    TK_EXPECT_EQ(m.highest_ram_address(), 0);  // reserved space is not RAM
}

TK_TEST(memory_map, full_table_counts_drops) {
    MemoryMap m;
    for (tk::u64 i = 0; i < MemoryMap::kMaxRegions + 5; ++i)
        m.add(i * 0x2000, 0x1000, RegionType::Usable);
    m.normalize();
    TK_EXPECT_EQ(m.count(), MemoryMap::kMaxRegions);
    TK_EXPECT_EQ(m.dropped(), 5);
}
