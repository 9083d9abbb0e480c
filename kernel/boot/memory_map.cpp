#include "kernel/boot/memory_map.h"

namespace tk {
namespace {

// Higher wins where regions overlap.
int restrictiveness(RegionType t) {
    switch (t) {
        case RegionType::Usable: return 0;
        case RegionType::AcpiReclaimable: return 1;
        case RegionType::Reserved: return 2;
        case RegionType::AcpiNvs: return 3;
        case RegionType::Kernel: return 4;
        case RegionType::Bad: return 5;
    }
    return 2;
}

void sort_u64(u64* v, usize n) {
    for (usize i = 1; i < n; ++i) {
        u64 x = v[i];
        usize j = i;
        for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
        v[j] = x;
    }
}

}  // namespace

RegionType region_type_from_e820(u32 type) {
    switch (type) {
        case 1: return RegionType::Usable;
        case 3: return RegionType::AcpiReclaimable;
        case 4: return RegionType::AcpiNvs;
        case 5: return RegionType::Bad;
        default: return RegionType::Reserved;  // includes 2 and unknown types
    }
}

const char* region_type_name(RegionType type) {
    switch (type) {
        case RegionType::Usable: return "usable";
        case RegionType::Reserved: return "reserved";
        case RegionType::AcpiReclaimable: return "acpi-reclaimable";
        case RegionType::AcpiNvs: return "acpi-nvs";
        case RegionType::Bad: return "bad";
        case RegionType::Kernel: return "kernel";
    }
    return "unknown";
}

void MemoryMap::add(u64 base, u64 length, RegionType type) {
    if (length == 0 || base + length < base || count_ == kMaxRegions) {
        ++dropped_;
        return;
    }
    regions_[count_++] = {base, length, type};
}

// Splits the address space at every region boundary; each elementary interval
// takes the most restrictive type covering it. O(n^2) over at most 128 regions,
// run once at boot.
void MemoryMap::normalize() {
    u64 points[2 * kMaxRegions];
    usize npoints = 0;
    for (usize i = 0; i < count_; ++i) {
        points[npoints++] = regions_[i].base;
        points[npoints++] = regions_[i].end();
    }
    sort_u64(points, npoints);

    MemoryRegion out[kMaxRegions];
    usize nout = 0;
    for (usize p = 0; p + 1 < npoints; ++p) {
        u64 lo = points[p], hi = points[p + 1];
        if (lo == hi) continue;
        int best = -1;
        RegionType type = RegionType::Usable;
        for (usize i = 0; i < count_; ++i) {
            const MemoryRegion& r = regions_[i];
            if (r.base <= lo && hi <= r.end() && restrictiveness(r.type) > best) {
                best = restrictiveness(r.type);
                type = r.type;
            }
        }
        if (best < 0) continue;  // a hole between regions
        if (nout && out[nout - 1].type == type && out[nout - 1].end() == lo) {
            out[nout - 1].length += hi - lo;
        } else if (nout < kMaxRegions) {
            out[nout++] = {lo, hi - lo, type};
        } else {
            ++dropped_;
        }
    }
    for (usize i = 0; i < nout; ++i) regions_[i] = out[i];
    count_ = nout;
}

void MemoryMap::reserve(u64 base, u64 length, RegionType type) {
    add(base, length, type);
    normalize();
}

u64 MemoryMap::usable_bytes() const {
    u64 total = 0;
    for (usize i = 0; i < count_; ++i)
        if (regions_[i].type == RegionType::Usable) total += regions_[i].length;
    return total;
}

u64 MemoryMap::highest_ram_address() const {
    u64 top = 0;
    for (usize i = 0; i < count_; ++i) {
        RegionType t = regions_[i].type;
        bool ram = t == RegionType::Usable || t == RegionType::Kernel ||
                   t == RegionType::AcpiReclaimable || t == RegionType::AcpiNvs;
        if (ram && regions_[i].end() > top) top = regions_[i].end();
    }
    return top;
}

}  // namespace tk
