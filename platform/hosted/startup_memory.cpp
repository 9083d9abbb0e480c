#include "platform/hosted/startup_memory.h"

#include <sys/mman.h>

namespace tk::hosted {

// Every page is faulted in here, at start-up (the huge-page hint first, so
// the faults can take 2 MiB pages), never later on the hot path.
void* map_startup_memory(u64 bytes) {
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return nullptr;
    madvise(memory, bytes, MADV_HUGEPAGE);  // a hint: transparent huge pages may be off
    auto* page = static_cast<volatile u8*>(memory);
    for (u64 at = 0; at < bytes; at += 4096) page[at] = 0;
    return memory;
}

void unmap_startup_memory(void* memory, u64 bytes) {
    if (memory) munmap(memory, bytes);
}

}  // namespace tk::hosted
