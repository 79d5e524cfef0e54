import FlowCore
@testable import FlowDecoding
import Testing

/// The decoder's id cache maps bytes to symbols through 256 entries per column, so distinct ids
/// share entries all the time. Both decoding paths use it, so comparing them cannot catch a
/// cache that hands back a neighbour's symbol: this checks every answer against the text.
@Suite struct TokenSymbolCacheTests {
    @Test func everyAnswerIsTheSymbolOfItsOwnBytes() {
        // Ids of every length from 1 to past the widest cached, many sharing their last bytes.
        var tokens: [String] = []
        for length in 1...(TokenSymbolCache.widest + 6) {
            for k in 0..<40 {
                let body = String(repeating: "x", count: max(0, length - 3))
                tokens.append(String((String(k % 10) + body + "eni-\(k)").suffix(length)))
            }
        }
        tokens += (0..<600).map { "eni-0a1b2c3d4e5f6\(String($0, radix: 16))" }
        let cache = TokenSymbolCache(columns: 3)
        var interner = LocalInterner()
        var state: UInt64 = 42
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let token = tokens[Int(state >> 33) % tokens.count]
            let column = Int(state >> 20) % 3
            let bytes = Array(token.utf8)
            let symbol = bytes.withUnsafeBufferPointer {
                cache.symbol(column: column, $0.baseAddress!, count: $0.count, interner: &interner)
            }
            guard symbol.string == token else {
                Issue.record("column \(column): '\(token)' came back as '\(symbol.string)'")
                return
            }
            #expect(symbol == Symbol(token))
        }
    }
}
