// kernel/acpi: table discovery and SRAT/SLIT parsing over hand-built tables
// in a buffer that stands in for physical memory.

#include "kernel/acpi/madt.h"
#include "kernel/acpi/mcfg.h"
#include "kernel/acpi/srat.h"
#include "kernel/acpi/tables.h"
#include "kernel/test/ktest.h"

using namespace tk;
using namespace tk::acpi;

namespace {

alignas(16) u8 g_memory[4096];

const void* read_buffer(u64 physical, u64 length) {
    return physical + length <= sizeof g_memory ? g_memory + physical : nullptr;
}

void put(u64 at, const void* bytes, u64 n) {
    for (u64 i = 0; i < n; ++i) g_memory[at + i] = static_cast<const u8*>(bytes)[i];
}
void put_u8(u64 at, u8 v) { g_memory[at] = v; }
void put_u32(u64 at, u32 v) { put(at, &v, 4); }
void put_u64(u64 at, u64 v) { put(at, &v, 8); }

void fix_checksum(u64 at, u64 length, u64 checksum_at) {
    g_memory[checksum_at] = 0;
    u8 sum = 0;
    for (u64 i = 0; i < length; ++i) sum = u8(sum + g_memory[at + i]);
    g_memory[checksum_at] = u8(-sum);
}

void header(u64 at, const char* sig, u32 length) {
    put(at, sig, 4);
    put_u32(at + 4, length);
}

constexpr u64 kRsdp = 0, kXsdt = 64, kSrat = 256, kSlit = 1024, kJunk = 2048;

// Two nodes (proximity domains 7 and 3), a core on each, 64 MiB each; SLIT
// distances 10/20; an XSDT that also points at a table with a bad checksum.
void build_tables() {
    for (u8& b : g_memory) b = 0;
    put(kRsdp, "RSD PTR ", 8);
    put_u8(kRsdp + 15, 2);  // revision
    put_u32(kRsdp + 20, 36);
    put_u64(kRsdp + 24, kXsdt);
    fix_checksum(kRsdp, 20, kRsdp + 8);
    fix_checksum(kRsdp, 36, kRsdp + 32);

    header(kXsdt, "XSDT", 36 + 3 * 8);
    put_u64(kXsdt + 36, kSrat);
    put_u64(kXsdt + 44, kSlit);
    put_u64(kXsdt + 52, kJunk);
    fix_checksum(kXsdt, 36 + 24, kXsdt + 9);

    u32 srat_length = 48 + 16 + 24 + 40 + 40;
    header(kSrat, "SRAT", srat_length);
    u64 e = kSrat + 48;
    put_u8(e, 0); put_u8(e + 1, 16); put_u8(e + 2, 7); put_u8(e + 3, 0); put_u32(e + 4, 1);  // APIC 0 -> 7
    e += 16;
    put_u8(e, 2); put_u8(e + 1, 24); put_u32(e + 4, 3); put_u32(e + 8, 1); put_u32(e + 12, 1);  // x2APIC 1 -> 3
    e += 24;
    put_u8(e, 1); put_u8(e + 1, 40); put_u32(e + 2, 7); put_u64(e + 8, 0); put_u64(e + 16, 64ull << 20);
    put_u32(e + 28, 1);
    e += 40;
    put_u8(e, 1); put_u8(e + 1, 40); put_u32(e + 2, 3); put_u64(e + 8, 64ull << 20);
    put_u64(e + 16, 64ull << 20); put_u32(e + 28, 1);
    fix_checksum(kSrat, srat_length, kSrat + 9);

    // SLIT over localities 0..7: distance(3,7) = 21, (7,3) = 20.
    u32 slit_length = 36 + 8 + 64;
    header(kSlit, "SLIT", slit_length);
    put_u64(kSlit + 36, 8);
    for (u32 i = 0; i < 8; ++i) put_u8(kSlit + 44 + i * 8 + i, 10);
    put_u8(kSlit + 44 + 3 * 8 + 7, 21);
    put_u8(kSlit + 44 + 7 * 8 + 3, 20);
    fix_checksum(kSlit, slit_length, kSlit + 9);

    header(kJunk, "JUNK", 36);
    fix_checksum(kJunk, 36, kJunk + 9);
    g_memory[kJunk + 20] ^= 1;  // now its checksum is wrong
}

}  // namespace

