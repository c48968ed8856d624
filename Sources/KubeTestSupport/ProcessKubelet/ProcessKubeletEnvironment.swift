import Foundation
import KubeClient
import KubeCore

/// Why a container cannot be started from its spec (reported as a waiting container with
/// reason `CreateContainerConfigError`, as the kubelet does).
struct ContainerConfigError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// A container's environment from its spec: the kubelet's own variables first
/// (`KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, when the kubelet knows the API
/// server), then `envFrom`, then `env` in order, a later definition replacing an earlier one,
/// with `$(VAR)` references expanded against the variables defined before (Kubernetes' rule;
/// `$$` is a literal `$`, an unknown reference is left as written). `fieldRef` values come
/// from `ProcessKubeletDownwardAPI`.
enum ProcessKubeletEnvironment {
    /// Reads the Secrets and ConfigMaps the container refers to from the API server.
    /// `kubeletVariables` are defined first (the API server's service variables).
    static func resolve(
        _ container: Container, pod: Pod, podIP: String, kubeletVariables: [(String, String)] = [],
        client: KubeClient
    ) async throws -> [(String, String)] {
        let namespace = pod.metadata.namespace ?? "default"
        var result: [(String, String)] = []
        var defined: [String: String] = [:]
        func set(_ name: String, _ value: String) {
            result.removeAll { $0.0 == name }
            result.append((name, value))
            defined[name] = value
        }
        for (name, value) in kubeletVariables { set(name, value) }
        for source in container.envFrom ?? [] {
            let prefix = source.prefix ?? ""
            if let ref = source.configMapRef {
                let data = try await configMapData(
                    ref.name, namespace: namespace, optional: ref.optional, client: client)
                for (key, value) in data.sorted(by: { $0.key < $1.key }) { set(prefix + key, value) }
            }
            if let ref = source.secretRef {
                let data = try await secretData(ref.name, namespace: namespace, optional: ref.optional, client: client)
                for (key, value) in data.sorted(by: { $0.key < $1.key }) {
                    set(prefix + key, String(decoding: value, as: UTF8.self))
                }
            }
        }
        for variable in container.env ?? [] {
            if let source = variable.valueFrom {
                if let value = try await resolve(source, pod: pod, podIP: podIP, namespace: namespace, client: client) {
                    set(variable.name, value)
                }
            } else {
                set(variable.name, expand(variable.value ?? "", defined))
            }
        }
        return result
    }

    private static func resolve(
        _ source: EnvVarSource, pod: Pod, podIP: String, namespace: String, client: KubeClient
    ) async throws -> String? {
        if let ref = source.secretKeyRef {
            let data = try await secretData(ref.name, namespace: namespace, optional: ref.optional, client: client)
            guard let value = data[ref.key] else {
                if ref.optional == true { return nil }
                throw ContainerConfigError(
                    description: "couldn't find key \(ref.key) in Secret \(namespace)/\(ref.name ?? "")")
            }
            return String(decoding: value, as: UTF8.self)
        }
        if let ref = source.configMapKeyRef {
            let data = try await configMapData(ref.name, namespace: namespace, optional: ref.optional, client: client)
            guard let value = data[ref.key] else {
                if ref.optional == true { return nil }
                throw ContainerConfigError(
                    description: "couldn't find key \(ref.key) in ConfigMap \(namespace)/\(ref.name ?? "")")
            }
            return value
        }
        if let field = source.fieldRef {
            guard let value = ProcessKubeletDownwardAPI.fieldValue(field.fieldPath, pod: pod, podIP: podIP) else {
                throw ContainerConfigError(description: "unsupported fieldRef \(field.fieldPath)")
            }
            return value
        }
        throw ContainerConfigError(description: "unsupported valueFrom (resourceFieldRef)")
    }

    /// `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` for the API server `server`:
    /// `host:port` or a URL (`https://127.0.0.1:6443`; without a port, 443 for `https`, 80 for
    /// `http`); an IPv6 host loses its brackets. Empty when `server` names no host.
    static func apiServerVariables(_ server: String) -> [(String, String)] {
        var rest = Substring(server)
        var defaultPort: String?
        if let scheme = rest.range(of: "://") {
            defaultPort = rest[..<scheme.lowerBound].lowercased() == "http" ? "80" : "443"
            rest = rest[scheme.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host: Substring
        var port: Substring?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            port = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, let port = port.map(String.init) ?? defaultPort, Int(port) != nil else { return [] }
        return [("KUBERNETES_SERVICE_HOST", String(host)), ("KUBERNETES_SERVICE_PORT", port)]
    }

    /// A ConfigMap's `data` and `binaryData` (decoded); empty when it is missing and optional.
    static func configMapData(
        _ name: String?, namespace: String, optional: Bool?, client: KubeClient
    ) async throws -> [String: String] {
        guard let name, let map = try await client.getIfExists(ConfigMap.self, name: name, namespace: namespace) else {
            if optional == true { return [:] }
            throw ContainerConfigError(description: "configmap \"\(name ?? "")\" not found")
        }
        var data = map.data ?? [:]
        for (key, value) in map.binaryData ?? [:] {
            if let decoded = Data(base64Encoded: value) { data[key] = String(decoding: decoded, as: UTF8.self) }
        }
        return data
    }

    /// A Secret's decoded `data`; empty when it is missing and optional.
    static func secretData(
        _ name: String?, namespace: String, optional: Bool?, client: KubeClient
    ) async throws -> [String: Data] {
        guard let name, let secret = try await client.getIfExists(Secret.self, name: name, namespace: namespace) else {
            if optional == true { return [:] }
            throw ContainerConfigError(description: "secret \"\(name ?? "")\" not found")
        }
        return secret.decodedData
    }

    /// Kubernetes' `$(VAR)` expansion.
    static func expand(_ input: String, _ variables: [String: String]) -> String {
        var output = ""
        var index = input.startIndex
        while index < input.endIndex {
            let character = input[index]
            let next = input.index(after: index)
            if character == "$", next < input.endIndex {
                if input[next] == "$" {
                    output.append("$")
                    index = input.index(after: next)
                    continue
                }
                if input[next] == "(", let close = input[next...].firstIndex(of: ")") {
                    let name = String(input[input.index(after: next)..<close])
                    if let value = variables[name] {
                        output += value
                        index = input.index(after: close)
                        continue
                    }
                }
            }
            output.append(character)
            index = next
        }
        return output
    }
}
