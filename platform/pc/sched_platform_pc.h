// pc side of the scheduler's platform hooks, for the panic report.
#pragma once

#include "tk/types.h"

namespace tk::arch {

// Name of the task that owns task-stack slot `slot` ("task-stack" if none).
const char* sched_task_name_for_stack(u32 slot);

}  // namespace tk::arch
