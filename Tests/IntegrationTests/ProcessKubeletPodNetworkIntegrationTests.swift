import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

/// The process kubelet running pods the way PostgresInstance renders them, each on a private
/// control plane: an init container copies the program into an emptyDir that the main
/// container runs from; the process reads its pod IP through the downward API and is reached at
/// `podIP:containerPort` through the kubelet's forwarder; a projected service account token,
/// `kube-root-ca.crt` and `KUBERNETES_SERVICE_HOST/PORT` let it call the API server as its
/// ServiceAccount (403, then 200 once a Role allows it); a failing init container keeps the pod
/// Pending with its exit code.
@Suite("Process kubelet: pod network, init containers, projected volumes", .serialized)
struct ProcessKubeletPodNetworkIntegrationTests {
    /// Copied by the init container into `/controller`, then run by the main container as
    /// `/controller/serve PORT SA_DIR INFO_DIR` (container paths, rewritten by the kubelet).
    static let program = """
        #!/usr/bin/python3
        import http.server, json, os, ssl, sys, urllib.error, urllib.request
        port, sa, info = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        def read(path):
            return open(path).read()
        def api():
            url = "https://%s:%s/api/v1/namespaces/%s/pods/%s" % (
                os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT"],
                read(sa + "/namespace"), os.environ["POD_NAME"])
            request = urllib.request.Request(url, headers={"Authorization": "Bearer " + read(sa + "/token")})
            try:
                return urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sa + "/ca.crt")).status
            except urllib.error.HTTPError as e:
                return e.code
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                try:
                    if self.path == "/api":
                        body = {"code": api()}
                    else:
                        body = {"podIP": os.environ.get("POD_IP"), "name": os.environ.get("POD_NAME"),
                                "namespace": read(sa + "/namespace"), "labels": read(info + "/labels"),
                                "node": os.environ.get("NODE_NAME"), "account": os.environ.get("ACCOUNT"),
                                "role": os.environ.get("ROLE")}
                except Exception as e:
                    body = {"error": repr(e)}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(data)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """

