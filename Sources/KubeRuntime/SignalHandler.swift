import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns SIGTERM and SIGINT into a call of `onSignal`, on a Dispatch queue. A second signal
/// exits the process at once with status 1.
///
/// On Darwin this uses Dispatch signal sources after setting the signals to `SIG_IGN` (kqueue
/// still reports ignored signals). On Linux, Dispatch signal sources rely on `signalfd`, which
/// only sees signals blocked in every thread, and an ignored signal is discarded before any
/// `signalfd` sees it; so there a minimal C handler writes the signal number to a pipe, and a
/// Dispatch read source on that pipe calls `onSignal`.
///
/// `cancel()` stops the callbacks and restores the default dispositions.
final class SignalHandler: Sendable {
    private let id: UInt64
    private let signals: [Int32]
    private let received = Mutex<Int>(0)
    private let onSignal: @Sendable (Int32) -> Void

    init(signals: [Int32] = [SIGTERM, SIGINT], onSignal: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        self.onSignal = onSignal
        self.id = SignalRouter.shared.nextID()
        SignalRouter.shared.register(id: id, signals: signals) { [weak self] sig in self?.handle(sig) }
    }

    private func handle(_ sig: Int32) {
        let count = received.withLock { n in
            n += 1
            return n
        }
        if count > 1 { exit(1) }
        onSignal(sig)
    }

    func cancel() {
        SignalRouter.shared.unregister(id: id)
    }
}

/// The process-wide part: one registration list, signal dispositions, and the delivery path.
private final class SignalRouter: Sendable {
    static let shared = SignalRouter()

    private struct Registration {
        var signals: [Int32]
        var callback: @Sendable (Int32) -> Void
    }

    private let state = Mutex<(next: UInt64, registrations: [UInt64: Registration])>((0, [:]))
    #if canImport(Darwin)
        private let queue = DispatchQueue(label: "kuberuntime.signals")
    #endif
    private let sources = Mutex<[Int32: SourceBox]>([:])

    /// A Dispatch source, which is thread-safe but not marked `Sendable`.
    private struct SourceBox: @unchecked Sendable {
        let source: any DispatchSourceProtocol
    }

    func nextID() -> UInt64 {
        state.withLock { s in
            s.next += 1
            return s.next
        }
    }

    func register(id: UInt64, signals: [Int32], callback: @escaping @Sendable (Int32) -> Void) {
        state.withLock { $0.registrations[id] = Registration(signals: signals, callback: callback) }
        for sig in signals { install(sig) }
    }

    func unregister(id: UInt64) {
        let stillWanted: Set<Int32> = state.withLock { s in
            s.registrations[id] = nil
            return Set(s.registrations.values.flatMap(\.signals))
        }
        let removed: [(Int32, SourceBox)] = sources.withLock { all in
            let gone = all.filter { !stillWanted.contains($0.key) }
            for (sig, _) in gone { all[sig] = nil }
            return Array(gone)
        }
        for (sig, box) in removed {
            signal(sig, SIG_DFL)
            #if canImport(Darwin)
                box.source.cancel()
            #else
                _ = box
            #endif
        }
    }

    private func deliver(_ sig: Int32) {
        let callbacks = state.withLock { s in s.registrations.values.filter { $0.signals.contains(sig) }.map(\.callback) }
        for c in callbacks { c(sig) }
    }

    private func install(_ sig: Int32) {
        let fresh: Bool = sources.withLock { all in all[sig] == nil }
        guard fresh else { return }
        #if canImport(Darwin)
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in self?.deliver(sig) }
            source.resume()
            sources.withLock { $0[sig] = SourceBox(source: source) }
        #else
            guard let pipe = SignalPipe.shared else { return }
            pipe.onSignal { [weak self] s in self?.deliver(s) }
            signal(sig, signalPipeHandler)
            sources.withLock { $0[sig] = SourceBox(source: pipe.source) }
        #endif
    }
}

#if !canImport(Darwin)
    /// The write end of the signal pipe, read by the C handler (which cannot capture context).
    nonisolated(unsafe) private var signalPipeWriteFD: Int32 = -1

    /// Async-signal-safe: one `write(2)` of the signal number.
    private let signalPipeHandler: @convention(c) (Int32) -> Void = { sig in
        var byte = UInt8(truncatingIfNeeded: sig)
        _ = write(signalPipeWriteFD, &byte, 1)
    }

    /// A non-blocking pipe and a Dispatch read source that turns its bytes back into signals.
    private final class SignalPipe: Sendable {
        static let shared: SignalPipe? = SignalPipe()

        let readFD: Int32
        private let box: SourceHolder
        private let callback = Mutex<(@Sendable (Int32) -> Void)?>(nil)

        private struct SourceHolder: @unchecked Sendable { let source: any DispatchSourceRead }
        var source: any DispatchSourceProtocol { box.source }

        private init?() {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            readFD = fds[0]
            signalPipeWriteFD = fds[1]
            let source = DispatchSource.makeReadSource(
                fileDescriptor: fds[0], queue: DispatchQueue(label: "kuberuntime.signal-pipe"))
            box = SourceHolder(source: source)
            let readFD = fds[0]
            source.setEventHandler { [weak self] in
                var buffer = [UInt8](repeating: 0, count: 32)
                let n = read(readFD, &buffer, buffer.count)
                guard n > 0 else { return }
                let deliver = self?.callback.withLock { $0 }
                for byte in buffer[0..<n] { deliver?(Int32(byte)) }
            }
            source.resume()
        }

        func onSignal(_ deliver: @escaping @Sendable (Int32) -> Void) {
            callback.withLock { $0 = deliver }
        }
    }
#endif
