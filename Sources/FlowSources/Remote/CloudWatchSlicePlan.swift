/// Cuts a CloudWatch Logs time range into hour-aligned slices, each one source of the run, and
/// leaves out what a checkpoint says is done.
///
/// Hour slices keep each FilterLogEvents walk short, let two readers work at once, and give the
/// checkpoint a unit: a slice is recorded when its records have been handled.
public enum CloudWatchSlicePlan {
    /// Slices of [start, end) in milliseconds, minus `finished`.
    public static func slices(
        start: Int64, end: Int64, finished: [Checkpoint.TimeRange], sliceLength: Int64 = 3_600_000
    ) -> [Checkpoint.TimeRange] {
        guard end > start else { return [] }
        var slices: [Checkpoint.TimeRange] = []
        var cursor = start
        while cursor < end {
            let boundary = (cursor / sliceLength + 1) * sliceLength
            let slice = Checkpoint.TimeRange(start: cursor, end: min(boundary, end))
            slices += Checkpoint.remaining(slice, minus: finished)
            cursor = slice.end
        }
        return slices
    }
}
