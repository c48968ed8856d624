import Foundation
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// Runs the BuildKit container's script with `/bin/sh` against a stand-in
/// `buildctl-daemonless.sh` (records its arguments, writes the metadata file BuildKit writes),
/// the termination log and metadata paths moved into a temporary directory.
@Suite struct AppDeploymentBuildKitScriptTests {
    typealias O = AppDeploymentBuildObjects

    struct Run {
        var status: Int32
        var arguments: [String]
        var terminationLog: String
    }

    func run(metadata: String?, exitCode: Int = 0) async throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qm-buildkit-\(UUID().uuidString)")
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let argsFile = dir.appendingPathComponent("args").path
        let metadataSource = dir.appendingPathComponent("metadata.source").path
        if let metadata { try Data(metadata.utf8).write(to: URL(fileURLWithPath: metadataSource)) }
        // The stand-in: one argument per line; copies the metadata to the path after --metadata-file.
        let standIn = """
            #!/bin/sh
            for a in "$@"; do printf '%s\\n' "$a" >> '\(argsFile)'; done
            while [ $# -gt 0 ]; do
              if [ "$1" = --metadata-file ] && [ -f '\(metadataSource)' ]; then cp '\(metadataSource)' "$2"; fi
              shift
            done
            exit \(exitCode)
            """
        let standInPath = bin.appendingPathComponent("buildctl-daemonless.sh").path
        try Data(standIn.utf8).write(to: URL(fileURLWithPath: standInPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standInPath)
        let terminationLog = dir.appendingPathComponent("termination-log").path
        let script = O.buildKitScript
            .replacingOccurrences(of: "/dev/termination-log", with: terminationLog)
            .replacingOccurrences(of: O.buildKitMetadataFile, with: dir.appendingPathComponent("m.json").path)
        #expect(script != O.buildKitScript)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "buildkit", "/workspace/src", "/build", "Dockerfile", "registry.example.com/acme/web:abc"]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await process.exited()
        let args = (try? String(contentsOfFile: argsFile, encoding: .utf8)) ?? ""
        let log = (try? String(contentsOfFile: terminationLog, encoding: .utf8)) ?? ""
        return Run(status: process.terminationStatus, arguments: args.split(separator: "\n").map(String.init), terminationLog: log)
    }

    static let digest = "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3"
    static let config = "sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66"

    @Test func theDigestOfPrettyAndCompactMetadataReachesTheTerminationLog() async throws {
        let pretty = """
            {
              "containerimage.config.digest": "\(Self.config)",
              "containerimage.descriptor": {
                "digest": "\(Self.config.replacingOccurrences(of: "2937", with: "0000"))",
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "size": 506
              },
              "containerimage.digest": "\(Self.digest)",
              "image.name": "registry.example.com/acme/web:abc"
            }
            """
        let compact = #"{"containerimage.config.digest":"\#(Self.config)","containerimage.descriptor":{"digest":"\#(Self.digest)"},"containerimage.digest":"\#(Self.digest)"}"#
        for metadata in [pretty, compact] {
            let run = try await run(metadata: metadata)
            #expect(run.status == 0)
            #expect(run.terminationLog == Self.digest)
            #expect(AppDeploymentBuildMessages.digest(from: run.terminationLog) == Self.digest)
            #expect(run.arguments.first == "build")
            #expect(run.arguments.contains("context=/workspace/src") && run.arguments.contains("dockerfile=/build"))
            #expect(run.arguments.contains("filename=Dockerfile"))
            #expect(run.arguments.contains("type=image,name=registry.example.com/acme/web:abc,push=true"))
            #expect(run.arguments.contains("--metadata-file"))
        }
    }

    @Test func noDigestFailsWithDigestMissing() async throws {
        let run = try await run(metadata: #"{"containerimage.config.digest":"\#(Self.config)"}"#)
        #expect(run.status == 1)
        #expect(run.terminationLog.hasPrefix("DigestMissing:"))
        #expect(AppDeploymentBuildMessages.failureReason(step: .build, container: "builder", message: run.terminationLog) == .digestMissing)
    }

    @Test func aFailedBuildExitsWithItsStatusAndWritesNoDigest() async throws {
        let run = try await run(metadata: nil, exitCode: 3)
        #expect(run.status == 3)
        #expect(run.terminationLog.isEmpty, "FallbackToLogsOnError then takes the log's tail")
    }
}
