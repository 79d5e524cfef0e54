/// An inclusive range of numeric keys: ports, protocols, or times mapped onto ordered keys.
public struct NumberRange: Sendable, Hashable {
    public var low: UInt64
    public var high: UInt64

    @inlinable public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }
}

/// An inclusive range of addresses: a CIDR block, or several merged.
public struct AddressInterval: Sendable, Hashable {
    public var low: IPAddress
    public var high: IPAddress

    @inlinable public init(low: IPAddress, high: IPAddress) {
        self.low = low
        self.high = high
    }

    /// The block's first and last address.
    public init(_ cidr: CIDR) {
        let hostHigh: UInt64 = cidr.bits >= 64 ? 0 : ~0 >> UInt64(cidr.bits)
        let hostLow: UInt64 = cidr.bits <= 64 ? ~0 : (cidr.bits >= 128 ? 0 : ~0 >> UInt64(cidr.bits - 64))
        self.init(low: cidr.network, high: IPAddress(high: cidr.network.high | hostHigh, low: cidr.network.low | hostLow))
    }
}

/// Sets of values as sorted, disjoint interval lists, the form that `in` lists, port ranges and
/// address sets compile to in both the filter language and the detection engine's conditions.
public enum IntervalSet {
    /// Sorts and merges overlapping or touching ranges into a disjoint, ascending list.
    public static func merged(_ input: [NumberRange]) -> [NumberRange] {
        var merged: [NumberRange] = []
        for range in input.sorted(by: { $0.low < $1.low }) {
            if let last = merged.last, last.high == .max || range.low <= last.high + 1 {
                merged[merged.count - 1].high = max(last.high, range.high)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Sorts and merges overlapping or touching intervals into a disjoint, ascending list.
    public static func merged(_ input: [AddressInterval]) -> [AddressInterval] {
        var merged: [AddressInterval] = []
        for interval in input.sorted(by: { less($0.low, $1.low) }) {
            if let last = merged.last, !less(successor(last.high) ?? last.high, interval.low) {
                if less(last.high, interval.high) { merged[merged.count - 1].high = interval.high }
            } else {
                merged.append(interval)
            }
        }
        return merged
    }

    /// The next address, or `nil` after the last one.
    static func successor(_ address: IPAddress) -> IPAddress? {
        if address.low != .max { return IPAddress(high: address.high, low: address.low + 1) }
        if address.high != .max { return IPAddress(high: address.high + 1, low: 0) }
        return nil
    }

    /// `IPAddress.<` is not inlinable; this is, on the stored halves.
    @inlinable @inline(__always)
    public static func less(_ a: IPAddress, _ b: IPAddress) -> Bool {
        a.high < b.high || (a.high == b.high && a.low < b.low)
    }

    // The searches branch on each step on purpose: with a large set (an intel feed) the tables
    // outgrow the cache, and speculating past a branch overlaps the loads, where a branch-free
    // search measured twice as slow.

    /// Whether `value` is in one of `ranges[start..<start + count]` (sorted, disjoint).
    @inlinable @inline(__always)
    public static func contains(
        _ value: UInt64, in ranges: UnsafeMutableBufferPointer<NumberRange>, start: Int, count: Int
    ) -> Bool {
        if count <= 8 {  // a linear scan beats a binary search for a few
            for i in start..<start + count where value <= ranges[i].high { return ranges[i].low <= value }
            return false
        }
        // The last range starting at or below the value is the only one that can hold it.
        var low = start
        var high = start + count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].low <= value { low = middle + 1 } else { high = middle }
        }
        return low > start && value <= ranges[low - 1].high
    }

    /// Whether `address` is in one of `intervals[start..<start + count]` (sorted, disjoint).
    @inlinable @inline(__always)
    public static func contains(
        _ address: IPAddress, in intervals: UnsafeMutableBufferPointer<AddressInterval>, start: Int, count: Int
    ) -> Bool {
        if count <= 8 {
            // The first interval that does not end below the address decides.
            for i in start..<start + count where !less(intervals[i].high, address) {
                return !less(address, intervals[i].low)
            }
            return false
        }
        var low = start
        var high = start + count
        while low < high {
            let middle = (low + high) / 2
            if !less(address, intervals[middle].low) { low = middle + 1 } else { high = middle }
        }
        return low > start && !less(intervals[low - 1].high, address)
    }
}