    static func pod(_ name: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), labels: {app: pk2, role: primary}}
        spec:
          serviceAccountName: pg
          automountServiceAccountToken: false
          terminationGracePeriodSeconds: 5
          initContainers:
          - name: bootstrap
            image: example.invalid/tools:1
            command: [cp, /tools/serve, /controller/serve]
            volumeMounts:
            - {name: tools, mountPath: /tools}
            - {name: controller, mountPath: /controller}
          containers:
          - name: main
            image: example.invalid/tools:1
            command: [/controller/serve]
            args: ["8000", /var/run/secrets/kubernetes.io/serviceaccount, /etc/podinfo]
            ports: [{name: status, containerPort: 8000}]
            readinessProbe: {httpGet: {path: /, port: status}, periodSeconds: 1}
            env:
            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
            - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
            - {name: ACCOUNT, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
            - {name: ROLE, valueFrom: {fieldRef: {fieldPath: "metadata.labels['role']"}}}
            volumeMounts:
            - {name: controller, mountPath: /controller}
            - {name: serviceaccount, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
            - {name: podinfo, mountPath: /etc/podinfo}
          volumes:
          - name: tools
            configMap: {name: tools, items: [{key: serve, path: serve, mode: 493}]}
          - name: controller
            emptyDir: {}
          - name: podinfo
            downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
          - name: serviceaccount
            projected:
              sources:
              - serviceAccountToken: {path: token, expirationSeconds: 3607}
              - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
              - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
        """
    }

    static let images = [
        ProcessKubeletImage(image: "example.invalid/tools:*", rewritePortArguments: true)
    ]

    struct Served: Decodable {
        var podIP: String?
        var name: String?
        var namespace: String?
        var labels: String?
        var node: String?
        var account: String?
        var role: String?
        var code: Int?
        var error: String?
    }

    /// GET `path` at `podIP:8000`, through the kubelet's forwarder.
    static func served(_ podIP: String, _ path: String = "/") async -> Served? {
        guard let answer = await ProcessKubelet.httpGet(host: podIP, port: 8000, path: path), answer.status == 200
        else { return nil }
        return try? JSONDecoder().decode(Served.self, from: Data(answer.body.utf8))
    }

    static func ready(_ client: KubeClient, _ ns: String, _ name: String) async -> Bool {
        (try? await client.get(Pod.self, name: name, namespace: ns).status?.isReady) == true
    }

    @Test(
        "an init container's copy runs from an emptyDir, reached at podIP:containerPort, calling the API server with its projected token",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func podRunsLikeInACluster() async throws {
        let env = try await EnvTest.start()
        guard env.hasControllerManager else {
            await env.stop()
            return
        }
        let kubelet: ProcessKubelet
        do {
            let ns = try await env.createNamespace("pk2")
            let (client, _) = try CoreTest.countingClient(env)
            _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "pg", namespace: ns)))
            _ = try await client.create(
                ConfigMap(metadata: ObjectMeta(name: "tools", namespace: ns), data: ["serve": Self.program]))
            kubelet = try ProcessKubelet(client: client, namespace: ns, labelSelector: "app=pk2", images: Self.images)
            await kubelet.start()
            do {
                try await env.kubectlChecked(["apply", "-n", ns, "-f", "-"], stdin: Self.pod("one"))
                try await env.kubectlChecked(["apply", "-n", ns, "-f", "-"], stdin: Self.pod("two"))
                let becameReady = await CoreTest.eventually {
                    let one = await Self.ready(client, ns, "one")
                    let two = await Self.ready(client, ns, "two")
                    return one && two
                }
                let output = await kubelet.output(namespace: ns, pod: "one", container: "main")
                let podStatus = try await client.get(Pod.self, name: "one", namespace: ns).status
                #expect(becameReady, "\(output) \(String(describing: podStatus))")

                // The init container ran to completion first.
                let initStatus = try #require(podStatus?.initContainerStatuses?.first)
                #expect(initStatus.name == "bootstrap")
                #expect(initStatus.state?["terminated"]?["exitCode"] == .int(0))
                #expect(initStatus.state?["terminated"]?["reason"] == .string("Completed"))

                // Each pod has an address of its own, reported in status, where it is served.
                let ipOne = try #require(podStatus?.podIP)
                let ipTwo = try #require(try await client.get(Pod.self, name: "two", namespace: ns).status?.podIP)
                #expect(ipOne.hasPrefix("127.0.1."))
                #expect(ipTwo.hasPrefix("127.0.1."))
                #expect(ipOne != ipTwo)
                #expect(await kubelet.podIP(namespace: ns, pod: "one") == ipOne)
                let one = try #require(await Self.served(ipOne))
                #expect(one.error == nil, "\(one.error ?? "")")
                #expect(one.podIP == ipOne)
                #expect(one.name == "one")
                #expect(one.namespace == ns)
                #expect(one.labels == "app=\"pk2\"\nrole=\"primary\"")
                #expect(one.node == ProcessKubelet.nodeName)
                #expect(one.account == "pg")
                #expect(one.role == "primary")
                #expect(await Self.served(ipTwo)?.podIP == ipTwo)
                // The mapped address still answers too.
                let mapped = try #require(await kubelet.localPort(namespace: ns, pod: "one", containerPort: 8000))
                #expect(await ProcessKubelet.httpGet(port: mapped)?.status == 200)

                // The ServiceAccount's token reaches the API server: forbidden until a Role allows it.
                let denied = await Self.served(ipOne, "/api")
                #expect(denied?.code == 403, "\(denied?.error ?? "")")
                try await env.kubectlChecked(
                    ["apply", "-n", ns, "-f", "-"],
                    stdin: """
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: Role
                        metadata: {name: read-pods}
                        rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                        ---
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: RoleBinding
                        metadata: {name: read-pods}
                        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-pods}
                        subjects: [{kind: ServiceAccount, name: pg, namespace: \(ns)}]
                        """)
                #expect(await CoreTest.eventually { await Self.served(ipOne, "/api")?.code == 200 })

                // A deleted pod's address stops answering.
                try await client.delete(Pod.self, name: "two", namespace: ns)
                #expect(
                    await CoreTest.eventually {
                        await ProcessKubelet.httpGet(host: ipTwo, port: 8000) == nil
                    })
                #expect(await Self.served(ipOne)?.podIP == ipOne)
            } catch {
                await kubelet.stop()
                throw error
            }
        } catch {
            await env.stop()
            throw error
        }
        await kubelet.stop()
        await env.stop()
    }

    @Test(
        "a failing init container keeps the pod Pending with its exit code (restarted), or fails it (Never); a missing kube-root-ca.crt is a config error",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func failingInitContainer() async throws {
        // Without the controller manager nothing publishes kube-root-ca.crt.
        let env = try await EnvTest.start(controllerManager: false)
        do {
            let ns = try await env.createNamespace("pk2-init")
            let (client, _) = try CoreTest.countingClient(env)
            let kubelet = try ProcessKubelet(
                client: client, namespace: ns, labelSelector: "app=pk2", images: Self.images)
            await kubelet.start()
            func pod(_ name: String, restartPolicy: String, volumes: String = "") -> String {
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: \(name), labels: {app: pk2}}
                spec:
                  restartPolicy: \(restartPolicy)
                  initContainers:
                  - {name: fails, image: example.invalid/tools:1, command: [/bin/sh, -c, "exit 3"]}
                  containers:
                  - {name: main, image: example.invalid/tools:1, command: [sleep, "600"]}
                \(volumes)
                """
            }
            try await env.kubectlChecked(["apply", "-n", ns, "-f", "-"], stdin: pod("again", restartPolicy: "Always"))
            try await env.kubectlChecked(["apply", "-n", ns, "-f", "-"], stdin: pod("never", restartPolicy: "Never"))
            try await env.kubectlChecked(
                ["apply", "-n", ns, "-f", "-"],
                stdin: pod(
                    "noca", restartPolicy: "Always",
                    volumes: """
                          volumes:
                          - name: sa
                            projected: {sources: [{configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}}]}
                        """))
            @Sendable func status(_ name: String) async -> PodStatus? {
                try? await client.get(Pod.self, name: name, namespace: ns).status
            }
            #expect(
                await CoreTest.eventually {
                    guard let status = await status("again"), let initStatus = status.initContainerStatuses?.first
                    else { return false }
                    return status.phase == "Pending" && initStatus.restartCount >= 1
                        && initStatus.lastState?["terminated"]?["exitCode"] == .int(3)
                })
            let again = await status("again")
            #expect(again?.conditions?.first { $0.type == "Initialized" }?.status == "False")
            #expect(again?.containerStatuses?.first?.state?["waiting"]?["reason"] == .string("PodInitializing"))
            #expect(await kubelet.processID(namespace: ns, pod: "again", container: "main") == nil)

            #expect(
                await CoreTest.eventually {
                    guard let status = await status("never") else { return false }
                    return status.phase == "Failed"
                        && status.initContainerStatuses?.first?.state?["terminated"]?["exitCode"] == .int(3)
                })
            #expect(await status("never")?.initContainerStatuses?.first?.restartCount == 0)

            #expect(
                await CoreTest.eventually {
                    let waiting = await status("noca")?.initContainerStatuses?.first?.state?["waiting"]
                    return waiting?["reason"] == .string("CreateContainerConfigError")
                        && waiting?["message"]?.stringValue?.contains("kube-root-ca.crt") == true
                })
            #expect(await status("noca")?.phase == "Pending")
            await kubelet.stop()
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }
}
