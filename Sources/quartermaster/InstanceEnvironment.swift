import ArgumentParser
import Foundation
import KubeRuntime
import Logging
import PostgresInstanceManager

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What `instance run` and `instance pooler` read from the environment and share.
enum InstanceEnvironment {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A port from `variable` when set (the process kubelet maps container ports this way),
    /// else `flagValue`. Throws `ValidationError` for a value that is not a port.
    static func port(_ variable: String, default flagValue: Int, flag: String) throws -> Int {
        let value: Int
        if let text = environment[variable], !text.isEmpty {
            guard let parsed = Int(text) else { throw ValidationError("\(variable)=\(text) is not a port") }
            value = parsed
        } else {
            value = flagValue
        }
        guard (0...65535).contains(value) else { throw ValidationError("\(flag) (or \(variable)) must be 0 to 65535") }
        return value
    }

    /// The name of the effective user, for the ident map.
    static var operatingSystemUser: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "postgres"
    }

    /// `--spec-file` when given, else the API server through the in-cluster configuration in
    /// `serviceAccountDirectory`.
    static func source(specFile: String?, serviceAccountDirectory: String, cluster: String, namespace: String?) throws
        -> any InstanceSpecSource
    {
        if let specFile { return FileInstanceSpecSource(path: specFile) }
        return try KubeInstanceSpecSource.inCluster(
            serviceAccountDirectory: serviceAccountDirectory, name: cluster, namespace: namespace)
    }

    /// The primary lease next to `source`: with `--spec-file`, the file `leaseFile` (default
    /// `<spec-file>.lease`); from the API server, Lease `<cluster>-primary` through the same
    /// client.
    static func lease(source: any InstanceSpecSource, specFile: String?, leaseFile: String?, cluster: String)
        -> any PrimaryLease
    {
        if let kube = source as? KubeInstanceSpecSource, specFile == nil {
            return KubePrimaryLease(client: kube.client, namespace: kube.namespace, instance: cluster)
        }
        return FilePrimaryLease(path: leaseFile ?? (specFile.map { $0 + ".lease" } ?? "\(cluster)-primary.lease"))
    }

    static func bootstrapLogging(level: String) throws -> Logger {
        guard let parsed = LoggingSetup.level(level) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSetup.bootstrap(format: .text, level: parsed)
        return Logger(label: "instance")
    }
}
