#include "kernel/acpi/srat.h"

namespace tk::acpi {
namespace {

// Structure types and layouts, ACPI 6.5 Tables 5.xx (5.2.16.1-5.2.16.3).
constexpr u8 kLocalApicAffinity = 0;   // 16 bytes
constexpr u8 kMemoryAffinity = 1;      // 40 bytes
constexpr u8 kLocalX2ApicAffinity = 2; // 24 bytes
constexpr u32 kSratHeaderBytes = sizeof(SdtHeader) + 12;  // + reserved 4 + 8
constexpr u32 kEnabled = 1;

u32 read_u32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }
u64 read_u64(const u8* p) { return u64(read_u32(p)) | u64(read_u32(p + 4)) << 32; }

class DomainMap {
public:
    // Dense node number of a proximity domain; kMaxNodes if out of room.
    u32 node(u32 domain) {
        for (u32 i = 0; i < count_; ++i)
            if (domains_[i] == domain) return i;
        if (count_ == mem::kMaxNodes) return mem::kMaxNodes;
        domains_[count_] = domain;
        return count_++;
    }
    u32 count() const { return count_; }
    u32 domain(u32 node) const { return domains_[node]; }

private:
    u32 domains_[mem::kMaxNodes] = {};
    u32 count_ = 0;
};

void add_core(mem::Topology& t, u32 node, u32 apic_id) {
    if (node >= mem::kMaxNodes || t.cores >= mem::kMaxCores) return;
    t.core_node[t.cores] = u8(node);
    t.core_apic_id[t.cores] = apic_id;
    ++t.cores;
}

void parse_slit(const SdtHeader& slit, const DomainMap& domains, mem::Topology& t) {
    auto* base = reinterpret_cast<const u8*>(&slit);
    if (slit.length < sizeof(SdtHeader) + 8) return;
    u64 localities = read_u64(base + sizeof(SdtHeader));
    if (localities > 256 || sizeof(SdtHeader) + 8 + localities * localities > slit.length) return;
    const u8* matrix = base + sizeof(SdtHeader) + 8;
    for (u32 a = 0; a < domains.count(); ++a)
        for (u32 b = 0; b < domains.count(); ++b)
            if (domains.domain(a) < localities && domains.domain(b) < localities)
                t.distance[a][b] = matrix[domains.domain(a) * localities + domains.domain(b)];
}

}  // namespace

bool parse_srat(const SdtHeader& srat, const SdtHeader* slit, mem::Topology& out) {
    mem::Topology t;
    t.cores = 0;
    t.nodes = 0;
    DomainMap domains;
    auto* base = reinterpret_cast<const u8*>(&srat);
    for (u32 off = kSratHeaderBytes; off + 2 <= srat.length;) {
        const u8* e = base + off;
        u8 type = e[0], length = e[1];
        if (length < 2 || off + length > srat.length) break;  // malformed: stop
        if (type == kLocalApicAffinity && length >= 16 && (read_u32(e + 4) & kEnabled)) {
            u32 domain = e[2] | u32(e[9]) << 8 | u32(e[10]) << 16 | u32(e[11]) << 24;
            add_core(t, domains.node(domain), e[3]);
        } else if (type == kLocalX2ApicAffinity && length >= 24 && (read_u32(e + 12) & kEnabled)) {
            add_core(t, domains.node(read_u32(e + 4)), read_u32(e + 8));
        } else if (type == kMemoryAffinity && length >= 40 && (read_u32(e + 28) & kEnabled)) {
            u32 node = domains.node(read_u32(e + 2));
            u64 length_bytes = read_u64(e + 16);
            if (node < mem::kMaxNodes && length_bytes && t.range_count < mem::kMaxNodeRanges)
                t.ranges[t.range_count++] = {read_u64(e + 8), length_bytes, node};
        }
        off += length;
    }
    if (t.range_count == 0) return false;
    t.nodes = domains.count();
    if (t.cores == 0) t.cores = 1;
    for (u32 n = 0; n < t.nodes; ++n) t.distance[n][n] = 10;
    if (slit) parse_slit(*slit, domains, t);
    out = t;
    return true;
}

}  // namespace tk::acpi
