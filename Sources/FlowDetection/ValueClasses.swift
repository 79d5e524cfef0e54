import FlowCore

/// The number and enum lookups of ``NativeAtoms``, answered read by read: one table load per
/// value a record is tested on (its protocol, packets, action) instead of one set test per
/// lookup.
///
/// The lookups on one read cut its values at a few edges (`protocol = tcp` at 6 and 7,
/// `packets <= 2` at 3, `packets <= 60` at 61), and every value between two edges sets the same
/// bits; so a value's class is the number of edges at or below it, and each class has its bits.
/// Testing the built-in rules' nine lookups one by one went through two jumps per lookup, on its
/// kind and on its read, and the lookups were a quarter of matching's time.
struct ValueClasses {
    /// What a read loads from the record.
    enum Source: UInt8 {
        case version, proto, srcport, dstport, tcpFlags, packets, bytes, servicePort, clientPort
        case action, logStatus, flowDirection

        var isEnumeration: Bool { self == .action || self == .logStatus || self == .flowDirection }
    }

    /// One read's place in the tables: its edges (`edges[edgeStart..<edgeStart + edgeCount]`,
    /// ascending) and the bits of each of its classes, from `classBits[bitsStart]` on. An enum
    /// read has no edges: its raw value is its class. `edgeCount` is -1 for a source no lookup reads.
    struct Read {
        var edgeStart: Int32 = 0
        var edgeCount: Int32 = -1
        var bitsStart: Int32 = 0
    }

    /// Reads with at most this many edges have exactly this many, padded with `UInt64.max` (and
    /// their classes past the last with the last class's bits), so that a value's class is four
    /// comparisons without a loop; reads with more find it by a binary search.
    static let paddedEdges = 4

    /// By source (its raw value).
    private let reads: UnsafeMutableBufferPointer<Read>
    private let edges: UnsafeMutableBufferPointer<UInt64>
    private let classBits: UnsafeMutableBufferPointer<UInt64>

    /// - Parameters:
    ///   - lookups: Number and enum lookups (address lookups are ignored).
    ///   - ranges: The code's number ranges, which the number lookups index.
    init(_ lookups: [AtomLookup], ranges: UnsafeMutableBufferPointer<NumberRange>) {
        var reads = Array(repeating: Read(), count: Int(Source.flowDirection.rawValue) + 1)
        var edges: [UInt64] = []
        var classBits: [UInt64] = []
        for (rawSource, read) in reads.enumerated() {
            guard let source = Source(rawValue: UInt8(rawSource)) else { continue }
            let lookups = lookups.filter { Self.source(of: $0) == source }
            guard !lookups.isEmpty else { continue }
            // The values that start a class: 1 to 7 for an enum (its raw values stay below 8,
            // as the lookups' masks are bytes), where a range starts or ends for a number.
            var starts: [UInt64]
            if source.isEnumeration {
                starts = (1..<8).map { UInt64($0) }
            } else {
                var cuts = Set<UInt64>()
                for lookup in lookups {
                    for range in ranges[Int(lookup.start)..<Int(lookup.start + lookup.count)] {
                        if range.low > 0 { cuts.insert(range.low) }
                        if range.high < .max { cuts.insert(range.high + 1) }
                    }
                }
                starts = cuts.sorted()
            }
            var placed = read
            placed.edgeStart = Int32(edges.count)
            placed.edgeCount = Int32(source.isEnumeration ? 0 : starts.count)
            placed.bitsStart = Int32(classBits.count)
            reads[rawSource] = placed
            // Each class's bits, from its lowest value.
            var bitsOfClass: [UInt64] = []
            for value in [0] + starts {
                var bits: UInt64 = 0
                for lookup in lookups {
                    let inside =
                        source.isEnumeration
                        ? UInt8(truncatingIfNeeded: lookup.start) & (1 << UInt8(value)) != 0
                        : IntervalSet.contains(value, in: ranges, start: Int(lookup.start), count: Int(lookup.count))
                    bits |= inside ? lookup.whenIn : lookup.whenOut
                }
                bitsOfClass.append(bits)
            }
            if !source.isEnumeration && starts.count <= Self.paddedEdges {
                let padding = Self.paddedEdges - starts.count
                starts += Array(repeating: .max, count: padding)
                bitsOfClass += Array(repeating: bitsOfClass[bitsOfClass.count - 1], count: padding)
                reads[rawSource].edgeCount = Int32(Self.paddedEdges)
            }
            if !source.isEnumeration { edges += starts }
            classBits += bitsOfClass
        }
        self.reads = .copying(reads)
        self.edges = .copying(edges)
        self.classBits = .copying(classBits)
    }

    /// Frees the buffers; the owner calls it once.
    func deallocate() {
        reads.deallocate()
        edges.deallocate()
        classBits.deallocate()
    }

