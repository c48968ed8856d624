import Foundation
import KubeCore

/// The downward API: the pod fields a container may read through `env[].valueFrom.fieldRef`
/// and through `downwardAPI` volume items (and `projected` volumes' `downwardAPI` sources).
///
/// Both: `metadata.name`, `metadata.namespace`, `metadata.uid`,
/// `metadata.labels['KEY']` and `metadata.annotations['KEY']` (empty when absent),
/// `spec.nodeName` (`ProcessKubelet.nodeName` when the pod has none),
/// `spec.serviceAccountName` (`default` when none), `status.podIP` and `status.podIPs` (the
/// pod's own address from the kubelet's allocator), `status.hostIP` (`127.0.0.1`).
/// Volumes only: `metadata.labels` and `metadata.annotations`, one `KEY="VALUE"` line per
/// entry sorted by key, as the kubelet writes them.
/// `resourceFieldRef` is not supported.
enum ProcessKubeletDownwardAPI {
    /// The value of `path` for an environment variable, or `nil` when the field is not supported.
    static func fieldValue(_ path: String, pod: Pod, podIP: String) -> String? {
        switch path {
        case "metadata.name": return pod.metadata.name ?? ""
        case "metadata.namespace": return pod.metadata.namespace ?? ""
        case "metadata.uid": return pod.metadata.uid ?? ""
        case "status.podIP", "status.podIPs": return podIP
        case "status.hostIP": return "127.0.0.1"
        case "spec.nodeName": return pod.spec?.nodeName ?? ProcessKubelet.nodeName
        case "spec.serviceAccountName": return pod.spec?.serviceAccountName ?? "default"
        default:
            for (prefix, map) in [
                ("metadata.labels['", pod.metadata.labels), ("metadata.annotations['", pod.metadata.annotations),
            ]
            where path.hasPrefix(prefix) && path.hasSuffix("']") {
                let key = String(path.dropFirst(prefix.count).dropLast(2))
                return map?[key] ?? ""
            }
            return nil
        }
    }

    /// The content of a volume file for `path`, or `nil` when the field is not supported.
    static func fileContent(_ path: String, pod: Pod, podIP: String) -> String? {
        switch path {
        case "metadata.labels": return formatMap(pod.metadata.labels ?? [:])
        case "metadata.annotations": return formatMap(pod.metadata.annotations ?? [:])
        default: return fieldValue(path, pod: pod, podIP: podIP)
        }
    }

    /// `KEY="VALUE"` lines sorted by key, the value quoted like Go's `%q` for the characters
    /// that need it (`"`, `\`, newline, tab).
    static func formatMap(_ map: [String: String]) -> String {
        map.sorted { $0.key < $1.key }.map { key, value in
            var quoted = ""
            for character in value {
                switch character {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\n": quoted += "\\n"
                case "\t": quoted += "\\t"
                default: quoted.append(character)
                }
            }
            return "\(key)=\"\(quoted)\""
        }.joined(separator: "\n")
    }
}
