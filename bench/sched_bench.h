// Scheduler benchmarks and their Linux peers (bench/sched_bench.cpp).
#pragma once

#include <vector>

namespace tk::bench {

// A switch is shorter than the TSC's own reading: a sample of a switch
// benchmark is the mean of this many.
inline constexpr int kSwitchesPerSample = 100;

std::vector<double> context_switch(double ticks_per_ns);
std::vector<double> boost_context_switch(double ticks_per_ns);
std::vector<double> futex_switch(double ticks_per_ns);
std::vector<double> timer_wakeup_lateness(double ticks_per_ns, bool* realtime);
// `realtime` tells whether SCHED_FIFO could be set.
std::vector<double> spin_wakeup_lateness(double ticks_per_ns, bool* realtime);
std::vector<double> clock_nanosleep_lateness(bool* realtime);

}  // namespace tk::bench
