public import FlowCore

/// Writes ``FlowRecord``s as flow log text lines, straight into bytes.
///
/// The encoder is the inverse of the text decoder: one line per record, the fields in the order
/// given at `init`, separated by single spaces, `-` for every field the record does not have
/// (``FlowRecord/has(_:)`` is false), and a `\n` after each line. Numbers and addresses are
/// written digit by digit into a byte buffer; interned text is copied from a per-encoder cache, so
/// the shared ``SymbolTable`` lock is taken only the first time a symbol is met.
///
/// An encoder owns a mutable cache and is not `Sendable`: create one per thread or task.
///
/// ```swift
/// var encoder = FlowLineEncoder(fields: FlowField.v2Default)
/// var bytes: [UInt8] = []
/// encoder.appendHeader(to: &bytes)
/// for record in records { encoder.append(record, to: &bytes) }
/// ```
public struct FlowLineEncoder {
    /// The fields written, in order.
    public let fields: [FlowField]

    private let storage: Storage

    /// How a line is laid out.
    public enum Style: Sendable {
        /// Flow log text: fields separated by single spaces, `-` for an absent one.
        case text
        /// A CSV row (RFC 4180): fields separated by commas, an empty cell for an absent one, and
        /// a text with a comma or a quote quoted. Numbers, addresses and the enumerations never need it.
        case csv
    }

    /// Creates an encoder for one field order.
    ///
    /// - Parameters:
    ///   - fields: The columns to write, as in a header line or a log format.
    ///   - style: Flow log text (the default) or CSV.
    ///   - table: Where symbols are looked up; the process-wide table unless a test isolates one.
    public init(fields: [FlowField], style: Style = .text, table: SymbolTable = .shared) {
        self.fields = fields
        storage = Storage(fields: fields, csv: style == .csv, table: table)
    }

    /// The header line AWS writes at the top of an S3 text file: the field names, space-separated.
    public var headerLine: String { fields.map(\.name).joined(separator: " ") }

    /// Appends the header line and its newline.
    public func appendHeader(to output: inout [UInt8]) {
        output.append(contentsOf: headerLine.utf8)
        output.append(UInt8(ascii: "\n"))
    }

    /// Appends one record as a line, newline included.
    public mutating func append(_ record: FlowRecord, to output: inout [UInt8]) {
        let length = storage.encode(record)
        output.append(contentsOf: UnsafeBufferPointer(start: storage.scratch, count: length))
    }

    /// One record as a line of text, without the newline.
    public mutating func line(for record: FlowRecord) -> String {
        let length = storage.encode(record)
        return String(decoding: UnsafeBufferPointer(start: storage.scratch, count: length - 1), as: UTF8.self)
    }
}

extension FlowLineEncoder {
    private struct Column {
        var field: FlowField
        var bit: UInt64
        /// Index in ``FlowRecord/texts`` for the text fields held there, else -1.
        var slot: Int
        /// Index in ``RareTexts`` for the rare text fields, else -1.
        var rareSlot: Int = -1
    }

    // Raw buffers rather than arrays: the per-record path then does no reference counting or
    // exclusivity checks, which is most of the cost of a line otherwise.
    private final class Storage {
        let columns: UnsafeMutableBufferPointer<Column>
        let textColumns: UnsafeMutableBufferPointer<Column>
        let table: SymbolTable
        let csv: Bool
        /// The byte between fields.
        let separator: UInt8
        // Longest line apart from text fields, whose cached lengths are added per record.
        let fixedBound: Int
        private(set) var scratch: UnsafeMutablePointer<UInt8>
        private var scratchCapacity: Int
        // Symbol id → offset and length of its UTF-8 bytes in `arena`; length -1: not cached.
        private var offsets: UnsafeMutablePointer<Int32>
        private var lengths: UnsafeMutablePointer<Int32>
        private var symbolCapacity = 0
        private var arena: UnsafeMutablePointer<UInt8>
        private var arenaCount = 0
        private var arenaCapacity = 4096

        init(fields: [FlowField], csv: Bool, table: SymbolTable) {
            self.table = table
            self.csv = csv
            separator = csv ? UInt8(ascii: ",") : UInt8(ascii: " ")
            var bound = fields.count + 1
            var all: [Column] = []
            var texts: [Column] = []
            for field in fields {
                var column = Column(field: field, bit: field.bit, slot: -1)
                switch field.kind {
                case .number, .time: bound += 20
                // Full IPv6 text is 39 characters; 45 allows the dotted-quad tail form.
                case .address: bound += 45
                case .action, .logStatus, .flowDirection: bound += 8
                case .text:
                    bound += 1
                    column.slot = field.textSlot
                    column.rareSlot = field.rareTextSlot
                    texts.append(column)
                }
                all.append(column)
            }
            fixedBound = bound
            columns = .allocate(capacity: all.count)
            _ = columns.initialize(from: all)
            textColumns = .allocate(capacity: texts.count)
            _ = textColumns.initialize(from: texts)
            scratchCapacity = max(256, bound * 2)
            scratch = .allocate(capacity: scratchCapacity)
            offsets = .allocate(capacity: 0)
            lengths = .allocate(capacity: 0)
            arena = .allocate(capacity: arenaCapacity)
        }

