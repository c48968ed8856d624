import CCurl
import Foundation
import Synchronization

/// One libcurl multi handle and the one thread that drives it.
///
/// Other threads never touch the multi handle except through `curl_multi_wakeup` (which
/// libcurl allows from any thread): they append commands to a lock-protected queue and wake
/// the thread, which adds, cancels and resumes transfers between `curl_multi_poll` calls.
/// Finished, failed and cancelled easy handles are removed from the multi handle and freed
/// right away. `stop` fails every transfer still open and ends the thread, which then frees
/// the multi handle.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
    }

    private struct Queue {
        var commands: [Command] = []
        var stopRequested = false
    }

    private let multi: UnsafeMutableRawPointer
    private let queue = Mutex(Queue())
    private let stopped = DispatchGroup()
    private let loopThreadID = Mutex<pthread_t?>(nil)
    private let keepAliveInterval: Duration
    private let activeCount = Atomic<Int>(0)

    /// Transfers currently in the multi handle (for tests and diagnostics).
    var activeTransfers: Int { activeCount.load(ordering: .relaxed) }

    private let pausedCount = Atomic<Int>(0)

    /// Streams paused because their consumer is behind, as of the loop's last timer check
    /// (at least once a second). For tests and diagnostics.
    var pausedStreams: Int { pausedCount.load(ordering: .relaxed) }

    /// Loop-thread state.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var nextUpkeep = ContinuousClock.now

    init(keepAliveInterval: Duration) throws {
        try CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else { throw TransportError.other("curl_multi_init failed") }
        self.multi = multi
        self.keepAliveInterval = keepAliveInterval
        _ = qm_multi_setopt_long(multi, CURLMOPT_PIPELINING, qm_pipe_multiplex())
        stopped.enter()
        let thread = Thread { [self] in self.run() }
        thread.name = "kubeclient-curl"
        thread.start()
    }

    /// Queues `command` for the loop thread. Returns `false` when the loop has stopped (the
    /// command was not queued).
    @discardableResult
    func submit(_ command: Command) -> Bool {
        queue.withLock { q in
            guard !q.stopRequested else { return false }
            q.commands.append(command)
            // Under the lock: the loop frees the multi handle only after it has seen
            // `stopRequested`, which is set under this same lock.
            _ = curl_multi_wakeup(multi)
            return true
        }
    }

    /// Whether `stop` was called.
    var isStopped: Bool { queue.withLock { $0.stopRequested } }

    /// Stops the loop: open transfers fail with `TransportError.other("transport shut down")`.
    /// With `wait`, returns once the thread has ended (unless called on the loop thread).
    /// Idempotent.
    func stop(wait: Bool) {
        queue.withLock { q in
            guard !q.stopRequested else { return }
            q.stopRequested = true
            _ = curl_multi_wakeup(multi)
        }
        guard wait else { return }
        let onLoopThread = loopThreadID.withLock { id in id.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        if !onLoopThread { stopped.wait() }
    }

    // MARK: The loop thread

    private func run() {
        loopThreadID.withLock { $0 = pthread_self() }
        var running: Int32 = 0
        while true {
            let (commands, stop) = queue.withLock { q in
                defer { q.commands = [] }
                return (q.commands, q.stopRequested)
            }
            for command in commands { handle(command) }
            if stop { break }
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            let wait = checkTimers()
            _ = curl_multi_poll(multi, nil, 0, Int32(wait), nil)
        }
        for transfer in active.values {
            _ = curl_multi_remove_handle(multi, transfer.easy)
            transfer.fail(TransportError.other("transport shut down"))
            transfer.cleanup()
        }
        active = [:]
        activeCount.store(0, ordering: .relaxed)
        pausedCount.store(0, ordering: .relaxed)
        curl_multi_cleanup(multi)
        stopped.leave()
    }

    private func handle(_ command: Command) {
        switch command {
        case .add(let transfer):
            if transfer.cancelRequested.load(ordering: .acquiring) {
                transfer.fail(CancellationError())
                transfer.cleanup()
                return
            }
            let code = curl_multi_add_handle(multi, transfer.easy)
            guard code == CURLM_OK else {
                transfer.fail(TransportError.other("curl_multi_add_handle: \(String(cString: curl_multi_strerror(code)))"))
                transfer.cleanup()
                return
            }
            transfer.started = .now
            transfer.lastActivity = transfer.started
            active[transfer.easy] = transfer
            activeCount.store(active.count, ordering: .relaxed)
        case .cancel(let transfer):
            remove(transfer, failing: CancellationError())
        case .resume(let transfer):
            guard active[transfer.easy] === transfer else { return }
            transfer.lastActivity = .now
            _ = curl_easy_pause(transfer.easy, qm_pause_cont())
        }
    }

    /// Removes an active transfer and fails it with `error`; ignores one no longer active.
    private func remove(_ transfer: CurlTransfer, failing error: any Error) {
        guard active[transfer.easy] === transfer else { return }
        active[transfer.easy] = nil
        activeCount.store(active.count, ordering: .relaxed)
        _ = curl_multi_remove_handle(multi, transfer.easy)
        transfer.fail(error)
        transfer.cleanup()
    }

    private func collectFinished() {
        var left: Int32 = 0
        var done: [(UnsafeMutableRawPointer, CURLcode)] = []
        while let message = curl_multi_info_read(multi, &left) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                done.append((easy, message.pointee.data.result))
            }
        }
        for (easy, code) in done {
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            activeCount.store(active.count, ordering: .relaxed)
            _ = curl_multi_remove_handle(multi, easy)
            transfer.complete(code: code)
            transfer.cleanup()
        }
    }

    /// Fails streams whose head is late or that went idle, runs connection upkeep, and returns
    /// how long `curl_multi_poll` may wait (ms) before the next timer is due.
    private func checkTimers() -> Int {
        let now = ContinuousClock.now
        var next = now + .seconds(1)
        var expired: [(CurlTransfer, TransportError)] = []
        var paused = 0
        for transfer in active.values {
            guard case .stream(let headTimeout, let idle) = transfer.mode else { continue }
            if !transfer.headDelivered {
                let deadline = transfer.started + headTimeout
                if now >= deadline {
                    expired.append((transfer, .timedOut("no response head within \(headTimeout)")))
                } else {
                    next = min(next, deadline)
                }
            } else if transfer.streamBuffer?.isPaused == true {
                transfer.lastActivity = now  // the consumer is behind; not the connection's fault
                paused += 1
            } else {
                let deadline = transfer.lastActivity + idle
                if now >= deadline {
                    expired.append((transfer, .idle(seconds: idle.wholeSecondsRoundedUp)))
                } else {
                    next = min(next, deadline)
                }
            }
        }
        for (transfer, error) in expired { remove(transfer, failing: error) }
        pausedCount.store(paused, ordering: .relaxed)
        if now >= nextUpkeep {
            // Sends HTTP/2 PINGs on libcurl versions whose upkeep covers multi-driven
            // handles (8.10+); a no-op on older ones, where TCP keep-alive and the idle timer
            // detect dead connections.
            for transfer in active.values { _ = curl_easy_upkeep(transfer.easy) }
            nextUpkeep = now + keepAliveInterval
        }
        next = min(next, nextUpkeep)
        let wait = now.duration(to: next)
        return expired.isEmpty ? min(1000, max(0, wait.curlMilliseconds)) : 0
    }
}
