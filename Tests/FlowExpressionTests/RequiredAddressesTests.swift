import FlowCore
import FlowExpression
import Testing

@Suite struct RequiredAddressesTests {
    static func addresses(_ text: String) throws -> [String]? {
        try FilterExpression(parsing: text).requiredAddresses.map { $0.sorted().map(\.description) }
    }

    @Test func singleAddressesOnEitherEndBoundTheRows() throws {
        #expect(try Self.addresses("addr = 10.0.0.1") == ["10.0.0.1"])
        #expect(try Self.addresses("srcaddr in (10.0.0.2, 10.0.0.1)") == ["10.0.0.1", "10.0.0.2"])
        #expect(try Self.addresses("dstaddr = 2001:db8::1") == ["2001:db8::1"])
        #expect(try Self.addresses("addr = 10.0.0.1/32") == ["10.0.0.1"])
    }

    @Test func andTakesTheSmallerSideAndOrNeedsBoth() throws {
        #expect(try Self.addresses("addr = 10.0.0.1 and dstport = 22") == ["10.0.0.1"])
        #expect(try Self.addresses("dstport = 22 and addr in (10.0.0.1, 10.0.0.2) and srcaddr = 10.0.0.3") == ["10.0.0.3"])
        #expect(try Self.addresses("addr = 10.0.0.1 or dstaddr = 10.0.0.9") == ["10.0.0.1", "10.0.0.9"])
        #expect(try Self.addresses("(addr = 10.0.0.1 or addr = 10.0.0.2) and action = REJECT") == ["10.0.0.1", "10.0.0.2"])
    }

    /// Anything that can match a record without one of the addresses at `srcaddr` or `dstaddr`.
    @Test func expressionsThatDoNotBoundTheRowsGiveNil() throws {
        for text in [
            "dstport = 22", "addr = 10.0.0.1 or dstport = 22", "not addr = 10.0.0.1", "addr != 10.0.0.1",
            "addr not in (10.0.0.1)", "addr = 10.0.0.0/24", "addr in (10.0.0.1, 10.0.1.0/24)", "src = 10.0.0.1",
            "pkt-srcaddr = 10.0.0.1", "addr in $internal",
        ] {
            #expect(try Self.addresses(text) == nil, "\(text)")
        }
    }
}
