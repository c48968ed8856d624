import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How full a volume is: `/status` `dataVolume` / `walVolume` (`{"usedBytes","capacityBytes"}`)
/// and the metrics `pg_volume_used_bytes{volume}` / `pg_volume_capacity_bytes{volume}`.
public struct VolumeUsage: Codable, Hashable, Sendable {
    public var usedBytes: Int64
    public var capacityBytes: Int64

    public init(usedBytes: Int64, capacityBytes: Int64) {
        self.usedBytes = usedBytes
        self.capacityBytes = capacityBytes
    }

    /// `statvfs` of `path`'s file system: capacity = blocks × fragment size, used = (blocks −
    /// free blocks) × fragment size (what `df` shows as used, root's reserve counted as free).
    /// `nil` when the path cannot be examined.
    public static func of(_ path: String) -> VolumeUsage? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let fragment = Int64(info.f_frsize)
        let blocks = Int64(info.f_blocks)
        let free = Int64(info.f_bfree)
        return VolumeUsage(usedBytes: (blocks - free) * fragment, capacityBytes: blocks * fragment)
    }

    /// The volume holding `path`: `path`'s parent (PGDATA and the WAL directory are
    /// subdirectories of their volumes' mount points), or `path` itself when the parent cannot be
    /// examined.
    public static func ofParent(_ path: String) -> VolumeUsage? {
        of((path as NSString).deletingLastPathComponent) ?? of(path)
    }
}
