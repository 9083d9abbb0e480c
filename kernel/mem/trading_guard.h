// The trading-started point. Before it, the kernel sets up: frames, page
// tables, pools. After it, the only allocator is the object pools; any other
// allocation is a bug on a hot path. Every allocator that is not a pool asks
// permit_allocation() first; after the point the answer is no, the attempt is
// counted, reported with a record, and the allocator fails the request.
#pragma once

#include "tk/types.h"

namespace tk::mem {

void start_trading();
bool trading_started();

// Returns true when `allocator` may allocate now. After start_trading():
// false, and "@tk alloc-violation allocator=<name> count=<n>" is logged.
bool permit_allocation(const char* allocator);

u32 allocation_violations();

#ifndef TK_RELEASE
// For tests: back to the set-up phase. Not in the release kernel.
void reset_trading_for_tests();
#endif

}  // namespace tk::mem
