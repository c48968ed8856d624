import KubeCore

extension PostgresBackup {
    /// Refused at admission: on UPDATE, a `spec.instance.name` other than the stored one
    /// (`InstanceChanged`: a backup belongs to the instance it was made for).
    public static var admission: KindAdmission {
        KindAdmission(bounds: { input in
            let backup = try input.decode(PostgresBackup.self)
            guard input.operation == .update, let old = input.oldObject else { return [] }
            let stored = try KubeJSON.decode(PostgresBackup.self, from: KubeJSON.encode(old))
            guard stored.spec.instance.name != backup.spec.instance.name else { return [] }
            return [
                "InstanceChanged: spec.instance.name is immutable (\(stored.spec.instance.name) → \(backup.spec.instance.name)); create another PostgresBackup"
            ]
        })
    }
}
