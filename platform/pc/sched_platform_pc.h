// The scheduler's side of the panic report (arch::set_task_stack_owner).
#pragma once

#include "tk/types.h"

namespace tk::pc {

// Name of the task that owns task-stack slot `slot` ("task-stack" if none).
const char* task_name_for_stack(u32 slot);

}  // namespace tk::pc
