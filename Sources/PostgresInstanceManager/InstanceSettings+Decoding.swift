import KubeCore

/// Why a PostgresInstance's JSON could not be read as `InstanceSettings`.
public struct InstanceSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension InstanceSettings {
    /// Reads a PostgresInstance object (as fetched from the API server) using only the JSON
    /// names of the contract: `metadata.name`, `metadata.namespace`, `spec.{database, owner,
    /// parameters, pgHBA, pooler, postgresVersion, failoverDelay, synchronous.number}`,
    /// `status.{targetPrimary, currentPrimary, fencedInstances, instancesStatus[].{name, podIP}}`.
    ///
    /// Absent fields take their defaults. A field of the wrong JSON type is an error, except
    /// parameter values, which may be strings, numbers or booleans (written as PostgreSQL reads
    /// them). Throws `InstanceSettingsError` when `metadata.name` is missing.
    public static func decode(from object: JSONValue) throws -> InstanceSettings {
        guard let name = object.value(at: "metadata", "name")?.stringValue, !name.isEmpty else {
            throw InstanceSettingsError("the PostgresInstance has no metadata.name")
        }
        var settings = InstanceSettings(name: name, namespace: object.value(at: "metadata", "namespace")?.stringValue)
        let spec = object["spec"] ?? .object([:])
        if let v = try string(spec["database"], "spec.database") { settings.database = v }
        if let v = try string(spec["owner"], "spec.owner") { settings.owner = v }
        if let v = try int(spec["postgresVersion"], "spec.postgresVersion") { settings.postgresVersion = v }
        if let parameters = spec["parameters"], parameters != .null {
            guard let map = parameters.objectValue else {
                throw InstanceSettingsError("spec.parameters is not an object")
            }
            for (key, value) in map {
                switch value {
                case .string(let s): settings.parameters[key] = s
                case .int(let i): settings.parameters[key] = String(i)
                case .double(let d): settings.parameters[key] = String(d)
                case .bool(let b): settings.parameters[key] = b ? "on" : "off"
                default: throw InstanceSettingsError("spec.parameters.\(key) is not a string")
                }
            }
        }
        if let lines = spec["pgHBA"], lines != .null {
            guard let array = lines.arrayValue else { throw InstanceSettingsError("spec.pgHBA is not an array") }
            settings.pgHBA = try array.map { line in
                guard let s = line.stringValue else { throw InstanceSettingsError("spec.pgHBA holds a non-string") }
                return s
            }
        }
        if let pooler = spec["pooler"], pooler != .null {
            if let v = pooler["enabled"]?.boolValue { settings.pooler.enabled = v }
            if let v = try int(pooler["instances"], "spec.pooler.instances") { settings.pooler.instances = v }
            if let v = try string(pooler["poolMode"], "spec.pooler.poolMode") { settings.pooler.poolMode = v }
            if let v = try int(pooler["maxClientConnections"], "spec.pooler.maxClientConnections") {
                settings.pooler.maxClientConnections = v
            }
            if let v = try int(pooler["defaultPoolSize"], "spec.pooler.defaultPoolSize") {
                settings.pooler.defaultPoolSize = v
            }
        }
        if let v = try int(spec["failoverDelay"], "spec.failoverDelay") { settings.failoverDelay = max(2, v) }
        if let synchronous = spec["synchronous"], synchronous != .null {
            settings.synchronousNumber = try int(synchronous["number"], "spec.synchronous.number")
        }
        let status = object["status"] ?? .object([:])
        settings.targetPrimary = try string(status["targetPrimary"], "status.targetPrimary").flatMap {
            $0.isEmpty ? nil : $0
        }
        settings.currentPrimary = try string(status["currentPrimary"], "status.currentPrimary").flatMap {
            $0.isEmpty ? nil : $0
        }
        for entry in status["fencedInstances"]?.arrayValue ?? [] {
            if let pod = entry.stringValue, !pod.isEmpty { settings.fencedInstances.append(pod) }
        }
        for entry in status["instancesStatus"]?.arrayValue ?? [] {
            if let pod = entry["name"]?.stringValue, !pod.isEmpty { settings.instanceNames.append(pod) }
            if let pod = entry["name"]?.stringValue, let ip = entry["podIP"]?.stringValue, !ip.isEmpty {
                settings.podIPs[pod] = ip
            }
        }
        if let archive = status["archive"], archive != .null {
            settings.archive = try ObjectStoreSettings.decode(
                from: archive, path: "status.archive", defaultServerName: name)
        }
        if let bootstrap = status["bootstrap"], bootstrap != .null {
            settings.bootstrap = try RecoverySource.decode(from: bootstrap, defaultServerName: name)
        }
        return settings
    }

    private static func string(_ value: JSONValue?, _ path: String) throws -> String? {
        guard let value, value != .null else { return nil }
        guard let s = value.stringValue else { throw InstanceSettingsError("\(path) is not a string") }
        return s
    }

    private static func int(_ value: JSONValue?, _ path: String) throws -> Int? {
        guard let value, value != .null else { return nil }
        guard let i = value.intValue, let n = Int(exactly: i) else {
            throw InstanceSettingsError("\(path) is not an integer")
        }
        return n
    }
}
