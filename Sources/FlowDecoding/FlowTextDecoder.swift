public import FlowCore
import Glibc

/// Decodes flow log text (any version, any field order) into ``FlowRecord``s.
///
/// Feed it bytes in chunks of any size: it decodes every complete line and leaves a partial last
/// line unconsumed (the return value says how far it got) unless told the input is final. A header
/// line, at the start or repeated mid-file, replaces the column plan. Malformed lines are counted
/// by reason in ``counters`` and skipped, or thrown when `strict`.
///
/// The per-line path works on raw bytes and allocates nothing per record: numbers are accumulated
/// with overflow checks, addresses parsed in place, strings interned through a local cache.
public struct FlowTextDecoder {
    public private(set) var plan: ColumnPlan
    public var counters = DecodeCounters()
    /// Name used in messages, such as `logs/a.log.gz`.
    public let fileName: String
    public var strict: Bool
    /// Number of lines consumed so far (the line number of the last line decoded).
    public private(set) var lineNumber = 0
    /// True once a header line has set the plan.
    public private(set) var sawHeader = false

    private var ops: [ColumnOp]
    private var interner = LocalInterner()
    private var jsonScratch: [UInt8] = []
    private var extraScratch: [Symbol] = []
    /// The rare text fields of the line being parsed.
    private var rareTexts = RareTextBuilder()
    private var planRecords = 0
    private var hasExtras = false
    private var isV2Default = false
    private var extrasPending = true
    private var symbols = TokenSymbolCache(columns: 0)

    public init(plan: ColumnPlan = .v2Default, fileName: String, strict: Bool = false, firstLine: Int = 0) {
        self.plan = plan
        self.fileName = fileName
        self.strict = strict
        self.lineNumber = firstLine
        ops = ColumnOp.compile(plan)
        resetPlanState()
    }

    private mutating func resetPlanState() {
        extraScratch = [Symbol](repeating: .empty, count: plan.extraNames.count)
        hasExtras = !plan.extraNames.isEmpty
        isV2Default = plan == .v2Default
        extrasPending = true
        symbols = TokenSymbolCache(columns: ops.count)
        run = DefaultLayoutRun(symbols: symbols)
    }

    /// Replaces the column plan (a header line does this by itself).
    public mutating func setPlan(_ newPlan: ColumnPlan) {
        flushLayoutCount()
        plan = newPlan
        ops = ColumnOp.compile(newPlan)
        resetPlanState()
    }

    /// Records the layout tally; call once decoding is over.
    public mutating func finish() { flushLayoutCount() }

    private mutating func flushLayoutCount() {
        if planRecords > 0 { counters.layouts[plan, default: 0] += planRecords }
        planRecords = 0
    }

