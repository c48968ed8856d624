import PostgresInstanceManager
import Testing

@Suite("Rendering: quartermaster.conf, pg_hba.conf, pg_ident.conf, primary_conninfo, pgbouncer.ini, role SQL")
struct ConfigurationRenderingTests {
    static let paths = InstancePaths(
        pgdata: "/data/pgdata", binDirectory: "/bin", runDirectory: "/run/qm", secretsDirectory: "/etc/qm")

    @Test("quartermaster.conf: user parameters sorted and quoted, then the operator's settings, which win")
    func conf() {
        let r = PostgresConfFile.render(
            parameters: ["work_mem": "8MB", "listen_addresses": "localhost", "search_path": "\"$user\", public"],
            paths: Self.paths, primaryConninfo: nil)
        #expect(r.skipped.isEmpty)
        #expect(
            r.text == """
                # Written by the quartermaster instance manager; changes here are overwritten.

                # defaults (spec.parameters may override them)
                wal_keep_size = '512MB'

                # spec.parameters
                listen_addresses = 'localhost'
                search_path = '"$user", public'
                work_mem = '8MB'

                # operator settings
                listen_addresses = '*'
                unix_socket_directories = '/run/qm'
                ssl = 'on'
                ssl_cert_file = '/run/qm/server.crt'
                ssl_key_file = '/run/qm/server.key'
                ssl_ca_file = '/run/qm/ca.crt'
                hba_file = '/data/pgdata/pg_hba.conf'
                ident_file = '/data/pgdata/pg_ident.conf'
                wal_level = 'replica'
                hot_standby = 'on'
                max_wal_senders = '10'
                max_replication_slots = '10'
                wal_log_hints = 'on'
                synchronous_standby_names = ''

                """)
    }

    @Test("quartermaster.conf: a replica's primary_conninfo and recovery_target_timeline latest; invalid names are left out")
    func confReplica() {
        let r = PostgresConfFile.render(
            parameters: ["bad name": "x", "x\ny": "1", "auto_explain.log_min_duration": "1s"], paths: Self.paths,
            primaryConninfo: "host='a' port='5432'")
        #expect(r.skipped == ["bad name", "x\ny"])
        #expect(r.text.contains("auto_explain.log_min_duration = '1s'\n"))
        #expect(
            r.text.hasSuffix(
                "wal_log_hints = 'on'\nprimary_conninfo = 'host=''a'' port=''5432'''\nrecovery_target_timeline = 'latest'\nsynchronous_standby_names = ''\n"
            ))
    }

    @Test("quartermaster.conf: a synchronous primary names its standbys (ANY N) and commits synchronously")
    func confSynchronous() {
        let names = PostgresConfFile.synchronousStandbyNames(number: 1, standbys: ["pg-2", "pg-3"])
        #expect(names == "ANY 1 (\"pg-2\", \"pg-3\")")
        let r = PostgresConfFile.render(
            parameters: ["synchronous_commit": "off"], paths: Self.paths, primaryConninfo: nil,
            synchronousStandbyNames: names)
        #expect(
            r.text.hasSuffix(
                "wal_log_hints = 'on'\nsynchronous_standby_names = 'ANY 1 (\"pg-2\", \"pg-3\")'\nsynchronous_commit = 'on'\n"))
        #expect(!r.text.contains("recovery_target_timeline"))
    }

    @Test(
        "synchronous_standby_names: ANY N over the standbys, quotes doubled; nothing without a number or standbys",
        arguments: [
            (2, ["pg-2", "pg-3", "pg-4"], "ANY 2 (\"pg-2\", \"pg-3\", \"pg-4\")"),
            (1, ["we\"ird"], "ANY 1 (\"we\"\"ird\")"),
            (1, [], nil),
            (0, ["pg-2"], nil),
        ] as [(Int, [String], String?)])
    func synchronousNames(_ number: Int, _ standbys: [String], _ expected: String?) {
        #expect(PostgresConfFile.synchronousStandbyNames(number: number, standbys: standbys) == expected)
    }

    @Test("the primary's configuration lists every other instance of the status as a synchronous standby")
    func configurationSynchronous() {
        var options = InstanceManagerOptions(podName: "pg-2", paths: Self.paths, operatingSystemUser: "postgres")
        options.peerPorts = ["pg-3": 6543]
        let configuration = InstanceConfiguration(options: options)
        var settings = InstanceSettings(name: "pg", namespace: "ns", targetPrimary: "pg-3", currentPrimary: "pg-3")
        settings.instanceNames = ["pg-1", "pg-2", "pg-3"]
        settings.podIPs = ["pg-3": "10.0.0.3"]
        #expect(configuration.synchronousStandbyNames(settings) == nil)
        settings.synchronousNumber = 1
        #expect(configuration.synchronousStandbyNames(settings) == "ANY 1 (\"pg-1\", \"pg-3\")")
        // Replicas and pg_rewind reach the primary at its own port.
        #expect(configuration.primaryConninfo(settings)?.contains("hostaddr='10.0.0.3' port='6543'") == true)
        let rewind = configuration.rewindSource(settings) ?? ""
        #expect(rewind.contains("user='streaming_replica'"))
        #expect(rewind.hasSuffix("dbname='postgres'"))
        settings.podIPs = [:]
        #expect(configuration.rewindSource(settings) == nil)
    }

    @Test(
        "configuration values: quotes doubled, backslashes and line breaks escaped",
        arguments: [
            ("plain", "'plain'"), ("it's", "'it''s'"), ("a\\b", "'a\\\\b'"), ("l1\nl2", "'l1\\nl2'"),
            ("t\tab", "'t\\tab'"),
            ("", "''"),
        ])
    func quoting(_ value: String, _ expected: String) {
        #expect(PostgresConfFile.quote(value) == expected)
    }

    @Test("pg_hba.conf: local peer with the map, replication by certificate, spec lines, SCRAM over TLS, final reject")
    func hba() {
        let r = PgHBAFile.render(extraLines: [
            "  hostssl app app 10.0.0.0/8 scram-sha-256 ", "", "host all all 0.0.0.0/0 md5\nlocal all all trust",
        ])
        #expect(r.skipped.count == 2)
        #expect(
            r.text == """
                # Written by the quartermaster instance manager; changes here are overwritten.
                # TYPE  DATABASE     USER               ADDRESS  METHOD
                local   all          all                         peer map=local
                hostssl replication  streaming_replica  all      cert
                hostssl postgres     streaming_replica  all      cert
                host    replication  all                all      reject
                # spec.pgHBA
                hostssl app app 10.0.0.0/8 scram-sha-256
                # password (SCRAM) over TLS, then nothing else
                hostssl all          all                all      scram-sha-256
                host    all          all                all      reject

                """)
    }

    @Test("pg_ident.conf maps the OS user to postgres (and to itself when it is another name)")
    func ident() {
        #expect(PgIdentFile.render(operatingSystemUser: "postgres").hasSuffix("local      postgres  postgres\n"))
        #expect(
            PgIdentFile.render(operatingSystemUser: "runner").hasSuffix(
                "local      runner  postgres\nlocal      runner  runner\n"))
    }

    @Test("primary_conninfo: streaming_replica by certificate, verify-full against the Service name at the pod IP")
    func conninfo() {
        #expect(
            PrimaryConninfo.render(
                host: "pg-rw.ns.svc", hostaddr: "10.1.2.3", port: 5432, applicationName: "pg-2", paths: Self.paths)
                == "host='pg-rw.ns.svc' hostaddr='10.1.2.3' port='5432' user='streaming_replica' application_name='pg-2' "
                + "sslmode='verify-full' sslrootcert='/run/qm/ca.crt' sslcert='/run/qm/replication.crt' "
                + "sslkey='/run/qm/replication.key' connect_timeout='10'")
        #expect(PrimaryConninfo.quote("a'b\\c") == "'a\\'b\\\\c'")
    }

    @Test("pgbouncer.ini: every database to the primary, auth_query through quartermaster.get_auth, TLS both sides")
    func pgbouncer() {
        let paths = PoolerPaths(configDirectory: "/controller/pgbouncer", secretsDirectory: "/etc/qm")
        let text = PgBouncerConfFile.render(
            pooler: PoolerSettings(enabled: true, poolMode: "session", maxClientConnections: 300, defaultPoolSize: 9),
            primaryHost: "10.0.0.5", primaryPort: 5432, listenPort: 6432, paths: paths)
        #expect(
            text == """
                ; Written by the quartermaster instance manager; changes here are overwritten.
                [databases]
                * = host=10.0.0.5 port=5432

                [pgbouncer]
                listen_addr = *
                listen_port = 6432
                unix_socket_dir = /controller/pgbouncer
                auth_type = scram-sha-256
                auth_file = /controller/pgbouncer/userlist.txt
                auth_user = quartermaster_pooler
                auth_query = SELECT usename, passwd FROM quartermaster.get_auth($1)
                pool_mode = session
                max_client_conn = 300
                default_pool_size = 9
                ignore_startup_parameters = extra_float_digits
                client_tls_sslmode = require
                client_tls_cert_file = /controller/pgbouncer/pooler.crt
                client_tls_key_file = /controller/pgbouncer/pooler.key
                server_tls_sslmode = verify-ca
                server_tls_ca_file = /controller/pgbouncer/ca.crt

                """)
        #expect(PgBouncerConfFile.authFile(poolerPassword: "p\"w") == "\"quartermaster_pooler\" \"p\"\"w\"\n")
    }

    @Test("role SQL quotes names and passwords; the pooler role has no password without the Secret")
    func roleSQL() {
        let script = RoleSetupSQL.clusterScript(
            owner: "o\"wn", ownerPassword: "it's", database: "d'b", poolerPassword: nil)
        #expect(script.contains("ALTER ROLE \"o\"\"wn\" WITH LOGIN PASSWORD 'it''s';"))
        #expect(script.contains("format('CREATE DATABASE %I OWNER %I', 'd''b', 'o\"wn')"))
        #expect(script.contains("ALTER ROLE quartermaster_pooler WITH LOGIN PASSWORD NULL;"))
        #expect(script.contains("ALTER ROLE streaming_replica WITH REPLICATION LOGIN;"))
        // pg_rewind's grants, and no wait for synchronous standbys that cannot connect yet.
        for grant in [
            "GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO streaming_replica;",
            "GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO streaming_replica;",
            "GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO streaming_replica;",
            "GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO streaming_replica;",
        ] {
            #expect(script.contains(grant))
        }
        #expect(script.contains("SET synchronous_commit = local;"))
        #expect(RoleSetupSQL.databaseScript().contains("SET synchronous_commit = local;"))
        let withPooler = RoleSetupSQL.clusterScript(
            owner: "app", ownerPassword: "x", database: "app", poolerPassword: "pp")
        #expect(withPooler.contains("ALTER ROLE quartermaster_pooler WITH LOGIN PASSWORD 'pp';"))
        let database = RoleSetupSQL.databaseScript()
        #expect(database.contains("SECURITY DEFINER"))
        #expect(database.contains("NOT s.usesuper AND NOT s.userepl"))
        #expect(database.contains("GRANT EXECUTE ON FUNCTION quartermaster.get_auth(text) TO quartermaster_pooler;"))
    }
}
