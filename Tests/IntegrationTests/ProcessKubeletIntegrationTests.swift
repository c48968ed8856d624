import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

/// The process kubelet on the real API server and controller manager: a StatefulSet's pod,
/// made by the controller manager, runs as a local Python process started from its rendered
/// spec, goes Ready through its readiness probe, restarts with a restart count, and comes back
/// as a new pod with the same claim's data after it is deleted. A pod running Debian's
/// PostgreSQL 15 (when installed) goes Ready by `pg_isready` on its mapped port.
@Suite("Process kubelet on envtest", .serialized)
struct ProcessKubeletIntegrationTests {
    /// The program the pod runs, shipped in its ConfigMap volume: it serves what it was given
    /// (environment, a ConfigMap file, the files of its volume) and counts its starts in the
    /// claim's directory. `/exit/N` writes a termination message and exits with N; SIGTERM
    /// writes one and exits 0.
    static let program = """
        import http.server, json, os, signal, sys
        port, greeting_path, data = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        app = os.path.dirname(os.path.abspath(__file__))
        count_path = os.path.join(data, "boots")
        boots = int(open(count_path).read()) + 1 if os.path.exists(count_path) else 1
        open(count_path, "w").write(str(boots))
        def finish(message, code):
            open(os.environ["TERMINATION_LOG"], "w").write(message)
            os._exit(code)
        def stopped(*_):
            open(os.path.join(data, "stops"), "a").write("SIGTERM\\n")
            finish("stopped by SIGTERM", 0)
        signal.signal(signal.SIGTERM, stopped)
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/exit/"):
                    finish("asked to exit " + self.path[6:], int(self.path[6:]))
                body = json.dumps({
                    "pod": os.environ.get("POD_NAME"), "token": os.environ.get("SECRET_TOKEN"),
                    "greeting": open(greeting_path).read(), "files": sorted(os.listdir(app)),
                    "boots": boots, "pid": os.getpid()}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """

