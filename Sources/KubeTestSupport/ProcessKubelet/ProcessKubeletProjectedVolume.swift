import Foundation
import KubeClient
import KubeCore

/// `projected` and `downwardAPI` volumes written as files, once, when the pod starts (KubeCore
/// keeps both sources as raw JSON; this reads the fields the kubelet reads).
///
/// `projected` sources, all into the one directory:
/// - `serviceAccountToken`: a token of the pod's ServiceAccount (`spec.serviceAccountName`,
///   default `default`) from the TokenRequest API (`POST .../serviceaccounts/SA/token`) with the
///   source's `audience` (default: the API server's audiences) and `expirationSeconds`
///   (default 3600; the API server refuses less than 600), bound to the pod (deleting the pod
///   invalidates it), written to `path`. It is not rotated: tests run shorter than a token lives.
/// - `configMap` and `secret`: like the volume sources (`items`, `optional`; every key without
///   `items`). A missing, non-optional object fails the volume: on a control plane without
///   kube-controller-manager nothing publishes `kube-root-ca.crt`, so a pod projecting it waits
///   with `CreateContainerConfigError` (retried while the pod lives); `EnvTest`'s controller
///   manager publishes it with the API server's CA.
/// - `downwardAPI`: as the `downwardAPI` volume.
///
/// `downwardAPI` items: `fieldRef` (see `ProcessKubeletDownwardAPI`) written to `path`;
/// `resourceFieldRef` fails the volume.
///
/// File modes: the item's `mode`, else the volume's `defaultMode`, else 0644.
enum ProcessKubeletProjectedVolume {
    /// Writes the sources of a `projected` volume into `directory`.
    static func projectProjected(
        _ source: JSONValue, pod: Pod, podIP: String, client: KubeClient, into directory: String
    ) async throws {
        let namespace = pod.metadata.namespace ?? "default"
        let defaultMode = source["defaultMode"]?.intValue.map { Int($0) }
        try ProcessKubeletVolumes.makeDirectory(directory)
        for entry in source["sources"]?.arrayValue ?? [] {
            if let token = entry["serviceAccountToken"] {
                guard let path = token["path"]?.stringValue else {
                    throw ContainerConfigError(description: "a serviceAccountToken source has no path")
                }
                let value = try await requestToken(
                    pod: pod, audience: token["audience"]?.stringValue,
                    expirationSeconds: token["expirationSeconds"]?.intValue ?? 3600, client: client)
                try ProcessKubeletVolumes.project(
                    ["token": Data(value.utf8)], items: [KeyToPath(key: "token", path: path)],
                    defaultMode: defaultMode, into: directory)
            } else if let map = entry["configMap"] {
                let data = try await ProcessKubeletEnvironment.configMapData(
                    map["name"]?.stringValue, namespace: namespace, optional: map["optional"]?.boolValue,
                    client: client)
                if data.isEmpty, map["optional"]?.boolValue == true { continue }
                try ProcessKubeletVolumes.project(
                    data.mapValues { Data($0.utf8) }, items: try items(map), defaultMode: defaultMode, into: directory)
            } else if let secret = entry["secret"] {
                let data = try await ProcessKubeletEnvironment.secretData(
                    secret["name"]?.stringValue, namespace: namespace, optional: secret["optional"]?.boolValue,
                    client: client)
                if data.isEmpty, secret["optional"]?.boolValue == true { continue }
                try ProcessKubeletVolumes.project(
                    data, items: try items(secret), defaultMode: defaultMode, into: directory)
            } else if let downward = entry["downwardAPI"] {
                try projectDownwardAPI(downward, defaultMode: defaultMode, pod: pod, podIP: podIP, into: directory)
            } else {
                throw ContainerConfigError(description: "unsupported projected volume source \(entry)")
            }
        }
    }

    /// Writes a `downwardAPI` volume's (or projected source's) `items` into `directory`.
    /// `defaultMode` is the enclosing volume's; the source's own `defaultMode` wins.
    static func projectDownwardAPI(
        _ source: JSONValue, defaultMode: Int? = nil, pod: Pod, podIP: String, into directory: String
    ) throws {
        var files: [String: Data] = [:]
        var items: [KeyToPath] = []
        for item in source["items"]?.arrayValue ?? [] {
            guard let path = item["path"]?.stringValue else {
                throw ContainerConfigError(description: "a downwardAPI item has no path")
            }
            guard let field = item["fieldRef"]?["fieldPath"]?.stringValue,
                let value = ProcessKubeletDownwardAPI.fileContent(field, pod: pod, podIP: podIP)
            else {
                throw ContainerConfigError(description: "unsupported downwardAPI item \(path) (\(item))")
            }
            files[path] = Data(value.utf8)
            items.append(KeyToPath(key: path, path: path, mode: item["mode"]?.intValue.map { Int($0) }))
        }
        try ProcessKubeletVolumes.project(
            files, items: items, defaultMode: source["defaultMode"]?.intValue.map { Int($0) } ?? defaultMode,
            into: directory)
    }

    /// A token of the pod's ServiceAccount, bound to the pod, from the TokenRequest API.
    static func requestToken(
        pod: Pod, audience: String?, expirationSeconds: Int64, client: KubeClient
    ) async throws -> String {
        let namespace = pod.metadata.namespace ?? "default"
        let account = pod.spec?.serviceAccountName ?? "default"
        var spec: [String: JSONValue] = ["expirationSeconds": .int(expirationSeconds)]
        if let audience, !audience.isEmpty { spec["audiences"] = .array([.string(audience)]) }
        if let name = pod.metadata.name, let uid = pod.metadata.uid {
            spec["boundObjectRef"] = .object([
                "apiVersion": "v1", "kind": "Pod", "name": .string(name), "uid": .string(uid),
            ])
        }
        let body: JSONValue = .object([
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": .object(spec),
        ])
        let request = HTTPRequest(
            method: .post,
            path: ServiceAccount.resource.path(namespace: namespace, name: account, subresource: "token"),
            headers: ["Content-Type": "application/json"], body: try JSONEncoder().encode(body))
        let answer: JSONValue
        do {
            answer = try JSONDecoder().decode(JSONValue.self, from: try await client.send(request).body)
        } catch {
            throw ContainerConfigError(
                description: "no token for serviceaccount \(namespace)/\(account) (TokenRequest): \(error)")
        }
        guard let token = answer["status"]?["token"]?.stringValue else {
            throw ContainerConfigError(description: "the TokenRequest for \(namespace)/\(account) returned no token")
        }
        return token
    }

    private static func items(_ source: JSONValue) throws -> [KeyToPath]? {
        guard let items = source["items"] else { return nil }
        do {
            return try items.decode(as: [KeyToPath].self)
        } catch {
            throw ContainerConfigError(description: "unreadable volume items \(items): \(error)")
        }
    }
}
