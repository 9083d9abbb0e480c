// OUCH 4.2 outbound messages: what the venue answers (NASDAQ OUCH 4.2,
// section 3). Every message starts with its type and an 8-byte Timestamp
// (nanoseconds past midnight); those that concern one order name it by the
// 14-character Order Token the kernel chose (kernel/trade/order_entry.h).
// Offsets below are from the start of the message; lengths are exact: a
// message of another length is refused.
#pragma once

#include "tk/types.h"
#include "tk/units.h"

namespace tk::ouch {

namespace outbound {
inline constexpr usize kTimestamp = 1, kToken = 9;  // every order message: type, timestamp, token
// System Event 'S': event code 'S' start of day, 'E' end of day.
inline constexpr usize kSystemEventLength = 10, kEventCode = 9;
// Accepted 'A' (section 3.2).
namespace accepted {
inline constexpr usize kLength = 66;
inline constexpr usize kSide = 23, kShares = 24, kStock = 28, kPrice = 36, kTimeInForce = 40, kFirm = 44,
                       kDisplay = 48, kReference = 49, kCapacity = 57, kIntermarketSweep = 58,
                       kMinimumQuantity = 59, kCrossType = 63, kOrderState = 64, kBboWeight = 65;
}  // namespace accepted
// Replaced 'U' (section 3.3): Accepted's fields, then the replaced order's token.
namespace replaced {
inline constexpr usize kLength = 80;
inline constexpr usize kOrderState = 64, kPreviousToken = 65, kBboWeight = 79;
}  // namespace replaced
// Canceled 'C' (section 3.4): shares taken off the order, and why.
namespace canceled {
inline constexpr usize kLength = 28;
inline constexpr usize kDecrement = 23, kReason = 27;
}  // namespace canceled
// AIQ Canceled 'D' (section 3.5): a cancel by anti-internalization.
namespace aiq_canceled {
inline constexpr usize kLength = 37;
inline constexpr usize kDecrement = 23, kReason = 27, kPrevented = 28, kPrice = 32, kLiquidity = 36;
}  // namespace aiq_canceled
// Executed 'E' (section 3.6).
namespace executed {
inline constexpr usize kLength = 40;
inline constexpr usize kShares = 23, kPrice = 27, kLiquidity = 31, kMatchNumber = 32;
}  // namespace executed
// Broken Trade 'B' (section 3.7): an execution the venue has undone.
namespace broken {
inline constexpr usize kLength = 32;
inline constexpr usize kMatchNumber = 23, kReason = 31;
}  // namespace broken
// Rejected 'J' (section 3.8).
namespace rejected {
inline constexpr usize kLength = 24;
inline constexpr usize kReason = 23;
}  // namespace rejected
// Cancel Pending 'P' and Cancel Reject 'I' (sections 3.9, 3.10): the token only.
inline constexpr usize kTokenOnlyLength = 23;
// Order Priority Update 'T' and Order Modified 'M' (sections 3.11, 3.12).
inline constexpr usize kPriorityUpdateLength = 36, kModifiedLength = 28;
}  // namespace outbound

enum class ResponseKind : u8 {
    SystemEvent,
    Accepted,
    Replaced,
    Canceled,
    Executed,
    BrokenTrade,
    Rejected,
    CancelPending,
    CancelReject,
    PriorityUpdate,
    Modified,
};

// One outbound message, decoded. Fields a kind does not carry are 0.
struct Response {
    ResponseKind kind;
    char token[14];
    u64 timestamp_ns;     // past midnight
    char side;            // Accepted
    Shares shares;        // Accepted: the order's; Executed: filled; Canceled: taken off
    Price price;          // Accepted: the order's; Executed: the execution's
    u64 reference;        // Accepted: the venue's Order Reference Number
    char order_state;     // Accepted: 'L' live, 'D' dead (an IOC order done at once)
    char reason;          // Canceled, Rejected, Broken Trade
    char liquidity;       // Executed: 'A' added, 'R' removed, ...
    u64 match_number;     // Executed, Broken Trade
    char event;           // System Event
};

// False for an unknown type or a length that is not the type's.
bool decode_response(const u8* message, usize length, Response* out);

}  // namespace tk::ouch
