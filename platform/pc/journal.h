// The journal in mode=trade (kernel/journal/): a virtio-blk disk, its
// writer on the boot CPU -- which has nothing else to do once the trading
// task runs on the isolated one -- and the ring the trading task fills.
//
//   journal_init()      finds the disk, writes the superblock; false and
//                       nothing journalled if there is no usable disk
//   journal_ring()      for order entry (trade::Orders::journal)
//   journal_run()       the writer's loop, forever (the boot CPU)
//   journal_finish()    from the trading task at the end: the End record,
//                       then waits until everything is durable
#pragma once

#include "kernel/boot/cmdline.h"
#include "kernel/journal/ring.h"

namespace tk::pc {

bool journal_init(const CommandLine& cmdline, u64 tsc_hz);
journal::Ring* journal_ring();  // nullptr when there is no journal
[[noreturn]] void journal_run();
void journal_finish();
void log_journal_counters();

}  // namespace tk::pc
