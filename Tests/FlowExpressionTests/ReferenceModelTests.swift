import FlowCore
import FlowExpression
import Testing

/// Checks the compiled filter against a direct, slow reading of the AST over `FlowRecord.value(_:)`,
/// on random expressions and random records with random absent fields. The compiled side has byte
/// offsets, jump targets, merged ranges and binary searches; the reference has none of them.
@Suite struct ReferenceModelTests {
    static let sets: [String: CIDRSet] = [
        "internal": .privateNetworks,
        "db": CIDRSet(["10.20.5.0/24", "10.20.6.0/24"].map { CIDR($0)! }),
        "intel": CIDRSet(
            (0..<40).map { CIDR(network: IPAddress(ipv4: 0xC633_6400 + UInt32($0) * 4), prefixLength: 30) }
                + [CIDR("2001:db8:bad::/48")!]),
    ]

    @Test func compiledFilterAgreesWithTheReference() throws {
        var random = SplitMix64(seed: 0x5EED)
        let records = (0..<300).map { _ in RandomFlows.record(&random) }
        for _ in 0..<400 {
            let expression = RandomFlows.expression(&random, depth: 3)
            let text = expression.description
            let filter = try FlowFilter(expression, sets: Self.sets)
            // The normal form is a fixed point; it may regroup `a and (b and c)`, never change it.
            let reparsed = try FlowFilter(text, sets: Self.sets)
            #expect(reparsed.description == text)
            let expected = records.map { Reference.evaluate(expression, $0, sets: Self.sets) }
            let actual = records.map { filter.matches($0) }
            #expect(actual == expected, "\(text)")
            #expect(records.map { reparsed.matches($0) } == expected, "\(text)")
            #expect(filter.matchingIndices(in: records) == expected.indices.filter { expected[$0] }, "\(text)")
            #expect(filter.count(in: records) == expected.filter { $0 }.count)
        }
    }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum RandomFlows {
    static let ports: [UInt64] = [
        0, 22, 23, 25, 53, 80, 110, 443, 1023, 1024, 3389, 5900, 5901, 8080, 8443, 32767, 32768, 51000, 65535,
    ]
    static let addresses = [
        "10.20.5.7", "10.20.6.255", "10.20.7.0", "192.168.1.5", "198.51.100.9", "198.51.100.200", "0.0.0.0",
        "2001:db8:bad::1", "2001:db8:beef::1", "fd00::5", "::1",
    ]
    static let networks = ["10.0.0.0/8", "10.20.5.0/24", "198.51.100.0/25", "2001:db8::/32", "0.0.0.0/0", "::/0"]
    static let times: [Int64] = [0, 1_793_589_600, 1_793_589_660, 2_000_000_000]
    static let vpcs = ["vpc-1", "vpc-2", "vpc 3"] + (4..<12).map { "vpc-\($0)" }

    static func pick<T>(_ values: [T], _ random: inout SplitMix64) -> T { values.randomElement(using: &random)! }

    static func record(_ random: inout SplitMix64) -> FlowRecord {
        var record = FlowRecord()
        func maybe(_ field: FlowField, _ set: (inout FlowRecord) -> Void) {
            guard Int.random(in: 0..<5, using: &random) != 0 else { return }
            record.present |= field.bit
            set(&record)
        }
        maybe(.srcport) { $0.srcport = UInt16(pick(ports, &random)) }
        maybe(.dstport) { $0.dstport = UInt16(pick(ports, &random)) }
        maybe(.proto) { $0.proto = pick([1, 6, 17, 58, 132], &random) }
        maybe(.packets) { $0.packets = pick([0, 1, 10, .max], &random) }
        maybe(.start) { $0.start = pick(times, &random) }
        maybe(.tcpFlags) { $0.tcpFlags = pick([0, 2, 18, 19, 4, 63], &random) }
        maybe(.srcaddr) { $0.srcaddr = IPAddress(pick(addresses, &random))! }
        maybe(.dstaddr) { $0.dstaddr = IPAddress(pick(addresses, &random))! }
        maybe(.pktSrcaddr) { $0.pktSrcaddr = IPAddress(pick(addresses, &random))! }
        maybe(.pktDstaddr) { $0.pktDstaddr = IPAddress(pick(addresses, &random))! }
        maybe(.action) { $0.action = pick(FlowAction.allCases, &random) }
        maybe(.logStatus) { $0.logStatus = pick(LogStatus.allCases, &random) }
        maybe(.flowDirection) { $0.flowDirection = pick(FlowDirection.allCases, &random) }
        maybe(.vpcID) { $0[text: .vpcID] = Symbol(pick(vpcs, &random)) }
        return record
    }

    static func expression(_ random: inout SplitMix64, depth: Int) -> FilterExpression {
        let roll = depth == 0 ? 0 : Int.random(in: 0..<6, using: &random)
        switch roll {
        case 3: return .and(expression(&random, depth: depth - 1), expression(&random, depth: depth - 1))
        case 4: return .or(expression(&random, depth: depth - 1), expression(&random, depth: depth - 1))
        case 5: return .not(expression(&random, depth: depth - 1))
        default: return leaf(&random)
        }
    }

    static func leaf(_ random: inout SplitMix64) -> FilterExpression {
        let ordered: [ComparisonOperator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        let lists: [ComparisonOperator] = [.in, .notIn]
        func numbers(_ subject: Subject, _ domain: [UInt64], ranges: Bool) -> FilterExpression {
            let op = pick(ordered + lists, &random)
            if !op.takesList { return .comparison(Comparison(subject, op, [.number(pick(domain, &random))])) }
            // Long lists take the binary-search path once merged lists pass 8 entries.
            let count = Int.random(in: 1...30, using: &random)
            let values: [FilterValue] = (0..<count).map { _ in
                let low = pick(domain, &random)
                guard ranges, Int.random(in: 0..<4, using: &random) == 0 else { return .number(low) }
                return .range(low...max(low, pick(domain, &random)))
            }
            return .comparison(Comparison(subject, op, values))
        }
        func addressValues() -> [FilterValue] {
            (0..<Int.random(in: 1...3, using: &random)).map { _ in
                switch Int.random(in: 0..<3, using: &random) {
                case 0: .network(CIDR(pick(addresses, &random))!)
                case 1: .network(CIDR(pick(networks, &random))!)
                default: .set(pick(["internal", "db", "intel"], &random))
                }
            }
        }
        let subjects = [
            "dstport", "port", "protocol", "packets", "start", "tcp-flags", "srcaddr", "addr", "src",
            "dst", "action", "log-status", "flow-direction", "vpc-id", "exists", "service-port", "client-port",
            "sense",
        ]
        switch pick(subjects, &random) {
        case "dstport": return numbers(.field(.dstport), ports, ranges: true)
        case "port": return numbers(Subject(name: "port")!, ports, ranges: true)
        case "service-port", "client-port":
            return numbers(Subject(name: pick(["service-port", "client-port"], &random))!, ports, ranges: true)
        case "sense": return .sense(pick(FlowSense.allCases, &random))
        case "protocol": return numbers(.field(.proto), [1, 6, 17, 58, 0, 255], ranges: false)
        case "packets": return numbers(.field(.packets), [0, 1, 10, .max], ranges: true)
        case "tcp-flags":
            if Bool.random(using: &random) {
                let flags = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    FilterValue.number(pick([1, 2, 4, 16], &random))
                }
                return .comparison(Comparison(.field(.tcpFlags), .has, flags))
            }
            return numbers(.field(.tcpFlags), [0, 2, 18, 19], ranges: false)
        case "start":
            let op = pick(ordered + lists, &random)
            let count = op.takesList ? Int.random(in: 1...3, using: &random) : 1
            return .comparison(Comparison(.field(.start), op, (0..<count).map { _ in .time(pick(times, &random)) }))
        case "srcaddr", "addr", "src", "dst":
            let subject = Subject(name: pick(["srcaddr", "addr", "src", "dst", "initiator", "responder"], &random))!
            let values = addressValues()
            if values.count == 1, case .network(let cidr) = values[0], cidr.bits == 128, Bool.random(using: &random) {
                return .comparison(Comparison(subject, pick([.equal, .notEqual], &random), values))
            }
            return .comparison(Comparison(subject, pick(lists, &random), values))
        case "action":
            return .comparison(
                Comparison(
                    .field(.action), pick([.equal, .notEqual], &random), [.action(pick(FlowAction.allCases, &random))]))
        case "log-status":
            let values = (0..<Int.random(in: 1...2, using: &random)).map { _ in
                FilterValue.logStatus(pick(LogStatus.allCases, &random))
            }
            return .comparison(Comparison(.field(.logStatus), pick(lists, &random), values))
        case "flow-direction":
            return .comparison(
                Comparison(
                    .field(.flowDirection), pick([.equal, .notEqual], &random),
                    [.flowDirection(pick(FlowDirection.allCases, &random))]))
        case "vpc-id":
            let op = pick([.equal, .notEqual] + lists, &random)
            let count = op.takesList ? Int.random(in: 1...12, using: &random) : 1
            return .comparison(
                Comparison(.field(.vpcID), op, (0..<count).map { _ in .text(pick(vpcs + ["vpc-9", "x"], &random)) }))
        default:
            let names = ["dstport", "src", "addr", "vpc-id", "action", "initiator", "responder", "service-port"]
            return .exists(Subject(name: pick(names, &random))!)
        }
    }
}

/// The obvious, slow meaning of an expression.
enum Reference {
    static func evaluate(_ expression: FilterExpression, _ record: FlowRecord, sets: [String: CIDRSet]) -> Bool {
        switch expression {
        case .and(let l, let r): return evaluate(l, record, sets: sets) && evaluate(r, record, sets: sets)
        case .or(let l, let r): return evaluate(l, record, sets: sets) || evaluate(r, record, sets: sets)
        case .not(let inner): return !evaluate(inner, record, sets: sets)
        case .exists(let subject): return subject.accessors.contains { read($0, record) != .absent }
        case .sense(let sense):
            return hasBothEnds(record) && record.isResponse == (sense == .response)
        case .comparison(let comparison):
            let values = comparison.subject.accessors.map { read($0, record) }
            if comparison.op.isNegative {
                return values.allSatisfy { $0 != .absent && !test($0, comparison, sets) }
            }
            return values.contains { $0 != .absent && test($0, comparison, sets) }
        }
    }

