#include "kernel/trade/ouch_outbound.h"

#include "kernel/net/wire.h"

namespace tk::ouch {
namespace {

using net::load_be32, net::load_be64;
namespace o = outbound;

bool exactly(usize length, usize wanted) { return length == wanted; }

}  // namespace

bool decode_response(const u8* m, usize length, Response* out) {
    *out = Response{};
    if (length < o::kSystemEventLength) return false;  // the shortest message
    out->timestamp_ns = load_be64(m + o::kTimestamp);
    if (m[0] == 'S') {
        if (!exactly(length, o::kSystemEventLength)) return false;
        out->kind = ResponseKind::SystemEvent;
        out->event = char(m[o::kEventCode]);
        return true;
    }
    if (length < o::kTokenOnlyLength) return false;
    __builtin_memcpy(out->token, m + o::kToken, 14);
    switch (m[0]) {
        case 'A':
        case 'U': {
            bool accepted = m[0] == 'A';
            if (!exactly(length, accepted ? o::accepted::kLength : o::replaced::kLength)) return false;
            out->kind = accepted ? ResponseKind::Accepted : ResponseKind::Replaced;
            out->side = char(m[o::accepted::kSide]);
            out->shares = Shares{load_be32(m + o::accepted::kShares)};
            out->price = Price{load_be32(m + o::accepted::kPrice)};
            out->reference = load_be64(m + o::accepted::kReference);
            out->order_state = char(m[o::accepted::kOrderState]);
            return true;
        }
        case 'C':
            if (!exactly(length, o::canceled::kLength)) return false;
            out->kind = ResponseKind::Canceled;
            out->shares = Shares{load_be32(m + o::canceled::kDecrement)};
            out->reason = char(m[o::canceled::kReason]);
            return true;
        case 'D':  // AIQ Canceled: to the order, a cancel like any other
            if (!exactly(length, o::aiq_canceled::kLength)) return false;
            out->kind = ResponseKind::Canceled;
            out->shares = Shares{load_be32(m + o::aiq_canceled::kDecrement)};
            out->reason = char(m[o::aiq_canceled::kReason]);
            return true;
        case 'E':
            if (!exactly(length, o::executed::kLength)) return false;
            out->kind = ResponseKind::Executed;
            out->shares = Shares{load_be32(m + o::executed::kShares)};
            out->price = Price{load_be32(m + o::executed::kPrice)};
            out->liquidity = char(m[o::executed::kLiquidity]);
            out->match_number = load_be64(m + o::executed::kMatchNumber);
            return true;
        case 'B':
            if (!exactly(length, o::broken::kLength)) return false;
            out->kind = ResponseKind::BrokenTrade;
            out->match_number = load_be64(m + o::broken::kMatchNumber);
            out->reason = char(m[o::broken::kReason]);
            return true;
        case 'J':
            if (!exactly(length, o::rejected::kLength)) return false;
            out->kind = ResponseKind::Rejected;
            out->reason = char(m[o::rejected::kReason]);
            return true;
        case 'P':
        case 'I':
            if (!exactly(length, o::kTokenOnlyLength)) return false;
            out->kind = m[0] == 'P' ? ResponseKind::CancelPending : ResponseKind::CancelReject;
            return true;
        case 'T':
            if (!exactly(length, o::kPriorityUpdateLength)) return false;
            out->kind = ResponseKind::PriorityUpdate;
            return true;
        case 'M':
            if (!exactly(length, o::kModifiedLength)) return false;
            out->kind = ResponseKind::Modified;
            return true;
        default:
            return false;
    }
}

}  // namespace tk::ouch
