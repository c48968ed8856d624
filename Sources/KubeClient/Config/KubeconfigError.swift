import Foundation

/// Why a kubeconfig could not be turned into a `ClientConfiguration`.
///
/// The description always names the kubeconfig file(s); when the problem is inside a context
/// it names the context, the cluster or user entry, and the field, in kubectl's spelling.
/// It never contains a token, password, key or any other field value that could be secret.
public struct KubeconfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, for code that reacts to particular failures.
    public enum Kind: Hashable, Sendable {
        /// A kubeconfig file could not be read.
        case unreadableFile
        /// A kubeconfig file is not valid YAML.
        case invalidYAML
        /// A kubeconfig file is YAML but not shaped like a kubeconfig (wrong types, no names).
        case invalidStructure
        /// No kubeconfig was found and the process is not running in a cluster.
        case noConfiguration
        /// Neither `current-context` nor `--context` names a context.
        case currentContextNotSet
        case contextNotFound
        case clusterNotFound
        case userNotFound
        /// A required field is absent or empty.
        case missingField
        /// A field's value is unusable (bad base64, bad URL, conflicting settings, ...).
        case invalidField
        /// A file a field points to (certificate, key, token) could not be read.
        case unreadableReferencedFile
        /// The user has no way to authenticate.
        case noCredentials
        /// The field is valid for kubectl but this client does not support it.
        case unsupported
    }

    /// An entry of the kubeconfig, named in messages.
    public enum Entry: Hashable, Sendable, CustomStringConvertible {
        case cluster(String)
        case user(String)
        public var description: String {
            switch self {
            case .cluster(let n): return "cluster \"\(n)\""
            case .user(let n): return "user \"\(n)\""
            }
        }
    }

    public var kind: Kind
    /// The files involved: the one that defined the failing entry, or all that were loaded.
    public var files: [String]
    /// The context being loaded, once known.
    public var context: String?
    /// The cluster or user entry at fault, if any.
    public var entry: Entry?
    /// The field at fault, as kubectl spells it (`server`, `client-key-data`, ...), if any.
    public var field: String?
    /// The rest of the message.
    public var detail: String

    public init(
        _ kind: Kind, files: [String], context: String? = nil, entry: Entry? = nil, field: String? = nil,
        detail: String
    ) {
        self.kind = kind
        self.files = files
        self.context = context
        self.entry = entry
        self.field = field
        self.detail = detail
    }

    /// For example `kubeconfig /x/config: context "dev": cluster "c": field "server" is missing`.
    public var description: String {
        var parts = ["kubeconfig \(files.isEmpty ? "(none)" : files.joined(separator: ", "))"]
        if let context { parts.append("context \"\(context)\"") }
        var last = ""
        if let entry { last += entry.description }
        if let field { last += (last.isEmpty ? "" : ": ") + "field \"\(field)\"" }
        last += (last.isEmpty ? "" : " ") + detail
        parts.append(last)
        return parts.joined(separator: ": ")
    }
}
