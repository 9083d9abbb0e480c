// Kernel test cases. A test is a function registered at link time in the
// `tk_tests` section; a test boot (cmdline "mode=test") or the hosted test
// executable runs them and reports one record per case:
//   @tk test-begin name=<suite.case>
//   @tk check-failed name=<suite.case> file=<f> line=<n> expr=<text>
//   @tk test name=<suite.case> result=pass|fail checks=<n>
//   @tk tests-done passed=<n> failed=<n>
// tests/python turns each case into a pytest item.
#pragma once

#include "tk/types.h"

namespace tk::test {

class Context {
public:
    explicit Context(const char* name) : name_(name) {}

    // Records a check; returns `ok` so callers can stop on failure.
    bool check(bool ok, const char* expr, const char* file, int line);
    bool check_eq(u64 actual, u64 expected, const char* expr, const char* file, int line);

    const char* name() const { return name_; }
    bool failed() const { return failures_ != 0; }
    u32 checks() const { return checks_; }

private:
    const char* name_;
    u32 checks_ = 0;
    u32 failures_ = 0;
};

struct TestCase {
    const char* name;
    void (*run)(Context&);
    // Runs only on bare metal (it inspects page tables, the IDT, ...).
    bool pc_only;
};

struct Summary {
    u32 passed = 0;
    u32 failed = 0;
};

// Runs every registered case whose name starts with `filter` ("" = all).
Summary run_all(const char* filter);
// Prints "@tk test-case name=..." for each case this platform can run.
void list_all();

}  // namespace tk::test

#define TK_TEST_REGISTER_(suite, name, pc_only)                                          \
    static void suite##__##name(::tk::test::Context&);                                   \
    __attribute__((used, section("tk_tests"), aligned(8))) static const ::tk::test::TestCase \
        suite##__##name##__case = {#suite "." #name, suite##__##name, pc_only};          \
    static void suite##__##name(::tk::test::Context& tk_test_context)

// A test that runs on both platforms.
#define TK_TEST(suite, name) TK_TEST_REGISTER_(suite, name, false)
// A test that needs bare metal.
#define TK_PC_TEST(suite, name) TK_TEST_REGISTER_(suite, name, true)

#define TK_EXPECT(cond) tk_test_context.check(bool(cond), #cond, __FILE__, __LINE__)
#define TK_EXPECT_EQ(actual, expected) \
    tk_test_context.check_eq(::tk::u64(actual), ::tk::u64(expected), #actual " == " #expected, __FILE__, __LINE__)
