extension UnsafeMutableBufferPointer {
    /// A buffer of its own holding `array`'s elements, for tables that the matching reads
    /// without reference counting; the owner deallocates it. An empty array gives an empty
    /// buffer that still has an address to deallocate.
    static func copying(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(array.count, 1))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
    }
}