    static let statefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: web
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: web
                image: example.invalid/web:1
                command: [python3, /app/serve.py]
                args: ["8000", /app/conf/greeting.txt, /data]
                ports: [{name: http, containerPort: 8000}]
                env:
                - {name: SECRET_TOKEN, valueFrom: {secretKeyRef: {name: web-secret, key: token}}}
                - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: TERMINATION_LOG, value: /run/web/termination-message}
                terminationMessagePath: /run/web/termination-message
                readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
                volumeMounts:
                - {name: app, mountPath: /app}
                - {name: data, mountPath: /data}
              volumes:
              - name: app
                configMap:
                  name: web-app
                  items: [{key: serve.py, path: serve.py}, {key: greeting, path: conf/greeting.txt}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}
        """

    /// `example.invalid/web:*` runs this machine's Python; the port argument is rewritten.
    static let images = [
        ProcessKubeletImage(
            image: "example.invalid/web:*", programs: ["python3": "/usr/bin/python3"], rewritePortArguments: true)
    ]

    struct Served: Decodable, Equatable {
        var pod: String?
        var token: String?
        var greeting: String
        var files: [String]
        var boots: Int
        var pid: Int32
    }

    static func served(_ kubelet: ProcessKubelet, _ namespace: String, _ pod: String) async -> Served? {
        guard let port = await kubelet.localPort(namespace: namespace, pod: pod, containerPort: 8000),
            let answer = await ProcessKubelet.httpGet(port: port), answer.status == 200
        else { return nil }
        return try? JSONDecoder().decode(Served.self, from: Data(answer.body.utf8))
    }

    static func readyReplicas(_ client: KubeClient, _ namespace: String) async -> Int? {
        try? await client.getIfExists(StatefulSet.self, name: "web", namespace: namespace)?.status?.readyReplicas
    }

    @Test(
        "a StatefulSet's pod runs as a local process: Ready by its probe, reached through the port mapping, restarted, replaced with its claim's data",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func statefulSetPodRunsLocally() async throws {
        let env = try await EnvTest.shared()
        guard env.hasControllerManager else { return }
        let ns = try await env.createNamespace("kubelet")
        let (client, _) = try CoreTest.countingClient(env)
        var secret = Secret(metadata: ObjectMeta(name: "web-secret", namespace: ns))
        secret.setData("token", Data("s3cret".utf8))
        _ = try await client.create(secret)
        _ = try await client.create(
            ConfigMap(
                metadata: ObjectMeta(name: "web-app", namespace: ns),
                data: ["serve.py": Self.program, "greeting": "hello from a ConfigMap", "unlisted": "not projected"]))
        let kubelet = try ProcessKubelet(client: client, namespace: ns, labelSelector: "app=web", images: Self.images)
        await kubelet.start()
        do {
            try await env.kubectlChecked(["apply", "-n", ns, "-f", "-"], stdin: Self.statefulSet)

            // Ready through the readiness probe on the mapped port; the StatefulSet counts it.
            let becameReady = await CoreTest.eventually { await Self.readyReplicas(client, ns) == 1 }
            let startOutput = await kubelet.output(namespace: ns, pod: "web-0", container: "web")
            #expect(becameReady, "\(startOutput)")
            let pod = try await client.get(Pod.self, name: "web-0", namespace: ns)
            #expect(pod.status?.phase == "Running")
            #expect(pod.status?.podIP?.hasPrefix("127.0.1.") == true)
            #expect(pod.status?.podIP == (await kubelet.podIP(namespace: ns, pod: "web-0")))
            #expect(pod.status?.isReady == true)
            #expect(pod.status?.containerStatuses?.first?.started == true)

            // The process saw the Secret's value, its pod name, and only the ConfigMap's items.
            let first = await Self.served(kubelet, ns, "web-0")
            #expect(first?.token == "s3cret")
            #expect(first?.pod == "web-0")
            #expect(first?.greeting == "hello from a ConfigMap")
            #expect(first?.files == ["conf", "serve.py"])
            #expect(first?.boots == 1)

            // An exit is reported with its code and termination message, and Always restarts it.
            _ = await ProcessKubelet.httpGet(
                port: await kubelet.localPort(namespace: ns, pod: "web-0", containerPort: 8000) ?? 0, path: "/exit/3")
            #expect(
                await CoreTest.eventually {
                    let status = try? await client.get(Pod.self, name: "web-0", namespace: ns).status?
                        .containerStatuses?.first
                    return status?.restartCount == 1 && status?.ready == true
                })
            let restarted = try await client.get(Pod.self, name: "web-0", namespace: ns).status?.containerStatuses?
                .first
            let lastTerminated = restarted?.lastState?["terminated"]
            #expect(lastTerminated?["exitCode"] == .int(3))
            #expect(lastTerminated?["message"] == .string("asked to exit 3"))
            let second = await Self.served(kubelet, ns, "web-0")
            #expect(second?.boots == 2)

            // Deleting the pod stops the process; the controller's replacement finds the claim's data.
            let oldUID = await kubelet.podUID(namespace: ns, pod: "web-0")
            let oldPID = try #require(await kubelet.processID(namespace: ns, pod: "web-0", container: "web"))
            try await client.delete(Pod.self, name: "web-0", namespace: ns)
            #expect(await CoreTest.eventually { kill(oldPID, 0) != 0 })
            #expect(
                await CoreTest.eventually {
                    let uid = await kubelet.podUID(namespace: ns, pod: "web-0")
                    guard uid != nil, uid != oldUID else { return false }
                    return await Self.served(kubelet, ns, "web-0")?.boots == 3
                })
            #expect(await CoreTest.eventually { await Self.readyReplicas(client, ns) == 1 })
            let claim = kubelet.claimDirectory(namespace: ns, claimName: "data-web-0")
            #expect((try? String(contentsOfFile: "\(claim)/boots", encoding: .utf8)) == "3")
            // The deleted pod's process was asked to stop (SIGTERM), not killed.
            #expect((try? String(contentsOfFile: "\(claim)/stops", encoding: .utf8)) == "SIGTERM\n")
            let output = await kubelet.output(namespace: ns, pod: "web-0", container: "web")
            #expect(!output.contains("Traceback"), "\(output)")
        } catch {
            await kubelet.stop()
            throw error
        }
        let lastPID = await kubelet.processID(namespace: ns, pod: "web-0", container: "web")
        await kubelet.stop()
        if let lastPID { #expect(kill(lastPID, 0) != 0) }
        // Stopping the kubelet stopped the replacement's process and removed its directory.
        #expect(!FileManager.default.fileExists(atPath: kubelet.directory))
    }

    @Test(
        "a pod whose image has no mapping waits with ErrImageNeverPull",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func unknownImageIsReported() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("kubelet")
        let (client, _) = try CoreTest.countingClient(env)
        let kubelet = try ProcessKubelet(
            client: client, namespace: ns, labelSelector: "app=unknown", images: Self.images)
        await kubelet.start()
        _ = try await client.create(
            Pod(
                metadata: ObjectMeta(name: "unknown", namespace: ns, labels: ["app": "unknown"]),
                spec: PodSpec(containers: [Container(name: "main", image: "example.invalid/other:1", command: ["true"])]
                )))
        #expect(
            await CoreTest.eventually {
                let status = try? await client.get(Pod.self, name: "unknown", namespace: ns).status
                return status?.containerStatuses?.first?.state?["waiting"]?["reason"] == .string("ErrImageNeverPull")
                    && status?.phase == "Pending"
            })
        await kubelet.stop()
    }

    static let postgresBin = "/usr/lib/postgresql/15/bin"

    @Test(
        "a PostgreSQL pod runs Debian's postgres as the postgres user, Ready by an exec probe (pg_isready on the mapped port)",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"),
        .enabled(if: FileManager.default.isExecutableFile(atPath: "\(postgresBin)/postgres"), "no PostgreSQL 15"))
    func postgresPod() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("kubelet-pg")
        let (client, _) = try CoreTest.countingClient(env)
        let image = ProcessKubeletImage(
            image: "postgres:15*", programs: ["/bin/sh": "/bin/sh"], portEnvironment: [5432: "PGPORT"], user: "postgres"
        )
        let kubelet = try ProcessKubelet(client: client, namespace: ns, labelSelector: "app=db", images: [image])
        await kubelet.start()
        // The container's own script, as an image's entrypoint would run it; paths reach it
        // through the environment, which the mount paths rewrite.
        let script =
            "test -f \"$PGDATA/PG_VERSION\" || \(Self.postgresBin)/initdb -D \"$PGDATA\" -A trust -U postgres; "
            + "exec \(Self.postgresBin)/postgres -D \"$PGDATA\" -k \"$SOCKETS\" -c listen_addresses=127.0.0.1"
        _ = try await client.create(
            Pod(
                metadata: ObjectMeta(name: "db", namespace: ns, labels: ["app": "db"]),
                spec: PodSpec(
                    containers: [
                        Container(
                            name: "postgres", image: "postgres:15", command: ["/bin/sh", "-c", script],
                            env: [
                                EnvVar(name: "PGDATA", value: "/var/lib/postgresql/data/pgdata"),
                                EnvVar(name: "SOCKETS", value: "/var/run/postgresql"),
                            ],
                            ports: [ContainerPort(name: "postgres", containerPort: 5432)],
                            volumeMounts: [
                                VolumeMount(name: "data", mountPath: "/var/lib/postgresql/data"),
                                VolumeMount(name: "sockets", mountPath: "/var/run/postgresql"),
                            ],
                            readinessProbe: Probe(
                                exec: ExecAction(command: ["\(Self.postgresBin)/pg_isready", "-h", "127.0.0.1"]),
                                periodSeconds: 1))
                    ],
                    volumes: [
                        Volume(name: "data", emptyDir: EmptyDirVolumeSource()),
                        Volume(name: "sockets", emptyDir: EmptyDirVolumeSource()),
                    ],
                    terminationGracePeriodSeconds: 10)))
        let ready = await CoreTest.eventually {
            (try? await client.get(Pod.self, name: "db", namespace: ns).status?.isReady) == true
        }
        let output = await kubelet.output(namespace: ns, pod: "db", container: "postgres")
        #expect(ready, "\(output)")
        #expect(await kubelet.address(namespace: ns, pod: "db", containerPort: 5432) != nil)
        await kubelet.stop()
    }
}
