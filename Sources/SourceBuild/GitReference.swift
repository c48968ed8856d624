/// Which commit of a repository a source Job wants (`spec.source.git`): at most one of branch,
/// tag, commit; none is the remote's default branch (`HEAD`).
public enum GitReference: Sendable, Equatable, CustomStringConvertible {
    case head
    case branch(String)
    case tag(String)
    /// 40 lowercase hex digits (checked by ``init(branch:tag:commit:)``).
    case commit(String)

    /// Why a reference is refused.
    public enum ReferenceError: Error, Equatable, CustomStringConvertible {
        case moreThanOne
        case invalidName(String)
        case invalidCommit(String)

        public var description: String {
            switch self {
            case .moreThanOne: "at most one of --branch, --tag, --commit may be given"
            case .invalidName(let name): "the ref name \(name.prefix(64)) is not a valid git ref name"
            case .invalidCommit(let commit): "the commit \(commit.prefix(64)) is not 40 hex digits"
            }
        }
    }

    /// The reference from the flags; a commit is lowercased. Names starting with `-`, holding
    /// `..`, spaces, control characters or `~^:?*[\` are refused.
    public init(branch: String?, tag: String?, commit: String?) throws {
        switch (branch, tag, commit) {
        case (nil, nil, nil): self = .head
        case (let name?, nil, nil): self = .branch(try Self.checkedName(name))
        case (nil, let name?, nil): self = .tag(try Self.checkedName(name))
        case (nil, nil, let sha?):
            let lower = sha.lowercased()
            guard SourceReport.isCommit(lower) else { throw ReferenceError.invalidCommit(sha) }
            self = .commit(lower)
        default: throw ReferenceError.moreThanOne
        }
    }

    static func checkedName(_ name: String) throws -> String {
        let forbidden: Set<Character> = ["~", "^", ":", "?", "*", "[", "\\", " "]
        guard !name.isEmpty, name.count <= 255, !name.hasPrefix("-"), !name.hasPrefix("/"), !name.hasSuffix("/"),
            !name.hasSuffix(".lock"), !name.contains(".."), !name.contains("@{"), !name.contains("//"),
            !name.contains(where: { forbidden.contains($0) || $0.isNewline || ($0.asciiValue.map { $0 < 32 || $0 == 127 } ?? false) })
        else { throw ReferenceError.invalidName(name) }
        return name
    }

    /// `branch main`, `tag v1`, `commit 3f2c…` (full), `HEAD`: the form of `status.source.ref`.
    public var description: String {
        switch self {
        case .head: "HEAD"
        case .branch(let name): "branch \(name)"
        case .tag(let name): "tag \(name)"
        case .commit(let sha): "commit \(sha)"
        }
    }
}
