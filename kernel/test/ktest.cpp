#include "kernel/test/ktest.h"

#include "kernel/lib/string.h"
#include "kernel/log/log.h"

// Bounds of the tk_tests section: the linker script defines them on pc; on
// hosted the ELF linker provides __start_/__stop_ for C-identifier sections.
extern "C" const tk::test::TestCase __start_tk_tests[];
extern "C" const tk::test::TestCase __stop_tk_tests[];

namespace tk::test {
namespace {

#if defined(TK_PLATFORM_PC)
constexpr bool kOnPc = true;
#else
constexpr bool kOnPc = false;
#endif

// Records carry single-word values: replace spaces so the host parser keeps
// the expression as one field.
void print_expr_record(const char* test, const char* file, int line, const char* expr) {
    char word[160];
    usize n = 0;
    for (; expr[n] && n + 1 < sizeof word; ++n) word[n] = expr[n] == ' ' ? '_' : expr[n];
    word[n] = '\0';
    log::record("check-failed", "name=%s file=%s line=%d expr=%s", test, file, line, word);
}

bool runnable(const TestCase& c) { return kOnPc || !c.pc_only; }

}  // namespace

bool Context::check(bool ok, const char* expr, const char* file, int line) {
    ++checks_;
    if (!ok) {
        ++failures_;
        print_expr_record(name_, file, line, expr);
    }
    return ok;
}

bool Context::check_eq(u64 actual, u64 expected, const char* expr, const char* file, int line) {
    ++checks_;
    if (actual == expected) return true;
    ++failures_;
    log::record("check-values", "name=%s actual=%#lx expected=%#lx", name_, (unsigned long)actual,
                (unsigned long)expected);
    print_expr_record(name_, file, line, expr);
    return false;
}

Summary run_all(const char* filter) {
    Summary summary;
    for (const TestCase* c = __start_tk_tests; c < __stop_tk_tests; ++c) {
        if (!runnable(*c) || !str_starts_with(c->name, filter)) continue;
        log::record("test-begin", "name=%s", c->name);
        Context context(c->name);
        c->run(context);
        if (context.checks() == 0) {
            // A test that checks nothing cannot fail; treat it as broken.
            context.check(false, "test_made_no_checks", __FILE__, __LINE__);
        }
        bool ok = !context.failed();
        log::record("test", "name=%s result=%s checks=%u", c->name, ok ? "pass" : "fail",
                    context.checks());
        ++(ok ? summary.passed : summary.failed);
    }
    log::record("tests-done", "passed=%u failed=%u", summary.passed, summary.failed);
    return summary;
}

void list_all() {
    for (const TestCase* c = __start_tk_tests; c < __stop_tk_tests; ++c)
        if (runnable(*c)) log::record("test-case", "name=%s", c->name);
}

}  // namespace tk::test
