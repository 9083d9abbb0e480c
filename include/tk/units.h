// Strong types where units mix: a price is not a share count, a stock locate
// is not a sequence number, a TSC tick is not a nanosecond, a physical
// address is not a pointer. Each is one integer of the same size and layout
// (plain data: the strategy API and the hosted C ABI pass them as the
// integer), entered by naming its unit -- Price{p}, never a bare p -- and
// read back as .value. Values of one unit compare, add and subtract; there
// is no arithmetic across units and no implicit conversion, so
// send_order(orders, locate, side, price, shares) does not compile.
#pragma once

#include "tk/types.h"

namespace tk {

template <typename Tag, typename Rep>
struct Unit {
    Rep value;

    constexpr bool operator==(const Unit& o) const { return value == o.value; }
    constexpr bool operator!=(const Unit& o) const { return value != o.value; }
    constexpr bool operator<(const Unit& o) const { return value < o.value; }
    constexpr bool operator<=(const Unit& o) const { return value <= o.value; }
    constexpr bool operator>(const Unit& o) const { return value > o.value; }
    constexpr bool operator>=(const Unit& o) const { return value >= o.value; }
    constexpr Unit operator+(const Unit& o) const { return Unit{Rep(value + o.value)}; }
    constexpr Unit operator-(const Unit& o) const { return Unit{Rep(value - o.value)}; }
    constexpr Unit& operator+=(const Unit& o) { return value = Rep(value + o.value), *this; }
    constexpr Unit& operator-=(const Unit& o) { return value = Rep(value - o.value), *this; }
};

// Price(4): dollars with 4 implied decimals (ITCH 5.0 section 1.1, OUCH 4.2).
using Price = Unit<struct PriceUnit, u32>;
// A number of shares (ITCH carries 4 bytes, 8 in a Cross Trade).
using Shares = Unit<struct SharesUnit, u64>;
// Stock Locate: the exchange's index of a symbol for the day (ITCH 5.0 1.1).
using Locate = Unit<struct LocateUnit, u16>;
// A MoldUDP64 message sequence number (the first message of a day is 1).
using Sequence = Unit<struct SequenceUnit, u64>;
// Time-stamp counter ticks, and nanoseconds; only TscClock converts.
using Ticks = Unit<struct TicksUnit, u64>;
using Nanos = Unit<struct NanosUnit, u64>;
// A physical address (what a device's DMA sees), never dereferenced.
using PhysAddr = Unit<struct PhysAddrUnit, u64>;

static_assert(sizeof(Price) == 4 && sizeof(Shares) == 8 && sizeof(Locate) == 2 && sizeof(Sequence) == 8);

}  // namespace tk
