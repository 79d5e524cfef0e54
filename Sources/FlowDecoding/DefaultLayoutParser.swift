import FlowCore

/// Parses lines of AWS's default v2 layout, as AWS writes them (one space between fields, IPv4
/// or IPv6 addresses, no `-`), straight into records: the hot loop of a typical scan.
///
/// Every token is read with word-wide loads and numbers are converted eight digits at a time
/// (``SWARParsing``), IPv4 addresses with vector shuffles on x86-64 (``ShuffleIPv4``); ids go
/// through the decoder's ``TokenSymbolCache``. Each field is stored as soon as it is parsed, which
/// keeps few values live across the two lines of ``pair(_:_:into:_:interner:)``. Anything outside that
/// narrow shape returns nil, and the decoder's general path takes the line, decides what it is
/// and reports problems; so both paths always produce the same records.
///
/// The caller guarantees ``slack`` readable bytes past the start of any line it passes in.
struct DefaultLayoutParser {
    /// Longest line taken (longer ones go to the general path).
    static let lineLimit = 448
    /// Bytes that must be readable past a line start: the longest line plus the word loads' reach.
    static let slack = lineLimit + 16

    let symbols: TokenSymbolCache
    private let ipv4 = FastIPv4()
    private let mask: UInt64 = FlowField.v2Default.reduce(0) { $0 | $1.bit }
    /// Byte offsets of the account and interface ids in a record.
    private let accountOffset = Self.textOffset(.accountID)
    private let interfaceOffset = Self.textOffset(.interfaceID)
    private let acceptWord = Self.word("ACCEPT ")
    private let rejectWord = Self.word("REJECT ")

    init(symbols: TokenSymbolCache) {
        self.symbols = symbols
    }

    /// One line at `p` into `record`, whose fields other than the run's are blank. Returns the
    /// line's length with its newline, or nil (`record` may then hold some of the line's fields;
    /// the general path starts from a blank record).
    @inline(__always)
    func line(
        _ p: UnsafePointer<UInt8>, into record: UnsafeMutablePointer<FlowRecord>, interner: inout LocalInterner
    ) -> Int? {
        var i = 0
        guard Self.version(p, &i, into: &record.pointee.version),
            text(column: 1, p, &i, into: record, at: accountOffset, &interner),
            text(column: 2, p, &i, into: record, at: interfaceOffset, &interner),
            address(p, &i, into: &record.pointee.srcaddr), address(p, &i, into: &record.pointee.dstaddr),
            Self.port(p, &i, into: &record.pointee.srcport), Self.port(p, &i, into: &record.pointee.dstport),
            Self.byte(p, &i, into: &record.pointee.proto), Self.count(p, &i, into: &record.pointee.packets),
            Self.count(p, &i, into: &record.pointee.bytes), Self.time(p, &i, into: &record.pointee.start),
            Self.time(p, &i, into: &record.pointee.end)
        else { return nil }
        return finish(p, i, into: record)
    }

    /// Two lines, at `p` and `q`, parsed field by field in turn. Each line's tokens form a chain
    /// (a token's end is the next one's start) that keeps the core waiting; two independent
    /// chains side by side fill those waits. Returns the lines' lengths with their newlines, or
    /// nil for the caller to take the lines one by one.
    @inline(__always)
    func pair(
        _ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, into a: UnsafeMutablePointer<FlowRecord>,
        _ b: UnsafeMutablePointer<FlowRecord>, interner: inout LocalInterner
    ) -> (Int, Int)? {
        var i = 0
        var j = 0
        guard Self.version(p, &i, into: &a.pointee.version), Self.version(q, &j, into: &b.pointee.version),
            text(column: 1, p, &i, into: a, at: accountOffset, &interner),
            text(column: 1, q, &j, into: b, at: accountOffset, &interner),
            text(column: 2, p, &i, into: a, at: interfaceOffset, &interner),
            text(column: 2, q, &j, into: b, at: interfaceOffset, &interner),
            address(p, &i, into: &a.pointee.srcaddr), address(q, &j, into: &b.pointee.srcaddr),
            address(p, &i, into: &a.pointee.dstaddr), address(q, &j, into: &b.pointee.dstaddr),
            Self.port(p, &i, into: &a.pointee.srcport), Self.port(q, &j, into: &b.pointee.srcport),
            Self.port(p, &i, into: &a.pointee.dstport), Self.port(q, &j, into: &b.pointee.dstport),
            Self.byte(p, &i, into: &a.pointee.proto), Self.byte(q, &j, into: &b.pointee.proto),
            Self.count(p, &i, into: &a.pointee.packets), Self.count(q, &j, into: &b.pointee.packets),
            Self.count(p, &i, into: &a.pointee.bytes), Self.count(q, &j, into: &b.pointee.bytes),
            Self.time(p, &i, into: &a.pointee.start), Self.time(q, &j, into: &b.pointee.start),
            Self.time(p, &i, into: &a.pointee.end), Self.time(q, &j, into: &b.pointee.end),
            let lengthA = finish(p, i, into: a), let lengthB = finish(q, j, into: b)
        else { return nil }
        return (lengthA, lengthB)
    }

