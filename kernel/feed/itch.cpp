#include "kernel/feed/itch.h"

#include "kernel/feed/itch_offsets.h"

#include "kernel/lib/format.h"

namespace tk::itch {
namespace {

using K = FieldKind;
namespace add = at::add_order;
namespace ex = at::executed;

// Every message starts: type (1), Stock Locate (2), Tracking Number (2),
// Timestamp (6) -- offsets 0, 1, 3, 5; the type-specific fields start at 11.
#define TK_ITCH_HEADER                                                                                 \
    {"stock_locate", at::kStockLocate, 2, K::Integer}, {"tracking_number", at::kTrackingNumber, 2, K::Integer}, \
        {"timestamp", at::kTimestamp, 6, K::Timestamp}

// TotalView-ITCH 5.0, section 4 (message names as the specification gives them).
constexpr Layout kLayouts[] = {
    {'S', 12, "system_event", 4, {TK_ITCH_HEADER, {"event_code", 11, 1, K::Alpha}}},
    {'R', 39, "stock_directory", 17,
     {TK_ITCH_HEADER, {"stock", at::stock_directory::kStock, 8, K::Alpha}, {"market_category", 19, 1, K::Alpha},
      {"financial_status_indicator", 20, 1, K::Alpha}, {"round_lot_size", 21, 4, K::Integer},
      {"round_lots_only", 25, 1, K::Alpha}, {"issue_classification", 26, 1, K::Alpha},
      {"issue_sub_type", 27, 2, K::Alpha}, {"authenticity", 29, 1, K::Alpha},
      {"short_sale_threshold_indicator", 30, 1, K::Alpha}, {"ipo_flag", 31, 1, K::Alpha},
      {"luld_reference_price_tier", 32, 1, K::Alpha}, {"etp_flag", 33, 1, K::Alpha},
      {"etp_leverage_factor", 34, 4, K::Integer}, {"inverse_indicator", 38, 1, K::Alpha}}},
    {'H', 25, "stock_trading_action", 7,
     {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"trading_state", 19, 1, K::Alpha},
      {"reserved", 20, 1, K::Alpha}, {"reason", 21, 4, K::Alpha}}},
    {'Y', 20, "reg_sho_restriction", 5,
     {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"reg_sho_action", 19, 1, K::Alpha}}},
    {'L', 26, "market_participant_position", 8,
     {TK_ITCH_HEADER, {"mpid", 11, 4, K::Alpha}, {"stock", 15, 8, K::Alpha},
      {"primary_market_maker", 23, 1, K::Alpha}, {"market_maker_mode", 24, 1, K::Alpha},
      {"market_participant_state", 25, 1, K::Alpha}}},
    {'V', 35, "mwcb_decline_level", 6,
     {TK_ITCH_HEADER, {"level1", 11, 8, K::Price8}, {"level2", 19, 8, K::Price8},
      {"level3", 27, 8, K::Price8}}},
    {'W', 12, "mwcb_status", 4, {TK_ITCH_HEADER, {"breached_level", 11, 1, K::Alpha}}},
    {'K', 28, "ipo_quoting_period_update", 7,
     {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"ipo_quotation_release_time", 19, 4, K::Integer},
      {"ipo_quotation_release_qualifier", 23, 1, K::Alpha}, {"ipo_price", 24, 4, K::Price4}}},
    {'J', 35, "luld_auction_collar", 8,
     {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"auction_collar_reference_price", 19, 4, K::Price4},
      {"upper_auction_collar_price", 23, 4, K::Price4},
      {"lower_auction_collar_price", 27, 4, K::Price4},
      {"auction_collar_extension", 31, 4, K::Integer}}},
    {'h', 21, "operational_halt", 6,
     {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"market_code", 19, 1, K::Alpha},
      {"operational_halt_action", 20, 1, K::Alpha}}},
#define TK_ITCH_ADD_ORDER                                                                              \
    TK_ITCH_HEADER, {"order_reference_number", add::kReference, 8, K::Integer},                        \
        {"buy_sell_indicator", add::kSide, 1, K::Alpha}, {"shares", add::kShares, 4, K::Integer},     \
        {"stock", add::kStock, 8, K::Alpha}, {"price", add::kPrice, 4, K::Price4}