    static func read(_ accessor: Accessor, _ record: FlowRecord) -> FieldValue {
        switch accessor {
        case .field(let field): record.value(field)
        case .packetSource: record.value(.pktSrcaddr) != .absent ? record.value(.pktSrcaddr) : record.value(.srcaddr)
        case .packetDestination:
            record.value(.pktDstaddr) != .absent ? record.value(.pktDstaddr) : record.value(.dstaddr)
        case .initiator: hasBothEnds(record) ? .address(record.initiator) : .absent
        case .responder: hasBothEnds(record) ? .address(record.responder) : .absent
        case .servicePort: hasBothPorts(record) ? .number(UInt64(record.servicePort)) : .absent
        case .clientPort: hasBothPorts(record) ? .number(UInt64(record.clientPort)) : .absent
        }
    }

    static func hasBothEnds(_ record: FlowRecord) -> Bool {
        (record.value(.srcaddr) != .absent || record.value(.pktSrcaddr) != .absent)
            && (record.value(.dstaddr) != .absent || record.value(.pktDstaddr) != .absent)
    }

    static func hasBothPorts(_ record: FlowRecord) -> Bool {
        record.value(.srcport) != .absent && record.value(.dstport) != .absent
    }

    /// Whether the value matches the comparison taken positively (`!=` as `=`, `not in` as `in`).
    static func test(_ value: FieldValue, _ comparison: Comparison, _ sets: [String: CIDRSet]) -> Bool {
        switch comparison.op {
        case .has:
            guard case .number(let n) = value else { return false }
            let mask = comparison.values.reduce(UInt64(0)) { if case .number(let b) = $1 { $0 | b } else { $0 } }
            return n & mask == mask
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let (actual, bound) = ordered(value, comparison.values[0])
            switch comparison.op {
            case .less: return actual < bound
            case .lessOrEqual: return actual <= bound
            case .greater: return actual > bound
            default: return actual >= bound
            }
        default:
            return comparison.values.contains { equal(value, $0, sets) }
        }
    }

    static func ordered(_ value: FieldValue, _ bound: FilterValue) -> (Double, Double) {
        switch (value, bound) {
        case (.number(let a), .number(let b)): (Double(a), Double(b))
        case (.time(let a), .time(let b)): (Double(a), Double(b))
        default: fatalError("unordered \(value) \(bound)")
        }
    }

    static func equal(_ value: FieldValue, _ expected: FilterValue, _ sets: [String: CIDRSet]) -> Bool {
        switch (value, expected) {
        case (.number(let a), .number(let b)): a == b
        case (.number(let a), .range(let r)): r.contains(a)
        case (.time(let a), .time(let b)): a == b
        case (.address(let a), .network(let cidr)): cidr.contains(a)
        case (.address(let a), .set(let name)): sets[name]!.contains(a)
        case (.text(let a), .text(let b)): a.string == b
        case (.text(let a), .action(let b)): a.string == b.name
        case (.text(let a), .logStatus(let b)): a.string == b.name
        case (.text(let a), .flowDirection(let b)): a.string == b.name
        default: fatalError("mismatched \(value) \(expected)")
        }
    }
}
