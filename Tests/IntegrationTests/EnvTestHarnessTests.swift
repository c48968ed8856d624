import Foundation
import KubeClient
import KubeCore
import Testing

@testable import KubeTestSupport

/// The envtest harness against the real binaries from `KUBEBUILDER_ASSETS`: identities,
/// kubeconfigs, RBAC, the controller manager, and the disruptions tests use.
@Suite("EnvTest harness")
struct EnvTestHarnessTests {
    @Test(
        "the shared control plane serves /readyz to the admin over the CA it exposes",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func sharedControlPlaneIsReady() async throws {
        let all = try await withThrowingTaskGroup(of: EnvTest.self) { group in
            for _ in 0..<4 { group.addTask { try await EnvTest.shared() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let env = try await EnvTest.shared()
        #expect(all.allSatisfy { $0 === env })
        #expect(env.server == "https://127.0.0.1:\(env.apiServerPort)")
        let readyz = try await env.kubectl(["get", "--raw", "/readyz"])
        #expect(readyz.status == 0, "\(readyz.stderr)")
        #expect(readyz.stdout == "ok")
        #expect(String(decoding: env.caPEM, as: UTF8.self).contains("BEGIN CERTIFICATE"))
        #expect(FileManager.default.contents(atPath: env.caPath) == env.caPEM)
        let kubeconfig = try String(contentsOfFile: env.kubeconfigPath(for: .admin), encoding: .utf8)
        #expect(kubeconfig.contains("certificate-authority: \"\(env.caPath)\""))
        #expect(!kubeconfig.contains("insecure-skip-tls-verify"))
    }

    @Test(
        "users without groups are forbidden to list namespaces; the admin is not",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func rbacAppliesToTokenUsers() async throws {
        let env = try await EnvTest.shared()
        for user in [EnvTestUser.operator, .alice, .bob] {
            let result = try await env.kubectl(["get", "namespaces"], user: user)
            #expect(result.status != 0)
            #expect(result.stderr.contains("forbidden"), "\(user): \(result.stderr)")
            #expect(result.stderr.contains("\"\(user.userName)\""), "\(result.stderr)")
        }
        let admin = try await env.kubectl(["get", "namespaces", "-o", "name"])
        #expect(admin.status == 0)
        #expect(admin.stdout.contains("namespace/kube-system"))
    }

    @Test(
        "the client-certificate kubeconfig authenticates as cert-admin in system:masters",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func certificateKubeconfigWorks() async throws {
        let env = try await EnvTest.shared()
        #expect(env.certKubeconfigPath == env.kubeconfigPath(for: .certAdmin))
        let list = try await env.kubectl(["get", "namespaces", "-o", "name"], user: .certAdmin)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("namespace/default"))
        // Impersonation needs system:masters too, so succeeding proves the group; the denied
        // user's name in the message proves who we were.
        let asAlice = try await env.kubectl(["get", "secrets", "--as", "alice"], user: .certAdmin)
        #expect(asAlice.stderr.contains("User \"alice\" cannot list"), "\(asAlice.stderr)")
    }

    @Test(
        "clientConfiguration carries the server, CA and credentials the API server accepts",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func clientConfigurationIsUsable() async throws {
        let env = try await EnvTest.shared()
        let admin = env.clientConfiguration(user: .admin)
        #expect(admin.server == env.server)
        #expect(admin.tls.certificateAuthorityPEM == env.caPEM)
        #expect(admin.tls.clientIdentity == nil)
        let token = try #require(try await admin.credentials.credentials().bearerToken)
        #expect(token == env.token(for: .admin))

        // Use the configuration with curl: trusting only caPEM, sending only the token.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qm-envtest-cc-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try admin.tls.certificateAuthorityPEM?.write(to: scratch.appendingPathComponent("ca.crt"))
        try Data("Authorization: Bearer \(token)\n".utf8).write(to: scratch.appendingPathComponent("auth"))
        let whoami = try await CommandRunner.run("curl", [
            "-sS", "--cacert", scratch.appendingPathComponent("ca.crt").path,
            "-H", "@\(scratch.appendingPathComponent("auth").path)",
            "\(admin.server)/api/v1/namespaces/default",
        ])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(compact(whoami.stdout).contains(#""name":"default""#), "\(whoami.stdout.prefix(300))")

        let cert = env.clientConfiguration(user: .certAdmin)
        let identity = try #require(cert.tls.clientIdentity)
        #expect(try await cert.credentials.credentials().bearerToken == nil)
        try identity.certificatePEM.write(to: scratch.appendingPathComponent("client.crt"))
        try identity.keyPEM.write(to: scratch.appendingPathComponent("client.key"))
        let withCert = try await CommandRunner.run("curl", [
            "-sS", "--cacert", scratch.appendingPathComponent("ca.crt").path,
            "--cert", scratch.appendingPathComponent("client.crt").path,
            "--key", scratch.appendingPathComponent("client.key").path,
            "\(cert.server)/api/v1/namespaces/kube-system",
        ])
        #expect(compact(withCert.stdout).contains(#""name":"kube-system""#), "\(withCert.stdout.prefix(300))")

        let oper = env.clientConfiguration(user: .operator)
        #expect(try await oper.credentials.credentials().bearerToken == env.token(for: .operator))
        #expect(env.token(for: .operator) != env.token(for: .admin))
    }

    /// JSON text without whitespace (the API server pretty-prints for curl).
    private func compact(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    @Test(
        "createNamespace makes distinct, valid namespaces",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func namespacesAreUnique() async throws {
        let env = try await EnvTest.shared()
        let first = try await env.createNamespace("Harness_Test")
        let second = try await env.createNamespace("Harness_Test")
        #expect(first != second)
        #expect(first.hasPrefix("harness-test-"))
        let phase = try await env.kubectlChecked(["get", "namespace", first, "-o", "jsonpath={.status.phase}"])
        #expect(phase == "Active")
        #expect(EnvTest.uniqueNamespaceName(String(repeating: "x", count: 100)).count <= 63)
        #expect(EnvTest.uniqueNamespaceName("--").hasPrefix("test-"))
    }

    @Test(
        "the controller manager creates a Deployment's pod, and markPodReady makes it ready",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .timeLimit(.minutes(3)))
    func controllerManagerAndMarkPodReady() async throws {
        let env = try await EnvTest.shared()
        let hasBinary = FileManager.default.isExecutableFile(
            atPath: "\(EnvTest.assetsDirectory ?? "")/kube-controller-manager")
        #expect(env.hasControllerManager == hasBinary)
        guard env.hasControllerManager else { return }
        let ns = try await env.createNamespace("kcm")
        try await env.kubectlChecked(
            ["apply", "-n", ns, "-f", "-"],
            stdin: """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: example.invalid/web:1}, {name: side, image: x}]}
                """)
        var pod = ""
        for _ in 0..<120 where pod.isEmpty {
            pod = try await env.kubectlChecked(
                ["get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"]
            ).split(separator: " ").first.map(String.init) ?? ""
            if pod.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(await env.isControllerManagerRunning, "\(fileTail("\(env.directory)/kcm.log"))")
        try #require(!pod.isEmpty, "no pod was created for the Deployment")
        try await env.markPodReady(name: pod, namespace: ns)
        let ready = try await env.kubectlChecked([
            "get", "pod", pod, "-n", ns, "-o",
            "jsonpath={.status.phase} {.status.containerStatuses[*].ready} {.status.conditions[?(@.type==\"Ready\")].status}",
        ])
        #expect(ready == "Running true true True")
        var readyReplicas = ""
        for _ in 0..<120 where readyReplicas != "1" {
            readyReplicas = try await env.kubectlChecked(
                ["get", "deployment", "web", "-n", ns, "-o", "jsonpath={.status.readyReplicas}"])
            if readyReplicas != "1" { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(readyReplicas == "1")
    }

    @Test(
        "a private control plane survives restartAPIServer, and compactEtcd turns old watches into 410",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .timeLimit(.minutes(5)))
    func restartAndCompaction() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        #expect(!env.hasControllerManager)
        do {
            try await checkRestartAndCompaction(env)
        } catch {
            await env.stop()
            throw error
        }
        let directory = env.directory
        await env.stop()
        #expect(env.isStopped)
        #expect(!FileManager.default.fileExists(atPath: directory))
        await #expect(throws: EnvTestError.self) { try await env.compactEtcd() }
    }

    private func checkRestartAndCompaction(_ env: EnvTest) async throws {
        let ns = try await env.createNamespace("restart")
        try await env.restartAPIServer(downFor: .seconds(1))
        let readyz = try await env.kubectl(["get", "--raw", "/readyz"])
        #expect(readyz.stdout == "ok", "\(readyz.stderr)")
        // Same etcd: what was there before the restart still is.
        let phase = try await env.kubectlChecked(["get", "namespace", ns, "-o", "jsonpath={.status.phase}"])
        #expect(phase == "Active")

        func template(_ name: String) -> String {
            """
            apiVersion: v1
            kind: PodTemplate
            metadata: {name: \(name)}
            template: {spec: {containers: [{name: c, image: x}]}}
            """
        }
        try await env.kubectlChecked(["create", "-n", ns, "-f", "-"], stdin: template("first"))
        let oldVersion = try await env.kubectlChecked(
            ["get", "podtemplate", "first", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}"])
        try await env.kubectlChecked(["create", "-n", ns, "-f", "-"], stdin: template("second"))
        // Compaction keeps the revision it compacts to; a watch from `oldVersion` starts one
        // after it, so write once more to put that start below the compacted revision.
        try await env.kubectlChecked(["create", "-n", ns, "-f", "-"], stdin: template("third"))
        let watchPath = "/api/v1/namespaces/\(ns)/podtemplates?watch=1&resourceVersion=\(oldVersion)"

        // Before compaction the old version is still readable: the watch replays "second" and
        // then waits (so kubectl is killed by the timeout).
        let before = try await env.kubectl(["get", "--raw", watchPath], timeout: .seconds(8))
        #expect(before.stdout.contains("\"type\":\"ADDED\""), "\(before.stdout.prefix(300)) \(before.stderr)")
        #expect(!before.stdout.contains("\"code\":410"))

        let revision = try await env.compactEtcd()
        #expect(revision >= Int64(oldVersion) ?? .max)
        let after = try await env.kubectl(["get", "--raw", watchPath], timeout: .seconds(30))
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.contains("\"type\":\"ERROR\""), "\(after.stdout.prefix(300))")
        #expect(after.stdout.contains("\"code\":410"), "\(after.stdout.prefix(300))")
        // A paginated list at the old version reads etcd too.
        let list = try await env.kubectl(["get", "--raw", "/api/v1/namespaces?limit=1&resourceVersion=\(oldVersion)"])
        #expect(list.status != 0)
        #expect(list.stderr.contains("Expired"), "\(list.stderr)")
    }
}

/// How a failed start reports itself, with stand-in binaries (no assets needed).
@Suite("EnvTest start failures")
struct EnvTestStartFailureTests {
    @Test("an API server that exits makes start fail with the end of its log, and kills etcd")
    func failingAPIServerIsReported() async throws {
        let assets = FileManager.default.temporaryDirectory.appendingPathComponent("qm-envtest-fake-\(UUID())")
        try FileManager.default.createDirectory(at: assets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: assets) }
        let marker = assets.appendingPathComponent("etcd.pid").path
        // The stand-in etcd publishes its pid atomically, and the stand-in API server fails only
        // once it is there: the harness starts both at once, and on a busy machine it could
        // otherwise kill etcd before (or while) the pid was written.
        let scripts = [
            "etcd": "#!/bin/sh\necho $$ > '\(marker).tmp'\nmv '\(marker).tmp' '\(marker)'\nexec sleep 120\n",
            "kube-apiserver":
                "#!/bin/sh\nwhile [ ! -f '\(marker)' ]; do sleep 0.05; done\n"
                + "echo 'F1123 simulated failure: cannot serve' >&2\nexit 1\n",
        ]
        for (name, text) in scripts {
            let path = assets.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        var reported: EnvTestError?
        do {
            let env = try await EnvTest.start(assets: assets.path, controllerManager: false)
            await env.stop()
        } catch let error as EnvTestError {
            reported = error
        }
        guard case .startFailed(let reason, let logTail, let directory) = try #require(reported) else {
            Issue.record("unexpected error \(String(describing: reported))")
            return
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(reason == "kube-apiserver exited")
        #expect(logTail.contains("simulated failure: cannot serve"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/apiserver.log"))
        #expect(String(describing: reported).contains("simulated failure"))
        let etcdPid = try #require(Int32(
            try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(etcdPid, 0) != 0, "the stand-in etcd was left running")
    }
}

/// The watchdog that kills a control-plane process when the test process dies without running
/// its `atexit` handlers.
@Suite("EnvTest watchdog")
struct EnvTestWatchdogTests {
    /// Whether `pid` is a live process (a zombie counts as gone).
    private func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return !stat[close...].hasPrefix(") Z")
    }

    @Test("the watchdog leaves the child alone while its parent lives and kills it when the parent dies")
    func watchdogKillsOrphans() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qm-envtest-wd-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pidFile = scratch.appendingPathComponent("child.pid").path
        // A stand-in for the test process: starts a child and its watchdog, then lives on.
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: "/bin/sh")
        parent.arguments = [
            "-c",
            #"sleep 300 & c=$!; sh -c "$1" envtest-watchdog $$ $c & echo $c > "$2.tmp"; mv "$2.tmp" "$2"; exec sleep 300"#,
            "parent", ChildProcessRegistry.watchdogScript, pidFile,
        ]
        parent.standardInput = FileHandle.nullDevice
        try parent.run()
        var childPid: Int32?
        for _ in 0..<100 where childPid == nil {
            childPid = (try? String(contentsOfFile: pidFile, encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if childPid == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let child = try #require(childPid)
        defer { kill(child, SIGKILL) }
        try await Task.sleep(for: .milliseconds(2500))
        #expect(isAlive(child), "the watchdog killed the child while the parent was alive")

        kill(parent.processIdentifier, SIGKILL)
        await parent.exited()
        var gone = false
        for _ in 0..<50 where !gone {
            gone = !isAlive(child)
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone, "the child outlived its parent by more than 5 s")
    }

    @Test("a watchdog exits by itself when the process it guards ends")
    func watchdogExitsWithChild() async throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["300"]
        try sleeper.run()
        let watchdog = try #require(ChildProcessRegistry.startWatchdog(for: sleeper.processIdentifier))
        try await Task.sleep(for: .milliseconds(1500))
        #expect(watchdog.isRunning)
        kill(sleeper.processIdentifier, SIGKILL)
        await sleeper.exited()
        var exited = false
        for _ in 0..<40 where !exited {
            exited = !watchdog.isRunning
            if !exited { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(exited)
        #expect(isAlive(getpid()))
    }
}
