/* The hosted core's C ABI (build/hosted/libtkcore.so), for the Python tools
 * and tests. One source: every source in capi/ includes this header, so the
 * compiler checks each definition against it, and tradekernel/hosted_lib.py
 * reads it (pycparser) to give ctypes every function's argument and result
 * types. Plain C: fixed-width types, no macros in the declarations. */
#ifndef TK_CAPI_H
#define TK_CAPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Order books (book_capi.cpp, tests/python/book_checks.py, hosted_books.py) */
void tk_book_market_day_capacity(uint32_t* out);
void* tk_book_create(uint32_t orders, uint32_t levels, uint32_t locates);
void tk_book_destroy(void* books);
int tk_book_apply(void* books, const uint8_t* message, size_t length);
uint32_t tk_book_depth(void* books, uint16_t locate, uint32_t side, uint64_t* out, uint32_t max);
void tk_book_state(void* books, uint16_t locate, uint32_t* out);
void tk_book_figures(void* books, uint32_t* out);
uint32_t tk_book_last_change(void* books, uint64_t* levels, uint32_t* status);
uint64_t tk_book_checksum(void* books);
uint32_t tk_book_counters(void* books, uint64_t* out);

/* ITCH 5.0 (itch_capi.cpp) */
int tk_itch_check(const uint8_t* message, size_t length);
size_t tk_itch_format(const uint8_t* message, size_t length, char* out, size_t capacity);

/* MoldUDP64 receiver (mold_capi.cpp) */
void* tk_mold_create(uint64_t first_sequence);
void tk_mold_destroy(void* receiver);
void tk_mold_receive(void* receiver, const uint8_t* packet, size_t length);
uint32_t tk_mold_delivered(void* receiver);
uint32_t tk_mold_message(void* receiver, uint32_t index, uint64_t* sequence, uint8_t* out, uint32_t capacity);
int tk_mold_take_request(void* receiver, uint64_t* sequence, uint16_t* count);
uint64_t tk_mold_next(void* receiver);
int tk_mold_ended(void* receiver);
const char* tk_mold_counter_names(void);
void tk_mold_expect_session(void* receiver, const char* session);
int tk_mold_session_locked(void* receiver);
void tk_mold_counters(void* receiver, uint64_t* out);

/* Network stack (net_capi.cpp, hosted_net.py) */
void* tk_net_create(const uint8_t* mac, uint32_t ip, uint32_t netmask, uint32_t gateway, uint32_t igmp_version);
void tk_net_destroy(void* net);
void tk_net_receive(void* net, const uint8_t* frame, size_t length);
int tk_net_bind_recorder(void* net, uint16_t port);
uint32_t tk_net_received(void* net, uint32_t index, uint8_t* out, size_t capacity, uint32_t* group);
uint32_t tk_net_received_count(void* net);
uint32_t tk_net_sent_count(void* net);
size_t tk_net_sent_frame(void* net, uint32_t index, uint8_t* out, size_t capacity);
void tk_net_clear(void* net);
int tk_net_send_udp(void* net, uint32_t dst, uint16_t dst_port, uint16_t src_port, const uint8_t* payload,
                    size_t length);
int tk_net_send_flow(void* net, uint32_t dst, uint16_t dst_port, uint16_t src_port, const uint8_t* payload,
                     size_t length);
int tk_net_join(void* net, uint32_t group);
int tk_net_leave(void* net, uint32_t group);
int tk_net_add_neighbor(void* net, uint32_t ip, const uint8_t* mac);
int tk_net_pin_neighbor(void* net, uint32_t ip);
int tk_net_arp_lookup(void* net, uint32_t ip, uint8_t* mac);
const char* tk_net_counter_names(void);
const char* tk_net_rx_outcome_names(void);
void tk_net_counters(void* net, uint64_t* out);
long tk_net_serve_socket(const uint8_t* mac, uint32_t ip, uint16_t local_port, uint16_t remote_port,
                         const char* controller, const char* secret, uint64_t nonce);

/* The control port and its MAC (control_capi.cpp, tests/python/test_control_auth.py) */
void tk_hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t length, uint8_t* mac);
void* tk_control_create(const char* sources, const char* secret, uint64_t nonce);
void tk_control_destroy(void* control);
int tk_control_check(void* control, uint32_t source, const uint8_t* payload, size_t length);
const char* tk_control_counter_names(void);
void tk_control_counters(void* control, uint64_t* out);

/* OUCH 4.2 and the risk gate (ouch_capi.cpp) */
size_t tk_ouch_enter(const char* token, char side, uint32_t shares, const char* stock, uint32_t price,
                     uint32_t time_in_force, const char* firm, uint8_t* out);
size_t tk_ouch_cancel(const char* token, uint32_t shares, uint8_t* out);
void tk_risk_init(uint32_t max_shares, int64_t max_position, uint32_t collar_bps, uint64_t max_order_notional,
                  uint64_t max_session_notional, uint32_t max_orders_per_second, uint32_t max_open_orders,
                  uint64_t ticks_per_second);
