import Foundation
import KubeCore

/// The API server's limit on what a ConfigMap or Secret holds (pure): keys and values together
/// at most 1 MiB (`binaryData` and a Secret's `data` counted decoded). A larger one is refused
/// with 422, or, when the request body passes 3 MiB, with 413, which over HTTP/2 may reach the
/// client only as a reset stream; ``DesiredStateApplier`` refuses it before sending, as a
/// ``RefusedWrite`` with reason `RequestTooLarge` that says how large it is.
public enum DataSizeLimit {
    /// 1 MiB: kube-apiserver's `MaxSecretSize` and ConfigMap limit.
    public static let maxBytes = 1 << 20

    /// The bytes of `object`'s data as the API server counts them, or `nil` for other kinds.
    public static func size(of object: any KubeResource) -> Int? {
        func decoded(_ value: String) -> Int { Data(base64Encoded: value)?.count ?? value.utf8.count }
        switch object {
        case let map as ConfigMap:
            let data = (map.data ?? [:]).reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            let binary = (map.binaryData ?? [:]).reduce(0) { $0 + $1.key.utf8.count + decoded($1.value) }
            return data + binary
        case let secret as Secret:
            let data = (secret.data ?? [:]).reduce(0) { $0 + $1.key.utf8.count + decoded($1.value) }
            let plain = (secret.stringData ?? [:]).reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            return data + plain
        default:
            return nil
        }
    }

    /// The refusal of a `verb` of `object` whose data passes ``maxBytes``; `nil` when it fits.
    public static func refusal(_ verb: String, of object: any KubeResource) -> RefusedWrite? {
        guard let size = size(of: object), size > maxBytes else { return nil }
        let kind = type(of: object).resource.kind
        return RefusedWrite(
            reason: .requestTooLarge, verb: verb, kind: kind, namespace: object.metadata.namespace,
            name: object.metadata.name ?? "", code: nil,
            message: "its data is \(size) bytes, more than the \(maxBytes) bytes the API server stores in a \(kind)")
    }
}
