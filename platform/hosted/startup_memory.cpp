#include "platform/hosted/startup_memory.h"

#include <sys/mman.h>

namespace tk::hosted {

void* map_startup_memory(u64 bytes) {
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) return nullptr;
    madvise(memory, bytes, MADV_HUGEPAGE);  // a hint: transparent huge pages may be off
    return memory;
}

void unmap_startup_memory(void* memory, u64 bytes) {
    if (memory) munmap(memory, bytes);
}

}  // namespace tk::hosted