#define TK_ITCH_EXECUTED                                                                               \
    TK_ITCH_HEADER, {"order_reference_number", ex::kReference, 8, K::Integer},                         \
        {"executed_shares", ex::kShares, 4, K::Integer}, {"match_number", ex::kMatch, 8, K::Integer}
    {'A', 36, "add_order", 8, {TK_ITCH_ADD_ORDER}},
    {'F', 40, "add_order_mpid", 9, {TK_ITCH_ADD_ORDER, {"attribution", add::kAttribution, 4, K::Alpha}}},
    {'E', 31, "order_executed", 6, {TK_ITCH_EXECUTED}},
    {'C', 36, "order_executed_with_price", 8,
     {TK_ITCH_EXECUTED, {"printable", ex::kPrintable, 1, K::Alpha}, {"execution_price", ex::kPrice, 4, K::Price4}}},
    {'X', 23, "order_cancel", 5,
     {TK_ITCH_HEADER, {"order_reference_number", at::cancel::kReference, 8, K::Integer},
      {"cancelled_shares", at::cancel::kShares, 4, K::Integer}}},
    {'D', 19, "order_delete", 4,
     {TK_ITCH_HEADER, {"order_reference_number", at::cancel::kReference, 8, K::Integer}}},
    {'U', 35, "order_replace", 7,
     {TK_ITCH_HEADER, {"original_order_reference_number", at::replace::kOriginalReference, 8, K::Integer},
      {"new_order_reference_number", at::replace::kNewReference, 8, K::Integer},
      {"shares", at::replace::kShares, 4, K::Integer}, {"price", at::replace::kPrice, 4, K::Price4}}},
    {'P', 44, "trade", 9,
     {TK_ITCH_HEADER, {"order_reference_number", at::trade::kReference, 8, K::Integer},
      {"buy_sell_indicator", at::trade::kSide, 1, K::Alpha}, {"shares", at::trade::kShares, 4, K::Integer},
      {"stock", at::trade::kStock, 8, K::Alpha}, {"price", at::trade::kPrice, 4, K::Price4},
      {"match_number", at::trade::kMatch, 8, K::Integer}}},
    {'Q', 40, "cross_trade", 8,
     {TK_ITCH_HEADER, {"shares", at::cross::kShares, 8, K::Integer}, {"stock", at::cross::kStock, 8, K::Alpha},
      {"cross_price", at::cross::kPrice, 4, K::Price4}, {"match_number", at::cross::kMatch, 8, K::Integer},
      {"cross_type", at::cross::kType, 1, K::Alpha}}},
    {'B', 19, "broken_trade", 4, {TK_ITCH_HEADER, {"match_number", 11, 8, K::Integer}}},
    {'I', 50, "noii", 12,
     {TK_ITCH_HEADER, {"paired_shares", 11, 8, K::Integer}, {"imbalance_shares", 19, 8, K::Integer},
      {"imbalance_direction", 27, 1, K::Alpha}, {"stock", 28, 8, K::Alpha},
      {"far_price", 36, 4, K::Price4}, {"near_price", 40, 4, K::Price4},
      {"current_reference_price", 44, 4, K::Price4}, {"cross_type", 48, 1, K::Alpha},
      {"price_variation_indicator", 49, 1, K::Alpha}}},
    {'N', 20, "rpii", 5, {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"interest_flag", 19, 1, K::Alpha}}},
    {'O', 48, "dlcr_price_discovery", 11,
     {TK_ITCH_HEADER, {"stock", 11, 8, K::Alpha}, {"open_eligibility_status", 19, 1, K::Alpha},
      {"minimum_allowable_price", 20, 4, K::Price4}, {"maximum_allowable_price", 24, 4, K::Price4},
      {"near_execution_price", 28, 4, K::Price4}, {"near_execution_time", 32, 8, K::Integer},
      {"lower_price_range_collar", 40, 4, K::Price4}, {"upper_price_range_collar", 44, 4, K::Price4}}},
};

#undef TK_ITCH_EXECUTED
#undef TK_ITCH_ADD_ORDER
#undef TK_ITCH_HEADER

// Direct lookup by type byte: the decoder's first step costs one load.
struct Index {
    const Layout* by_type[128] = {};
    constexpr Index() {
        for (const Layout& l : kLayouts) by_type[u8(l.type)] = &l;
    }
};
constexpr Index kIndex;

}  // namespace

const Layout* layout_of(char type) { return u8(type) < 128 ? kIndex.by_type[u8(type)] : nullptr; }

const Layout* all_layouts(u32* count) {
    *count = u32(sizeof kLayouts / sizeof kLayouts[0]);
    return kLayouts;
}

DecodeStatus check(const u8* message, usize length) {
    if (length == 0) return DecodeStatus::BadLength;
    const Layout* l = layout_of(char(message[0]));
    if (!l) return DecodeStatus::UnknownType;
    return length == l->length ? DecodeStatus::Ok : DecodeStatus::BadLength;
}

u64 field_u64(const u8* message, const Field& field) {
    u64 v = 0;
    for (u8 i = 0; i < field.width; ++i) v = v << 8 | message[field.offset + i];
    return v;
}

usize format_message(const u8* message, usize length, char* out, usize capacity) {
    if (check(message, length) != DecodeStatus::Ok || capacity == 0) return 0;
    const Layout* l = layout_of(char(message[0]));
    usize n = format(out, capacity, "%c", l->type);
    for (u8 f = 0; f < l->field_count && n + 1 < capacity; ++f) {
        const Field& field = l->fields[f];
        if (field.kind == FieldKind::Alpha) {
            // Trailing padding dropped; inner spaces (and any byte outside
            // printable ASCII) shown as '_' so the record stays one word.
            usize end = field.width;
            while (end > 0 && message[field.offset + end - 1] == ' ') --end;
            char text[16];
            for (usize i = 0; i < end; ++i) {
                u8 c = message[field.offset + i];
                text[i] = c > ' ' && c < 127 ? char(c) : '_';
            }
            text[end] = '\0';
            n += format(out + n, capacity - n, " %s=%s", field.name, text);
        } else {
            n += format(out + n, capacity - n, " %s=%lu", field.name,
                        (unsigned long)field_u64(message, field));
        }
    }
    return n;
}

}  // namespace tk::itch
