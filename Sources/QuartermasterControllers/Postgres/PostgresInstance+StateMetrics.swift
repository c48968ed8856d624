import Foundation
import KubeCore
import KubeRuntime

extension PostgresInstance {
    /// The PostgresInstance kind's own state families, from its status (what the instance
    /// managers last reported; no pod is scraped for them):
    ///
    /// - `quartermaster_postgres_instances{namespace,name}` and
    ///   `quartermaster_postgres_ready_instances{namespace,name}`;
    /// - `quartermaster_postgres_replication_lag_bytes{namespace,name,pod,role}`: per instance
    ///   that reported it (a replica's own lag; the primary's largest replica lag);
    /// - `quartermaster_postgres_last_successful_backup_timestamp_seconds{namespace,name}` and
    ///   `quartermaster_postgres_last_failed_backup_timestamp_seconds{namespace,name}`: absent
    ///   until there is one.
    public static func postgresFamilies(_ instances: [PostgresInstance]) -> [StateMetricFamily] {
        typealias Label = StateMetricFamily.Label
        let sorted = instances.sorted { $0.key < $1.key }
        var wanted: [StateMetricFamily.Sample] = [], ready: [StateMetricFamily.Sample] = []
        var lag: [StateMetricFamily.Sample] = []
        var succeeded: [StateMetricFamily.Sample] = [], failed: [StateMetricFamily.Sample] = []
        for instance in sorted {
            let identity = [Label("namespace", instance.metadata.namespace ?? ""), Label("name", instance.metadata.name ?? "")]
            guard let status = instance.status else { continue }
            if let count = status.instances { wanted.append(.init(identity, Double(count))) }
            if let count = status.readyInstances { ready.append(.init(identity, Double(count))) }
            for pod in (status.instancesStatus ?? []).sorted(by: { $0.name < $1.name }) {
                guard let bytes = pod.replicationLagBytes else { continue }
                lag.append(.init(identity + [Label("pod", pod.name), Label("role", pod.role.rawValue)], Double(max(0, bytes))))
            }
            if let text = status.lastSuccessfulBackup, let date = APITimestamp.parse(text) {
                succeeded.append(.init(identity, date.timeIntervalSince1970))
            }
            if let text = status.lastFailedBackup, let date = APITimestamp.parse(text) {
                failed.append(.init(identity, date.timeIntervalSince1970))
            }
        }
        return [
            StateMetricFamily(
                name: "quartermaster_postgres_instances", help: "PostgreSQL instances a PostgresInstance has.",
                samples: wanted),
            StateMetricFamily(
                name: "quartermaster_postgres_ready_instances", help: "PostgreSQL instances of a PostgresInstance that are ready.",
                samples: ready),
            StateMetricFamily(
                name: "quartermaster_postgres_replication_lag_bytes",
                help: "Replication lag an instance reported: a replica's own, the primary's largest replica's.",
                samples: lag),
            StateMetricFamily(
                name: "quartermaster_postgres_last_successful_backup_timestamp_seconds",
                help: "When the newest Completed backup of the instance stopped, in seconds since the Unix epoch.",
                samples: succeeded),
            StateMetricFamily(
                name: "quartermaster_postgres_last_failed_backup_timestamp_seconds",
                help: "When the newest Failed backup of the instance was, in seconds since the Unix epoch.",
                samples: failed),
        ]
    }
}
