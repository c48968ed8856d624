import COpenSSL
import Foundation

/// One OpenSSL server context for a serving certificate and its key (PEM). Connections accepted
/// while it is current use it; replacing it (``TLSListener/reload(_:)``) affects only new
/// connections.
final class TLSServingContext: @unchecked Sendable {
    // Immutable after init; OpenSSL contexts are safe to share between threads once set up.
    let pointer: OpaquePointer

    /// - Throws: ``TLSError`` when OpenSSL refuses the certificate or key (or they do not match).
    init(certificatePEM: String, privateKeyPEM: String) throws(TLSError) {
        let cert = Array(certificatePEM.utf8)
        let key = Array(privateKeyPEM.utf8)
        let ctx: OpaquePointer? = cert.withUnsafeBufferPointer { c in
            key.withUnsafeBufferPointer { k in
                c.baseAddress.flatMap { cp in
                    k.baseAddress.flatMap { kp in
                        qm_tls_server_context(
                            UnsafeRawPointer(cp).assumingMemoryBound(to: CChar.self), Int32(c.count),
                            UnsafeRawPointer(kp).assumingMemoryBound(to: CChar.self), Int32(k.count))
                    }
                }
            }
        }
        guard let ctx else { throw TLSError("cannot load the serving certificate: \(TLSError.lastOpenSSLError())") }
        pointer = ctx
    }

    deinit { SSL_CTX_free(pointer) }
}

/// A TLS failure, with OpenSSL's reason when it gave one.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }

    static func lastOpenSSLError() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        qm_tls_last_error(&buf, buf.count)
        let s = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return s.isEmpty ? "unknown error" : s
    }
}