    /// The rest of a line after its numbers (the action, `OK`, the line end), then the fields
    /// worked out from the others. Returns the line's length with its newline, or nil.
    @inline(__always)
    private func finish(_ p: UnsafePointer<UInt8>, _ afterNumbers: Int, into record: UnsafeMutablePointer<FlowRecord>)
        -> Int?
    {
        var i = afterNumbers
        let actionWord = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x00FF_FFFF_FFFF_FFFF
        if actionWord == acceptWord {
            record.pointee.action = .accept
        } else if actionWord == rejectWord {
            record.pointee.action = .reject
        } else {
            return nil
        }
        i &+= 7
        guard p[i] == UInt8(ascii: "O"), p[i &+ 1] == UInt8(ascii: "K") else { return nil }
        var lineEnd = i &+ 2
        if p[lineEnd] == 0x0D { lineEnd &+= 1 }
        guard p[lineEnd] == 0x0A else { return nil }
        record.pointee.logStatus = .ok
        record.pointee.present = mask
        // The flow sense from the fields just stored: a method call on `record.pointee` made
        // Swift copy the whole record.
        record.pointee.orientation = FlowRecord.orientation(
            present: mask, proto: record.pointee.proto, tcpFlags: 0, srcport: record.pointee.srcport,
            dstport: record.pointee.dstport)
        return lineEnd &+ 1
    }

    /// The version: one digit and a space, or any number up to 255.
    @inline(__always)
    private static func version(_ p: UnsafePointer<UInt8>, _ i: inout Int, into field: inout UInt8) -> Bool {
        let pair = UnsafeRawPointer(p + i).loadUnaligned(as: UInt16.self)
        let digit = UInt8(truncatingIfNeeded: pair) &- 0x30
        if digit < 10 && pair &>> 8 == 0x20 {
            field = digit
            i &+= 2
            return true
        }
        return byte(p, &i, into: &field)
    }

    /// A number of at most 255 (version, protocol).
    @inline(__always)
    private static func byte(_ p: UnsafePointer<UInt8>, _ i: inout Int, into field: inout UInt8) -> Bool {
        guard let value = SWARParsing.number(p, &i), value <= 255 else { return false }
        field = UInt8(truncatingIfNeeded: value)
        return true
    }

    @inline(__always)
    private static func port(_ p: UnsafePointer<UInt8>, _ i: inout Int, into field: inout UInt16) -> Bool {
        guard let value = SWARParsing.number(p, &i), value <= 65535 else { return false }
        field = UInt16(truncatingIfNeeded: value)
        return true
    }

    /// Packets or bytes.
    @inline(__always)
    private static func count(_ p: UnsafePointer<UInt8>, _ i: inout Int, into field: inout UInt64) -> Bool {
        guard let value = SWARParsing.number(p, &i) else { return false }
        field = value
        return true
    }

    /// Unix seconds; some exporters write milliseconds, and second counts stay below 2^31 until
    /// 2038.
    @inline(__always)
    private static func time(_ p: UnsafePointer<UInt8>, _ i: inout Int, into field: inout Int64) -> Bool {
        guard let value = SWARParsing.number(p, &i) else { return false }
        field = Int64(truncatingIfNeeded: value >= 1 << 31 ? value / 1000 : value)
        return true
    }

    /// An id token followed by one space (not `-`), stored as a symbol at `offset` in `record`
    /// (through a raw pointer: assigning `texts[slot]` through `pointee` made Swift copy the
    /// record first).
    @inline(__always)
    private func text(
        column: Int, _ p: UnsafePointer<UInt8>, _ i: inout Int, into record: UnsafeMutablePointer<FlowRecord>,
        at offset: Int, _ interner: inout LocalInterner
    ) -> Bool {
        let widest = TokenSymbolCache.widest
        let end = FlowTextDecoder.tokenEnd(p, i, i &+ widest &+ 1)
        guard end <= i &+ widest, end > i, p[end] == 0x20, end &- i > 1 || p[i] != UInt8(ascii: "-") else { return false }
        let symbol = symbols.knownSymbol(column: column, p + i, count: end &- i, interner: &interner)
        UnsafeMutableRawPointer(record).storeBytes(of: symbol, toByteOffset: offset, as: Symbol.self)
        i = end &+ 1
        return true
    }

    /// An IPv4 address (``FastIPv4``), else IPv6 through the general parser, stored straight
    /// into the record's field; false leaves the line to the general path.
    @inline(__always)
    private func address(_ p: UnsafePointer<UInt8>, _ i: inout Int, into address: inout IPAddress) -> Bool {
        if let v4 = ipv4.parse(p, &i) {
            address = IPAddress(ipv4: v4)
            return true
        }
        guard let v6 = Self.ipv6(p, &i) else { return false }
        address = v6
        return true
    }

    /// The rare case of ``address(_:_:into:)``, out of line so that the IPv4 path inlines.
    @inline(never)
    private static func ipv6(_ p: UnsafePointer<UInt8>, _ i: inout Int) -> IPAddress? {
        let end = FlowTextDecoder.tokenEnd(p, i, i &+ 46)
        guard end < i &+ 46, p[end] == 0x20, let address = IPAddress.parse(UnsafeBufferPointer(start: p + i, count: end &- i))
        else { return nil }
        i = end &+ 1
        return address
    }

    private static func textOffset(_ field: FlowField) -> Int {
        MemoryLayout<FlowRecord>.offset(of: \FlowRecord.texts)! + field.textSlot * MemoryLayout<Symbol>.stride
    }

    private static func word(_ text: StaticString) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<text.utf8CodeUnitCount { value |= UInt64(text.utf8Start[k]) << UInt64(8 * k) }
        return value
    }
}
