// C ABI over the journal (kernel/journal/) for Python tests (test_journal.py):
// a ring and its writer over a block device in memory that can fail writes
// and flushes and can "crash" -- stop taking sectors part way through a
// write -- so what a crash leaves can be read back.

#include <cstring>
#include <new>
#include <vector>

#include "kernel/journal/writer.h"
#include "kernel/trade/engine.h"
#include "platform/hosted/capi/tk_capi.h"

using namespace tk;

namespace {

struct HostedJournal {
    journal::Ring ring;
    journal::Writer writer;
    u8* disk = nullptr;
    u64 sectors = 0;
    // Faults: writes fail while fail_writes > 0 (each failure uses one up);
    // likewise flushes; after crash_after_sectors more sectors the device
    // takes nothing (a crash part way through a write), -1: never.
    u32 fail_writes = 0, fail_flushes = 0;
    i64 crash_after_sectors = -1;
    // Sectors written since the last flush, with what they held before: a
    // failed flush drops them (a disk's cache, or the host's page cache
    // after a write-back error, may), so only a flush that succeeds makes
    // writes stable.
    std::vector<std::pair<u64, std::vector<u8>>> unflushed;
};

bool write(void* c, u64 sector, const u8* data, u32 count) {
    auto* j = static_cast<HostedJournal*>(c);
    if (j->fail_writes) {
        --j->fail_writes;
        return false;
    }
    for (u32 i = 0; i < count; ++i) {
        if (j->crash_after_sectors == 0) return false;
        if (j->crash_after_sectors > 0) --j->crash_after_sectors;
        u8* at = j->disk + (sector + i) * journal::kSector;
        j->unflushed.emplace_back(sector + i, std::vector<u8>(at, at + journal::kSector));
        std::memcpy(at, data + usize(i) * journal::kSector, journal::kSector);
    }
    return true;
}

bool flush(void* c) {
    auto* j = static_cast<HostedJournal*>(c);
    if (j->crash_after_sectors == 0) return false;
    if (j->fail_flushes) {
        --j->fail_flushes;
        for (auto it = j->unflushed.rbegin(); it != j->unflushed.rend(); ++it)
            std::memcpy(j->disk + it->first * journal::kSector, it->second.data(), journal::kSector);
        j->unflushed.clear();
        return false;
    }
    j->unflushed.clear();
    return true;
}

}  // namespace

extern "C" {

void* tk_journal_create(u64 sectors, u32 epoch) {
    auto* j = new (std::nothrow) HostedJournal;
    if (!j) return nullptr;
    j->disk = new (std::nothrow) u8[sectors * journal::kSector]();
    j->sectors = sectors;
    j->ring.init();
    if (!j->disk || !j->writer.start(&j->ring, {j, write, flush, sectors}, epoch, 1'000'000'000)) {
        delete[] j->disk;
        delete j;
        return nullptr;
    }
    return j;
}

void tk_journal_destroy(void* j) {
    delete[] static_cast<HostedJournal*>(j)->disk;
    delete static_cast<HostedJournal*>(j);
}

int tk_journal_append(void* j, u8 type, u64 tsc, const u8* payload, size_t length) {
    return static_cast<HostedJournal*>(j)->ring.append(journal::RecordType(type), tsc, payload, length);
}

u32 tk_journal_drain(void* j) { return static_cast<HostedJournal*>(j)->writer.drain(); }
u64 tk_journal_durable(void* j) { return static_cast<HostedJournal*>(j)->writer.durable(); }

void tk_journal_faults(void* c, u32 fail_writes, u32 fail_flushes, i64 crash_after_sectors) {
    auto* j = static_cast<HostedJournal*>(c);
    j->fail_writes = fail_writes;
    j->fail_flushes = fail_flushes;
    j->crash_after_sectors = crash_after_sectors;
}

// The device's bytes, up to `capacity`.
size_t tk_journal_image(void* c, u8* out, size_t capacity) {
    auto* j = static_cast<HostedJournal*>(c);
    usize n = j->sectors * journal::kSector < capacity ? j->sectors * journal::kSector : capacity;
    std::memcpy(out, j->disk, n);
    return n;
}

const char* tk_journal_counter_names(void) { return journal::counter_names(); }
void tk_journal_counters(void* j, u64* out) {
    journal::WriterCounters c = static_cast<HostedJournal*>(j)->writer.counters();
    std::memcpy(out, &c, sizeof c);
}

u32 tk_journal_crc32c(const u8* data, size_t length) { return journal::crc32c(data, length); }

}  // extern "C"

namespace tk::hosted {
trade::Engine& pipeline_engine(void* pipeline);
}

extern "C" void tk_pipeline_attach_journal(void* pipeline, void* j) {
    hosted::pipeline_engine(pipeline).entry.journal = &static_cast<HostedJournal*>(j)->ring;
}
