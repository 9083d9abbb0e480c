#include "kernel/book/book_records.h"

#include "kernel/log/log.h"

namespace tk::book {

// Three records, each well inside log::kMaxLine even with 20-digit values.
void log_records(const Books& books) {
    const BookCounters& b = books.counters();
    log::record("book-summary",
                "live-orders=%u peak-orders=%u live-levels=%u peak-levels=%u untrusted-books=%u checksum=%#lx",
                books.live_orders(), books.peak_orders(), books.live_levels(), books.peak_levels(),
                books.untrusted_books(), (unsigned long)books.checksum());
    log::record("book-counters",
                "applied=%lu ignored=%lu unknown-order=%lu zero-shares=%lu zero-price=%lu locate-out-of-range=%lu "
                "locates=%u",
                (unsigned long)b.applied, (unsigned long)b.ignored, (unsigned long)b.unknown_order,
                (unsigned long)b.zero_shares, (unsigned long)b.zero_price, (unsigned long)b.locate_out_of_range,
                books.capacity().locates);
    log::record("book-trust",
                "bad-side=%lu levels-full=%lu table-full=%lu duplicate-order=%lu over-execution=%lu "
                "locate-mismatch=%lu untrusted=%lu recovered=%lu",
                (unsigned long)b.bad_side, (unsigned long)b.levels_full, (unsigned long)b.table_full,
                (unsigned long)b.duplicate_order, (unsigned long)b.over_execution, (unsigned long)b.locate_mismatch,
                (unsigned long)b.untrusted, (unsigned long)b.recovered);
}

}  // namespace tk::book
