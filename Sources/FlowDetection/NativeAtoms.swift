import FlowCore

/// The distinct tests of a plan's compiled conditions ("atoms"), evaluated together into one
/// bit mask per record.
///
/// The walk used to evaluate each condition's tests where it met them, through a jump on the
/// test's kind whose target changed from one record to the next: most of the matching time went
/// to mispredicted jumps, and shared tests (`initiator in $internal`) ran once per subtree that
/// used them. Here every distinct test runs once per record, always in the same order, so the
/// jumps repeat a pattern the branch predictor learns; what remains of each condition is a few
/// bit tests. Records with the same mask match the same rules, which lets ``MatchPlan`` remember
/// the outcome of a mask instead of walking the tree for every record.
///
/// Tests of the same read against the same values (`initiator in $internal` and `initiator not
/// in $internal`) are one lookup, whose outcome sets the bits of both. The lookups of one read
/// are answered together by one table load: an address's class (``AddressPrefixTable``) gives
/// the bits of every lookup on that address, and a number's or enum's class those of every
/// lookup on it (``ValueClasses``).
///
/// The `service-port` tests, the most numerous (each rule names its own port list), are answered
/// by one table lookup: every port maps to a class of ports that all rules treat alike, and each
/// class to the mask of the service-port tests that hold for it.
struct NativeAtoms {
    /// At most this many atoms: bit 63 stays clear, so `UInt64.max` can never be a record's mask.
    static let capacity = 63

    /// Set lookups on numbers and enums, each setting the bits of its tests.
    private let lookups: UnsafeMutableBufferPointer<AtomLookup>
    /// The number and enum lookups answered read by read: all of them for requests, and those
    /// a record that is not a request needs (see ``evaluateForOthersOnly(_:)``).
    private let requestValues: ValueClasses
    private var otherValues: ValueClasses
    /// The code's number ranges (owned by the code), which the lookups index.
    private let ranges: UnsafeMutableBufferPointer<NumberRange>
    /// Set lookups on addresses, in runs that read the same address (see `addressGroups`).
    private let addressLookups: UnsafeMutableBufferPointer<AtomLookup>
    /// By address read: its run of `addressLookups`.
    private let addressGroups: UnsafeMutableBufferPointer<AddressGroup>
    /// By address read and address class (`group * classCount + class`): the bits that the
    /// read's lookups set together for an IPv4 address of the class, or `cutMarker` when one of
    /// their sets cuts the class, so that its lookups must scan their intervals.
    ///
    /// One table load per address read instead of one per lookup: a record's reads of the
    /// initiator and the responder each served half a dozen lookups, and every lookup loaded
    /// the address's class and the class's masks again, a chain of dependent loads each time.
    private let groupClassBits: UnsafeMutableBufferPointer<UInt64>
    private let classCount: Int
    /// Never an atom's bit (see `capacity`).
    private static let cutMarker = UInt64(1) << 63
    /// The other tests (senses, presence, flag masks), evaluated one by one, each with its bit.
    private let tests: UnsafeMutableBufferPointer<NativeTest>
    private let testBits: UnsafeMutableBufferPointer<UInt64>
    /// By port: its class. Empty when no test reads `service-port`.
    private let portClasses: PagedByteTable
    /// By port class: the bits of the service-port tests that hold for it.
    private let classBits: UnsafeMutableBufferPointer<UInt64>
    /// The address sets of the address lookups, by class for IPv4 addresses.
    private let addressSets: AddressPrefixTable
    /// The address groups a record that is not a request needs (indices into `addressGroups`),
    /// and whether it needs the port table: see ``evaluateForOthersOnly(_:)``. All of them until
    /// then.
    private var otherGroups: UnsafeMutableBufferPointer<Int32>
    private var othersReadPorts = true
    /// Every address group, in order: what a request needs.
    private let allGroups: UnsafeMutableBufferPointer<Int32>
    /// Whether a record with both ends and IPv4 addresses reads each end once, through
    /// `endBits`: when no class of any group is cut and the groups read only roles that are one
    /// of the two ends (initiator, responder, src, dst).
    ///
    /// The initiator and `src` of a request are the same address, as are the responder and
    /// `dst`, and a response swaps them: the built-in rules' four address groups looked up two
    /// addresses twice each.
    private var readsEndsOnce = false
    /// By sense (request, then response), end (packet source, then destination) and address
    /// class (`(sense * 2 + end) * classCount + class`): the bits of every group (of those the
    /// sense needs) that reads that end.
    private var endBits: UnsafeMutableBufferPointer<UInt64>

