public import FlowCore
public import FlowDecoding

/// Runs a ``FlowTextDecoder`` over text the way tests need: whole, or split into pieces at
/// chosen offsets, carrying the unconsumed tail exactly as a streaming source does.
public enum DecoderHarness {
    public struct Result: Sendable {
        public var records: [FlowRecord]
        public var counters: DecodeCounters
        public var plan: ColumnPlan
        public var extraNames: [String]
        public var extraValues: [Symbol]
    }

    /// Decodes `text` in one call.
    public static func decode(
        _ text: String, plan: ColumnPlan = .v2Default, fileName: String = "test.log", strict: Bool = false
    ) throws(FlowLensError) -> Result {
        try decode(Array(text.utf8), splits: [], plan: plan, fileName: fileName, strict: strict)
    }

    /// Decodes `bytes`, feeding the decoder separately the pieces between the `splits` offsets.
    public static func decode(
        _ bytes: [UInt8], splits: [Int], plan: ColumnPlan = .v2Default, fileName: String = "test.log",
        strict: Bool = false
    ) throws(FlowLensError) -> Result {
        var decoder = FlowTextDecoder(plan: plan, fileName: fileName, strict: strict)
        var batches: [FlowBatch] = [FlowBatch()]
        var pending: [UInt8] = []
        var cuts = splits.filter { $0 > 0 && $0 < bytes.count }.sorted()
        cuts.append(bytes.count)
        var previous = 0
        for (index, cut) in cuts.enumerated() {
            pending.append(contentsOf: bytes[previous..<cut])
            previous = cut
            let isFinal = index == cuts.count - 1
            var failure: FlowLensError?
            let consumed = pending.withUnsafeBytes { raw -> Int in
                do throws(FlowLensError) {
                    return try decoder.decode(raw, isFinal: isFinal, into: &batches)
                } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { throw failure }
            pending.removeFirst(consumed)
        }
        decoder.finish()
        return Result(
            records: batches.flatMap(\.records), counters: decoder.counters, plan: decoder.plan,
            extraNames: batches.last?.extraNames ?? [], extraValues: batches.flatMap(\.extraValues))
    }
}
