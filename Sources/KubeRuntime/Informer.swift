import Foundation
import KubeCore

/// A shared informer seen without its kind, so a cache can run, and a controller can wait
/// for, informers of several kinds.
protocol InformerRunning: Sendable {
    var resourceDescription: String { get }
    var hasSynced: Bool { get }
    /// Returns once `hasSynced`, or when the calling task is cancelled.
    func waitUntilSynced() async
    /// How many objects its store holds.
    var objectCount: Int { get }
    func run() async
}

extension SharedInformer: InformerRunning {
    var resourceDescription: String { "\(T.resource)" }
    var objectCount: Int { store.count }
}