    /// The bits that the lookups set for one record; an absent value sets none.
    ///
    /// Written out source by source: whether a source is read is the same for every record, so
    /// its branch is always predicted, where a loop over the reads jumped on each one's source.
    @inline(__always)
    func bits(_ reading: RecordReading) -> UInt64 {
        var bits: UInt64 = 0
        let present = reading.present
        let record = reading.record
        if reads[Int(Source.proto.rawValue)].edgeCount >= 0, present & FlowField.proto.bit != 0 {
            bits |= numberBits(UInt64(record.pointee.proto), .proto)
        }
        if reads[Int(Source.action.rawValue)].edgeCount >= 0, present & FlowField.action.bit != 0,
            let raw = record.pointee.action?.rawValue
        {
            bits |= enumBits(raw, .action)
        }
        if reads[Int(Source.packets.rawValue)].edgeCount >= 0, present & FlowField.packets.bit != 0 {
            bits |= numberBits(record.pointee.packets, .packets)
        }
        if reads[Int(Source.bytes.rawValue)].edgeCount >= 0, present & FlowField.bytes.bit != 0 {
            bits |= numberBits(record.pointee.bytes, .bytes)
        }
        if reads[Int(Source.tcpFlags.rawValue)].edgeCount >= 0, present & FlowField.tcpFlags.bit != 0 {
            bits |= numberBits(UInt64(record.pointee.tcpFlags), .tcpFlags)
        }
        if reads[Int(Source.logStatus.rawValue)].edgeCount >= 0, present & FlowField.logStatus.bit != 0,
            let raw = record.pointee.logStatus?.rawValue
        {
            bits |= enumBits(raw, .logStatus)
        }
        if reads[Int(Source.flowDirection.rawValue)].edgeCount >= 0, present & FlowField.flowDirection.bit != 0,
            let raw = record.pointee.flowDirection?.rawValue
        {
            bits |= enumBits(raw, .flowDirection)
        }
        if reads[Int(Source.version.rawValue)].edgeCount >= 0, present & FlowField.version.bit != 0 {
            bits |= numberBits(UInt64(record.pointee.version), .version)
        }
        if reads[Int(Source.srcport.rawValue)].edgeCount >= 0, present & FlowField.srcport.bit != 0 {
            bits |= numberBits(UInt64(record.pointee.srcport), .srcport)
        }
        if reads[Int(Source.dstport.rawValue)].edgeCount >= 0, present & FlowField.dstport.bit != 0 {
            bits |= numberBits(UInt64(record.pointee.dstport), .dstport)
        }
        let ports = FlowField.srcport.bit | FlowField.dstport.bit
        if reads[Int(Source.servicePort.rawValue)].edgeCount >= 0, present & ports == ports {
            let port = reading.isResponse ? record.pointee.srcport : record.pointee.dstport
            bits |= numberBits(UInt64(port), .servicePort)
        }
        if reads[Int(Source.clientPort.rawValue)].edgeCount >= 0, present & ports == ports {
            let port = reading.isResponse ? record.pointee.dstport : record.pointee.srcport
            bits |= numberBits(UInt64(port), .clientPort)
        }
        return bits
    }

    /// The bits of a number's class.
    @inline(__always)
    private func numberBits(_ value: UInt64, _ source: Source) -> UInt64 {
        let read = reads[Int(source.rawValue)]
        let start = Int(read.edgeStart)
        let valueClass: Int
        if read.edgeCount == Int32(Self.paddedEdges) {
            // Counted without a branch on the outcome, which varies from record to record.
            valueClass =
                (value >= edges[start] ? 1 : 0) &+ (value >= edges[start &+ 1] ? 1 : 0)
                &+ (value >= edges[start &+ 2] ? 1 : 0) &+ (value >= edges[start &+ 3] ? 1 : 0)
        } else {
            var low = start
            var high = start + Int(read.edgeCount)
            while low < high {
                let middle = (low + high) / 2
                if edges[middle] <= value { low = middle + 1 } else { high = middle }
            }
            valueClass = low - start
        }
        return classBits[Int(read.bitsStart) &+ valueClass]
    }

    /// The bits of an enum's raw value.
    @inline(__always)
    private func enumBits(_ raw: UInt8, _ source: Source) -> UInt64 {
        classBits[Int(reads[Int(source.rawValue)].bitsStart) &+ Int(raw & 7)]
    }

    /// The read of a number or enum lookup.
    private static func source(of lookup: AtomLookup) -> Source? {
        switch lookup.kind {
        case .number:
            switch NumberRead(rawValue: lookup.read) {
            case .version: .version
            case .proto: .proto
            case .srcport: .srcport
            case .dstport: .dstport
            case .tcpFlags: .tcpFlags
            case .packets: .packets
            case .bytes: .bytes
            case .servicePort: .servicePort
            case .clientPort: .clientPort
            case nil: nil
            }
        case .enumeration:
            switch EnumRead(rawValue: lookup.read) {
            case .action: .action
            case .logStatus: .logStatus
            case .flowDirection: .flowDirection
            case nil: nil
            }
        case .address:
            nil
        }
    }
}
