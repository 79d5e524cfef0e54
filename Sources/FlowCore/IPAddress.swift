/// An IPv4 or IPv6 address as two 64-bit halves, with IPv4 held in its IPv4-mapped form.
///
/// One fixed-size value for both families keeps records flat and lets CIDR tests, hashing and
/// sorting work without branching on the family. `::ffff:a.b.c.d` therefore reads back as IPv4,
/// which is also how every mainstream tool prints it.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    @inlinable public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32-bit value (`0x0A000001` is 10.0.0.1).
    @inlinable public init(ipv4 value: UInt32) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(value)
    }

    public static let zero = IPAddress(high: 0, low: 0)

    @inlinable public var isIPv4: Bool { high == 0 && (low >> 32) == 0xFFFF }

    /// The 32-bit value of an IPv4 address (meaningless for IPv6).
    @inlinable public var ipv4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    /// Parses the text form of an address.
    public init?(_ text: some StringProtocol) {
        var utf8 = Array(String(text).utf8)
        let parsed = utf8.withUnsafeMutableBufferPointer { IPAddress.parse(UnsafeBufferPointer($0)) }
        guard let parsed else { return nil }
        self = parsed
    }

    public var description: String {
        if isIPv4 {
            let v = ipv4Value
            return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
        }
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
            groups[i + 4] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
        }
        // RFC 5952: compress the longest run (length >= 2) of zero groups, the first if tied.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

extension IPAddress {
    /// Parses an address from bytes without allocating: dotted IPv4, or IPv6 in any RFC 4291 text
    /// form (full, `::`-compressed, upper or lower case, with a trailing dotted IPv4).
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if let v4 = parseIPv4(bytes) { return IPAddress(ipv4: v4) }
        return parseIPv6(bytes)
    }

    @inlinable
    public static func parseIPv4(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let count = bytes.count
        if count < 7 || count > 15 { return nil }
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for i in 0..<count {
            let c = bytes[i]
            if c &- 48 < 10 {
                octet = octet &* 10 &+ UInt32(c &- 48)
                digits &+= 1
                if digits > 3 || octet > 255 { return nil }
            } else if c == UInt8(ascii: ".") {
                if digits == 0 || dots == 3 { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots &+= 1
            } else {
                return nil
            }
        }
        if dots != 3 || digits == 0 { return nil }
        return value << 8 | octet
    }

    @usableFromInline
    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        let count = bytes.count
        if count < 2 || count > 45 { return nil }
        var groups = (UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
        return withUnsafeMutableBytes(of: &groups) { raw -> IPAddress? in
            let g = raw.bindMemory(to: UInt16.self)
            var groupCount = 0
            var gap = -1
            var i = 0
            if bytes[0] == UInt8(ascii: ":") {
                guard bytes[1] == UInt8(ascii: ":") else { return nil }
                gap = 0
                i = 2
                if i == count { return IPAddress(high: 0, low: 0) }
            }
            while i < count {
                if groupCount == 8 { return nil }
                // Try a trailing dotted IPv4 when a '.' follows before the next ':'.
                var j = i
                var sawDot = false
                while j < count && bytes[j] != UInt8(ascii: ":") {
                    if bytes[j] == UInt8(ascii: ".") { sawDot = true }
                    j += 1
                }
                if sawDot {
                    guard j == count, groupCount <= 6,
                        let v4 = parseIPv4(UnsafeBufferPointer(rebasing: bytes[i..<count]))
                    else { return nil }
                    g[groupCount] = UInt16(v4 >> 16)
                    g[groupCount + 1] = UInt16(v4 & 0xFFFF)
                    groupCount += 2
                    i = count
                    break
                }
                let length = j - i
                if length == 0 || length > 4 { return nil }
                var value: UInt16 = 0
                for k in i..<j {
                    let c = bytes[k]
                    let nibble: UInt8
                    if c &- 48 < 10 {
                        nibble = c &- 48
                    } else if c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f") {
                        nibble = (c | 0x20) &- 87
                    } else {
                        return nil
                    }
                    value = value << 4 | UInt16(nibble)
                }
                g[groupCount] = value
                groupCount += 1
                i = j
                if i < count {
                    // at ':'
                    i += 1
                    if i < count && bytes[i] == UInt8(ascii: ":") {
                        if gap >= 0 { return nil }
                        gap = groupCount
                        i += 1
                    } else if i == count {
                        return nil
                    }
                }
            }
            if gap >= 0 {
                if groupCount == 8 { return nil }
                let tail = groupCount - gap
                let shift = 8 - groupCount
                var k = tail - 1
                while k >= 0 {
                    g[gap + k + shift] = g[gap + k]
                    g[gap + k] = 0
                    k -= 1
                }
            } else if groupCount != 8 {
                return nil
            }
            var high: UInt64 = 0
            var low: UInt64 = 0
            for k in 0..<4 { high = high << 16 | UInt64(g[k]) }
            for k in 4..<8 { low = low << 16 | UInt64(g[k]) }
            return IPAddress(high: high, low: low)
        }
    }
}

extension IPAddress {
    /// RFC 1918, RFC 6598 (carrier-grade NAT), loopback, link-local and IPv6 unique-local or
    /// link-local space: addresses that cannot be "the internet".
    public var isPrivate: Bool {
        if isIPv4 {
            let v = ipv4Value
            return v >> 24 == 10 || v >> 20 == 0xAC1 || v >> 16 == 0xC0A8 || v >> 22 == (100 << 2 | 1)
                || v >> 24 == 127 || v >> 16 == 0xA9FE
        }
        let top = high >> 48
        return top & 0xFE00 == 0xFC00 || top & 0xFFC0 == 0xFE80 || (high == 0 && low == 1)
    }
}
