import Foundation
import KubeCore
import Testing

@testable import KubeTestSupport

/// The pure parts of the process kubelet (paths, commands, `$(VAR)`, ports) and its process
/// handling, without an API server.
@Suite("Process kubelet, without an API server")
struct ProcessKubeletUnitTests {
    @Test("paths map by longest prefix at a path boundary, and after a '='")
    func pathMap() {
        let map = ProcessKubeletPathMap([
            ("/var/lib/postgresql", "/tmp/pg"), ("/var/lib/postgresql/data/", "/tmp/data"),
        ])
        #expect(map.rewrite("/var/lib/postgresql/data/pgdata") == "/tmp/data/pgdata")
        #expect(map.rewrite("/var/lib/postgresql") == "/tmp/pg")
        #expect(map.rewrite("/var/lib/postgresqlx") == "/var/lib/postgresqlx")
        #expect(map.rewrite("--config_file=/var/lib/postgresql/x.conf") == "--config_file=/tmp/pg/x.conf")
        #expect(map.rewrite("relative/var/lib/postgresql") == "relative/var/lib/postgresql")
    }

    @Test("$(VAR) expands defined variables, $$ escapes, unknown references stay")
    func expansion() {
        let variables = ["A": "1", "B": "two"]
        #expect(ProcessKubeletEnvironment.expand("$(A)-$(B)", variables) == "1-two")
        #expect(ProcessKubeletEnvironment.expand("$$(A) $(C) $", variables) == "$(A) $(C) $")
    }

    @Test("port arguments are rewritten only when the mapping says so, and only whole numbers")
    func ports() {
        let ports = [8000: 41000]
        #expect(ProcessKubeletCommand.rewritePort("8000", ports) == "41000")
        #expect(ProcessKubeletCommand.rewritePort("--port=8000", ports) == "--port=41000")
        #expect(ProcessKubeletCommand.rewritePort("127.0.0.1:8000", ports) == "127.0.0.1:41000")
        #expect(ProcessKubeletCommand.rewritePort("18000", ports) == "18000")
    }

