#include "CMemory.h"
#include <malloc.h>

void flowlens_keep_large_blocks_in_heap(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
