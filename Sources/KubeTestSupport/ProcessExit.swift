import Foundation
import KubeClient

extension Process {
    /// Waits for the process to end on a thread of its own (``BlockingWork``), never on one of
    /// the few threads that run the tests' tasks.
    ///
    /// Foundation learns that a child exited from work queued on those same threads (its
    /// SIGCHLD handler runs on the global queue): on a 2-core machine, two tests blocked in
    /// `waitUntilExit()` at once (Prometheus stopping, a CLI run) left nothing to reap either
    /// child, and the whole integration run stopped.
    public func exited() async {
        nonisolated(unsafe) let process = self
        await BlockingWork.run { process.waitUntilExit() }
    }
}
