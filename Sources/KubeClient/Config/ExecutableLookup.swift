import Foundation

/// Finds a plugin's executable the way a shell does.
enum ExecutableLookup {
    /// `command` itself when it contains a `/` and is executable; otherwise the first
    /// executable `dir/command` among the `PATH` entries. `nil` when there is none.
    static func find(_ command: String, path: String?) -> String? {
        guard !command.isEmpty else { return nil }
        let fm = FileManager.default
        if command.contains("/") {
            return fm.isExecutableFile(atPath: command) ? command : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(dir)/\(command)"
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                fm.isExecutableFile(atPath: candidate)
            {
                return candidate.hasPrefix("/") ? candidate : fm.currentDirectoryPath + "/" + candidate
            }
        }
        return nil
    }
}
