import FlowCore
import FlowExpression
import Testing

private func message(_ text: String, sets: [String: CIDRSet] = [:]) -> String? {
    do {
        _ = try FlowFilter(text, sets: sets)
        return nil
    } catch {
        #expect(error.code == .badExpression)
        return error.message
    }
}

@Suite struct ErrorMessageTests {
    @Test func unknownFieldSuggestsTheClosest() {
        #expect(
            message("dstprot = 22") == """
                unknown field 'dstprot' at column 1 (did you mean 'dstport'?)
                  dstprot = 22
                  ^
                """)
        #expect(
            message("action = ACCEPT and log-stat = OK") == """
                unknown field 'log-stat' at column 21 (did you mean 'log-status'?)
                  action = ACCEPT and log-stat = OK
                                      ^
                """)
        #expect(message("zzzzzz = 1") == "unknown field 'zzzzzz' at column 1\n  zzzzzz = 1\n  ^")
    }

    @Test func badValues() {
        #expect(
            message("dstport = ssh") == """
                invalid value 'ssh' for 'dstport' at column 11 (expected a number from 0 to 65535)
                  dstport = ssh
                            ^
                """)
        #expect(
            message("dstport in (22, 70000)") == """
                70000 is out of range for 'dstport' at column 17 (expected a number from 0 to 65535)
                  dstport in (22, 70000)
                                  ^
                """)
        #expect(
            message("action = drop") == """
                invalid value 'drop' for 'action' at column 10 (expected ACCEPT or REJECT)
                  action = drop
                           ^
                """)
        #expect(
            message("srcaddr in 10.0.0.0/33")?.hasPrefix("invalid value '10.0.0.0/33' for 'srcaddr' at column 12")
                == true)
        #expect(
            message("tcp-flags has syx")?.hasPrefix(
                "invalid value 'syx' for 'tcp-flags' at column 15 (expected a number or a flag name: fin, syn, rst, psh, ack, urg)"
            ) == true)
        #expect(message("start > yesterday")?.hasPrefix("invalid value 'yesterday' for 'start' at column 9") == true)
    }

    @Test func unknownSetListsTheKnownOnes() {
        let sets = ["db": CIDRSet(), "trusted": CIDRSet()]
        #expect(
            message("srcaddr in $trusted and dstaddr in $dbs", sets: sets) == """
                unknown set '$dbs' at column 36 (did you mean '$db'? known sets: $db, $internal, $trusted)
                  srcaddr in $trusted and dstaddr in $dbs
                                                     ^
                """)
        #expect(
            message("dstaddr in $DB", sets: sets)?.hasPrefix(
                "unknown set '$DB' at column 12 (did you mean '$db'? known sets: $db, $internal, $trusted)") == true)
        #expect(
            message("dstport in $db", sets: sets)?.hasPrefix(
                "set '$db' can only be compared with an address at column 12 ('dstport' is not an address field)")
                == true)
    }

    @Test func operatorsThatDoNotApply() {
        #expect(
            message("action < ACCEPT") == """
                operator '<' does not apply to 'action' at column 8 (use =, !=, in, not in)
                  action < ACCEPT
                         ^
                """)
        #expect(message("dstport has syn")?.hasPrefix("operator 'has' applies only to 'tcp-flags' at column 9") == true)
        #expect(
            message("dstport = 5900-5901") == """
                a range needs 'in' at column 11 (write 'dstport in 5900-5901')
                  dstport = 5900-5901
                            ^
                """)
        #expect(message("dstport = (22, 23)")?.hasPrefix("a list needs 'in' at column 11") == true)
        #expect(
            message("dstport in 23-22")?.hasPrefix("range '23-22' runs backwards at column 12 (write 22-23)") == true)
    }

    @Test func structure() {
        #expect(
            message("dstport 22") == """
                expected an operator after 'dstport', found '22' at column 9 (=, !=, <, <=, >, >=, in, not in)
                  dstport 22
                          ^
                """)
        #expect(
            message("dstport = 22 and") == """
                expected a field name after 'and' at column 17
                  dstport = 22 and
                                  ^
                """)
        #expect(
            message("dstport =")
                == "expected a value after '=' at column 10 (expected a number from 0 to 65535)\n  dstport =\n           ^"
        )
        #expect(
            message("(dstport = 22 or dstport = 23") == """
                expected ')' but found the end of the expression at column 30 (to close the '(' at column 1)
                  (dstport = 22 or dstport = 23
                                               ^
                """)
        #expect(
            message("dstport = 22)")
                == "unexpected ')' at column 13 (there is no '(' to close)\n  dstport = 22)\n              ^")
        #expect(
            message("dstport = 22 srcport = 1") == """
                unexpected 'srcport' at column 14 (expected 'and' or 'or' before another condition)
                  dstport = 22 srcport = 1
                               ^
                """)
        #expect(
            message("dstport = 22 adn srcport = 1")?.hasPrefix("unexpected 'adn' at column 14 (did you mean 'and'?)")
                == true)
        #expect(message("dstport in 22, 23")?.hasPrefix("unexpected ',' at column 14 (lists go in parentheses") == true)
        #expect(message("dstport in (22 23)")?.hasPrefix("expected ',' or ')' but found '23' at column 16") == true)
        #expect(message("dstport in ()")?.hasPrefix("empty list at column 12") == true)
        #expect(message("dstport not 22")?.hasPrefix("expected 'in' after 'not' at column 13") == true)
        #expect(
            message("22 = dstport")?.hasPrefix("expected a field name, found '22' at column 1 (put the field first")
                == true)
        #expect(message("") == "empty expression")
        #expect(message("   ") == "empty expression")
    }

    @Test func lexicalErrors() {
        #expect(
            message("dstport = 22 & action = ACCEPT") == """
                unexpected character '&' at column 14 (did you mean '&&' or 'and'?)
                  dstport = 22 & action = ACCEPT
                               ^
                """)
        #expect(message("vpc-id = 'vpc-1")?.hasPrefix("unterminated string at column 10 (add the closing ')") == true)
        #expect(message("srcaddr in $")?.hasPrefix("expected a set name after '$' at column 12") == true)
    }

    @Test func multiLineExpressionsNameTheLine() {
        #expect(
            message("dstport = 22\n  and action = rejected") == """
                invalid value 'rejected' for 'action' at line 2, column 16 (expected ACCEPT or REJECT)
                    and action = rejected
                                 ^
                """)
    }

    @Test func caretAlignsUnderNonASCIIText() {
        #expect(
            message("vpc-id = 'café' and dstprot = 1") == """
                unknown field 'dstprot' at column 21 (did you mean 'dstport'?)
                  vpc-id = 'café' and dstprot = 1
                                      ^
                """)
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "(", count: 10_000) + "dstport = 1" + String(repeating: ")", count: 10_000)
        #expect(message(deep)?.hasPrefix("expression nests too deeply") == true)
        let shallow = String(repeating: "(", count: 100) + "dstport = 1" + String(repeating: ")", count: 100)
        #expect(message(shallow) == nil)
    }

    @Test func parsingAloneReportsTheSameWay() {
        #expect(throws: FlowLensError(.badExpression, "unknown field 'x' at column 1\n  x = 1\n  ^")) {
            try FilterExpression(parsing: "x = 1")
        }
        #expect(
            throws: FlowLensError(
                .badExpression, "unknown set '$a' at column 11 (known sets: $b)\n  srcaddr = $a\n            ^")
        ) {
            try FilterExpression(parsing: "srcaddr = $a", knownSets: ["b"])
        }
    }
}

@Suite struct SizeLimitTests {
    @Test func longChainsWork() throws {
        let text = (0..<1000).map { "dstport = \($0)" }.joined(separator: " or ")
        let filter = try FlowFilter(text)
        #expect(filter.matches(record(["dstport": "999"])))
        #expect(!filter.matches(record(["dstport": "1000"])))
        #expect(try FlowFilter(filter.description).description == filter.description)
        #expect(filter.fieldsUsed == [.dstport])
    }

    @Test func longerChainsAreRefusedNotCrashed() {
        let text = (0..<5000).map { "dstport = \($0)" }.joined(separator: " or ")
        #expect(
            message(text)?.hasPrefix("more than 1000 conditions at column 16891 (test many values with a list") == true)
    }

    @Test func longListsAreFine() throws {
        let text = "dstport in (" + (0..<50_000).map { String($0 % 65536) }.joined(separator: ", ") + ")"
        #expect(try FlowFilter(text).matches(record(["dstport": "49999"])))
    }
}