    /// Splits `atoms` (bit `i` for `atoms[i]`) into the service-port table and the tests left.
    ///
    /// - Parameters:
    ///   - ranges: The code's number ranges, which the service-port tests index.
    ///   - intervals: The code's address intervals, which the address tests index.
    init(
        _ atoms: [NativeTest], ranges: UnsafeMutableBufferPointer<NumberRange>,
        intervals: UnsafeMutableBufferPointer<AddressInterval>
    ) {
        var rest: [NativeTest] = []
        var restBits: [UInt64] = []
        var lookups: [AtomLookup] = []
        var lookupOf: [AtomLookup.Key: Int] = [:]
        func addLookup(_ key: AtomLookup.Key, negate: Bool, bit: UInt64) {
            if lookupOf[key] == nil {
                lookupOf[key] = lookups.count
                lookups.append(AtomLookup(key))
            }
            if negate { lookups[lookupOf[key]!].whenOut |= bit } else { lookups[lookupOf[key]!].whenIn |= bit }
        }
        // The service-port tests' outcome for every port, as a mask, built range by range.
        var portBits: [UInt64] = []
        for (index, atom) in atoms.enumerated() {
            let bit = UInt64(1) << UInt64(index)
            if case .number(.servicePort, let start, let count, let negate) = atom {
                if portBits.isEmpty { portBits = Array(repeating: 0, count: 65536) }
                for range in ranges[Int(start)..<Int(start + count)] where range.low <= 65535 {
                    for port in Int(range.low)...Int(min(range.high, 65535)) { portBits[port] |= bit }
                }
                if negate {
                    for port in 0..<65536 { portBits[port] ^= bit }
                }
            } else {
                switch atom {
                case .address(let role, let start, let count, let negate):
                    addLookup(AtomLookup.Key(kind: .address, read: role.rawValue, start: start, count: count), negate: negate, bit: bit)
                case .number(let read, let start, let count, let negate):
                    addLookup(AtomLookup.Key(kind: .number, read: read.rawValue, start: start, count: count), negate: negate, bit: bit)
                case .enumIn(let read, let mask, let negate):
                    addLookup(AtomLookup.Key(kind: .enumeration, read: read.rawValue, start: Int32(mask), count: 0), negate: negate, bit: bit)
                case .never:
                    continue  // Its bit stays clear.
                default:
                    rest.append(atom)
                    restBits.append(bit)
                }
            }
        }
        var classOfMask: [UInt64: UInt8] = [:]
        var masks: [UInt64] = []
        var classes: [UInt8] = []
        if !portBits.isEmpty {
            classes.reserveCapacity(65536)
            for mask in portBits {
                // Neighbouring ports mostly share a class: skip the dictionary for a run.
                if let previous = classes.last, masks[Int(previous)] == mask {
                    classes.append(previous)
                } else if let known = classOfMask[mask] {
                    classes.append(known)
                } else if masks.count < 256 {
                    classOfMask[mask] = UInt8(masks.count)
                    classes.append(UInt8(masks.count))
                    masks.append(mask)
                } else {
                    // More port classes than a byte can name: test the ports one by one instead.
                    classes = []
                    masks = []
                    for (index, atom) in atoms.enumerated() {
                        if case .number(.servicePort, let start, let count, let negate) = atom {
                            addLookup(
                                AtomLookup.Key(kind: .number, read: NumberRead.servicePort.rawValue, start: start, count: count),
                                negate: negate, bit: UInt64(1) << UInt64(index))
                        }
                    }
                    break
                }
            }
        }
        // Each distinct address set gets a bit of the address table.
        var sets: [(start: Int32, count: Int32)] = []
        for index in lookups.indices where lookups[index].kind == .address {
            let set = (start: lookups[index].start, count: lookups[index].count)
            if let known = sets.firstIndex(where: { $0 == set }) {
                lookups[index].set = UInt8(truncatingIfNeeded: known)
            } else {
                lookups[index].set = UInt8(truncatingIfNeeded: sets.count)
                sets.append(set)
            }
        }
        let addressSets = AddressPrefixTable(sets: sets, intervals: intervals)
        self.addressSets = addressSets
        // The address lookups in runs by the address they read, each run's bits by class.
        let byRead = lookups.filter { $0.kind == .address }.sorted { $0.read < $1.read }
        var groups: [AddressGroup] = []
        for (index, lookup) in byRead.enumerated() {
            if let last = groups.last, last.read == lookup.read {
                groups[groups.count - 1].count += 1
            } else {
                groups.append(AddressGroup(read: lookup.read, start: Int32(index), count: 1))
            }
        }
        classCount = addressSets.classCount
        var table: [UInt64] = []
        for group in groups {
            for addressClass in 0..<classCount {
                var bits: UInt64 = 0
                var isCut = false
                for lookup in byRead[Int(group.start)..<Int(group.start + group.count)] {
                    let (inside, cut) = addressSets.membership(ofClass: addressClass, set: Int(lookup.set))
                    isCut = isCut || cut
                    bits |= inside ? lookup.whenIn : lookup.whenOut
                }
                table.append(isCut ? Self.cutMarker : bits)
            }
        }
        addressLookups = .copying(byRead)
        addressGroups = .copying(groups)
        groupClassBits = .copying(table)
        let others = lookups.filter { $0.kind != .address }
        self.lookups = .copying(others)
        self.ranges = ranges
        requestValues = ValueClasses(others, ranges: ranges)
        otherValues = ValueClasses(others, ranges: ranges)
        allGroups = .copying(groups.indices.map { Int32($0) })
        otherGroups = allGroups
        endBits = .copying([])
        tests = .copying(rest)
        testBits = .copying(restBits)
        portClasses = PagedByteTable(classes)
        classBits = .copying(masks)
        layOutEnds()
    }

