import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Every process of a pod, as a node sees them: each container's process and all its
/// descendants, found by walking `/proc` (each process's parent from `/proc/<pid>/stat`).
///
/// Signalling a container's process group is not enough: a program may start children in
/// process groups (or sessions) of their own, as the instance manager does with PostgreSQL.
/// The walk finds them by parentage instead. A process that was re-parented before the walk
/// (its parent exited, a daemon's double fork) is no longer found: it left the tree.
///
/// Linux only (`/proc`); elsewhere the tree is the roots alone.
enum ProcessKubeletProcessTree {
    /// The state letter of `pid` from `/proc/<pid>/stat` (`R`, `S`, `D`, `T` stopped, `t`, `Z`
    /// zombie, ...), or `nil` when there is no such process.
    static func state(_ pid: Int32) -> Character? {
        stat(pid)?.state
    }

    /// Whether `pid` is a live process: it exists and is not a zombie (an exited process its
    /// parent has not reaped yet).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let state = state(pid) else { return false }
        return state != "Z" && state != "X"
    }

    /// `roots` (those that are alive) and every live descendant of theirs, roots first, each
    /// parent before its children.
    static func members(of roots: [Int32]) -> [Int32] {
        let parents = allParents()
        var children: [Int32: [Int32]] = [:]
        for (pid, parent) in parents { children[parent, default: []].append(pid) }
        var result: [Int32] = []
        var seen: Set<Int32> = []
        var queue = roots.filter { isAlive($0) }
        while !queue.isEmpty {
            let pid = queue.removeFirst()
            guard seen.insert(pid).inserted else { continue }
            result.append(pid)
            queue.append(contentsOf: (children[pid] ?? []).sorted())
        }
        return result.filter { isAlive($0) }
    }

    /// Stops (SIGSTOP) every member of the tree and returns them. The walk is repeated until it
    /// finds no process it has not stopped yet, so a child forked while the walk ran (by a
    /// parent not yet stopped) is stopped too; a stopped process forks no more. A SIGSTOP takes
    /// effect after `kill` returns, so a walk that finds nothing new counts only once every
    /// process signalled is stopped (or gone): one that forked in between is found by the next
    /// walk. (Waits at most about 5 s for the signals to land, 1 ms at a time.)
    static func stopAll(roots: [Int32]) -> Set<Int32> {
        var stopped: Set<Int32> = []
        var waits = 0
        while true {
            let fresh = members(of: roots).filter { !stopped.contains($0) }
            if fresh.isEmpty {
                let landed = stopped.allSatisfy { state($0) == "T" || !isAlive($0) }
                if landed || waits >= 5000 { return stopped }
                waits += 1
                usleep(1000)
                continue
            }
            for pid in fresh {
                _ = kill(pid, SIGSTOP)
                stopped.insert(pid)
            }
        }
    }

    /// Kills (SIGKILL) every member of the tree: first stops all of them (so that none forks
    /// or is re-parented out of reach while the others die), then kills each. Returns the
    /// killed processes.
    @discardableResult
    static func killAll(roots: [Int32]) -> Set<Int32> {
        let members = stopAll(roots: roots)
        for pid in members { _ = kill(pid, SIGKILL) }
        return members
    }

    /// Continues (SIGCONT) every member of the tree and `also` (processes stopped earlier that
    /// may have left it); returns the processes signalled.
    @discardableResult
    static func continueAll(roots: [Int32], also: Set<Int32> = []) -> Set<Int32> {
        var members = Set(members(of: roots))
        members.formUnion(also.filter { isAlive($0) })
        for pid in members { _ = kill(pid, SIGCONT) }
        return members
    }

    /// When `pid` started (clock ticks after boot, `/proc/<pid>/stat` field 22), or `nil` when
    /// there is no such process: with the pid, it names one process even if the pid is reused.
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields after the command: state (3), ppid (4), ... starttime (22).
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The live members of the tree, each with its start time (see `startTime`).
    static func snapshot(roots: [Int32]) -> [Int32: UInt64] {
        var result: [Int32: UInt64] = [:]
        for pid in members(of: roots) { if let start = startTime(pid) { result[pid] = start } }
        return result
    }

    /// Kills (SIGKILL) every process of `snapshot` that is still alive and still the same
    /// process (same start time); returns them.
    @discardableResult
    static func killRemaining(_ snapshot: [Int32: UInt64]) -> [Int32] {
        let remaining = snapshot.filter { isAlive($0.key) && startTime($0.key) == $0.value }.map(\.key).sorted()
        for pid in remaining { _ = kill(pid, SIGKILL) }
        return remaining
    }

    // MARK: /proc

    /// pid → parent pid of every process.
    private static func allParents() -> [Int32: Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var parents: [Int32: Int32] = [:]
        for name in names {
            guard let pid = Int32(name), let entry = stat(pid) else { continue }
            parents[pid] = entry.parent
        }
        return parents
    }

    /// The state and parent of `pid` from `/proc/<pid>/stat`: `pid (comm) S ppid ...`, where
    /// `comm` may itself hold spaces and parentheses, so the fields are read after the last `)`.
    private static func stat(_ pid: Int32) -> (state: Character, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }
}
