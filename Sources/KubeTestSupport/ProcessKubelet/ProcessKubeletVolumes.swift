import Foundation
import KubeClient
import KubeCore

/// A pod's volumes as directories on disk.
///
/// - `emptyDir`: `<pod directory>/volumes/<name>`, removed with the pod.
/// - `persistentVolumeClaim`: `<kubelet root>/claims/<namespace>/<claimName>`, kept when the pod
///   goes and reused by the next pod that names the same claim (a restarted StatefulSet pod
///   finds its data), removed when the kubelet's root is.
/// - `secret` and `configMap`: read from the API server once, when the pod starts, and written
///   as files (all keys, or `items` with their paths; `mode`/`defaultMode` honoured; default
///   0644). Later changes of the object are not projected again.
/// - `projected` and `downwardAPI`: see `ProcessKubeletProjectedVolume`.
/// - any other source: the pod cannot start when a container mounts it
///   (`CreateContainerConfigError`).
enum ProcessKubeletVolumes {
    /// Prepares every volume of `pod` and returns volume name → directory; a volume whose source
    /// is unsupported is left out (mounting it is the error).
    static func prepare(
        pod: Pod, podIP: String, podDirectory: String, claimsDirectory: String, client: KubeClient
    ) async throws -> [String: String] {
        let namespace = pod.metadata.namespace ?? "default"
        var directories: [String: String] = [:]
        for volume in pod.spec?.volumes ?? [] {
            if let claim = volume.persistentVolumeClaim {
                let path = "\(claimsDirectory)/\(namespace)/\(claim.claimName)"
                try makeDirectory(path)
                directories[volume.name] = path
                continue
            }
            let path = "\(podDirectory)/volumes/\(volume.name)"
            if volume.emptyDir != nil {
                try makeDirectory(path)
                directories[volume.name] = path
            } else if let source = volume.configMap {
                let data = try await ProcessKubeletEnvironment.configMapData(
                    source.name, namespace: namespace, optional: source.optional, client: client)
                try project(
                    data.mapValues { Data($0.utf8) }, items: source.items, defaultMode: source.defaultMode, into: path)
                directories[volume.name] = path
            } else if let source = volume.secret {
                let data = try await ProcessKubeletEnvironment.secretData(
                    source.secretName, namespace: namespace, optional: source.optional, client: client)
                try project(data, items: source.items, defaultMode: source.defaultMode, into: path)
                directories[volume.name] = path
            } else if let source = volume.projected {
                try await ProcessKubeletProjectedVolume.projectProjected(
                    source, pod: pod, podIP: podIP, client: client, into: path)
                directories[volume.name] = path
            } else if let source = volume.downwardAPI {
                try ProcessKubeletProjectedVolume.projectDownwardAPI(source, pod: pod, podIP: podIP, into: path)
                directories[volume.name] = path
            }
        }
        return directories
    }

    /// Writes `data` as files under `directory`: every key, or only `items` (key → relative path,
    /// a missing key is an error).
    static func project(_ data: [String: Data], items: [KeyToPath]?, defaultMode: Int?, into directory: String) throws {
        try makeDirectory(directory)
        let files: [(path: String, bytes: Data, mode: Int?)]
        if let items {
            files = try items.map { item in
                guard let bytes = data[item.key] else {
                    throw ContainerConfigError(description: "key \(item.key) not found for a volume item")
                }
                return (item.path, bytes, item.mode)
            }
        } else {
            files = data.sorted { $0.key < $1.key }.map { ($0.key, $0.value, nil) }
        }
        for file in files {
            guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                throw ContainerConfigError(description: "volume item path \(file.path) must be relative")
            }
            let path = "\(directory)/\(file.path)"
            try makeDirectory((path as NSString).deletingLastPathComponent)
            guard FileManager.default.createFile(atPath: path, contents: file.bytes) else {
                throw ContainerConfigError(description: "cannot write \(path)")
            }
            let mode = file.mode ?? defaultMode ?? 0o644
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
    }

    static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