    /// Decodes the complete lines in `bytes`, appending records to the last batch in `batches`
    /// (a new batch is started when the set of extra columns changes).
    ///
    /// - Parameters:
    ///   - bytes: Input; may end in the middle of a line.
    ///   - isFinal: True when no more input follows, so a last line without newline is decoded.
    ///   - batches: Output batches; must hold at least one batch.
    /// - Returns: The number of bytes consumed. Unconsumed bytes (a partial line) must be passed
    ///   again, followed by more input.
    /// - Throws: In strict mode, the first malformed line.
    @discardableResult
    public mutating func decode(
        _ bytes: UnsafeRawBufferPointer, isFinal: Bool, into batches: inout [FlowBatch]
    ) throws(FlowLensError) -> Int {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return 0 }
        if batches.isEmpty { batches.append(FlowBatch()) }
        extrasPending = true
        let count = bytes.count
        var position = 0
        while position < count {
            if isV2Default {
                position = decodeDefaultRun(base, from: position, count: count, into: &batches)
                if position >= count { break }
            }
            let remaining = count - position
            let newline = memchr(base + position, 0x0A, remaining)
            let lineEnd: Int
            if let newline {
                lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            } else {
                if !isFinal { break }
                lineEnd = count
            }
            var end = lineEnd
            if end > position && base[end - 1] == 0x0D { end -= 1 }
            lineNumber += 1
            counters.lines += 1
            try decodeLine(UnsafeBufferPointer(start: base + position, count: end - position), into: &batches)
            position = lineEnd + 1
        }
        return min(position, count)
    }

    @inline(__always)
    private mutating func decodeLine(
        _ line: UnsafeBufferPointer<UInt8>, into batches: inout [FlowBatch]
    ) throws(FlowLensError) {
        var i = 0
        let n = line.count
        while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
        if i == n {
            counters.blankLines += 1
            return
        }
        let first = line[i]
        if first == UInt8(ascii: "#") {
            counters.commentLines += 1
            return
        }
        if first == UInt8(ascii: "{") {
            try decodeJSONLine(UnsafeBufferPointer(rebasing: line[i...]), into: &batches)
            return
        }
        if ColumnPlan.mayBeHeader(firstByte: first) && firstTokenIsFieldName(line, from: i),
            let header = ColumnPlan.header(in: UnsafeBufferPointer(rebasing: line[i...]))
        {
            counters.headerLines += 1
            sawHeader = true
            counters.unknownFields.formUnion(header.extraNames)
            if header != plan { setPlan(header) }
            return
        }
        try decodeFields(line, from: i, into: &batches)
    }

    private func firstTokenIsFieldName(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var end = start
        while end < line.count && line[end] != 0x20 && line[end] != 0x09 { end += 1 }
        var token = UnsafeBufferPointer(rebasing: line[start..<end])
        // `${version}` placeholders, as written in a LogFormat.
        if token.count > 3 && token[0] == UInt8(ascii: "$") && token[1] == UInt8(ascii: "{") {
            token = UnsafeBufferPointer(rebasing: token[2..<(token.count - 1)])
        }
        return FieldNameLookup.isKnown(token)
    }

    private mutating func decodeJSONLine(
        _ line: UnsafeBufferPointer<UInt8>, into batches: inout [FlowBatch]
    ) throws(FlowLensError) {
        guard JSONMessage.extract(line, into: &jsonScratch) else {
            try malformed(field: nil, value: line, reason: .badJSON)
            return
        }
        let copy = jsonScratch
        var failure: FlowLensError?
        copy.withUnsafeBufferPointer { inner in
            do throws(FlowLensError) { try decodeUnwrapped(inner, into: &batches) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private mutating func decodeUnwrapped(
        _ inner: UnsafeBufferPointer<UInt8>, into batches: inout [FlowBatch]
    ) throws(FlowLensError) {
            var i = 0
            while i < inner.count && (inner[i] == 0x20 || inner[i] == 0x09) { i += 1 }
            if i < inner.count && ColumnPlan.mayBeHeader(firstByte: inner[i]) && firstTokenIsFieldName(inner, from: i),
                let header = ColumnPlan.header(in: UnsafeBufferPointer(rebasing: inner[i...]))
            {
                counters.headerLines += 1
                sawHeader = true
                if header != plan { setPlan(header) }
                return
            }
            try decodeFields(inner, from: i, into: &batches)
    }

    private mutating func decodeFields(
        _ line: UnsafeBufferPointer<UInt8>, from startIndex: Int, into batches: inout [FlowBatch]
    ) throws(FlowLensError) {
        if extrasPending { startExtrasBatch(&batches) }
        let last = batches.count - 1
        // Decode straight into the batch's storage: a record is 208 bytes, and building it on
        // the stack and appending copied it twice per line.
        batches[last].records.append(blank)
        var failure: FlowLensError?
        let complete = batches[last].records.withUnsafeMutableBufferPointer { buffer -> Bool in
            do throws(FlowLensError) {
                return try parseFields(line, from: startIndex, into: &buffer[buffer.count - 1])
            } catch {
                failure = error
                return false
            }
        }
        if let failure {
            batches[last].records.removeLast()
            throw failure
        }
        guard complete else {
            batches[last].records.removeLast()
            return
        }
        if hasExtras {
            batches[last].extraValues.append(contentsOf: extraScratch)
            for k in extraScratch.indices { extraScratch[k] = .empty }
        }
        counters.records += 1
        planRecords += 1
    }

    /// A blank record kept by the decoder: copying it is cheaper than initialising one, and a
    /// stored property avoids the lazy-global check of a static.
    private let blank = FlowRecord()
    private let ipv4 = FastIPv4()

    /// Lines taken by the default-layout run (tests check that it runs at all).
    private(set) var defaultRunLines = 0
    /// The default-layout run, with the decoder's symbol cache.
    private var run = DefaultLayoutRun(symbols: TokenSymbolCache(columns: 0))

    /// Decodes consecutive lines of AWS's default v2 layout, as AWS writes them (one space between
    /// fields, IPv4 or IPv6 addresses, no `-`), straight into the current batch, and returns the
    /// position of the first line it did not take. That line (a header, a NODATA record, a bad
    /// value, a tab, the last bytes of the buffer) goes through the general path, which decides
    /// what it is and reports problems; so both paths always produce the same records.
    ///
    /// This is the hot loop of a typical scan: ``DefaultLayoutRun`` takes the input a segment at a
    /// time, two lines side by side, and ``DefaultLayoutParser`` parses them.
    private mutating func decodeDefaultRun(
        _ base: UnsafePointer<UInt8>, from start: Int, count: Int, into batches: inout [FlowBatch]
    ) -> Int {
        let limit = count - DefaultLayoutParser.slack
        var position = start
        guard position <= limit else { return position }
        if extrasPending { startExtrasBatch(&batches) }
        let last = batches.count - 1
        var lines = 0
        while position <= limit {
            let outcome = run.segment(base, from: position, limit: limit, into: &batches[last].records, interner: &interner)
            lines += outcome.lines
            position = outcome.position
            if !outcome.complete { break }
        }
        defaultRunLines += lines
        lineNumber += lines
        counters.lines += lines
        counters.records += lines
        planRecords += lines
        return position
    }

    /// Parses one line's fields into `record` (which starts blank). Returns false when the line
    /// is malformed (already counted).
    @inline(__always)
    private mutating func parseFields(
        _ line: UnsafeBufferPointer<UInt8>, from startIndex: Int, into record: inout FlowRecord
    ) throws(FlowLensError) -> Bool {
        guard let p = line.baseAddress else { return false }
        rareTexts.clear()
        var mask: UInt64 = 0
        var i = startIndex
        let n = line.count
        let opCount = ops.count
        var column = 0
        while column < opCount {
            // Any byte up to space separates fields (space and tab in practice; CR is stripped).
            while i < n && p[i] <= 0x20 { i += 1 }
            if i >= n {
                try fieldCountError(line, found: column)
                return false
            }
            let op = ops[column]
            column += 1
            let tokenStart = i
            if p[i] == UInt8(ascii: "-") && (i + 1 == n || p[i + 1] <= 0x20) {
                i += 1
                continue
            }
            switch op.kind {
            case .number, .time:
                var value: UInt64 = 0
                // Eight digits per step when the line has room for word loads and the number is
                // followed by a space; otherwise parse while scanning (up to 19 digits cannot
                // overflow a UInt64) and check.
                var after = i
                var quickParsed = false
                if i + 16 <= n, let quick = SWARParsing.number(p, &after), quick <= op.max {
                    value = quick
                    i = after
                    quickParsed = true
                } else {
                    while i < n {
                        let digit = p[i] &- 48
                        if digit > 9 { break }
                        value = value &* 10 &+ UInt64(digit)
                        i += 1
                    }
                }
                let digits = i - tokenStart
                if !quickParsed && ((i < n && p[i] > 0x20) || digits == 0 || digits > 19 || value > op.max) {
                    i = Self.tokenEnd(p, i, n)
                    let token = UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart)
                    guard let checked = try parseNumber(token, op: op, line: line) else { return false }
                    value = checked
                }
                if op.kind == .time {
                    // Some exporters write milliseconds; second counts stay below 2^31 until 2038.
                    if value >= 1 << 31 { value /= 1000 }
                    if op.field == .start { record.start = Int64(value) } else { record.end = Int64(value) }
                } else {
                    switch op.field {
                    case .version: record.version = UInt8(truncatingIfNeeded: value)
                    case .srcport: record.srcport = UInt16(truncatingIfNeeded: value)
                    case .dstport: record.dstport = UInt16(truncatingIfNeeded: value)
                    case .proto: record.proto = UInt8(truncatingIfNeeded: value)
                    case .packets: record.packets = value
                    case .bytes: record.bytes = value
                    case .tcpFlags: record.tcpFlags = UInt16(truncatingIfNeeded: value)
                    case .trafficPath: record.trafficPath = UInt8(truncatingIfNeeded: value)
                    case .encryptionStatus: record.encryptionStatus = UInt8(truncatingIfNeeded: value)
                    case .packetsLostNoRoute: record.packetsLost[0] = value
                    case .packetsLostBlackhole: record.packetsLost[1] = value
                    case .packetsLostMTUExceeded: record.packetsLost[2] = value
                    case .packetsLostTTLExpired: record.packetsLost[3] = value
                    default: break
                    }
                }
            case .address:
                let address: IPAddress
                var after = i
                if i >= 3 && i + 16 <= n, let v4 = ipv4.parse(p, &after) {
                    address = IPAddress(ipv4: v4)
                    i = after
                } else {
                    i = Self.tokenEnd(p, i, n)
                    let token = UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart)
                    guard let parsed = IPAddress.parse(token) else {
                        try fieldError(line, field: op.field.name, value: token, reason: .badAddress)
                        return false
                    }
                    address = parsed
                }
                switch op.field {
                case .srcaddr: record.srcaddr = address
                case .dstaddr: record.dstaddr = address
                case .pktSrcaddr: record.pktSrcaddr = address
                default: record.pktDstaddr = address
                }
            case .text:
                i = Self.tokenEnd(p, i, n)
                record.texts[op.slot] = symbols.symbol(column: column - 1, p + tokenStart, count: i - tokenStart, interner: &interner)
            case .rareText:
                i = Self.tokenEnd(p, i, n)
                rareTexts.set(op.slot, symbols.symbol(column: column - 1, p + tokenStart, count: i - tokenStart, interner: &interner))
            case .action:
                i = Self.tokenEnd(p, i, n)
                let token = UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart)
                guard let action = Keyword.action(token) else {
                    try fieldError(line, field: op.field.name, value: token, reason: .unknownAction)
                    return false
                }
                record.action = action
            case .logStatus:
                i = Self.tokenEnd(p, i, n)
                let token = UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart)
                guard let status = Keyword.logStatus(token) else {
                    try fieldError(line, field: op.field.name, value: token, reason: .unknownLogStatus)
                    return false
                }
                record.logStatus = status
            case .direction:
                i = Self.tokenEnd(p, i, n)
                let token = UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart)
                guard let direction = Keyword.direction(token) else {
                    try fieldError(line, field: op.field.name, value: token, reason: .unknownDirection)
                    return false
                }
                record.flowDirection = direction
            case .extra:
                i = Self.tokenEnd(p, i, n)
                extraScratch[op.slot] = interner.intern(UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart))
                continue
            }
            mask |= op.field.bit
        }
        while i < n && p[i] <= 0x20 { i += 1 }
        // Anything after the last field must be a `#` comment (AWS's own examples carry them).
        if i < n && p[i] != UInt8(ascii: "#") {
            try fieldCountError(line, found: nil)
            return false
        }
        record.present = mask
        record.rareTexts = rareTexts.finish()
        record.cacheOrientation()
        return true
    }

    /// Starts a new batch when the extra columns differ from those of the current batch, so that
    /// one batch never mixes layouts of extras.
    private mutating func startExtrasBatch(_ batches: inout [FlowBatch]) {
        extrasPending = false
        let extras = plan.extraNames
        let last = batches.count - 1
        guard batches[last].extraNames != extras else { return }
        if batches[last].records.isEmpty {
            batches[last].extraNames = extras
        } else {
            var next = FlowBatch(sourceIndex: batches[last].sourceIndex, sequence: batches[last].sequence + 1)
            next.extraNames = extras
            batches.append(next)
        }
    }

    /// The end of the token starting at `i`: eight bytes at a time, looking for a byte <= 0x20.
    @inline(__always)
    static func tokenEnd(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var i = start
        let raw = UnsafeRawPointer(p)
        while i &+ 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // High bit set in each byte below 0x21 (bytes >= 0x80 are excluded by `& ~v`); the
            // lowest flagged byte is exact, which is the one we need.
            let flags = (v &- 0x2121_2121_2121_2121) & ~v & 0x8080_8080_8080_8080
            if flags != 0 { return i &+ flags.trailingZeroBitCount &>> 3 }
            i &+= 8
        }
        while i < n && p[i] > 0x20 { i += 1 }
        return i
    }

    @inline(__always)
    private mutating func parseNumber(
        _ token: UnsafeBufferPointer<UInt8>, op: ColumnOp, line: UnsafeBufferPointer<UInt8>
    ) throws(FlowLensError) -> UInt64? {
        var value: UInt64 = 0
        if token.count > 20 {
            try fieldError(line, field: op.field.name, value: token, reason: Self.allDigits(token) ? .numberTooLarge : .notANumber)
            return nil
        }
        for k in 0..<token.count {
            let digit = token[k] &- 48
            if digit > 9 {
                try fieldError(line, field: op.field.name, value: token, reason: .notANumber)
                return nil
            }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
            if o1 || o2 {
                try fieldError(line, field: op.field.name, value: token, reason: .numberTooLarge)
                return nil
            }
            value = sum
        }
        if value > op.max {
            try fieldError(line, field: op.field.name, value: token, reason: .numberTooLarge)
            return nil
        }
        return value
    }

    private static func allDigits(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        token.allSatisfy { $0 &- 48 < 10 }
    }

    /// A bad value on a line with the wrong number of fields is reported as a field-count
    /// problem: the columns are shifted, so naming the field would mislead.
    private mutating func fieldError(
        _ line: UnsafeBufferPointer<UInt8>, field: String, value: UnsafeBufferPointer<UInt8>, reason: MalformedReason
    ) throws(FlowLensError) {
        if Self.tokenCount(line) != ops.count {
            try fieldCountError(line, found: nil)
        } else {
            try malformed(field: field, value: value, reason: reason)
        }
    }

    private static func tokenCount(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var tokens = 0
        var inToken = false
        for c in line {
            let space = c == 0x20 || c == 0x09
            if !space && !inToken {
                if c == UInt8(ascii: "#") { break }
                tokens += 1
            }
            inToken = !space
        }
        return tokens
    }

    private mutating func fieldCountError(_ line: UnsafeBufferPointer<UInt8>, found: Int?) throws(FlowLensError) {
        let tokens = Self.tokenCount(line)
        let reason: MalformedReason = tokens == 1 || ops.isEmpty ? .notFlowLog : .fieldCount
        let detail = "expected \(ops.count) fields, found \(tokens)"
        try malformed(field: nil, value: line, reason: reason, detail: detail)
    }

    private mutating func malformed(
        field: String?, value: UnsafeBufferPointer<UInt8>, reason: MalformedReason, detail: String? = nil
    ) throws(FlowLensError) {
        counters.malformed[reason, default: 0] += 1
        guard strict || counters.samples.count < DecodeCounters.sampleLimit else { return }
        var text = String(decoding: value.prefix(120), as: UTF8.self)
        if value.count > 120 { text += "…" }
        if let detail { text += " (\(detail))" }
        let sample = MalformedLine(file: fileName, line: lineNumber, field: field, value: text, reason: reason)
        if strict {
            throw FlowLensError(.malformedLine, sample.description)
        }
        counters.samples.append(sample)
    }
}
