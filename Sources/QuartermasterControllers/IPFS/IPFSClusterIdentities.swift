import Foundation

/// Every secret of one IPFSCluster: per-ordinal kubo and ipfs-cluster identities, the cluster
/// secret, the swarm key and the REST API credentials. Stored in one Secret (see
/// ``secretData()``); peer IDs are public and derived from the keys, never stored.
public struct IPFSClusterIdentities: Sendable {
    /// Keys of the Secret's data.
    public enum SecretKey {
        public static let clusterSecret = "cluster-secret"
        public static let swarmKey = "swarm.key"
        public static let apiUsername = "api-username"
        public static let apiPassword = "api-password"
        /// `user:password`, for clients that take basic-auth in that form.
        public static let apiBasicAuth = "api-basic-auth"
        public static func kuboKey(_ ordinal: Int) -> String { "kubo-\(ordinal).key" }
        public static func clusterKey(_ ordinal: Int) -> String { "cluster-\(ordinal).key" }
    }

    /// Errors reading the Secret; they name keys, never values.
    public enum Error: Swift.Error, Equatable, Sendable {
        case missing(String)
        case invalid(String)
    }

    public var kubo: [LibP2PIdentity]
    public var cluster: [LibP2PIdentity]
    /// 64 hex digits.
    public var clusterSecret: String
    /// 64 hex digits: the private network key (always generated; used only with privateSwarm).
    public var swarmKeyHex: String
    public var apiUsername: String
    public var apiPassword: String

    /// Fresh random identities for `replicas` peers.
    public static func generate(replicas: Int) -> IPFSClusterIdentities {
        let n = max(0, replicas)
        return IPFSClusterIdentities(
            kubo: (0..<n).map { _ in LibP2PIdentity() }, cluster: (0..<n).map { _ in LibP2PIdentity() },
            clusterSecret: ClusterSecret.randomHex32(), swarmKeyHex: ClusterSecret.randomHex32(), apiUsername: "admin",
            apiPassword: ClusterSecret.randomPassword())
    }

    public init(
        kubo: [LibP2PIdentity], cluster: [LibP2PIdentity], clusterSecret: String, swarmKeyHex: String,
        apiUsername: String, apiPassword: String
    ) {
        self.kubo = kubo
        self.cluster = cluster
        self.clusterSecret = clusterSecret
        self.swarmKeyHex = swarmKeyHex
        self.apiUsername = apiUsername
        self.apiPassword = apiPassword
    }

    /// Number of complete peer identities.
    public var count: Int { min(kubo.count, cluster.count) }

    /// A copy holding identities for at least `replicas` peers; existing ones are kept, so
    /// peer IDs never change when scaling.
    public func ensuring(replicas: Int) -> IPFSClusterIdentities {
        var copy = self
        copy.kubo = Array(kubo.prefix(count))
        copy.cluster = Array(cluster.prefix(count))
        while copy.kubo.count < replicas {
            copy.kubo.append(LibP2PIdentity())
            copy.cluster.append(LibP2PIdentity())
        }
        return copy
    }

    public func kuboPeerID(_ ordinal: Int) -> PeerID { kubo[ordinal].peerID }
    public func clusterPeerID(_ ordinal: Int) -> PeerID { cluster[ordinal].peerID }

    /// The Secret's `stringData`.
    public func secretData() -> [String: String] {
        var d: [String: String] = [
            SecretKey.clusterSecret: clusterSecret,
            SecretKey.swarmKey: SwarmKey.fileContents(hexKey: swarmKeyHex),
            SecretKey.apiUsername: apiUsername,
            SecretKey.apiPassword: apiPassword,
            SecretKey.apiBasicAuth: "\(apiUsername):\(apiPassword)",
        ]
        for i in 0..<count {
            d[SecretKey.kuboKey(i)] = kubo[i].base64PrivateKey
            d[SecretKey.clusterKey(i)] = cluster[i].base64PrivateKey
        }
        return d
    }

    /// Reads identities back from a Secret's data (decoded strings). Peers are read from
    /// ordinal 0 upward until the first missing pair.
    public init(secretData d: [String: String]) throws {
        guard let secret = d[SecretKey.clusterSecret] else { throw Error.missing(SecretKey.clusterSecret) }
        guard ClusterSecret.isHex32(secret) else { throw Error.invalid(SecretKey.clusterSecret) }
        guard let swarm = d[SecretKey.swarmKey] else { throw Error.missing(SecretKey.swarmKey) }
        guard let swarmHex = SwarmKey.hexKey(fromFile: swarm) else { throw Error.invalid(SecretKey.swarmKey) }
        guard let user = d[SecretKey.apiUsername] else { throw Error.missing(SecretKey.apiUsername) }
        guard let password = d[SecretKey.apiPassword] else { throw Error.missing(SecretKey.apiPassword) }
        guard Self.isSafeToken(user) else { throw Error.invalid(SecretKey.apiUsername) }
        guard Self.isSafeToken(password) else { throw Error.invalid(SecretKey.apiPassword) }
        var kubo: [LibP2PIdentity] = []
        var cluster: [LibP2PIdentity] = []
        var i = 0
        while let k = d[SecretKey.kuboKey(i)], let c = d[SecretKey.clusterKey(i)] {
            do { kubo.append(try LibP2PIdentity(base64PrivateKey: k)) } catch { throw Error.invalid(SecretKey.kuboKey(i)) }
            do { cluster.append(try LibP2PIdentity(base64PrivateKey: c)) } catch {
                throw Error.invalid(SecretKey.clusterKey(i))
            }
            i += 1
        }
        self.init(
            kubo: kubo, cluster: cluster, clusterSecret: secret.lowercased(), swarmKeyHex: swarmHex, apiUsername: user,
            apiPassword: password)
    }

    /// Letters, digits, `-`, `_`, `.`: safe in JSON, shell and `user:password` without escaping.
    static func isSafeToken(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
