import Foundation

/// A bearer token read from a file that something else rotates: a pod's projected
/// service-account token, or a kubeconfig user's `tokenFile`.
///
/// The file is read on first use, then again at most once per `refreshInterval` (default one
/// minute), and on the next use after `invalidate()`. Surrounding whitespace is trimmed.
/// If a periodic re-read fails, the last good token keeps being used until the next attempt;
/// after `invalidate()` a failed read is thrown.
public actor TokenFileCredentialProvider: CredentialProvider {
    public nonisolated let path: String
    public nonisolated let refreshInterval: Duration
    private let clock = ContinuousClock()
    private var token: String?
    private var readAt: ContinuousClock.Instant?

    /// - Parameters:
    ///   - path: the token file.
    ///   - refreshInterval: the longest a read token is used without re-reading. Default 60s.
    ///   - initialToken: a token already read from `path` (counts as a fresh read).
    public init(path: String, refreshInterval: Duration = .seconds(60), initialToken: String? = nil) {
        self.path = path
        self.refreshInterval = refreshInterval
        if let initialToken {
            self.token = initialToken
            self.readAt = clock.now
        }
    }

    /// Reads and trims the token in `path`. Throws `CredentialError`.
    public static func readToken(path: String) throws -> String {
        let data: Data
        switch FileErrors.read(path) {
        case .success(let d): data = d
        case .failure(let f): throw CredentialError.tokenFileUnreadable(path: path, reason: f.reason)
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CredentialError.tokenFileEmpty(path: path) }
        return token
    }

    public func credentials() async throws -> Credentials {
        let now = clock.now
        if let token, let readAt, now - readAt < refreshInterval {
            return Credentials(bearerToken: token)
        }
        do {
            let fresh = try Self.readToken(path: path)
            token = fresh
            readAt = now
            return Credentials(bearerToken: fresh)
        } catch {
            guard let token else { throw error }
            readAt = now
            return Credentials(bearerToken: token)
        }
    }

    public func invalidate() async {
        token = nil
        readAt = nil
    }
}
