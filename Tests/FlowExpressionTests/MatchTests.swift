import FlowCore
import FlowExpression
import Testing

private func matches(_ text: String, _ record: FlowRecord, sets: [String: CIDRSet] = [:]) throws -> Bool {
    try FlowFilter(text, sets: sets).matches(record)
}

private func cidrs(_ texts: String...) -> CIDRSet { CIDRSet(texts.map { CIDR($0)! }) }

@Suite struct ComparisonTests {
    @Test(arguments: [
        ("dstport = 22", true), ("dstport == 22", true), ("dstport = 23", false),
        ("dstport != 23", true), ("dstport != 22", false), ("dstport <> 22", false),
        ("dstport < 23", true), ("dstport < 22", false), ("dstport <= 22", true), ("dstport <= 21", false),
        ("dstport > 21", true), ("dstport > 22", false), ("dstport >= 22", true), ("dstport >= 23", false),
        ("DSTPORT = 22", true), ("srcport = 51514", true),
        ("packets > 10", true), ("bytes >= 4121", false), ("version = 5", true), ("dstport = 0x16", true),
    ])
    func numbers(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test(arguments: [
        ("protocol = tcp", true), ("protocol = TCP", true), ("protocol = 6", true), ("proto = tcp", true),
        ("protocol = udp", false), ("protocol in (udp, icmp)", false), ("protocol in (tcp, udp)", true),
        ("protocol != icmp", true),
    ])
    func protocols(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test(arguments: [
        ("action = ACCEPT", true), ("action = accept", true), ("action = reject", false),
        ("action != REJECT", true), ("action in (accept, reject)", true), ("action not in (accept)", false),
        ("log-status = ok", true), ("log_status = NODATA", false), ("flow-direction = ingress", true),
        ("flow-direction = EGRESS", false),
    ])
    func enumLikeFields(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test(arguments: [
        ("interface-id = eni-0a1b2c3d", true), ("interface-id = 'eni-0a1b2c3d'", true),
        ("interface-id = \"eni-0a1b2c3d\"", true), ("interface-id = ENI-0A1B2C3D", false),
        ("interface-id != eni-0a1b2c3d", false), ("vpc-id in (vpc-22bb, vpc-11aa)", true),
        ("vpc-id not in (vpc-22bb, vpc-33cc)", true), ("account-id = 123456789012", true),
        ("type = ipv4", true), ("type = IPv6", false), ("pkt-src-aws-service = amazon", true),
    ])
    func text(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test func textListsLongerThanTheScanLimitAreSearched() throws {
        let many = (0..<50).map { "vpc-\($0)" }.joined(separator: ", ")
        #expect(try matches("vpc-id in (\(many), vpc-11aa)", ssh))
        #expect(try !matches("vpc-id in (\(many))", ssh))
        #expect(try matches("vpc-id not in (\(many))", ssh))
    }

    @Test(arguments: [
        ("start >= 1793589600", true), ("start > 1793589600", false),
        ("start >= 2026-11-02T00:00:00Z", true), ("start < 2026-11-02", false),
        ("end <= 2026-11-02T04:21:00+01:00", true), ("end < 2026-11-02T03:01:00+01:00", false),
        ("start = 1793589600000", true),
    ])
    func times(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }
}

@Suite struct ListTests {
    @Test(arguments: [
        ("dstport in (22, 3389, 5900-5901)", true), ("dstport in (80, 443)", false),
        ("dstport in 1-1023", true), ("dstport in 1024-65535", false), ("dstport in (1000 - 2000, 20 - 30)", true),
        ("dstport not in (80, 443)", true), ("dstport not in (20-25)", false), ("dstport in (22)", true),
        ("srcport in 1024-65535", true), ("dstport in (5900-5901, 21-23)", true),
    ])
    func portLists(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test func longPortListsAreSearched() throws {
        let ports = stride(from: 1000, to: 2000, by: 10).map(String.init).joined(separator: ", ")
        #expect(try !matches("dstport in (\(ports))", ssh))
        #expect(try matches("dstport in (\(ports), 22)", ssh))
        #expect(try matches("srcport in (\(ports), 51000-52000)", ssh))
        #expect(try matches("dstport not in (\(ports))", ssh))
    }

    @Test(arguments: [
        ("srcaddr in 198.51.100.0/24", true), ("srcaddr in 10.0.0.0/8", false),
        ("dstaddr in (10.0.0.0/8, 192.168.1.5)", true), ("dstaddr in (192.168.1.5, 172.16.0.0/12)", false),
        ("dstaddr = 10.20.1.15", true), ("dstaddr = 10.20.1.16", false), ("dstaddr != 10.20.1.16", true),
        ("dstaddr = 10.20.0.0/16", true), ("dstaddr != 10.20.0.0/16", false),
        ("srcaddr not in 10.0.0.0/8", true), ("dstaddr not in (10.20.1.15)", false),
        ("srcaddr in 0.0.0.0/0", true), ("srcaddr in 2000::/3", false),
    ])
    func addresses(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test func ipv6() throws {
        let v6 = record([
            "srcaddr": "2001:db8:1::7", "dstaddr": "fd00:20::15", "dstport": "443", "action": "ACCEPT",
        ])
        #expect(try matches("srcaddr in 2001:db8::/32", v6))
        #expect(try !matches("srcaddr in 2001:db9::/32", v6))
        #expect(try matches("srcaddr = 2001:DB8:1:0:0:0:0:7", v6))
        #expect(try matches("dstaddr in $internal", v6))
        #expect(try matches("srcaddr not in $internal", v6))
        #expect(try !matches("srcaddr in 0.0.0.0/0", v6))
        #expect(try matches("srcaddr in (10.0.0.0/8, 2001:db8:1::/48)", v6))
        #expect(try matches("addr in fd00::/8", v6))
        #expect(try matches("srcaddr in 2000::/3", v6))
        // IPv4 is held IPv4-mapped, so ::/0 covers both families and 0.0.0.0/0 only IPv4.
        #expect(try matches("srcaddr in ::/0", ssh))
    }

    @Test func namedSets() throws {
        let sets = [
            "trusted": cidrs("10.20.6.5/32"), "db": cidrs("10.20.1.0/24", "10.20.5.0/24"),
            "intel": cidrs("198.51.100.7"), "dns_resolvers": cidrs("10.20.0.2"),
        ]
        #expect(try matches("dstaddr in $db", ssh, sets: sets))
        #expect(try matches("dstaddr = $db", ssh, sets: sets))
        #expect(try matches("srcaddr in $intel and srcaddr not in $trusted", ssh, sets: sets))
        #expect(try !matches("srcaddr in ($trusted, $dns_resolvers)", ssh, sets: sets))
        #expect(try matches("srcaddr in ($trusted, 198.51.100.0/24)", ssh, sets: sets))
        #expect(try matches("dstaddr in $internal and srcaddr not in $internal", ssh, sets: sets))
        // A caller's `internal` replaces the default.
        #expect(try !matches("dstaddr in $internal", ssh, sets: ["internal": cidrs("192.168.0.0/16")]))
    }

    @Test func largeSetsAreSearched() throws {
        var feed = CIDRSet()
        for i in 0..<5000 {
            feed.insert(CIDR(network: IPAddress(ipv4: 0xC000_0000 + UInt32(i) * 256), prefixLength: 24))
        }
        feed.insert(CIDR("2001:db8::/32")!)
        let filter = try FlowFilter("srcaddr in $intel", sets: ["intel": feed])
        #expect(filter.matches(record(["srcaddr": "192.0.19.255"])))
        #expect(filter.matches(record(["srcaddr": "192.19.135.1"])))
        #expect(!filter.matches(record(["srcaddr": "192.19.136.0"])))
        #expect(!filter.matches(record(["srcaddr": "191.255.255.255"])))
        #expect(filter.matches(record(["srcaddr": "2001:db8::1"])))
        #expect(!filter.matches(record(["srcaddr": "2001:db9::1"])))
    }

    @Test func emptySetMatchesNothing() throws {
        #expect(try !matches("srcaddr in $intel", ssh, sets: ["intel": CIDRSet()]))
        #expect(try matches("srcaddr not in $intel", ssh, sets: ["intel": CIDRSet()]))
    }
}

@Suite struct PseudoFieldTests {
    let rewritten = record([
        "srcaddr": "10.20.3.9", "dstaddr": "10.20.1.15", "pkt-srcaddr": "203.0.113.50", "srcport": "443",
        "dstport": "40000",
    ])

    @Test func addrMatchesEitherAddress() throws {
        #expect(try matches("addr = 198.51.100.7", ssh))
        #expect(try matches("addr = 10.20.1.15", ssh))
        #expect(try !matches("addr = 10.20.1.16", ssh))
        #expect(try matches("addr in 10.0.0.0/8", ssh))
    }

    @Test func negatedAddrMeansNeither() throws {
        #expect(try !matches("addr != 198.51.100.7", ssh))
        #expect(try !matches("addr != 10.20.1.15", ssh))
        #expect(try matches("addr != 10.20.1.16", ssh))
        #expect(try !matches("addr not in 10.0.0.0/8", ssh))
        #expect(try matches("addr not in 192.168.0.0/16", ssh))
    }

    @Test func portMatchesEitherPort() throws {
        #expect(try matches("port = 443", rewritten))
        #expect(try matches("port = 40000", rewritten))
        #expect(try matches("port < 1024", rewritten))
        #expect(try !matches("port in (22, 3389)", rewritten))
        #expect(try !matches("port != 443", rewritten))
        #expect(try matches("port not in (22, 3389)", rewritten))
    }

    @Test func srcAndDstArePacketLevel() throws {
        #expect(try matches("src = 203.0.113.50", rewritten))
        #expect(try !matches("srcaddr = 203.0.113.50", rewritten))
        #expect(try matches("src not in $internal", rewritten))
        // No pkt-dstaddr: dst falls back to dstaddr.
        #expect(try matches("dst = 10.20.1.15", rewritten))
        #expect(try !matches("dst != 10.20.1.15", rewritten))
    }
}

@Suite struct FlagTests {
    // ssh has tcp-flags 19: FIN, SYN, ACK.
    @Test(arguments: [
        ("tcp-flags has syn", true), ("tcp-flags has (syn, ack)", true), ("tcp-flags has (SYN, FIN, ACK)", true),
        ("tcp-flags has rst", false), ("tcp-flags has (syn, rst)", false), ("tcp-flags has 18", true),
        ("tcp-flags = 19", true), ("tcp-flags = syn", false), ("not tcp-flags has ack", false),
        ("tcp-flags has psh or tcp-flags has urg", false),
    ])
    func has(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    @Test func synOnly() throws {
        let syn = record(["tcp-flags": "2"])
        #expect(try matches("tcp-flags = syn", syn))
        #expect(try matches("tcp-flags has syn and not tcp-flags has ack", syn))
    }
}

@Suite struct LogicTests {
    @Test(arguments: [
        ("dstport = 22 and action = ACCEPT", true), ("dstport = 22 && action = REJECT", false),
        ("dstport = 80 or action = ACCEPT", true), ("dstport = 80 || action = REJECT", false),
        ("not dstport = 80", true), ("!(dstport = 22)", false), ("not not dstport = 22", true),
        ("(dstport = 80 or dstport = 22) and protocol = tcp", true),
        ("dstport = 80 AND action = ACCEPT", false), ("dstport = 80 OR action = ACCEPT", true),
    ])
    func connectives(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text, ssh) == expected, "\(text)")
    }

    /// `and` binds tighter than `or`: `a or b and c` is `a or (b and c)`.
    @Test func precedence() throws {
        // a = true, b = false, c = false: a or (b and c) = true; (a or b) and c = false.
        #expect(try matches("dstport = 22 or dstport = 80 and action = REJECT", ssh))
        #expect(try !matches("(dstport = 22 or dstport = 80) and action = REJECT", ssh))
        // a = false, b = true, c = true.
        #expect(try matches("dstport = 80 or dstport = 22 and action = ACCEPT", ssh))
        // `not` binds tighter than `and`.
        #expect(try !matches("not dstport = 22 and action = ACCEPT", ssh))
        #expect(try matches("not (dstport = 80 and action = ACCEPT)", ssh))
    }

    @Test func whitespaceIsOptionalAroundSymbols() throws {
        #expect(try matches("dstport=22&&(action=accept||dstport!=22)", ssh))
        #expect(try matches("dstport in(22,3389)", ssh))
        #expect(try matches("  dstport\n=\t22  ", ssh))
    }
}

@Suite struct AbsentFieldTests {
    /// A comparison on an absent field is false whatever the operator, `!=` and `not in` included,
    /// while `not (...)` of it is true.
    @Test(arguments: [
        "dstport = 22", "dstport != 22", "dstport < 1", "dstport >= 0", "dstport in (22, 80)",
        "dstport not in (22, 80)", "srcaddr = 10.0.0.1", "srcaddr != 10.0.0.1", "srcaddr in 0.0.0.0/0",
        "srcaddr not in 10.0.0.0/8", "addr != 10.0.0.1", "port not in (1)", "src in $internal",
        "dst not in $internal", "action = ACCEPT", "action != ACCEPT", "flow-direction != egress",
        "vpc-id = vpc-1", "vpc-id != vpc-1", "vpc-id not in (a, b)", "tcp-flags has syn", "tcp-flags = 0",
        "protocol != tcp", "bytes >= 0",
    ])
    func comparisonsOnAbsentFieldsAreFalse(_ text: String) throws {
        #expect(try !matches(text, noData), "\(text)")
        #expect(try matches("not (\(text))", noData), "not (\(text))")
    }

    @Test func exists() throws {
        #expect(try matches("exists dstport", ssh))
        #expect(try !matches("exists dstport", noData))
        #expect(try matches("dstport exists", ssh))
        #expect(try matches("not exists dstport", noData))
        #expect(try matches("exists interface-id and log-status = nodata", noData))
        #expect(try !matches("exists reject-reason", ssh))
        #expect(try matches("exists src", record(["pkt-srcaddr": "10.0.0.1"])))
        #expect(try matches("exists addr", record(["dstaddr": "10.0.0.1"])))
    }

    @Test func zeroIsNotAbsent() throws {
        let zero = record(["dstport": "0", "srcaddr": "0.0.0.0", "packets": "0"])
        #expect(try matches("dstport = 0", zero))
        #expect(try matches("srcaddr = 0.0.0.0", zero))
        #expect(try matches("packets = 0", zero))
        #expect(try !matches("srcport = 0", zero))
    }
}
