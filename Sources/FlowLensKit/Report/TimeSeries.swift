/// Traffic over time in bins that grow with the range, filled in one pass without knowing the
/// range in advance.
///
/// Bins are aligned to multiples of their width since the epoch. The width starts at one minute
/// and steps up a ladder where each width divides the next (1, 5, 15, 30 minutes, 1, 2, 6, 12
/// hours, 1 day, 1 week, then doubling), so coarsening merges whole bins and loses nothing. At
/// most ``maximumBins`` are kept; ``display(targetBins:)`` picks the width a chart needs.
public struct TimeSeries: Sendable {
    /// Counters of one bin: accepted, rejected, and records without an action.
    public struct Bin: Sendable, Hashable, Codable {
        public var accepted = TrafficCounter()
        public var rejected = TrafficCounter()
        public var other = TrafficCounter()

        public var total: TrafficCounter {
            var t = accepted
            t.add(rejected)
            t.add(other)
            return t
        }

        mutating func merge(_ bin: Bin) {
            accepted.add(bin.accepted)
            rejected.add(bin.rejected)
            other.add(bin.other)
        }
    }

    public static let ladder: [Int64] = [60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 604800]
    public static let maximumBins = 20_160

    /// Width of a bin in seconds.
    public private(set) var width: Int64 = 60
    /// Absolute bin number (time / width) of `bins[0]`.
    public private(set) var origin: Int64 = 0
    public private(set) var bins: [Bin] = []

    public init() {}

    /// Start of `bins[index]` in Unix seconds.
    public func start(of index: Int) -> Int64 { (origin + Int64(index)) * width }

    // The last bin used and its time range: records arrive clustered in time, so most skip the
    // division.
    private var lastIndex = 0
    private var lastStart: Int64 = 1
    private var lastEnd: Int64 = 0

    @inline(__always)
    public mutating func add(time: Int64, action: FlowActionCode, packets: UInt64, bytes: UInt64) {
        var index = lastIndex
        if time < lastStart || time >= lastEnd {
            index = Int(truncatingIfNeeded: Self.floorDivide(time, width) &- origin)
            if index < 0 || index >= bins.count { index = place(time) }
            lastIndex = index
            lastStart = start(of: index)
            lastEnd = lastStart + width
        }
        switch action {
        case .accept: bins[index].accepted.add(packets: packets, bytes: bytes)
        case .reject: bins[index].rejected.add(packets: packets, bytes: bytes)
        case .none: bins[index].other.add(packets: packets, bytes: bytes)
        }
    }

    /// Makes room for the bin holding `time`, growing or coarsening, and returns its index.
    private mutating func place(_ time: Int64) -> Int {
        if bins.isEmpty {
            origin = Self.floorDivide(time, width)
            bins = [Bin()]
            return 0
        }
        while true {
            let absolute = Self.floorDivide(time, width)
            let low = min(origin, absolute)
            let high = max(origin + Int64(bins.count) - 1, absolute)
            if high - low < Int64(Self.maximumBins) {
                if absolute < origin {
                    bins.insert(contentsOf: repeatElement(Bin(), count: Int(origin - absolute)), at: 0)
                    origin = absolute
                    lastStart = 1
                    lastEnd = 0
                } else if absolute >= origin + Int64(bins.count) {
                    bins.append(contentsOf: repeatElement(Bin(), count: Int(absolute - origin) + 1 - bins.count))
                }
                return Int(absolute - origin)
            }
            coarsen(to: Self.nextWidth(width))
        }
    }

    /// Merges bins into wider ones; `next` is a multiple of the current width.
    private mutating func coarsen(to next: Int64) {
        let factor = next / width
        let newOrigin = Self.floorDivide(origin, factor)
        let newLast = Self.floorDivide(origin + Int64(bins.count) - 1, factor)
        var merged = [Bin](repeating: Bin(), count: Int(newLast - newOrigin) + 1)
        for (i, bin) in bins.enumerated() {
            merged[Int(Self.floorDivide(origin + Int64(i), factor) - newOrigin)].merge(bin)
        }
        bins = merged
        origin = newOrigin
        width = next
        lastStart = 1
        lastEnd = 0
    }

    /// The series re-binned for a chart: the smallest width on the ladder that gives at most
    /// `targetBins` bins over the range seen.
    public func display(targetBins: Int = 150) -> TimeSeries {
        var series = self
        while series.bins.count > targetBins { series.coarsen(to: Self.nextWidth(series.width)) }
        return series
    }

    static func nextWidth(_ width: Int64) -> Int64 {
        if let i = ladder.firstIndex(of: width), i + 1 < ladder.count { return ladder[i + 1] }
        return width * 2
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// The action of a record for the time series: accepted, rejected, or none (NODATA, SKIPDATA,
/// or a format without `action`).
public enum FlowActionCode: Sendable {
    case accept, reject, none
}