void tk_risk_kill(void);
int tk_order_token(uint64_t sequence, uint32_t index, char* out);
int tk_risk_check(char side, uint32_t shares, uint32_t price, int64_t position, uint32_t reference, uint64_t now);
void tk_risk_order_done(void);
const char* tk_risk_counter_names(void);
void tk_risk_counters(uint64_t* out);

/* The trading pipeline (pipeline_capi.cpp) */
void* tk_pipeline_create(uint32_t max_spread, uint32_t shares, uint32_t max_order, int64_t max_position,
                         uint32_t collar_bps, uint32_t orders, uint32_t levels);
void tk_pipeline_destroy(void* pipeline);
int tk_pipeline_receive_frame(void* pipeline, const uint8_t* frame, size_t length, int fast);
void tk_pipeline_net_counters(void* pipeline, uint64_t* out);
void tk_pipeline_feed_counters(void* pipeline, uint64_t* out);
void tk_pipeline_feed(void* pipeline, const uint8_t* datagram, size_t length);
void tk_pipeline_feed_from(void* pipeline, uint32_t source, const uint8_t* datagram, size_t length);
uint64_t tk_pipeline_send_order(void* pipeline, uint16_t locate, char side, uint32_t shares, uint32_t price,
                                uint32_t time_in_force);
int tk_pipeline_cancel_order(void* pipeline, uint64_t order);
void tk_pipeline_answers_from(void* pipeline, uint32_t source, const uint8_t* datagram, size_t length);
int tk_pipeline_order(void* pipeline, uint64_t order, int64_t* out);
uint32_t tk_pipeline_open_orders(void* pipeline, int64_t* out, uint32_t max);
void tk_pipeline_position(void* pipeline, uint16_t locate, int64_t* out);
uint64_t tk_pipeline_open_notional(void* pipeline);
uint64_t tk_pipeline_answers_next(void* pipeline);
void tk_pipeline_resend(void* pipeline, uint64_t after_ticks, uint64_t ahead_ticks);
void tk_pipeline_clear_frames(void* pipeline);
uint32_t tk_pipeline_sent(void* pipeline);
size_t tk_pipeline_frame(void* pipeline, uint32_t index, uint8_t* out, size_t capacity);
const char* tk_pipeline_counter_names(void);
uint32_t tk_pipeline_counter_count(void);
void tk_pipeline_counters(void* pipeline, uint64_t* out);
void tk_pipeline_record_events(void* pipeline);
uint32_t tk_pipeline_event_count(void* pipeline);
uint32_t tk_pipeline_events(void* pipeline, uint64_t* out, uint32_t max);
void tk_pipeline_symbol(void* pipeline, uint16_t locate, int64_t* out);
void tk_pipeline_log_records(void* pipeline);
uint64_t tk_pipeline_checksum(void* pipeline);

/* The journal (journal_capi.cpp) */
void* tk_journal_create(uint64_t sectors, uint32_t epoch);
void tk_journal_destroy(void* journal);
int tk_journal_append(void* journal, uint8_t type, uint64_t tsc, const uint8_t* payload, size_t length);
uint32_t tk_journal_drain(void* journal);
uint64_t tk_journal_durable(void* journal);
void tk_journal_faults(void* journal, uint32_t fail_writes, uint32_t fail_flushes, int64_t crash_after_sectors);
size_t tk_journal_image(void* journal, uint8_t* out, size_t capacity);
const char* tk_journal_counter_names(void);
void tk_journal_counters(void* journal, uint64_t* out);
uint32_t tk_journal_crc32c(const uint8_t* data, size_t length);
void tk_pipeline_attach_journal(void* pipeline, void* journal);

/* Pools and the trading guard (pool_capi.cpp, hosted_pool.py) */
struct TkPoolStats {
    uint64_t capacity, in_use, high_water, failures, remote_refills, cached;
    uint32_t object_size, stride;
};
struct TkStressResult {
    uint64_t allocated, freed, duplicates, corrupted, exhausted_spins, stalled;
};
void* tk_pool_create(uint32_t object_size, uint32_t capacity_per_node, uint32_t cores, uint32_t nodes);
void tk_pool_destroy(void* pool);
void* tk_pool_alloc(void* pool, uint32_t core);
void tk_pool_free(void* pool, uint32_t core, void* object);
uint32_t tk_pool_node_of(void* pool, void* object);
void tk_pool_stats(void* pool, struct TkPoolStats* out);
void tk_pool_stress(void* pool, uint32_t pairs, uint64_t objects_per_producer, struct TkStressResult* out);
void tk_mem_start_trading(void);
void tk_mem_reset_trading(void);
uint32_t tk_mem_allocation_violations(void);

/* Scheduler (sched_capi.cpp) */
uint32_t tk_sched_run_order(const uint8_t* priorities, uint32_t count, uint32_t* out_order);
uint64_t tk_sched_cross_core_pingpong(uint64_t rounds, uint64_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
