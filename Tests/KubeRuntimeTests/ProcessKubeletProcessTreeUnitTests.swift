import Foundation
import Testing

@testable import KubeTestSupport

/// The process tree of a container process (`ProcessKubeletProcessTree`), on local processes:
/// a child that started a process group of its own is found by parentage, stopped, continued
/// and killed with its parent; a killed tree's processes are gone.
@Suite("Process kubelet: a container's process tree", .serialized)
struct ProcessKubeletProcessTreeUnitTests {
    /// Bounds a wait for the shell to start its child, or for a signal to take effect: a hang
    /// guard, never an expectation of speed.
    static let hangGuard = Duration.seconds(60)

    /// Polls `condition` until it holds or `hangGuard` passes.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: hangGuard)
        while clock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// A shell (leading its own group, as a container process does) whose child runs in a
    /// session and process group of its own and writes its pid to `child.pid`.
    static func startTree(in directory: String) async throws -> (root: LocalContainerProcess, child: Int32) {
        let script = """
            setsid sh -c 'echo $$ > "$DIR/child.pid"; while :; do sleep 1; done' &
            while :; do sleep 1; done
            """
        let root = try await LocalContainerProcess.start(
            executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin", "DIR": directory],
            directory: directory, logPath: "\(directory)/log")
        var child: Int32?
        _ = await eventually {
            child = (try? String(contentsOfFile: "\(directory)/child.pid", encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return child != nil
        }
        return (root, try #require(child))
    }

    static func temporaryDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "pk-tree-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a child in a process group of its own is a member of the tree, stopped and continued with it")
    func stopAndContinue() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (root, child) = try await Self.startTree(in: directory)
        defer { ProcessKubeletProcessTree.killAll(roots: [root.pid]) }
        #expect(getpgid(child) != getpgid(root.pid), "the child leads a group of its own")
        let members = ProcessKubeletProcessTree.members(of: [root.pid])
        #expect(members.first == root.pid)
        #expect(members.contains(child))

        let stopped = ProcessKubeletProcessTree.stopAll(roots: [root.pid])
        #expect(stopped.isSuperset(of: [root.pid, child]))
        #expect(await Self.eventually { stopped.allSatisfy { ProcessKubeletProcessTree.state($0) == "T" } })

        let continued = ProcessKubeletProcessTree.continueAll(roots: [root.pid], also: stopped)
        #expect(continued.isSuperset(of: [root.pid, child]))
        #expect(
            await Self.eventually {
                [root.pid, child].allSatisfy { ProcessKubeletProcessTree.state($0).map { $0 != "T" } ?? false }
            })
    }

    @Test("killing the tree kills the child of its own group too; a child left behind by an exited process is killed")
    func killAll() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let (root, child) = try await Self.startTree(in: directory)
        let killed = ProcessKubeletProcessTree.killAll(roots: [root.pid])
        #expect(killed.isSuperset(of: [root.pid, child]))
        #expect(await root.waitForExit() == 128 + Int(SIGKILL))
        #expect(await Self.eventually { !ProcessKubeletProcessTree.isAlive(child) })
        #expect(ProcessKubeletProcessTree.members(of: [root.pid]).isEmpty)
        // A snapshot names processes by start time too: a dead one is not killed again.
        #expect(ProcessKubeletProcessTree.killRemaining([child: 0]).isEmpty)

        // The group signal a container runtime's stop sends misses the child of another
        // group; the container process's tree watch kills it once the process has exited (and
        // only then does Foundation see the exit: the child held an inherited socket).
        try? FileManager.default.removeItem(atPath: "\(directory)/child.pid")
        let (second, secondChild) = try await Self.startTree(in: directory)
        #expect(await Self.eventually { second.lastKnownTree[secondChild] != nil })
        second.signal(SIGKILL)
        #expect(await second.waitForExit() == 128 + Int(SIGKILL))
        #expect(await Self.eventually { !ProcessKubeletProcessTree.isAlive(secondChild) })
    }
}
