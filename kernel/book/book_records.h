// The order books' figures and counters as log records, written the same way
// by the kernel's mode=trade and by the hosted replay tool, and read by
// tradekernel/records.py:
//   @tk book-summary   live-orders peak-orders live-levels peak-levels untrusted-books checksum
//   @tk book-counters  applied ignored unknown-order zero-shares zero-price
//   @tk book-trust     bad-side levels-full table-full duplicate-order over-execution
//                      locate-mismatch untrusted recovered
#pragma once

#include "kernel/book/order_book.h"

namespace tk::book {

void log_records(const Books& books);

}  // namespace tk::book
