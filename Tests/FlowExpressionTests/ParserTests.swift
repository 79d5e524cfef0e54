import FlowCore
import FlowExpression
import Testing

@Suite struct ParserTests {
    @Test func buildsTypedComparisons() throws {
        let expression = try FilterExpression(parsing: "dstport in (22, 3389, 5900-5901) and action = reject")
        #expect(
            expression
                == .and(
                    .comparison(Comparison(.field(.dstport), .in, [.number(22), .number(3389), .range(5900...5901)])),
                    .comparison(Comparison(.field(.action), .equal, [.action(.reject)]))))
    }

    @Test func orIsLooserThanAnd() throws {
        let expression = try FilterExpression(parsing: "dstport = 1 or dstport = 2 and dstport = 3")
        guard case .or(_, .and) = expression else {
            Issue.record("expected a or (b and c), got \(expression)")
            return
        }
    }

    @Test func andAndOrAreLeftAssociative() throws {
        let expression = try FilterExpression(parsing: "dstport = 1 and dstport = 2 and dstport = 3")
        guard case .and(.and, .comparison) = expression else {
            Issue.record("expected (a and b) and c, got \(expression)")
            return
        }
    }

    @Test func equalsWithABlockOrSetMeansIn() throws {
        #expect(try FilterExpression(parsing: "srcaddr = 10.0.0.0/8").description == "srcaddr in 10.0.0.0/8")
        #expect(try FilterExpression(parsing: "srcaddr != $internal").description == "srcaddr not in $internal")
        #expect(try FilterExpression(parsing: "srcaddr = 10.0.0.1/32").description == "srcaddr = 10.0.0.1")
        #expect(try FilterExpression(parsing: "srcaddr = 2001:db8::/32").description == "srcaddr in 2001:db8::/32")
    }

    @Test(arguments: [
        ("dstport == 22", "dstport = 22"),
        ("DSTPORT=22 && ACTION=accept", "dstport = 22 and action = ACCEPT"),
        ("DstPort <> 22", "dstport != 22"),
        ("proto = 6", "protocol = tcp"),
        ("protocol in (17, icmp, 99)", "protocol in (udp, icmp, 99)"),
        ("log_status = nodata || flow-direction = EGRESS", "log-status = NODATA or flow-direction = egress"),
        (
            "(dstport = 1 or dstport = 2) and not (dstport = 3 or dstport = 4)",
            "(dstport = 1 or dstport = 2) and not (dstport = 3 or dstport = 4)"
        ),
        ("((dstport = 1))", "dstport = 1"),
        ("dstport = 1 or (dstport = 2 and dstport = 3)", "dstport = 1 or dstport = 2 and dstport = 3"),
        ("!dstport = 1", "not (dstport = 1)"),
        ("not exists pkt-srcaddr", "not exists pkt-srcaddr"),
        ("pkt_srcaddr exists", "exists pkt-srcaddr"),
        ("tcp-flags has (SYN, 16)", "tcp-flags has (syn, ack)"),
        ("tcp-flags has 2", "tcp-flags has syn"),
        ("dstport in 1024 - 65535", "dstport in 1024-65535"),
        ("dstport not in (22)", "dstport not in 22"),
        ("vpc-id = 'vpc 1' or vpc-id = 'it\\'s'", "vpc-id = 'vpc 1' or vpc-id = 'it\\'s'"),
        ("vpc-id in ('and', \"x'y\", plain)", "vpc-id in ('and', 'x\\'y', plain)"),
        ("start >= 1793589600", "start >= 2026-11-02T03:20:00Z"),
        ("start < 2026-11-02T04:20:00+01:00", "start < 2026-11-02T03:20:00Z"),
        ("type = ipv6 and sublocation-type = Outpost", "type = IPv6 and sublocation-type = outpost"),
        (
            "addr = 10.0.0.1 or port = 22 or src in $internal or dst = ::1",
            "addr = 10.0.0.1 or port = 22 or src in $internal or dst = ::1"
        ),
    ])
    func normalizedDescription(_ input: String, _ expected: String) throws {
        let expression = try FilterExpression(parsing: input)
        #expect(expression.description == expected)
        // The normal form parses back to the same tree.
        #expect(try FilterExpression(parsing: expression.description) == expression)
    }

    @Test func fieldsUsed() throws {
        let filter = try FlowFilter("dstport = 22 and (addr in $internal or src = 1.2.3.4) and not exists vpc-id")
        #expect(filter.fieldsUsed == [.dstport, .srcaddr, .dstaddr, .pktSrcaddr, .vpcID])
        #expect(try FilterExpression(parsing: "port = 1").fieldsUsed == [.srcport, .dstport])
    }

    @Test func setsUsedAndComparisons() throws {
        let expression = try FilterExpression(parsing: "srcaddr in ($trusted, 10.0.0.0/8) or dstaddr = $db")
        #expect(expression.setsUsed == ["trusted", "db"])
        #expect(expression.comparisons.map(\.subject) == [.field(.srcaddr), .field(.dstaddr)])
    }

    @Test func parsingWithoutKnownSetsDefersTheCheckToCompile() throws {
        let expression = try FilterExpression(parsing: "dstaddr in $db")
        #expect(throws: FlowLensError(.badExpression, "unknown set '$db' (known sets: $internal)")) {
            try FlowFilter(expression)
        }
        let filter = try FlowFilter(expression, sets: ["db": CIDRSet([CIDR("10.20.5.0/24")!])])
        #expect(filter.matches(record(["dstaddr": "10.20.5.9"])))
    }

    @Test func expressionsBuiltInCodeAreCheckedWhenCompiled() throws {
        func compileError(_ comparison: Comparison) -> String? {
            do {
                _ = try FlowFilter(.comparison(comparison))
                return nil
            } catch { return error.message }
        }
        #expect(
            compileError(Comparison(.field(.dstport), .equal, [.text("ssh")]))
                == "ssh is not a value for 'dstport' in 'dstport = ssh'")
        #expect(
            compileError(Comparison(.field(.action), .less, [.action(.accept)]))
                == "operator '<' does not apply to 'action' in 'action < ACCEPT'")
        #expect(compileError(Comparison(.field(.dstport), .in, [])) == "'dstport in' has no values")
        #expect(
            compileError(Comparison(.field(.dstport), .equal, [.range(1...2)]))
                == "1-2 is not a value for 'dstport' in 'dstport = 1-2'")
        #expect(
            compileError(Comparison(.field(.srcport), .has, [.number(2)]))
                == "operator 'has' applies only to 'tcp-flags' in 'srcport has 2'")
        #expect(compileError(Comparison(.field(.dstport), .in, [.range(1...2), .number(9)])) == nil)
    }

    @Test func everyFieldIsAddressableByBothNames() throws {
        for field in FlowField.allCases {
            #expect(try FilterExpression(parsing: "exists \(field.name)") == .exists(.field(field)))
            #expect(try FilterExpression(parsing: "exists \(field.columnName)") == .exists(.field(field)))
        }
    }

    @Test func pseudoFieldsAreInTheTable() {
        #expect(
            PseudoField.all.map(\.name) == [
                "addr", "port", "src", "dst", "initiator", "responder", "service-port", "client-port",
            ])
        #expect(Subject(name: "ADDR") == .pseudo(PseudoField.all[0]))
        #expect(Subject(name: "Service_Port") == Subject(name: "service-port"))
        #expect(Subject(name: "nope") == nil)
        // No stored field hides behind a pseudo-field, and `request`/`response` stay conditions.
        for pseudo in PseudoField.all { #expect(FlowField(name: pseudo.name) == nil, "\(pseudo.name)") }
        for sense in FlowSense.allCases { #expect(Subject(name: sense.rawValue) == nil, "\(sense)") }
    }
}
