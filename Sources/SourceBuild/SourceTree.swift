import Foundation

/// The files of a directory as the analyser may read them: a bounded, breadth-first walk that
/// never leaves the tree.
///
/// Guarantees: at most ``maxFiles`` files are listed (the shallowest first, so manifests at the
/// top are always seen); a file larger than ``maxFileBytes`` is listed but never read; directories
/// in ``skippedDirectories`` and deeper than ``maxDepth`` are not entered; a symbolic link is
/// listed only when it names a regular file inside the tree, and a linked directory is never
/// entered (no cycles, nothing outside the tree).
public struct SourceTree: Sendable {
    /// Most files listed: 2000.
    public static let maxFiles = 2000
    /// Largest file read: 1 MiB.
    public static let maxFileBytes = 1 << 20
    /// Deepest directory entered, counted from the root (0): 16.
    public static let maxDepth = 16
    /// Directories never entered: dependencies, virtual environments and version control.
    public static let skippedDirectories: Set<String> = [
        "node_modules", ".git", "vendor", "venv", ".venv", "__pycache__", ".hg", ".svn", ".tox", ".mypy_cache",
        ".pytest_cache", ".next", ".nuxt",
    ]

    /// The walked directory (resolved, absolute).
    public let root: URL
    /// Paths relative to ``root`` (`/`-separated), shallowest first, sorted by name within a level.
    public let files: [String]
    private let listed: Set<String>
    private let readable: Set<String>

    /// Walks `directory`. Throws when it is not a directory.
    public init(directory: URL) throws {
        let root = directory.resolvingSymlinksInPath().standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path])
        }
        self.root = root
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var files: [String] = []
        var readable: Set<String> = []
        var level: [(relative: String, depth: Int)] = [("", 0)]
        let manager = FileManager.default
        walk: while !level.isEmpty {
            var next: [(relative: String, depth: Int)] = []
            for (relative, depth) in level {
                let absolute = relative.isEmpty ? root.path : root.path + "/" + relative
                guard let names = try? manager.contentsOfDirectory(atPath: absolute) else { continue }
                for name in names.sorted() {
                    let child = relative.isEmpty ? name : relative + "/" + name
                    let childPath = root.path + "/" + child
                    guard let attributes = try? manager.attributesOfItem(atPath: childPath),
                        let type = attributes[.type] as? FileAttributeType
                    else { continue }
                    switch type {
                    case .typeDirectory:
                        if !Self.skippedDirectories.contains(name) && depth < Self.maxDepth {
                            next.append((child, depth + 1))
                        }
                    case .typeRegular:
                        files.append(child)
                        let size = (attributes[.size] as? NSNumber)?.intValue ?? Int.max
                        if size <= Self.maxFileBytes { readable.insert(child) }
                    case .typeSymbolicLink:
                        // Only a link to a regular file inside the tree counts.
                        let target = URL(fileURLWithPath: childPath).resolvingSymlinksInPath().path
                        guard target.hasPrefix(rootPath),
                            let targetAttributes = try? manager.attributesOfItem(atPath: target),
                            targetAttributes[.type] as? FileAttributeType == .typeRegular
                        else { continue }
                        files.append(child)
                        let size = (targetAttributes[.size] as? NSNumber)?.intValue ?? Int.max
                        if size <= Self.maxFileBytes { readable.insert(child) }
                    default:
                        continue
                    }
                    if files.count >= Self.maxFiles { break walk }
                }
            }
            level = next
        }
        self.files = files
        self.listed = Set(files)
        self.readable = readable
    }

    /// True when `path` (relative) was listed.
    public func contains(_ path: String) -> Bool { listed.contains(path) }

    /// The text of `path` (relative), or `nil` when it was not listed, is too large or unreadable.
    /// Invalid UTF-8 is repaired, not refused.
    public func text(_ path: String) -> String? {
        guard readable.contains(path) else { return nil }
        let url = URL(fileURLWithPath: root.path + "/" + path).resolvingSymlinksInPath()
        guard let data = try? Data(contentsOf: url), data.count <= Self.maxFileBytes else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Listed files whose name ends with one of `extensions` (with the dot: `.py`).
    public func files(endingWith extensions: [String]) -> [String] {
        files.filter { path in extensions.contains { path.hasSuffix($0) } }
    }

    /// The directory part of `path` (`""` at the root).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
