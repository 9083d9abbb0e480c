// kernel/prof/symbols: address -> function name.

#include "kernel/prof/symbols.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"

namespace {

using namespace tk;

struct Blob {
    SymbolTableHeader header;
    SymbolEntry entries[3];
    char names[32];
};

Blob make_blob() {
    Blob b{};
    b.header = {kSymbolTableMagic, 3, u32(offsetof(Blob, names)), sizeof b.names};
    b.entries[0] = {0x1000, 0x20, 0};
    b.entries[1] = {0x1040, 0x10, 6};
    b.entries[2] = {0x2000, 0x100, 12};
    const char names[] = "alpha\0beta\0\0gamma";
    for (usize i = 0; i < sizeof names; ++i) b.names[i] = names[i];
    return b;
}

}  // namespace

TK_TEST(symbols, resolves_inside_functions) {
    Blob b = make_blob();
    SymbolTable t;
    t.attach(&b, sizeof b);
    ResolvedSymbol r;
    TK_EXPECT_EQ(t.count(), 3);
    TK_EXPECT(t.resolve(0x1000, r) && str_equal(r.name, "alpha") && r.offset == 0);
    TK_EXPECT(t.resolve(0x101F, r) && str_equal(r.name, "alpha") && r.offset == 0x1F);
    TK_EXPECT(t.resolve(0x1045, r) && str_equal(r.name, "beta"));
}

TK_TEST(symbols, misses_gaps_and_outside) {
    Blob b = make_blob();
    SymbolTable t;
    t.attach(&b, sizeof b);
    ResolvedSymbol r;
    TK_EXPECT(!t.resolve(0x0FFF, r));  // before the first
    TK_EXPECT(!t.resolve(0x1020, r));  // between alpha's end and beta
    TK_EXPECT(!t.resolve(0x2100, r));  // past the last
}

TK_TEST(symbols, rejects_damaged_tables) {
    Blob b = make_blob();
    SymbolTable t;
    b.header.magic = 0;
    t.attach(&b, sizeof b);
    TK_EXPECT_EQ(t.count(), 0);
    b = make_blob();
    b.header.names_size = 4096;  // runs past the blob
    t.attach(&b, sizeof b);
    TK_EXPECT_EQ(t.count(), 0);
    b = make_blob();
    b.header.count = 1000;  // entries would overlap the names
    t.attach(&b, sizeof b);
    TK_EXPECT_EQ(t.count(), 0);
    ResolvedSymbol r;
    TK_EXPECT(!t.resolve(0x1000, r));
}
