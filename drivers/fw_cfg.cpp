#include "drivers/fw_cfg.h"

#include "arch/x86_64/port_io.h"
#include "kernel/lib/string.h"

namespace tk::drivers {
namespace {

// QEMU docs/specs/fw_cfg.rst: a 16-bit selector register and an 8-bit data
// register; multi-byte directory fields are big-endian.
constexpr u16 kSelectorPort = 0x510;
constexpr u16 kDataPort = 0x511;
constexpr u16 kKeySignature = 0x0000;
constexpr u16 kKeyFileDirectory = 0x0019;
constexpr usize kFileNameLength = 56;

void select(u16 key) { arch::outw(kSelectorPort, key); }
u8 read_u8() { return arch::inb(kDataPort); }

u32 read_be32() {
    u32 v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | read_u8();
    return v;
}

u16 read_be16() {
    u16 hi = read_u8();
    return u16((hi << 8) | read_u8());
}

}  // namespace

bool fw_cfg_present() {
    select(kKeySignature);
    return read_u8() == 'Q' && read_u8() == 'E' && read_u8() == 'M' && read_u8() == 'U';
}

usize fw_cfg_read_file(const char* name, char* out, usize capacity) {
    if (capacity == 0) return 0;
    out[0] = '\0';
    if (!fw_cfg_present()) return 0;
    select(kKeyFileDirectory);
    u32 count = read_be32();
    for (u32 i = 0; i < count; ++i) {
        // struct FWCfgFile { be32 size; be16 select; u16 reserved; char name[56]; }
        u32 size = read_be32();
        u16 key = read_be16();
        read_be16();
        char file_name[kFileNameLength];
        for (char& c : file_name) c = char(read_u8());
        file_name[kFileNameLength - 1] = '\0';
        if (!str_equal(file_name, name)) continue;
        select(key);
        usize n = size < capacity - 1 ? size : capacity - 1;
        for (usize j = 0; j < n; ++j) out[j] = char(read_u8());
        out[n] = '\0';
        return n;
    }
    return 0;
}

}  // namespace tk::drivers
