import Foundation
import KubeTestSupport

/// Runs an Argo CD `health.lua` under Debian's stand-alone Lua 5.1 interpreter (Argo CD embeds
/// gopher-lua, which implements Lua 5.1), with the object as the global `obj`, and returns the
/// `status` and `message` the script produced.
struct GitOpsLuaHealthRunner {
    /// Where Debian's `lua5.1` package installs the interpreter.
    static let interpreterPath = "/usr/bin/lua5.1"

    static var isInterpreterAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: interpreterPath)
    }

    struct HealthStatus: Equatable, CustomStringConvertible {
        let status: String
        let message: String
        var description: String { "\(status): \(message)" }
    }

    struct LuaFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Evaluates `script` against the object in `objectYAML`.
    func evaluate(script: URL, objectYAML: String) async throws -> HealthStatus {
        let table = try GitOpsLuaTableLiteral.render(yaml: objectYAML)
        // The driver prints status and message separated by a NUL byte, so messages may
        // contain anything else. dofile returns the script's `return hs`.
        let driver = """
            obj = \(table)
            local hs = dofile(\(GitOpsLuaTableLiteral.quoted(script.path)))
            if type(hs) ~= "table" then error("health.lua returned " .. type(hs)) end
            io.write(tostring(hs.status), "\\0", tostring(hs.message or ""))
            """
        let driverURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-health-\(UUID().uuidString).lua")
        try driver.write(to: driverURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: driverURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.interpreterPath)
        process.arguments = [driverURL.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        await process.exited()
        guard process.terminationStatus == 0 else {
            throw LuaFailure(
                description: "lua5.1 exited \(process.terminationStatus): "
                    + (String(data: errors, encoding: .utf8) ?? ""))
        }
        let parts = output.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw LuaFailure(description: "unexpected driver output: \(String(decoding: output, as: UTF8.self))")
        }
        return HealthStatus(
            status: String(decoding: parts[0], as: UTF8.self),
            message: String(decoding: parts[1], as: UTF8.self))
    }
}
