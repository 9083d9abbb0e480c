// Deliberate CPU faults, for the tests that check panic reports
// (cmdline "mode=fault fault=<name>").
#pragma once

#include "kernel/lib/string.h"

namespace tk::pc {

// Triggers the named fault; returns only if the name is unknown.
void trigger_fault(StringView name);

}  // namespace tk::pc
