#ifndef FLOWLENS_CMEMORY_H
#define FLOWLENS_CMEMORY_H
/* glibc allocator tuning, which Swift's Glibc module does not expose (malloc.h). */
void flowlens_keep_large_blocks_in_heap(int mmap_threshold, int trim_threshold);
#endif
