// The TSC clock measured at boot (arch/x86_64/tsc_calibration.cpp).
#pragma once

#include "tk/tsc.h"

namespace tk::pc {

const TscClock& tsc_clock();

}  // namespace tk::pc
