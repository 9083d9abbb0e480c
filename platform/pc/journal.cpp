#include "platform/pc/journal.h"

#include "arch/x86_64/cpu.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "kernel/journal/writer.h"
#include "kernel/log/log.h"
#include "kernel/sched/scheduler.h"
#include "tk/panic.h"
#include "platform/pc/memory.h"
#include "tk/tsc.h"

namespace tk::pc {
namespace {

constexpr u16 kVirtioVendor = 0x1AF4;
constexpr u16 kVirtioBlkModern = 0x1042;  // virtio 1.x, 4.1.2.1: 0x1040 + 2

drivers::VirtioBlk g_disk;
journal::Ring g_ring;
journal::Writer g_writer;
bool g_journal = false;
// How long the writer sleeps with nothing to write: how late a record may
// start to be written, beside the write and the flush themselves.
constexpr Nanos kIdleSleep{50'000};
// Set by journal_finish() on the trading CPU, cleared by the writer's.
bool g_finishing = false;

bool disk_write(void*, u64 sector, const u8* data, u32 count) { return g_disk.write(sector, data, count); }
bool disk_flush(void*) { return g_disk.flush(); }

}  // namespace

bool journal_init(const CommandLine& cmdline, u64 tsc_hz) {
    if (cmdline.value("journal").equals("off")) return false;
    drivers::PciDevice disk{};
    bool found = false;
    drivers::pci_for_each([&](const drivers::PciDevice& d) {
        if (!found && d.vendor_id == kVirtioVendor && d.device_id == kVirtioBlkModern) disk = d, found = true;
    });
    if (!found) {
        log::record("journal", "state=none reason=no-disk");
        return false;
    }
    void* dma = alloc_pool_slab(0, drivers::VirtioBlk::kDmaBytes);
    if (!dma || !g_disk.init(disk, static_cast<u8*>(dma), virtual_to_physical(dma))) {
        log::record("journal", "state=none reason=disk-unusable");
        return false;
    }
    if (!g_disk.can_flush() || g_disk.read_only()) {
        // Without FLUSH nothing can be reported durable.
        log::record("journal", "state=none reason=%s", g_disk.read_only() ? "read-only" : "no-flush");
        return false;
    }
    // The epoch tells this boot's records from an earlier boot's left on the
    // disk beyond this one's end: random where the CPU can, the TSC otherwise.
    u64 random = 0;
    u32 epoch = arch::has_rdrand() && arch::rdrand64(random) ? u32(random ^ random >> 32) : u32(rdtsc());
    if (epoch == 0) epoch = 1;
    g_ring.init();
    journal::BlockDevice device{nullptr, disk_write, disk_flush, g_disk.sectors()};
    if (!g_writer.start(&g_ring, device, epoch, tsc_hz)) {
        log::record("journal", "state=none reason=superblock-not-written");
        return false;
    }
    g_journal = true;
    log::record("journal", "state=on epoch=%#x sectors=%lu", epoch, (unsigned long)g_disk.sectors());
    return true;
}

journal::Ring* journal_ring() { return g_journal ? &g_ring : nullptr; }

namespace {

// Each flush that made records durable is reported: a record at or below
// `sequence=` survives any crash from here on (the crash tests check it).
// With the ring empty the task sleeps, and the CPU halts until its timer:
// under -icount a spinning CPU's instructions would count in the trading
// CPU's in-guest spans (the guest clock counts every vCPU's).
void writer_task(void*) {
    u64 reported = 0;
    for (;;) {
        bool finishing = __atomic_load_n(&g_finishing, __ATOMIC_ACQUIRE);
        g_writer.drain();
        u64 durable = g_writer.durable();
        if (durable != reported) {
            reported = durable;
            log::record("journal-durable", "sequence=%lu", (unsigned long)durable);
        }
        // Done when the ring is empty and what was taken from it is durable
        // (or dropped for a full disk): journal_finish() waits for this.
        bool settled = !g_ring.peek() && (g_writer.durable() == g_writer.made() || g_writer.full());
        if (finishing && settled) __atomic_store_n(&g_finishing, false, __ATOMIC_RELEASE);
        // Nothing to write, or a failed write or flush to try again: not in a tight loop.
        if (settled || g_writer.durable() != g_writer.made()) sched::sleep_for(kIdleSleep);
    }
}

}  // namespace

[[noreturn]] void journal_run() {
    if (sched::create_task(sched::Priority::Normal, writer_task, nullptr, 16384, 0, "journal") == sched::kNoTask)
        panic("journal: no task slot for the writer");
    sched::run_forever();
}

void journal_finish() {
    if (!g_journal) return;
    g_ring.append(journal::RecordType::End, rdtsc(), nullptr, 0);
    __atomic_store_n(&g_finishing, true, __ATOMIC_RELEASE);
    // The writer clears the flag once the ring is empty and all it took is
    // durable: the End record with it. A disk that keeps failing is waited
    // for only so long (its failures are counted).
    for (u64 spins = 0; __atomic_load_n(&g_finishing, __ATOMIC_ACQUIRE) && spins < 4'000'000'000ull; ++spins)
        __builtin_ia32_pause();
}

void log_journal_counters() {
    if (!g_journal) return;
    log::counters("journal-counters", journal::counter_names(), reinterpret_cast<const u64*>(&g_writer.counters()),
                  sizeof(journal::WriterCounters) / sizeof(u64));
    log::counters("disk-counters", drivers::kVirtioBlkCounterNames, reinterpret_cast<const u64*>(&g_disk.stats()),
                  sizeof(drivers::VirtioBlkStats) / sizeof(u64));
    log::record("journal-summary", "durable=%lu epoch=%#x next-sector=%lu", (unsigned long)g_writer.durable(),
                g_writer.epoch(), (unsigned long)g_writer.next_sector());
}

}  // namespace tk::pc
