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
    private var planRecords = 0

    public init(plan: ColumnPlan = .v2Default, fileName: String, strict: Bool = false, firstLine: Int = 0) {
        self.plan = plan
        self.fileName = fileName
        self.strict = strict
        self.lineNumber = firstLine
        ops = ColumnOp.compile(plan)
        extraScratch = [Symbol](repeating: .empty, count: plan.extraNames.count)
    }

    /// Replaces the column plan (a header line does this by itself).
    public mutating func setPlan(_ newPlan: ColumnPlan) {
        flushLayoutCount()
        plan = newPlan
        ops = ColumnOp.compile(newPlan)
        extraScratch = [Symbol](repeating: .empty, count: newPlan.extraNames.count)
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
        let count = bytes.count
        var position = 0
        while position < count {
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
        var record = FlowRecord()
        var mask: UInt64 = 0
        var i = startIndex
        let n = line.count
        let opCount = ops.count
        var column = 0
        while column < opCount {
            while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
            if i >= n {
                try fieldCountError(line, found: column)
                return
            }
            let tokenStart = i
            while i < n && line[i] != 0x20 && line[i] != 0x09 { i += 1 }
            let token = UnsafeBufferPointer(rebasing: line[tokenStart..<i])
            let op = ops[column]
            column += 1
            if token.count == 1 && token[0] == UInt8(ascii: "-") { continue }
            switch op.kind {
            case .number:
                guard let value = try parseNumber(token, op: op) else { return }
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
            case .time:
                guard var value = try parseNumber(token, op: op) else { return }
                // Some exporters write milliseconds; no real flow log second count reaches 2^31 before 2038.
                if value >= 1 << 31 { value /= 1000 }
                if op.field == .start { record.start = Int64(value) } else { record.end = Int64(value) }
            case .address:
                guard let address = IPAddress.parse(token) else {
                    try malformed(field: op.field.name, value: token, reason: .badAddress)
                    return
                }
                switch op.field {
                case .srcaddr: record.srcaddr = address
                case .dstaddr: record.dstaddr = address
                case .pktSrcaddr: record.pktSrcaddr = address
                default: record.pktDstaddr = address
                }
            case .text:
                record.texts[op.slot] = interner.intern(token)
            case .action:
                if Keyword.equals(token, "ACCEPT") {
                    record.action = .accept
                } else if Keyword.equals(token, "REJECT") {
                    record.action = .reject
                } else {
                    try malformed(field: op.field.name, value: token, reason: .unknownAction)
                    return
                }
            case .logStatus:
                if Keyword.equals(token, "OK") {
                    record.logStatus = .ok
                } else if Keyword.equals(token, "NODATA") {
                    record.logStatus = .noData
                } else if Keyword.equals(token, "SKIPDATA") {
                    record.logStatus = .skipData
                } else {
                    try malformed(field: op.field.name, value: token, reason: .unknownLogStatus)
                    return
                }
            case .direction:
                if Keyword.equals(token, "ingress") {
                    record.flowDirection = .ingress
                } else if Keyword.equals(token, "egress") {
                    record.flowDirection = .egress
                } else {
                    try malformed(field: op.field.name, value: token, reason: .unknownDirection)
                    return
                }
            case .extra:
                extraScratch[op.slot] = interner.intern(token)
                continue
            }
            mask |= op.field.bit
        }
        while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
        // Anything after the last field must be a `#` comment (AWS's own examples carry them).
        if i < n && line[i] != UInt8(ascii: "#") {
            try fieldCountError(line, found: nil)
            return
        }
        record.present = mask
        let extras = plan.extraNames
        if batches[batches.count - 1].extraNames != extras {
            if batches[batches.count - 1].records.isEmpty {
                batches[batches.count - 1].extraNames = extras
            } else {
                var next = FlowBatch(
                    sourceIndex: batches[batches.count - 1].sourceIndex,
                    sequence: batches[batches.count - 1].sequence + 1)
                next.extraNames = extras
                batches.append(next)
            }
        }
        let last = batches.count - 1
        batches[last].records.append(record)
        if !extras.isEmpty {
            batches[last].extraValues.append(contentsOf: extraScratch)
            for k in extraScratch.indices { extraScratch[k] = .empty }
        }
        counters.records += 1
        planRecords += 1
    }

    @inline(__always)
    private mutating func parseNumber(_ token: UnsafeBufferPointer<UInt8>, op: ColumnOp) throws(FlowLensError) -> UInt64? {
        var value: UInt64 = 0
        if token.count > 20 {
            try malformed(field: op.field.name, value: token, reason: Self.allDigits(token) ? .numberTooLarge : .notANumber)
            return nil
        }
        for k in 0..<token.count {
            let digit = token[k] &- 48
            if digit > 9 {
                try malformed(field: op.field.name, value: token, reason: .notANumber)
                return nil
            }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
            if o1 || o2 {
                try malformed(field: op.field.name, value: token, reason: .numberTooLarge)
                return nil
            }
            value = sum
        }
        if value > op.max {
            try malformed(field: op.field.name, value: token, reason: .numberTooLarge)
            return nil
        }
        return value
    }

    private static func allDigits(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        token.allSatisfy { $0 &- 48 < 10 }
    }

    private mutating func fieldCountError(_ line: UnsafeBufferPointer<UInt8>, found: Int?) throws(FlowLensError) {
        var tokens = 0
        var inToken = false
        for c in line {
            let space = c == 0x20 || c == 0x09
            if !space && !inToken { tokens += 1 }
            inToken = !space
        }
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
