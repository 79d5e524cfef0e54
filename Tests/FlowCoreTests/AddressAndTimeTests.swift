import FlowCore
import Testing

@Suite struct AddressAndTimeTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("255.255.255.255", "255.255.255.255"), ("0.0.0.0", "0.0.0.0"),
        ("2001:db8::1", "2001:db8::1"), ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"), ("::1", "::1"), ("fe80::", "fe80::"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
        ("2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6"),
        ("::ffff:192.0.2.1", "192.0.2.1"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func addressesParseAndPrintCanonically(text: String, printed: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == printed)
        #expect(IPAddress(printed) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01234.1.1.1", "1::2::3", "1:2:3:4:5:6:7:8:9", "g::1", ":1",
        "1:", "12345::", "-", "10.0.0.1/8", "1.2.3.4 "])
    func badAddressesAreRefused(text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test func cidrMembershipInBothFamilies() throws {
        let set = CIDRSet(["10.20.0.0/16", "192.0.2.7", "2001:db8::/32", "10.20.5.0/24"].compactMap { CIDR($0) })
        #expect(set.contains(IPAddress("10.20.255.1")!))
        #expect(!set.contains(IPAddress("10.21.0.1")!))
        #expect(set.contains(IPAddress("192.0.2.7")!) && !set.contains(IPAddress("192.0.2.8")!))
        #expect(set.contains(IPAddress("2001:db8:ffff::9")!))
        #expect(!set.contains(IPAddress("2001:db9::1")!))
        #expect(CIDR("10.20.3.4/16")?.description == "10.20.0.0/16")
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDRSet.privateNetworks.contains(IPAddress("100.64.1.1")!))
        #expect(!CIDRSet.privateNetworks.contains(IPAddress("8.8.8.8")!))
    }

    @Test func timesFormatAndParse() {
        #expect(Timestamp.rfc3339(1_793_577_600) == "2026-11-02T00:00:00Z")
        #expect(Timestamp.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.parse("2026-11-02T00:00:00Z") == 1_793_577_600)
        #expect(Timestamp.parse("2026-11-02T01:00:00+01:00") == 1_793_577_600)
        #expect(Timestamp.parse("2026-11-02") == 1_793_577_600)
        #expect(Timestamp.parse("2026-13-02") == nil)
        #expect(Timestamp.duration("15m") == 900 && Timestamp.duration("6h") == 21_600 && Timestamp.duration("2d") == 172_800)
        #expect(Timestamp.parseTime("6h", now: 100_000) == Int64(78_400))
        #expect(Timestamp.duration("soon") == nil)
    }

    @Test func flowSenseFollowsFlagsThenPorts() {
        var request = FlowRecord()
        request.present = FlowField.srcport.bit | FlowField.dstport.bit | FlowField.proto.bit | FlowField.srcaddr.bit
            | FlowField.dstaddr.bit
        request.proto = 6
        request.srcaddr = IPAddress("10.0.0.1")!
        request.dstaddr = IPAddress("10.0.0.2")!
        request.srcport = 51_000
        request.dstport = 443
        #expect(!request.isResponse && request.servicePort == 443 && request.initiator == IPAddress("10.0.0.1"))
        var reply = request
        reply.srcaddr = request.dstaddr
        reply.dstaddr = request.srcaddr
        reply.srcport = 443
        reply.dstport = 51_000
        #expect(reply.isResponse && reply.servicePort == 443 && reply.initiator == IPAddress("10.0.0.1"))
        // tcp-flags outrank ports: a SYN-ACK from the high port is still the response.
        var synAck = request
        synAck.present |= FlowField.tcpFlags.bit
        synAck.tcpFlags = 18
        #expect(synAck.isResponse)
        // Neither side a known service: the lower port is the service.
        var high = request
        high.srcport = 6667
        high.dstport = 31_688
        #expect(high.isResponse)
        high.cacheOrientation()
        #expect(high.isResponse)
    }
}
