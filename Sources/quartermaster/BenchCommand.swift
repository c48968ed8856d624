import ArgumentParser
import Foundation
import KubeBenchmark
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster bench`: measures memory, converged-reconcile writes, event-to-apply latency
/// and apply throughput against a real API server, and prints a table.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the controller runtime against a real API server (creates ConfigMaps).",
        discussion: """
            Creates ~1 KB ConfigMaps in --namespace (reconcile figures) and in <namespace>-memory \
            (memory figures, measured in a fresh child process per size). Use a throwaway cluster: \
            hack/bench.sh starts one.
            """)

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    @Option(help: "N: parents of the reconcile benchmark.")
    var objects: Int = 1000

    @Option(help: "Store sizes of the memory benchmark, comma separated; empty skips it.")
    var memoryObjects: String = "1000,10000"

    @Option(help: "Controller workers (--max-concurrent-reconciles) and concurrent requests of the plain client.")
    var concurrency: Int = 8

    @Option(help: "Throughput runs: plain client and cold controller alternately, this many times each.")
    var runs: Int = 5

    @Option(help: "Namespace of the reconcile benchmark; the memory benchmark uses <namespace>-memory.")
    var namespace: String = "bench"

    @Option(help: "Sequential parent updates timed for the latency figures.")
    var latencyUpdates: Int = 200

    @Option(help: "The API server's JSON audit log, to cross-check the write counts (optional).")
    var auditLog: String?

    @Option(
        name: .customLong("server-pid"),
        help: "A control-plane process (kube-apiserver, etcd) whose CPU time to report per run; repeatable.")
    var serverPIDs: [Int32] = []

    @Flag(help: "Skip the reconcile benchmark.")
    var skipReconcile = false

    @Flag(help: "Lists and watches in JSON only (by default ConfigMaps travel as protobuf).")
    var json = false

    @Option(help: .hidden)
    var memoryProbe: Int?

    func validate() throws {
        guard objects >= 1 else { throw ValidationError("--objects must be at least 1") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard latencyUpdates >= 0 else { throw ValidationError("--latency-updates must not be negative") }
        _ = try memorySizes()
    }

    private func memorySizes() throws -> [Int] {
        let parts = memoryObjects.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.filter { !$0.isEmpty }.map { part in
            guard let n = Int(part), n > 0 else { throw ValidationError("--memory-objects: \"\(part)\" is not a count") }
            return n
        }.sorted()
    }

    func run() async throws {
        let configuration: ClientConfiguration
        do {
            configuration = try KubeconfigLoader.load(path: kubeconfig, context: context)
        } catch {
            FileHandleOutput.standardError("quartermaster bench: \(error)")
            throw ExitCode(2)
        }
        if let memoryProbe {
            let client = try KubeClient(configuration: configuration, identity: .quartermaster, protobuf: !json)
            let result = try await MemoryProbe.run(
                client: client, labelSelector: MemoryBenchmarkSetup.labelSelector, expected: memoryProbe)
            print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            return
        }
        let admin = try KubeClient(configuration: configuration, identity: .quartermaster)
        let progress: @Sendable (String) -> Void = { FileHandleOutput.standardError("bench: \($0)") }
        let parentMemory = ProcessMemory.current()

        var memoryRows: [(MemoryProbeResult, listBytes: Int)] = []
        let memoryNamespace = "\(namespace)-memory"
        for size in try memorySizes() {
            progress("memory: ensuring \(size) ConfigMaps in \(memoryNamespace)")
            let seconds = try await MemoryBenchmarkSetup.ensure(
                count: size, namespace: memoryNamespace, limit: max(concurrency, 16), client: admin)
            if seconds > 0 { progress("memory: created up to \(size) in \(String(format: "%.1f", seconds)) s") }
            let bytes = try await MemoryBenchmarkSetup.listBodyBytes(namespace: memoryNamespace, client: admin)
            progress("memory: measuring \(size) in a child process")
            memoryRows.append((try runProbe(size), bytes))
        }

        var reconcile: ReconcileBenchmarkResult?
        if !skipReconcile {
            reconcile = try await ReconcileBenchmark(
                configuration: configuration, identity: .quartermaster, namespace: namespace, objects: objects,
                concurrency: concurrency, runs: runs,
                latencyUpdates: latencyUpdates, auditLogPath: auditLog, serverPIDs: serverPIDs, protobuf: !json,
                progress: progress
            ).run()
        }
        print(
            BenchReportTable.render(
                server: configuration.server, memory: memoryRows, reconcile: reconcile,
                parentBaseline: parentMemory, protobuf: !json))
    }

    /// Runs this executable again with `--memory-probe` and decodes its result line.
    private func runProbe(_ size: Int) throws -> MemoryProbeResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var arguments = ["bench", "--memory-probe", String(size)]
        if json { arguments.append("--json") }
        if let kubeconfig { arguments += ["--kubeconfig", kubeconfig] }
        if let context { arguments += ["--context", context] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = data.split(separator: 0x0A).last,
            let result = try? JSONDecoder().decode(MemoryProbeResult.self, from: Data(line))
        else {
            throw ValidationError("the memory probe for \(size) objects failed (exit \(process.terminationStatus))")
        }
        return result
    }
}