        deinit {
            columns.deallocate()
            textColumns.deallocate()
            scratch.deallocate()
            offsets.deallocate()
            lengths.deallocate()
            arena.deallocate()
        }

        /// The last rare text combination looked up, so that a record's rare columns take the
        /// shared table's lock once, and a run of records with one combination once in all.
        private var rareID: UInt32 = 0
        private var rare = RareTexts(repeating: .empty)

        @inline(__always)
        func symbol(of column: Column, in record: FlowRecord) -> Symbol {
            if column.slot >= 0 { return record.texts[column.slot] }
            if record.rareTexts != rareID {
                rareID = record.rareTexts
                rare = RareTextTable.shared.texts(rareID)
            }
            return rare[column.rareSlot]
        }

        /// Writes the record's line, newline included, into `scratch`; returns its length.
        @inline(__always)
        func encode(_ record: FlowRecord) -> Int {
            var bound = fixedBound
            for column in textColumns where record.present & column.bit != 0 {
                bound += cache(symbol(of: column, in: record))
            }
            if bound > scratchCapacity {
                scratch.deallocate()
                scratchCapacity = bound * 2
                scratch = .allocate(capacity: scratchCapacity)
            }
            return write(record)
        }

        // Resolves a symbol into the arena on first use; later calls only index arrays.
        @inline(__always)
        private func cache(_ symbol: Symbol) -> Int {
            let id = Int(symbol.id)
            if id < symbolCapacity && lengths[id] >= 0 { return Int(lengths[id]) }
            return cacheMiss(symbol)
        }

