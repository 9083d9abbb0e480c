#include "platform/pc/diagnostic_modes.h"

#include "kernel/test/ktest.h"
#include "bench/pc/bench_mode.h"
#include "tests/kernel/pc/faults.h"
#include "tk/panic.h"
#include "tk/platform.h"

namespace tk::pc {

const char* build_name() { return "test"; }

void run_diagnostic_mode(StringView mode, const CommandLine& cmdline) {
    if (mode.equals("test")) {
        StringView filter = cmdline.value("test");
        char prefix[64] = {};
        for (usize i = 0; i < filter.length && i + 1 < sizeof prefix; ++i) prefix[i] = filter.data[i];
        test::Summary s = test::run_all(prefix);
        platform::exit(s.failed ? ExitStatus::TestFailure : ExitStatus::Success);
    }
    if (mode.equals("bench")) {
        run_benchmarks();
        platform::exit(ExitStatus::Success);
    }
    if (mode.equals("fault")) {
        trigger_fault(cmdline.value("fault"));
        panic("mode=fault: unknown fault name (see tests/kernel/pc/faults.cpp)");
    }
}

}  // namespace tk::pc
