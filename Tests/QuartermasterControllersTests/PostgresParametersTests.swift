import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// What a spec may not write into PostgreSQL's configuration and catalogue, and the messages.
@Suite("PostgresParameters")
struct PostgresParametersTests {
    @Test func theDefaultSpecHasNoViolations() {
        #expect(PostgresParameters.violations(of: PostgresInstanceSpec()).isEmpty)
    }

    @Test func allowedSettings() {
        let spec = PostgresInstanceSpec(
            database: "_shop2", owner: "shop_owner",
            parameters: [
                "shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.max": "10000",
                "work_mem": "64MB", "log_line_prefix": "'%m [%p] '",
            ],
            pgHBA: [
                "host all all 10.0.0.0/8 scram-sha-256", "hostssl \"trust\" all 0.0.0.0/0 cert # no trust here",
                "local\tall\tall\tpeer",
            ])
        #expect(PostgresParameters.violations(of: spec).isEmpty, "\(PostgresParameters.violations(of: spec))")
    }

    @Test(arguments: [
        (["listen_addresses": "*"], "parameters.listen_addresses: set by the operator"),
        (["Port": "5433"], "parameters.Port: set by the operator"),
        (["recovery_target_time": "2026-01-01"], "parameters.recovery_target_time: set by the operator"),
        (["archive_command": "cp %p /x"], "parameters.archive_command: set by the operator"),
        (["include": "/etc/passwd"], "parameters.include: set by the operator"),
        (["ssl_passphrase_command": "sh"], "parameters.ssl_passphrase_command: set by the operator"),
        (["work mem": "1"], "parameters.work mem: not a parameter name"),
        (["1abc": "1"], "parameters.1abc: not a parameter name"),
        (["work_mem": "1MB\nport = 1"], "parameters.work_mem: the value may not hold control characters"),
    ])
    func refusedParameters(parameters: [String: String], message: String) {
        let problems = PostgresParameters.violations(of: PostgresInstanceSpec(parameters: parameters))
        #expect(problems.count == 1 && problems[0].hasPrefix(message), "\(problems)")
    }

    @Test(arguments: [
        ("host all all 0.0.0.0/0 trust", "pgHBA[0]: the trust method admits anyone"),
        ("local all all TRUST", "pgHBA[0]: the trust method"),
        ("host all all 0.0.0.0/0 scram-sha-256\nhost all all 0.0.0.0/0 trust", "pgHBA[0]: one line only"),
        ("include /tmp/other.conf", "pgHBA[0]: include would read another file"),
    ])
    func refusedHBALines(line: String, message: String) {
        let problems = PostgresParameters.violations(of: PostgresInstanceSpec(pgHBA: [line]))
        #expect(problems.count == 1 && problems[0].hasPrefix(message), "\(problems)")
    }

    @Test(arguments: [
        ("App", "app", "database: \"App\" is not a PostgreSQL identifier"),
        ("app-db", "app", "database: \"app-db\" is not a PostgreSQL identifier"),
        ("postgres", "app", "database: \"postgres\" is reserved"),
        ("template1", "app", "database: \"template1\" is reserved"),
        ("pg_app", "app", "database: names starting with pg_ are reserved"),
        ("app", "postgres", "owner: \"postgres\" is reserved"),
        ("app", "streaming_replica", "owner: \"streaming_replica\" is reserved"),
        ("app", "quartermaster_pooler", "owner: \"quartermaster_pooler\" is reserved"),
        ("app", "pg_monitor", "owner: names starting with pg_ are reserved"),
        ("app", String(repeating: "a", count: 64), "owner: \"aaaa"),
        ("app", "", "owner: \"\" is not a PostgreSQL identifier"),
    ])
    func refusedIdentifiers(database: String, owner: String, message: String) {
        let problems = PostgresParameters.violations(of: PostgresInstanceSpec(database: database, owner: owner))
        #expect(problems.count == 1 && problems[0].hasPrefix(message), "\(problems)")
    }

    @Test func everyProblemIsListed() {
        let spec = PostgresInstanceSpec(
            owner: "postgres", parameters: ["port": "1", "wal_level": "minimal"], pgHBA: ["host all all ::/0 md5", "host all all ::/0 trust"])
        #expect(
            PostgresParameters.violations(of: spec) == [
                "parameters.port: set by the operator; it cannot be changed in spec.parameters",
                "parameters.wal_level: set by the operator; it cannot be changed in spec.parameters",
                "pgHBA[1]: the trust method admits anyone without a password; use scram-sha-256 or cert",
                "owner: \"postgres\" is reserved",
            ])
    }

    @Test func boundsAreCheckedAgain() {
        let many = Dictionary(uniqueKeysWithValues: (0...PostgresParameters.maxParameters).map { ("p\($0)", "1") })
        let problems = PostgresParameters.violations(of: PostgresInstanceSpec(parameters: many))
        #expect(problems == ["parameters: 257 entries; at most 256"])
    }
}