    /// Fills `endBits` from the groups that requests and other records need, or clears
    /// `readsEndsOnce` when a group reads another role or a class is cut.
    private mutating func layOutEnds() {
        endBits.deallocate()
        endBits = .copying([])
        readsEndsOnce = false
        guard classCount > 0, !groupClassBits.contains(where: { $0 & Self.cutMarker != 0 }) else { return }
        // By sense: the end each role reads, 0 for the packet source and 1 for the destination.
        func end(of role: AddressRole, response: Bool) -> Int? {
            switch role {
            case .packetSource: 0
            case .packetDestination: 1
            case .initiator: response ? 1 : 0
            case .responder: response ? 0 : 1
            case .srcaddr, .dstaddr, .pktSrcaddr, .pktDstaddr: nil
            }
        }
        var table = [UInt64](repeating: 0, count: 4 * classCount)
        for (sense, groups) in [allGroups, otherGroups].enumerated() {
            for index in groups {
                let group = addressGroups[Int(index)]
                guard let role = AddressRole(rawValue: group.read), let end = end(of: role, response: sense == 1) else {
                    return
                }
                for addressClass in 0..<classCount {
                    table[(sense * 2 + end) * classCount + addressClass] |=
                        groupClassBits[Int(index) * classCount + addressClass]
                }
            }
        }
        endBits.deallocate()
        endBits = .copying(table)
        readsEndsOnce = true
    }

    /// Whether IPv4 address lookups go through the address table.
    var hasAddressTable: Bool { !addressSets.isEmpty }

    /// Whether the service-port tests go through the port class table.
    var hasPortTable: Bool { !portClasses.isEmpty }

    /// Limits what a record that is not a request evaluates to the address groups, lookups and
    /// port table that set one of the `needed` atoms; the tests (senses, presence) always run.
    ///
    /// Nearly every rule starts with `request`, and a record that is not one (half of them:
    /// the responses) fails those rules whatever their other tests say, so its mask needs only
    /// the atoms of the rules that do not require a request (``MatchPlan`` works them out). The
    /// atoms left out stay clear: such a record's walk never reads them.
    mutating func evaluateForOthersOnly(_ needed: UInt64) {
        var groups: [Int32] = []
        for (index, group) in addressGroups.enumerated() {
            let bits = addressLookups[Int(group.start)..<Int(group.start + group.count)].reduce(UInt64(0)) {
                $0 | $1.whenIn | $1.whenOut
            }
            if bits & needed != 0 { groups.append(Int32(index)) }
        }
        if otherGroups.baseAddress != allGroups.baseAddress { otherGroups.deallocate() }
        otherGroups = .copying(groups)
        otherValues.deallocate()
        otherValues = ValueClasses(
            lookups.filter { ($0.whenIn | $0.whenOut) & needed != 0 }, ranges: ranges)
        othersReadPorts = classBits.contains { $0 & needed != 0 }
        layOutEnds()
    }

