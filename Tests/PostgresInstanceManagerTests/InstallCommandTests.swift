import Foundation
import PostgresInstanceManager
import Testing

/// `quartermaster instance install DEST` (the init container's command).
@Suite(
    "quartermaster instance install",
    .enabled(if: PostgresTestEnvironment.available, PostgresTestEnvironment.skipReason))
struct InstallCommandTests {
    @Test("copies the running executable to DEST with mode 0755, creating the directory; the copy runs")
    func install() async throws {
        let root = try PostgresTestEnvironment.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let destination = root + "/controller/quartermaster"
        let result = await PostgresTestEnvironment.run(
            PostgresTestEnvironment.quartermasterBinary, ["instance", "install", destination])
        #expect(result.status == 0, "\(result.standardError)")
        let attributes = try FileManager.default.attributesOfItem(atPath: destination)
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect(
            FileManager.default.contentsEqual(atPath: destination, andPath: PostgresTestEnvironment.quartermasterBinary)
        )
        let version = await PostgresTestEnvironment.run(destination, ["version"])
        #expect(version.status == 0)
        #expect(version.standardOutput.hasPrefix("quartermaster "))
    }
}
