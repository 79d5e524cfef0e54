/// The simulator's random number generator: xoshiro256** seeded through SplitMix64.
///
/// Every draw the simulator makes comes from one of these, never from the system generator, so a
/// seed fixes the output bit for bit. Independent streams (one per time slice, one per scenario)
/// come from ``init(seed:stream:)``, which lets slices be generated on any thread in any order
/// and still produce the same records. The bounded helpers are written here rather than taken
/// from the standard library so that their results cannot change with a Swift release.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator for one seed and one numbered stream within it.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = seed ^ Self.mix(stream &+ 0x5851_F42D_4C95_7F2D)
        s0 = Self.splitMix(&mixer)
        s1 = Self.splitMix(&mixer)
        s2 = Self.splitMix(&mixer)
        s3 = Self.splitMix(&mixer)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// SplitMix64's output function: a strong 64-bit mix, also used to derive identifiers.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the bias is below 2^-40 for
    /// the small bounds used here).
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `range`.
    @inline(__always)
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// An approximately standard normal value (Irwin–Hall sum of four uniforms, rescaled): cheap,
    /// and its thin tails suit byte counts, which should not explode.
    @inline(__always)
    public mutating func normal() -> Double {
        (unit() + unit() + unit() + unit() - 2.0) * 1.7320508075688772
    }

    /// A log-normal value with the given median and spread (sigma of the logarithm).
    @inline(__always)
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * Self.exp(sigma * normal())
    }

    /// An integer count with expected value `mean`: the floor plus one with the remaining
    /// probability, so small expectations still occur at the right rate.
    @inline(__always)
    public mutating func count(mean: Double) -> Int {
        let whole = mean.rounded(.down)
        return Int(whole) + (unit() < mean - whole ? 1 : 0)
    }

    // The libm exp is not guaranteed to round identically everywhere; this one is plain Swift
    // arithmetic, so generated files match across platforms.
    @usableFromInline
    static func exp(_ x: Double) -> Double {
        let clamped = Swift.min(Swift.max(x, -700), 700)
        let k = (clamped * 1.4426950408889634).rounded()
        let r = clamped - k * 0.6931471805599453
        var term = 1.0
        var sum = 1.0
        for n in 1...12 {
            term *= r / Double(n)
            sum += term
        }
        return sum * Double(sign: .plus, exponent: Int(k), significand: 1.0)
    }
}
