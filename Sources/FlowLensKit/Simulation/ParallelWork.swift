/// Runs independent jobs on a bounded number of tasks and returns results in input order.
///
/// Order is restored from the job index, so callers get the same result sequence however the
/// tasks were scheduled; that is what keeps parallel generation byte-identical.
enum ParallelWork {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) throws -> Result
    ) async throws -> [Result] {
        if items.isEmpty { return [] }
        if items.count == 1 || width <= 1 { return try items.map(body) }
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            func launch() {
                let index = next
                let item = items[index]
                group.addTask { (index, try body(item)) }
                next += 1
            }
            while next < min(width, items.count) { launch() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count { launch() }
            }
            return results.map { $0! }
        }
    }
}