TK_TEST(acpi, finds_tables_and_rejects_bad_checksums) {
    build_tables();
    Tables tables;
    TK_EXPECT(tables.init(kRsdp, read_buffer));
    TK_EXPECT_EQ(tables.count(), 2);
    TK_EXPECT_EQ(tables.rejected(), 1);
    TK_EXPECT(tables.find("SRAT") != nullptr);
    TK_EXPECT(tables.find("SLIT") != nullptr);
    TK_EXPECT(tables.find("APIC") == nullptr);
    g_memory[kRsdp + 10] ^= 0xFF;  // corrupt the RSDP
    TK_EXPECT(!tables.init(kRsdp, read_buffer));
}

TK_TEST(acpi, srat_gives_nodes_cores_and_ranges) {
    build_tables();
    Tables tables;
    tables.init(kRsdp, read_buffer);
    mem::Topology t;
    if (!TK_EXPECT(parse_srat(*tables.find("SRAT"), tables.find("SLIT"), t))) return;
    TK_EXPECT_EQ(t.nodes, 2);
    TK_EXPECT_EQ(t.cores, 2);
    TK_EXPECT_EQ(t.node_of_core(0), 0);  // domain 7 came first: node 0
    TK_EXPECT_EQ(t.node_of_core(1), 1);
    TK_EXPECT_EQ(t.core_apic_id[1], 1);
    TK_EXPECT_EQ(t.node_of(PhysAddr{0x1000}), 0);
    TK_EXPECT_EQ(t.node_of(PhysAddr{(64ull << 20) + 5}), 1);
    TK_EXPECT_EQ(t.node_of(PhysAddr{200ull << 20}), mem::kAnyNode);
    TK_EXPECT_EQ(t.distance[0][0], 10);
    TK_EXPECT_EQ(t.distance[0][1], 20);  // domain 7 -> domain 3
    TK_EXPECT_EQ(t.distance[1][0], 21);
}

TK_TEST(acpi, malformed_srat_is_bounded) {
    build_tables();
    // An entry claiming 255 bytes runs past the table: parsing stops there.
    put_u8(kSrat + 48 + 1, 255);
    mem::Topology t;
    auto* srat = static_cast<const SdtHeader*>(read_buffer(kSrat, 36));
    TK_EXPECT(!parse_srat(*srat, nullptr, t));  // no memory ranges reached
    put_u8(kSrat + 48 + 1, 0);  // zero length would loop forever
    TK_EXPECT(!parse_srat(*srat, nullptr, t));
}

TK_TEST(acpi, madt_lists_enabled_processors) {
    for (u8& b : g_memory) b = 0;
    constexpr u64 kMadt = 512;
    u32 length = 44 + 8 + 8 + 8 + 16 + 6;
    header(kMadt, "APIC", length);
    put_u32(kMadt + 36, 0xFEE00000);
    u64 e = kMadt + 44;
    put_u8(e, 0); put_u8(e + 1, 8); put_u8(e + 3, 0); put_u32(e + 4, 1);  // APIC 0 enabled
    e += 8;
    put_u8(e, 0); put_u8(e + 1, 8); put_u8(e + 3, 1); put_u32(e + 4, 0);  // APIC 1 disabled
    e += 8;
    put_u8(e, 0); put_u8(e + 1, 8); put_u8(e + 3, 2); put_u32(e + 4, 2);  // online capable
    e += 8;
    put_u8(e, 9); put_u8(e + 1, 16); put_u32(e + 4, 300); put_u32(e + 8, 1);  // x2APIC 300
    e += 16;
    put_u8(e, 1); put_u8(e + 1, 12);  // an I/O APIC entry running past the end: stops
    auto* madt = static_cast<const SdtHeader*>(read_buffer(kMadt, 36));
    Processors p = parse_madt(*madt);
    TK_EXPECT_EQ(p.count, 3);
    TK_EXPECT_EQ(p.apic_id[0], 0);
    TK_EXPECT_EQ(p.apic_id[1], 2);
    TK_EXPECT_EQ(p.apic_id[2], 300);
    TK_EXPECT_EQ(p.local_apic_address, 0xFEE00000);
}