        private func cacheMiss(_ symbol: Symbol) -> Int {
            let id = Int(symbol.id)
            if id >= symbolCapacity {
                let capacity = max(id + 1, symbolCapacity * 2, 64)
                let newOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
                let newLengths = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
                newOffsets.update(from: offsets, count: symbolCapacity)
                newLengths.update(from: lengths, count: symbolCapacity)
                (newLengths + symbolCapacity).initialize(repeating: -1, count: capacity - symbolCapacity)
                (newOffsets + symbolCapacity).initialize(repeating: 0, count: capacity - symbolCapacity)
                offsets.deallocate()
                lengths.deallocate()
                offsets = newOffsets
                lengths = newLengths
                symbolCapacity = capacity
            }
            var text = Array(table.string(for: symbol).utf8)
            // CSV: the arena holds the cell as written, quoted where the text needs it (a quote
            // inside is doubled), so records with it cost no more than others.
            if csv && text.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }) {
                var quoted: [UInt8] = [UInt8(ascii: "\"")]
                for byte in text {
                    if byte == UInt8(ascii: "\"") { quoted.append(byte) }
                    quoted.append(byte)
                }
                quoted.append(UInt8(ascii: "\""))
                text = quoted
            }
            if arenaCount + text.count > arenaCapacity {
                let capacity = max(arenaCapacity * 2, arenaCount + text.count)
                let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                newArena.update(from: arena, count: arenaCount)
                arena.deallocate()
                arena = newArena
                arenaCapacity = capacity
            }
            text.withUnsafeBufferPointer { (arena + arenaCount).update(from: $0.baseAddress!, count: $0.count) }
            offsets[id] = Int32(arenaCount)
            lengths[id] = Int32(text.count)
            arenaCount += text.count
            return text.count
        }

        @inline(__always)
        private func write(_ record: FlowRecord) -> Int {
            var p = scratch
            var first = true
            for column in columns {
                if first {
                    first = false
                } else {
                    p.pointee = separator
                    p += 1
                }
                guard record.present & column.bit != 0 else {
                    if !csv {
                        p.pointee = UInt8(ascii: "-")
                        p += 1
                    }
                    continue
                }
                switch column.field {
                case .version: p = Digits.write(UInt64(record.version), to: p)
                case .srcport: p = Digits.write(UInt64(record.srcport), to: p)
                case .dstport: p = Digits.write(UInt64(record.dstport), to: p)
                case .proto: p = Digits.write(UInt64(record.proto), to: p)
                case .packets: p = Digits.write(record.packets, to: p)
                case .bytes: p = Digits.write(record.bytes, to: p)
                case .tcpFlags: p = Digits.write(UInt64(record.tcpFlags), to: p)
                case .trafficPath: p = Digits.write(UInt64(record.trafficPath), to: p)
                case .encryptionStatus: p = Digits.write(UInt64(record.encryptionStatus), to: p)
                case .packetsLostNoRoute: p = Digits.write(record.packetsLost[0], to: p)
                case .packetsLostBlackhole: p = Digits.write(record.packetsLost[1], to: p)
                case .packetsLostMTUExceeded: p = Digits.write(record.packetsLost[2], to: p)
                case .packetsLostTTLExpired: p = Digits.write(record.packetsLost[3], to: p)
                case .start: p = Digits.writeSigned(record.start, to: p)
                case .end: p = Digits.writeSigned(record.end, to: p)
                case .srcaddr: p = Digits.write(record.srcaddr, to: p)
                case .dstaddr: p = Digits.write(record.dstaddr, to: p)
                case .pktSrcaddr: p = Digits.write(record.pktSrcaddr, to: p)
                case .pktDstaddr: p = Digits.write(record.pktDstaddr, to: p)
                case .action:
                    switch record.action {
                    case .accept: p = Digits.write("ACCEPT", to: p)
                    case .reject: p = Digits.write("REJECT", to: p)
                    case nil: if !csv { p = Digits.write("-", to: p) }
                    }
                case .logStatus:
                    switch record.logStatus {
                    case .ok: p = Digits.write("OK", to: p)
                    case .noData: p = Digits.write("NODATA", to: p)
                    case .skipData: p = Digits.write("SKIPDATA", to: p)
                    case nil: if !csv { p = Digits.write("-", to: p) }
                    }
                case .flowDirection:
                    switch record.flowDirection {
                    case .ingress: p = Digits.write("ingress", to: p)
                    case .egress: p = Digits.write("egress", to: p)
                    case nil: if !csv { p = Digits.write("-", to: p) }
                    }
                default:
                    let id = Int(symbol(of: column, in: record).id)
                    let length = Int(lengths[id])
                    if length == 0 {
                        // An empty string would shift every later column, so it prints as absent.
                        if !csv {
                            p.pointee = UInt8(ascii: "-")
                            p += 1
                        }
                    } else {
                        p.update(from: arena + Int(offsets[id]), count: length)
                        p += length
                    }
                }
            }
            p.pointee = UInt8(ascii: "\n")
            p += 1
            return p - scratch
        }
    }

    /// Decimal and address formatting into raw bytes.
    enum Digits {
        // "00" "01" … "99" as one literal: two digits per division, and no lazy global to check.
        private static let pairs: StaticString =
            "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

        @inline(__always)
        static func count(_ value: UInt64) -> Int {
            var count = 1
            var v = value
            while v >= 10_000 {
                v /= 10_000
                count += 4
            }
            if v >= 1000 { return count + 3 }
            if v >= 100 { return count + 2 }
            if v >= 10 { return count + 1 }
            return count
        }

        @inline(__always)
        static func write(_ value: UInt64, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            if value < 10 {
                p.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
                return p + 1
            }
            let digits = count(value)
            var end = p + digits
            var v = value
            let table = pairs.utf8Start
            while v >= 100 {
                let pair = Int(truncatingIfNeeded: v % 100) &* 2
                v /= 100
                end -= 2
                end[0] = table[pair]
                end[1] = table[pair &+ 1]
            }
            if v >= 10 {
                let pair = Int(truncatingIfNeeded: v) &* 2
                end[-2] = table[pair]
                end[-1] = table[pair &+ 1]
            } else {
                end[-1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v)
            }
            return p + digits
        }

        @inline(__always)
        static func writeSigned(_ value: Int64, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            if value >= 0 { return write(UInt64(value), to: p) }
            p.pointee = UInt8(ascii: "-")
            return write(value.magnitude, to: p + 1)
        }

        @inline(__always)
        static func write(_ address: IPAddress, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            guard address.isIPv4 else {
                var q = p
                for byte in address.description.utf8 {
                    q.pointee = byte
                    q += 1
                }
                return q
            }
            let v = address.ipv4Value
            var q = write(UInt64(v >> 24), to: p)
            q.pointee = UInt8(ascii: ".")
            q = write(UInt64((v >> 16) & 0xFF), to: q + 1)
            q.pointee = UInt8(ascii: ".")
            q = write(UInt64((v >> 8) & 0xFF), to: q + 1)
            q.pointee = UInt8(ascii: ".")
            return write(UInt64(v & 0xFF), to: q + 1)
        }

        @inline(__always)
        static func write(_ text: StaticString, to p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            return p + text.utf8CodeUnitCount
        }
    }
}
