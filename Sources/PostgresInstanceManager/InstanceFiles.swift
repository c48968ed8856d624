import Foundation

/// File writes of the instance manager: whole files replaced atomically (write to a temporary
/// file beside, then rename) with a given mode, and only when the contents differ.
public enum InstanceFiles {
    /// Writes `contents` to `path` with `mode` unless it already holds exactly that; returns
    /// whether it wrote.
    @discardableResult
    public static func write(_ contents: Data, to path: String, mode: Int = 0o600) throws -> Bool {
        if let existing = FileManager.default.contents(atPath: path), existing == contents {
            return false
        }
        let temporary = path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard
            FileManager.default.createFile(atPath: temporary, contents: contents, attributes: [.posixPermissions: mode])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        // createFile honours the umask; set the mode exactly.
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return true
    }

    @discardableResult
    public static func write(_ text: String, to path: String, mode: Int = 0o600) throws -> Bool {
        try write(Data(text.utf8), to: path, mode: mode)
    }

    /// Copies `source` to `destination` with `mode` (owned by this process); returns whether the
    /// copy changed.
    @discardableResult
    public static func copy(_ source: String, to destination: String, mode: Int = 0o600) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: source])
        }
        return try write(data, to: destination, mode: mode)
    }

    /// A Secret value: the file's contents without a trailing line break; `nil` when absent.
    public static func secret(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var s = String(decoding: data, as: UTF8.self)
        while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
        return s
    }

    /// Creates `path` (and parents) with `mode` when absent.
    public static func makeDirectory(_ path: String, mode: Int = 0o700) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
    }

    /// Whether `path` is absent or an empty directory.
    public static func isEmptyDirectory(_ path: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return true }
        return entries.isEmpty
    }
}
