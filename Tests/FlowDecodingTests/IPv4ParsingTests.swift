import FlowCore
@testable import FlowDecoding
import Testing

/// The decoder's fast IPv4 parsers (SSSE3 shuffles on x86-64, word-wide elsewhere) must take
/// exactly the texts `IPAddress.parseIPv4` takes, with the same values. Both are checked here on
/// every machine, so the one a build does not use stays correct too.
@Suite struct IPv4ParsingTests {
    /// Tokens at the edges: octet lengths 0 to 4, leading zeros, values around 255, other
    /// separators, and what follows the address.
    static let edgeTokens: [String] = [
        "0.0.0.0", "1.2.3.4", "255.255.255.255", "256.1.1.1", "1.1.1.256", "199.249.250.255", "249.250.251.252",
        "300.1.1.1", "1.300.1.1", "255.255.255.256", "01.002.003.004", "001.1.1.1", "0001.1.1.1", "1.1.1.0001",
        "1..1.1", ".1.1.1", "1.1.1.", "1.1.1", "1.1.1.1.1", "1.1.1.1a", "a.1.1.1", "1.1:1.1", "1.1.1.1/24",
        "123.123.123.123", "12.123.1.12", "9.99.199.249", "10.0.0.255", "10.0.0.25x", "1.2.3.4.", "::1", "-",
        "1.2.3.4\t", "1234.1.1.1", "1.1234.1.1", "1.1.1234.1", "1.1.1.1234",
    ]

    /// The token at byte 3 of a buffer (the word-wide parser may read three bytes before it),
    /// followed by a space and filler, so that every parser may read 16 bytes from the token.
    static func buffer(_ token: String, then next: String = " 443 ") -> [UInt8] {
        Array("xx ".utf8) + Array(token.utf8) + Array(next.utf8) + [UInt8](repeating: 0x41, count: 24)
    }

    /// What the reference parser says of the token, for a token followed by one space.
    static func expected(_ token: String) -> UInt32? {
        Array(token.utf8).withUnsafeBufferPointer { IPAddress.parseIPv4($0) }
    }

    static func check(_ token: String, then next: String = " 443 ") {
        let bytes = buffer(token, then: next)
        let reference: UInt32? = next.first == " " && token.utf8.count <= 15 ? expected(token) : nil
        bytes.withUnsafeBufferPointer { buffer in
            let p = buffer.baseAddress!
            var i = 3
            let word = SWARParsing.ipv4(p, &i)
            #expect(word == reference, "word-wide parser on \(token)\(next)")
            if word != nil { #expect(i == 3 + token.utf8.count + 1) }
            #if arch(x86_64)
                var j = 3
                let vector = ShuffleIPv4.parse(p, &j, shuffles: ShuffleIPv4.shuffles)
                #expect(vector == reference, "vector parser on \(token)\(next)")
                if vector != nil { #expect(j == 3 + token.utf8.count + 1) }
            #endif
        }
    }

    @Test func edgeTokensMatchTheReference() {
        for token in Self.edgeTokens {
            Self.check(token)
            // Only a single space ends an address on these paths; anything else is left to the
            // general path.
            Self.check(token, then: "\t443 ")
            Self.check(token, then: "x")
        }
        #expect(Self.expected("255.255.255.255") == 0xFFFF_FFFF)
        #expect(Self.expected("256.1.1.1") == nil)
    }

    /// Every combination of octet lengths (1 to 3, so all 81 shuffles) with random values, random
    /// octets of up to four digits, and single bytes replaced by others.
    @Test func randomAddressesMatchTheReference() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 29
        }
        func octet(digits: Int) -> String {
            String((0..<digits).map { _ in Character(String(next() % 10)) })
        }
        for index in 0..<81 {
            let lengths = [index / 27 + 1, index / 9 % 3 + 1, index / 3 % 3 + 1, index % 3 + 1]
            for _ in 0..<40 {
                Self.check(lengths.map { octet(digits: $0) }.joined(separator: "."))
            }
        }
        let alphabet = Array("0123456789..\t:a/-".utf8)
        for _ in 0..<20_000 {
            var token = Array((0..<4).map { _ in octet(digits: Int(next() % 5)) }.joined(separator: ".").utf8)
            if next() % 3 == 0 && !token.isEmpty {
                token[Int(next()) % token.count] = alphabet[Int(next()) % alphabet.count]
            }
            Self.check(String(decoding: token, as: UTF8.self))
        }
    }
}