    @Test("a command is the spec's command and args, programs and paths mapped, ports in the environment")
    func command() throws {
        let image = ProcessKubeletImage(
            image: "postgres*", programs: ["/usr/lib/postgresql/15/bin/postgres": "/bin/echo"],
            portEnvironment: [5432: "PGPORT"], baseEnvironment: ["PATH": "/usr/bin:/bin"])
        let container = Container(
            name: "db", image: "postgres:15", command: ["/usr/lib/postgresql/15/bin/postgres"],
            args: ["-D", "$(PGDATA)", "-c", "config_file=/etc/pg/postgresql.conf"])
        var paths = ProcessKubeletPathMap()
        paths.add("/var/lib/postgresql/data", "/tmp/claim")
        paths.add("/etc/pg", "/tmp/config")
        let command = try ProcessKubeletCommand(
            container: container, image: image, environment: [("PGDATA", "/var/lib/postgresql/data/pgdata")],
            paths: paths, ports: [5432: 45432], defaultDirectory: "/tmp")
        #expect(command.executable == "/bin/echo")
        #expect(command.arguments == ["-D", "/tmp/claim/pgdata", "-c", "config_file=/tmp/config/postgresql.conf"])
        #expect(command.environment["PGDATA"] == "/tmp/claim/pgdata")
        #expect(command.environment["PGPORT"] == "45432")
        #expect(image.matches("postgres:15") && !image.matches("example/postgres:15"))
        #expect(throws: ContainerConfigError.self) {
            try ProcessKubeletCommand(
                container: Container(name: "x", image: "postgres:15"), image: image, environment: [], paths: paths,
                ports: [:], defaultDirectory: "/tmp")
        }
    }

    @Test("fieldRef resolves the pod's own fields, its IP from the allocator, and labels/annotations by key")
    func fieldRefs() {
        var metadata = ObjectMeta(
            name: "pg-1", namespace: "ns", labels: ["role": "primary", "app": "pg"],
            annotations: ["note": "a \"quoted\"\nline"])
        metadata.uid = "u-1"
        let pod = Pod(metadata: metadata, spec: PodSpec(containers: [], serviceAccountName: "pg"))
        func value(_ path: String) -> String? {
            ProcessKubeletDownwardAPI.fieldValue(path, pod: pod, podIP: "127.0.1.7")
        }
        #expect(value("metadata.name") == "pg-1")
        #expect(value("metadata.namespace") == "ns")
        #expect(value("metadata.uid") == "u-1")
        #expect(value("status.podIP") == "127.0.1.7")
        #expect(value("status.hostIP") == "127.0.0.1")
        #expect(value("spec.serviceAccountName") == "pg")
        #expect(value("spec.nodeName") == ProcessKubelet.nodeName)
        #expect(value("metadata.labels['role']") == "primary")
        #expect(value("metadata.labels['missing']") == "")
        #expect(value("metadata.annotations['note']") == "a \"quoted\"\nline")
        #expect(value("metadata.labels") == nil)  // a whole map only in a volume
        #expect(value("spec.unknown") == nil)
        #expect(
            ProcessKubeletDownwardAPI.fileContent("metadata.labels", pod: pod, podIP: "127.0.1.7")
                == "app=\"pg\"\nrole=\"primary\"")
        #expect(
            ProcessKubeletDownwardAPI.fileContent("metadata.annotations", pod: pod, podIP: "")
                == "note=\"a \\\"quoted\\\"\\nline\"")
    }

    @Test("KUBERNETES_SERVICE_HOST/PORT come from the API server's URL or host:port")
    func apiServerVariables() {
        func variables(_ server: String) -> [String] {
            ProcessKubeletEnvironment.apiServerVariables(server).map { "\($0.0)=\($0.1)" }
        }
        #expect(
            variables("https://127.0.0.1:40123") == [
                "KUBERNETES_SERVICE_HOST=127.0.0.1", "KUBERNETES_SERVICE_PORT=40123",
            ])
        #expect(variables("127.0.0.1:6443") == ["KUBERNETES_SERVICE_HOST=127.0.0.1", "KUBERNETES_SERVICE_PORT=6443"])
        #expect(
            variables("https://api.example/") == ["KUBERNETES_SERVICE_HOST=api.example", "KUBERNETES_SERVICE_PORT=443"])
        #expect(variables("https://[::1]:6443") == ["KUBERNETES_SERVICE_HOST=::1", "KUBERNETES_SERVICE_PORT=6443"])
        #expect(variables("").isEmpty)
        #expect(variables("no-port").isEmpty)
    }

    @Test("ConfigMap items are projected to their paths with their modes; other keys are not")
    func projection() throws {
        let directory = NSTemporaryDirectory() + "pk-projection-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ProcessKubeletVolumes.project(
            ["a": Data("A".utf8), "b": Data("B".utf8)], items: [KeyToPath(key: "a", path: "sub/a.txt", mode: 0o600)],
            defaultMode: nil, into: directory)
        #expect(FileManager.default.contents(atPath: "\(directory)/sub/a.txt") == Data("A".utf8))
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/b"))
        let mode = try FileManager.default.attributesOfItem(atPath: "\(directory)/sub/a.txt")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: ContainerConfigError.self) {
            try ProcessKubeletVolumes.project(
                ["a": Data()], items: [KeyToPath(key: "a", path: "../escape")], defaultMode: nil, into: directory)
        }
    }

    @Test("a process starts with no signal blocked, leads its process group, and SIGTERM ends it (143)")
    func processStopsOnSIGTERM() async throws {
        let directory = NSTemporaryDirectory() + "pk-process-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // `sleep` keeps the signal mask it inherited (a shell would change it while it forks).
        let process = try await LocalContainerProcess.start(
            executable: "/bin/sleep", arguments: ["600"], environment: ["PATH": "/usr/bin:/bin"],
            directory: directory, logPath: "\(directory)/log")
        let blocked = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("SigBlk:") }
        #expect(blocked.map { $0.hasSuffix("0000000000000000") } ?? true, "\(blocked ?? "")")
        #expect(getpgid(process.pid) == process.pid)
        process.signal(SIGTERM)
        #expect(await process.waitForExit() == 128 + Int(SIGTERM))
    }

    @Test("an image mapping's user runs the process as that user when the tests run as root")
    func runsAsUser() async throws {
        let image = ProcessKubeletImage(image: "x", user: "nobody", baseEnvironment: ["PATH": "/usr/bin:/bin"])
        let command = try ProcessKubeletCommand(
            container: Container(name: "c", image: "x", command: ["id", "-u"]), image: image, environment: [],
            paths: ProcessKubeletPathMap(), ports: [:], defaultDirectory: "/")
        guard getuid() == 0 else {
            #expect(command.executable.hasSuffix("/id"))
            return
        }
        #expect(command.executable == "/usr/bin/setpriv")
        let directory = NSTemporaryDirectory() + "pk-user-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try await LocalContainerProcess.start(
            executable: command.executable, arguments: command.arguments, environment: command.environment,
            directory: command.directory, logPath: "\(directory)/log")
        #expect(await process.waitForExit() == 0)
        #expect((try? String(contentsOfFile: "\(directory)/log", encoding: .utf8)) == "65534\n")
    }
}
