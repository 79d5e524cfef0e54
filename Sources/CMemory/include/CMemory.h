#ifndef FLOWLENS_CMEMORY_H
#define FLOWLENS_CMEMORY_H
/* glibc allocator tuning, which Swift's Glibc module does not expose (malloc.h). */
void flowlens_keep_large_blocks_in_heap(int mmap_threshold, int trim_threshold);

/* A hint to start loading the cache line at `address`, for writing soon. Swift has no prefetch:
 * an ordinary load that misses holds the processor's reorder buffer until it completes, so loads
 * issued ahead stall the work between them, where a prefetch does not. Static inline, so that
 * Swift inlines it into the caller's loop as one instruction. */
static inline void flowlens_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/* The same hint for a line that will only be read. */
static inline void flowlens_prefetch_for_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
