import Foundation
import KubeCore
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real S3 server for the archiving and backup tests: `moto_server -H 127.0.0.1 -p <free
/// port>` with one bucket and one IAM user whose access key the tests mount as the backup
/// credentials. Authentication is off unless `requireAuthentication(true)` (moto then checks
/// signatures and keys; its signature check mishandles list requests with an empty query
/// value, so only the wrong-credential phase of a test turns it on).
final class MotoServer: Sendable {
    let port: Int
    let bucket: String
    let accessKeyID: String
    let secretAccessKey: String
    let python: String
    private let process: ChildProcess

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// `moto_server`: from `PATH`, else the first pyenv version that has it.
    static let executable: String? = {
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        var candidates = (env["PATH"] ?? "").split(separator: ":").map { "\($0)/moto_server" }
            .filter { !$0.contains("/shims/") }
        let pyenv = (env["PYENV_ROOT"] ?? "/root/.pyenv") + "/versions"
        for version in ((try? fm.contentsOfDirectory(atPath: pyenv)) ?? []).sorted() {
            candidates.append("\(pyenv)/\(version)/bin/moto_server")
        }
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }()

    /// Why the backup tests cannot run here; `nil` when they can.
    static let missing: String? = {
        if let base = PostgresTestEnvironment.missing { return base }
        for tool in ["wal-archive", "wal-restore", "backup", "backup-list", "backup-show", "backup-delete", "restore"]
        where !FileManager.default.isExecutableFile(atPath: "/usr/bin/barman-cloud-\(tool)") {
            return "/usr/bin/barman-cloud-\(tool) is missing (Debian package barman-cli-cloud)"
        }
        guard let executable else { return "moto_server is missing (pip install 'moto[server]')" }
        guard interpreter(of: executable) != nil else { return "\(executable) names no Python interpreter" }
        return nil
    }()

    static var available: Bool { missing == nil }
    static var skipReason: Comment { Comment(rawValue: "skipped: \(missing ?? "")") }

    /// The `#!` interpreter of a script.
    static func interpreter(of script: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: script) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 256), as: UTF8.self)
        guard head.hasPrefix("#!"), let line = head.split(separator: "\n").first else { return nil }
        return line.dropFirst(2).split(separator: " ").first.map(String.init)
    }

    private init(process: ChildProcess, port: Int, bucket: String, python: String, key: (String, String)) {
        self.process = process
        self.port = port
        self.bucket = bucket
        self.python = python
        accessKeyID = key.0
        secretAccessKey = key.1
    }

    static let setupScript = """
        import boto3, json, sys
        kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
        iam = boto3.client("iam", **kw)
        iam.create_user(UserName="quartermaster")
        iam.put_user_policy(UserName="quartermaster", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="quartermaster")["AccessKey"]
        boto3.client("s3", **kw).create_bucket(Bucket=sys.argv[2])
        print(json.dumps([key["AccessKeyId"], key["SecretAccessKey"]]))
        """

    /// Starts moto on a free port (its log in `logFile`), waits until it answers, creates the
    /// bucket and the IAM user.
    static func start(logFile: String, bucket: String = "backups") async throws -> MotoServer {
        guard let executable, let python = interpreter(of: executable) else { throw TestFailure("no moto_server") }
        let port = PostgresTestEnvironment.freePort()
        let process = try ChildProcess(
            executable: executable, arguments: ["-H", "127.0.0.1", "-p", String(port)], outputFile: logFile)
        guard await poll({ await TCPProbe.canConnect(port: port) }) else {
            process.send(SIGKILL)
            throw TestFailure("moto_server never listened on \(port)")
        }
        let setup = await PostgresTestEnvironment.run(python, ["-c", setupScript, "http://127.0.0.1:\(port)", bucket])
        guard setup.status == 0, let value = try? KubeJSON.decode([String].self, from: Data(setup.standardOutput.utf8)),
            value.count == 2
        else {
            process.send(SIGKILL)
            throw TestFailure("moto setup failed: \(setup.standardError)")
        }
        return MotoServer(process: process, port: port, bucket: bucket, python: python, key: (value[0], value[1]))
    }

    /// Turns moto's signature and key checks on or off.
    func requireAuthentication(_ on: Bool) async throws {
        let r = await PostgresTestEnvironment.run(
            PostgresTestEnvironment.curl,
            ["-sf", "-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", on ? "0" : "inf",
                endpoint + "/moto-api/reset-auth"])
        guard r.status == 0 else { throw TestFailure("moto reset-auth failed: \(r.standardError)") }
    }

    static let listScript = """
        import boto3, json, sys
        s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[4], aws_secret_access_key=sys.argv[5])
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[2], Prefix=sys.argv[3]):
            keys += [o["Key"] for o in page.get("Contents", [])]
        print(json.dumps(keys))
        """

    /// The object keys under `prefix`.
    func keys(prefix: String) async -> [String] {
        let r = await PostgresTestEnvironment.run(
            python, ["-c", Self.listScript, endpoint, bucket, prefix, accessKeyID, secretAccessKey])
        return (try? KubeJSON.decode([String].self, from: Data(r.standardOutput.utf8))) ?? []
    }

    /// Writes the credential files (`ACCESS_KEY_ID`, `ACCESS_SECRET_KEY`) into `directory`,
    /// readable by `postgres`.
    func writeCredentials(into directory: String, accessKeyID: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data((accessKeyID ?? self.accessKeyID).utf8).write(to: URL(fileURLWithPath: directory + "/ACCESS_KEY_ID"))
        try Data(secretAccessKey.utf8).write(to: URL(fileURLWithPath: directory + "/ACCESS_SECRET_KEY"))
        try PostgresTestEnvironment.chownToPostgres(directory)
    }

    func stop() async {
        process.send(SIGTERM)
        if !(await poll { !process.isRunning }) { process.send(SIGKILL) }
        _ = await process.waitForExit()
    }

    /// Runs `body` with a site and a moto server, then stops both.
    static func with(_ body: (PostgresTestSite, MotoServer) async throws -> Void) async throws {
        try await PostgresTestSite.with { site in
            let moto = try await MotoServer.start(logFile: site.root + "/moto.log")
            do {
                try moto.writeCredentials(into: site.secrets + "/backup")
                try moto.writeCredentials(into: site.secrets + "/recovery")
                try await body(site, moto)
            } catch {
                await moto.stop()
                throw error
            }
            await moto.stop()
        }
    }

    /// `status.archive` for a store in this bucket.
    func archive(prefix: String, serverName: String) -> JSONValue {
        [
            "destinationPath": .string("s3://\(bucket)/\(prefix)"), "endpointURL": .string(endpoint),
            "region": "us-east-1", "serverName": .string(serverName), "credentialsSecret": "creds",
        ]
    }
}