    /// Frees the buffers; the owner calls it once, when the code it belongs to is freed.
    func deallocate() {
        if otherGroups.baseAddress != allGroups.baseAddress { otherGroups.deallocate() }
        allGroups.deallocate()
        endBits.deallocate()
        requestValues.deallocate()
        otherValues.deallocate()
        lookups.deallocate()
        addressLookups.deallocate()
        addressGroups.deallocate()
        groupClassBits.deallocate()
        tests.deallocate()
        testBits.deallocate()
        portClasses.deallocate()
        classBits.deallocate()
        addressSets.deallocate()
    }


    /// The record's mask: bit `i` set when atom `i` holds.
    @inline(__always)
    func bits(_ reading: RecordReading, _ code: NativeCode) -> UInt64 {
        var bits: UInt64 = 0
        let present = reading.present
        let record = reading.record
        // One branch per record on its sense, then loops over the parts it needs.
        let isRequest = reading.hasBothEnds && !reading.isResponse
        var groups = isRequest ? allGroups : otherGroups
        if readsEndsOnce && reading.hasBothEnds,
            let source = addressSets.addressClass(of: record.packetSource),
            let destination = addressSets.addressClass(of: record.packetDestination)
        {
            let sense = reading.isResponse ? 2 * classCount : 0
            bits |= endBits[sense &+ source] | endBits[sense &+ classCount &+ destination]
            groups = UnsafeMutableBufferPointer(start: groups.baseAddress, count: 0)
        }
        for index in groups {
            let index = Int(index)
            let group = addressGroups[index]
            guard let address = reading.address(AddressRole(rawValue: group.read).unsafelyUnwrapped) else { continue }
            if let addressClass = addressSets.addressClass(of: address) {
                let classBits = groupClassBits[index * classCount + addressClass]
                // Branch only on the rare cut class: which bits an address sets varies from
                // record to record, and branching on them was mispredicted.
                if classBits & Self.cutMarker == 0 {
                    bits |= classBits
                    continue
                }
            }
            for lookup in addressLookups[Int(group.start)..<Int(group.start + group.count)] {
                let inside = addressSets.contains(
                    address, set: Int(lookup.set), start: Int(lookup.start), count: Int(lookup.count), in: code.intervals)
                bits |= inside ? lookup.whenIn : lookup.whenOut
            }
        }
        bits |= isRequest ? requestValues.bits(reading) : otherValues.bits(reading)
        for index in 0..<tests.count {
            let holds: Bool
            switch tests[index] {
            case .sense(let response): holds = reading.hasBothEnds && reading.isResponse == response
            case .present(let first, let second): holds = present & first != 0 && present & second != 0
            default: holds = code.test(tests[index], reading)
            }
            if holds { bits |= testBits[index] }
        }
        if !portClasses.isEmpty && (isRequest || othersReadPorts) {
            let ports = FlowField.srcport.bit | FlowField.dstport.bit
            if reading.present & ports == ports {
                let record = reading.record
                let port = reading.isResponse ? record.pointee.srcport : record.pointee.dstport
                bits |= classBits[Int(portClasses[port])]
            }
        }
        return bits
    }
}

/// A run of ``NativeAtoms``' address lookups that read the same address.
struct AddressGroup {
    var read: UInt8
    var start: Int32
    var count: Int32
}

/// One set lookup of ``NativeAtoms``: a read (an address role, a number or an enum) tested
/// against one set of values (intervals or ranges of the code, or an enum mask in `start`), with
/// the bits of the tests that hold when the value is in the set and when it is not. An absent
/// value sets neither, as a test of an absent value is false whatever its operator.
struct AtomLookup {
    enum Kind: UInt8 { case address, number, enumeration }

    struct Key: Hashable {
        var kind: Kind
        var read: UInt8
        var start: Int32
        var count: Int32
    }

    var kind: Kind
    var read: UInt8
    var start: Int32
    var count: Int32
    var whenIn: UInt64 = 0
    var whenOut: UInt64 = 0
    /// For an address lookup: its set's bit in the ``AddressPrefixTable``.
    var set: UInt8 = 0

    init(_ key: Key) {
        kind = key.kind
        read = key.read
        start = key.start
        count = key.count
    }
}
