import Foundation
import KubeClient
import KubeTestSupport

/// A real Prometheus (Debian's `prometheus` package) on a loopback port, scraping given
/// targets every second and evaluating rule files every second, for tests that check what the
/// operator serves as Prometheus sees it.
final class PrometheusServer: @unchecked Sendable {
    static let binary = "/usr/bin/prometheus"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }
    static let skipMessage = "SKIPPED: /usr/bin/prometheus is missing (apt-get install prometheus)"

    let port: Int
    let directory: URL
    private let process: Process

    /// A further scrape job: one target with the labels Kubernetes service discovery would
    /// give a pod (`namespace`, `pod`).
    struct Job {
        var name: String
        var target: String
        var labels: [String: String]
    }

    /// Starts Prometheus scraping `targets` (`host:port`) as job `job`, and each of `jobs`, with
    /// `ruleFiles` (absolute paths), and waits until it is ready.
    init(job: String, targets: [String], jobs: [Job] = [], ruleFiles: [String]) async throws {
        port = TestListenPorts.reserve()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qm-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let extraJobs = jobs.map { job in
            let labels = job.labels.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
            return "  - job_name: \"\(job.name)\"\n    static_configs:\n      - targets: [\"\(job.target)\"]\n        labels: {\(labels)}"
        }.joined(separator: "\n")
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
            \(ruleFiles.map { "  - \"\($0)\"" }.joined(separator: "\n"))
            scrape_configs:
              - job_name: "\(job)"
                static_configs:
                  - targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))]
            \(extraJobs)
            """
        let configURL = directory.appendingPathComponent("prometheus.yml")
        try Data(config.utf8).write(to: configURL)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--config.file=\(configURL.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ]
        process.standardInput = FileHandle.nullDevice
        let log = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
        // Until it answers /-/ready, or exits (then its log says why).
        let process = self.process
        _ = await TenantResourceIntegrationTests.eventually { [self] in
            if !process.isRunning { return true }
            return try await get("/-/ready").status == 200
        }
        var ready = false
        if process.isRunning { ready = (try? await get("/-/ready").status) == 200 }
        guard ready else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            await stop()
            throw PrometheusServerError(message: "Prometheus did not become ready: \(text.suffix(2000))")
        }
    }

    /// The end of Prometheus' log.
    var logTail: String {
        String(((try? String(contentsOf: directory.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? "").suffix(2000))
    }

    func get(_ pathAndQuery: String) async throws -> OneShotHTTPRequest.Response {
        try await OneShotHTTPRequest(url: "http://127.0.0.1:\(port)\(pathAndQuery)", allowsPlainHTTP: true).perform()
    }

    /// `data` of a Prometheus API answer (`/api/v1/...`), which must have `status: success`.
    func api(_ path: String, query: [URLQueryItem] = []) async throws -> Any {
        var components = URLComponents()
        components.path = path
        components.queryItems = query.isEmpty ? nil : query
        let response = try await get(components.url?.absoluteString ?? path)
        guard let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            object["status"] as? String == "success", let data = object["data"]
        else {
            throw PrometheusServerError(message: "\(path): \(String(decoding: response.body.prefix(500), as: UTF8.self))")
        }
        return data
    }

    /// One instant-query result: its labels and value.
    struct Sample: CustomStringConvertible {
        var labels: [String: String]
        var value: Double
        var description: String { "\(labels) \(value)" }
    }

    /// The result of the instant query `expression` (a vector).
    func query(_ expression: String) async throws -> [Sample] {
        let data = try await api("/api/v1/query", query: [URLQueryItem(name: "query", value: expression)])
        let result = (data as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return result.compactMap { item in
            guard let labels = item["metric"] as? [String: String], let pair = item["value"] as? [Any], pair.count == 2,
                let text = pair[1] as? String, let value = Double(text)
            else { return nil }
            return Sample(labels: labels, value: value)
        }
    }

    /// The alerts pending or firing: labels and state.
    func alerts() async throws -> [(labels: [String: String], state: String)] {
        let data = try await api("/api/v1/alerts")
        return ((data as? [String: Any])?["alerts"] as? [[String: Any]] ?? []).map {
            (labels: $0["labels"] as? [String: String] ?? [:], state: $0["state"] as? String ?? "")
        }
    }

    /// Every alerting rule loaded: name, health (`ok`, `err`, `unknown`) and last error.
    func rules() async throws -> [(name: String, health: String, lastError: String)] {
        let data = try await api("/api/v1/rules", query: [URLQueryItem(name: "type", value: "alert")])
        let groups = (data as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { group in
            (group["rules"] as? [[String: Any]] ?? []).map {
                (
                    name: $0["name"] as? String ?? "", health: $0["health"] as? String ?? "",
                    lastError: $0["lastError"] as? String ?? ""
                )
            }
        }
    }

    /// Stops Prometheus and removes its data (idempotent).
    func stop() async {
        if process.isRunning {
            process.terminate()
            await process.exited()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Without `stop()`: ends the process without waiting (a deinitializer cannot wait).
    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }
}

struct PrometheusServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
