import Foundation

/// `quartermaster instance install DEST`: copies the running executable (`/proc/self/exe` on
/// Linux; the path it was started from elsewhere) to `DEST` with mode 0755, replacing what is
/// there (write beside, then rename), so an init container can hand the manager to the
/// PostgreSQL container through an emptyDir.
public enum ExecutableInstaller {
    public static func install(to destination: String, source: String? = nil) throws {
        let from = source ?? Self.currentExecutable()
        guard let data = FileManager.default.contents(atPath: from) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: from])
        }
        let directory = (destination as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try InstanceFiles.write(data, to: destination, mode: 0o755)
    }

    static func currentExecutable() -> String {
        #if os(Linux)
            return "/proc/self/exe"
        #else
            return CommandLine.arguments[0]
        #endif
    }
}
