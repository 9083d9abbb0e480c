// The release kernel: no in-kernel tests, no benchmark mode, no fault
// injection (platform/pc/diagnostic_modes.h). A command line that asks for
// one gets one line saying so and ExitStatus::UnknownMode.

#include "platform/pc/diagnostic_modes.h"

namespace tk::pc {

const char* build_name() { return "release"; }

void run_diagnostic_mode(StringView, const CommandLine&) {}

}  // namespace tk::pc
