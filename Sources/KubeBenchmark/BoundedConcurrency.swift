/// Runs an operation for each index of a range with at most a fixed number running at once.
public enum BoundedConcurrency {
    /// Calls `body` for every index in `range`, at most `limit` (at least 1) at a time, and
    /// returns when all have finished. The first error thrown cancels the rest and is rethrown.
    public static func forEach(
        _ range: Range<Int>, limit: Int, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = range.lowerBound
            for _ in 0..<min(max(1, limit), range.count) {
                let i = next
                group.addTask { try await body(i) }
                next += 1
            }
            while try await group.next() != nil {
                guard next < range.upperBound else { continue }
                let i = next
                group.addTask { try await body(i) }
                next += 1
            }
        }
    }
}
