import Glibc

/// Process-wide allocator settings for the decode pipeline.
public enum MemoryTuning {
    /// Every chunk's records (a few MB) are allocated, filled and freed. Above glibc's default
    /// mmap threshold each such block comes from a fresh mapping that the kernel must fault in
    /// and zero, page by page, and is unmapped again when freed: measured here, that alone cost
    /// 40% of decoding time. Serving them from the heap lets freed blocks be reused.
    public static func keepLargeBlocksInHeap() {
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 512 << 20)
    }
}
