// kernel/trade/compiled_strategy: the fault name the kernel reports for a
// compiled strategy, read from the list the compiled object carries.

#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "kernel/trade/compiled_strategy.h"

namespace {

tk::trade::CompiledFault g_fault;
const tk::trade::CompiledStrategy g_strategy{{}, &g_fault, "test.py", "none,overflow,index,zero-division",
                                             "0123456789abcdef"};

bool name_is(tk::u32 code, const char* expected, tk::usize capacity = 24) {
    g_fault.code = code;
    char out[24];
    tk::trade::compiled_fault_name(g_strategy, out, capacity);
    return tk::str_equal(out, expected);
}

}  // namespace

TK_TEST(compiled_strategy, fault_names_by_code) {
    TK_EXPECT(name_is(0, "none"));
    TK_EXPECT(name_is(1, "overflow"));
    TK_EXPECT(name_is(2, "index"));
    TK_EXPECT(name_is(3, "zero-division"));  // the last, with no comma after it
}

TK_TEST(compiled_strategy, fault_name_past_the_list_or_the_buffer) {
    TK_EXPECT(name_is(9, ""));             // a code the object does not name
    TK_EXPECT(name_is(3, "zero", 5));      // cut to the buffer, terminated
}
