// build/hosted/tk_tests: runs the portable kernel tests in a Linux process.
//   tk_tests --list         one "@tk test-case name=..." record per test
//   tk_tests [prefix]       run the tests whose names start with prefix

#include <cstring>

#include "kernel/log/log.h"
#include "kernel/test/ktest.h"
#include "tk/platform.h"

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
        tk::test::list_all();
        return 0;
    }
    tk::log::record("boot", "platform=hosted");
    tk::test::Summary s = tk::test::run_all(argc > 1 ? argv[1] : "");
    tk::platform::exit(s.failed ? tk::ExitStatus::TestFailure : tk::ExitStatus::Success);
}
