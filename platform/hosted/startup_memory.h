// Memory set aside at start-up for tables that live the whole session (the
// order books), on the hosted build: anonymous zeroed pages, asked to be
// backed by 2 MiB pages as the kernel's frames are, all faulted in before
// returning.
#pragma once

#include "tk/types.h"

namespace tk::hosted {

// nullptr if the system has no `bytes` to give.
void* map_startup_memory(u64 bytes);
void unmap_startup_memory(void* memory, u64 bytes);

}  // namespace tk::hosted
