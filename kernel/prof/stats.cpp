#include "kernel/prof/stats.h"

#include "kernel/log/log.h"

namespace tk::prof {

Summary summarize(u64* v, usize n) {
    if (n == 0) return {0, 0, 0, 0};
    for (usize i = 1; i < n; ++i) {
        u64 x = v[i];
        usize j = i;
        for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
        v[j] = x;
    }
    return {v[percentile_index(n, 500)], v[percentile_index(n, 990)], v[n - 1], n};
}

void report(const char* name, const char* platform, const char* unit, const Summary& s, u32 batch) {
    log::record("bench", "name=%s platform=%s unit=%s median=%lu p99=%lu max=%lu samples=%zu batch=%u", name,
                platform, unit, (unsigned long)s.median, (unsigned long)s.p99, (unsigned long)s.max,
                s.samples, batch);
}

}  // namespace tk::prof