namespace {

constexpr u64 kMcfg = 3072;

// An MCFG with allocations (base, segment, start bus, end bus), q35's first.
template <usize N>
void build_mcfg(const EcamWindow (&windows)[N]) {
    for (u64 i = kMcfg; i < kMcfg + 512; ++i) g_memory[i] = 0;
    u32 length = u32(44 + 16 * N);
    header(kMcfg, "MCFG", length);
    u64 e = kMcfg + 44;
    for (const EcamWindow& w : windows) {
        put_u64(e, w.base);
        put(e + 8, &w.segment, 2);
        put_u8(e + 10, w.start_bus);
        put_u8(e + 11, w.end_bus);
        e += 16;
    }
    fix_checksum(kMcfg, length, kMcfg + 9);
}

const SdtHeader& mcfg() { return *static_cast<const SdtHeader*>(read_buffer(kMcfg, 36)); }

}  // namespace

TK_TEST(acpi, mcfg_gives_segment_zero_ecam_window) {
    build_mcfg({EcamWindow{0xB0000000, 0, 0, 255}});
    EcamWindow w[4]{};
    McfgResult r = parse_mcfg(mcfg(), w, 4);
    if (!TK_EXPECT_EQ(r.windows, 1)) return;
    TK_EXPECT_EQ(w[0].base, 0xB0000000ull);
    TK_EXPECT_EQ(w[0].first_bus_address(), 0xB0000000ull);
    TK_EXPECT_EQ(w[0].end_bus, 255);
    TK_EXPECT_EQ(w[0].bytes(), 256ull << 20);
}

TK_TEST(acpi, mcfg_base_is_bus_zero_s_address_even_when_the_window_starts_later) {
    // PCI Firmware 3.0, 4.1.2: the base is where bus 0 would be.
    build_mcfg({EcamWindow{0xE0000000, 0, 16, 31}});
    EcamWindow w[1]{};
    if (!TK_EXPECT_EQ(parse_mcfg(mcfg(), w, 1).windows, 1)) return;
    TK_EXPECT_EQ(w[0].first_bus_address(), 0xE0000000ull + (16ull << 20));
    TK_EXPECT_EQ(w[0].bytes(), 16ull << 20);
}

TK_TEST(acpi, mcfg_keeps_every_segment_zero_window_and_counts_the_rest) {
    // Segment 1, an unaligned base, a zero base and reversed buses, then a
    // segment split in two (one allocation per host bridge).
    build_mcfg({EcamWindow{0xC0000000, 1, 0, 63}, EcamWindow{0xB0080000, 0, 0, 63}, EcamWindow{0, 0, 0, 63},
                EcamWindow{0xB0000000, 0, 9, 8}, EcamWindow{0xE0000000, 0, 0, 127},
                EcamWindow{0xF0000000, 0, 128, 255}});
    EcamWindow w[4]{};
    McfgResult r = parse_mcfg(mcfg(), w, 4);
    TK_EXPECT_EQ(r.windows, 2);
    TK_EXPECT_EQ(r.other_segments, 1);
    TK_EXPECT_EQ(r.malformed, 3);
    TK_EXPECT_EQ(w[0].base, 0xE0000000ull);
    TK_EXPECT_EQ(w[1].start_bus, 128);
    EcamWindow one[1]{};
    TK_EXPECT_EQ(parse_mcfg(mcfg(), one, 1).dropped, 1);
}

TK_TEST(acpi, mcfg_allocation_past_table_length_is_not_read) {
    build_mcfg({EcamWindow{0xB0000000, 0, 0, 255}});
    put_u32(kMcfg + 4, 44 + 15);  // the table now ends one byte before its allocation does
    EcamWindow w[1]{};
    TK_EXPECT_EQ(parse_mcfg(mcfg(), w, 1).windows, 0);
}

TK_TEST(acpi, rsdp_claiming_more_than_its_36_bytes_is_refused) {
    build_tables();
    // A revision-2 RSDP is 36 bytes (ACPI 6.5, 5.2.5.3); a larger length
    // would have the checksum read past a 36-byte copy.
    put_u32(kRsdp + 20, 4096);
    fix_checksum(kRsdp, 20, kRsdp + 8);
    fix_checksum(kRsdp, 36, kRsdp + 32);
    TK_EXPECT(!valid_rsdp(*static_cast<const Rsdp*>(read_buffer(kRsdp, 36))));
    Tables tables;
    TK_EXPECT(!tables.init(kRsdp, read_buffer));
}
