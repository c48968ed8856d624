import Synchronization

/// Collects values by index from concurrent tasks.
final class ResultCollector<Value: Sendable>: Sendable {
    private let storage = Mutex<[Int: Value]>([:])
    func set(_ index: Int, _ value: Value) { storage.withLock { $0[index] = value } }
    var values: [Int: Value] { storage.withLock { $0 } }
}
