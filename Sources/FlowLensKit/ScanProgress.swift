/// A snapshot of a running scan, for progress displays.
public struct ScanProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var records: UInt64
    /// Bytes read from sources so far and their total size on disk (0 when unknown, as for stdin).
    public var bytesRead: Int
    public var bytesTotal: Int
    public var elapsedSeconds: Double

    public var recordsPerSecond: Double { elapsedSeconds > 0 ? Double(records) / elapsedSeconds : 0 }

    /// Estimated seconds left, from the share of bytes read; nil when the total is unknown.
    public var secondsLeft: Double? {
        guard bytesTotal > 0, bytesRead > 0, elapsedSeconds > 0.5 else { return nil }
        let share = Double(bytesRead) / Double(bytesTotal)
        return elapsedSeconds / share - elapsedSeconds
    }
}
