import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns SIGTERM and SIGINT into a call of `onSignal` (through Dispatch signal sources, after
/// setting the signals' disposition to ignore so the default action does not kill the
/// process). A second signal exits the process at once with status 1.
///
/// `cancel()` removes the sources and restores the default dispositions.
final class SignalHandler: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var received = 0
    private let onSignal: @Sendable (Int32) -> Void

    init(signals: [Int32] = [SIGTERM, SIGINT], onSignal: @escaping @Sendable (Int32) -> Void) {
        self.onSignal = onSignal
        let queue = DispatchQueue(label: "quartermaster.signals")
        var made: [any DispatchSourceSignal] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in self?.handle(sig) }
            source.resume()
            made.append(source)
        }
        lock.withLock { sources = made }
    }

    private func handle(_ sig: Int32) {
        let count = lock.withLock {
            received += 1
            return received
        }
        if count > 1 { exit(1) }
        onSignal(sig)
    }

    func cancel() {
        let all = lock.withLock {
            defer { sources = [] }
            return sources
        }
        for s in all {
            s.cancel()
            signal(Int32(s.handle), SIG_DFL)
        }
    }
}
