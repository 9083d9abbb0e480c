// Where the fields the engine reads sit in NASDAQ TotalView-ITCH 5.0
// messages (section 4; byte offsets from the message type). One source: the
// decoder's layout table (itch.cpp), the books, the pipeline and the
// benchmark frames all use these, so a wrong offset is wrong everywhere and
// the differential tests see it.
#pragma once

#include "tk/types.h"

namespace tk::itch::at {

// Every message (section 1.1): type, Stock Locate, Tracking Number, Timestamp.
inline constexpr u8 kStockLocate = 1, kTrackingNumber = 3, kTimestamp = 5;

namespace stock_directory {  // R, 4.2.1
inline constexpr u8 kStock = 11;
}
namespace add_order {  // A, 4.3.1; F (4.3.2) adds Attribution
inline constexpr u8 kReference = 11, kSide = 19, kShares = 20, kStock = 24, kPrice = 32, kAttribution = 36;
}
namespace executed {  // E, 4.4.1; C (4.4.2) adds Printable and Execution Price
inline constexpr u8 kReference = 11, kShares = 19, kMatch = 23, kPrintable = 31, kPrice = 32;
}
namespace cancel {  // X, 4.4.3; D (4.4.4) has the reference only
inline constexpr u8 kReference = 11, kShares = 19;
}
namespace replace {  // U, 4.4.5
inline constexpr u8 kOriginalReference = 11, kNewReference = 19, kShares = 27, kPrice = 31;
}
namespace trade {  // P, 4.5.1
inline constexpr u8 kReference = 11, kSide = 19, kShares = 20, kStock = 24, kPrice = 32, kMatch = 36;
}
namespace cross {  // Q, 4.5.2
inline constexpr u8 kShares = 11, kStock = 19, kPrice = 27, kMatch = 31, kType = 39;
}

}  // namespace tk::itch::at
