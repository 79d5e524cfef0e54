import CMemory

/// Process-wide allocator settings for the decode pipeline.
public enum MemoryTuning {
    /// Every chunk's records (a few MB) are allocated, filled and freed. Above glibc's default
    /// mmap threshold each such block comes from a fresh mapping that the kernel must fault in
    /// and zero, page by page, and is unmapped again when freed: measured here, that alone cost
    /// 40% of decoding time. Serving them from the heap lets freed blocks be reused.
    public static func keepLargeBlocksInHeap() {
        flowlens_keep_large_blocks_in_heap(256 << 20, 512 << 20)
    }
}
