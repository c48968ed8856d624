import Foundation

/// The PersistentVolumeClaims of the tenant's namespace, as `status.persistentVolumeClaims`:
/// the data the namespace holds, including claims kept by `pvcRetention: Retain` after their
/// IPFSCluster is gone. Owners may list and delete them (`quartermaster-tenant-owner`).
///
/// Schema: object; `total` integer (printer column `Claims`), `names` array of strings
/// (at most ``maxNames``), `more` integer.
public struct TenantClaims: Codable, Hashable, Sendable {
    /// At most this many names are listed: 20.
    public static let maxNames = 20

    /// Description: "Number of PersistentVolumeClaims in the namespace."
    public var total: Int
    /// Description: "Names of the claims, in name order; at most 20."
    /// `nil` when there are none.
    public var names: [String]?
    /// Description: "How many claims are not named in names (total minus 20 when more)."
    /// `nil` when every claim is named.
    public var more: Int?

    public init(total: Int = 0, names: [String]? = nil, more: Int? = nil) {
        self.total = total
        self.names = names
        self.more = more
    }

    /// Every claim counted; the first ``maxNames`` in name order named, the rest counted in
    /// `more`.
    public init(names all: [String]) {
        let sorted = all.sorted()
        let named = Array(sorted.prefix(Self.maxNames))
        self.init(
            total: sorted.count, names: named.isEmpty ? nil : named,
            more: sorted.count > named.count ? sorted.count - named.count : nil)
    }

    /// `a, b and 3 more`, for messages; `none` without claims.
    public var summary: String {
        guard let names, !names.isEmpty else { return "none" }
        return names.joined(separator: ", ") + (more.map { " and \($0) more" } ?? "")
    }
}
