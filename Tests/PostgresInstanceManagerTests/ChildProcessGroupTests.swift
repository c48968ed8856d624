import Foundation
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ChildProcess: its own process group, and killGroup reaches what left it")
struct ChildProcessGroupTests {
    @Test(
        "a child started with ownProcessGroup leads its group; killGroup kills it, its group, and a descendant that made itself a session leader (as PostgreSQL's backends do)"
    )
    func killGroupReachesSessionLeaders() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qm-cp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pids = directory + "/pids"
        let child = try ChildProcess(
            executable: "/bin/sh",
            arguments: [
                "-c",
                "sleep 600 & echo $! > \(pids).tmp; setsid sleep 600 & echo $! >> \(pids).tmp; mv \(pids).tmp \(pids); wait",
            ],
            ownProcessGroup: true)
        #expect(getpgid(child.pid) == child.pid)
        #expect(await poll { FileManager.default.fileExists(atPath: pids) })
        let started = ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n")
            .compactMap { pid_t($0) }
        #expect(started.count == 2)
        let sessionLeader = try #require(started.last)
        #expect(await poll { getsid(sessionLeader) == sessionLeader }, "setsid ran")
        #expect(child.killGroup() >= 2)
        #expect(await child.waitForExit() == 128 + SIGKILL)
        for pid in started {
            // Gone, or a zombie until its new parent reaps it.
            #expect(
                await poll {
                    let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                    return state.isEmpty || state.contains(") Z ")
                }, "process \(pid) survived")
        }
    }
}
