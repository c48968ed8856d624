import Foundation
import KubeTestSupport

/// A stand-in for the instance manager and the pooler in PostgresInstance pods run by the
/// process kubelet, when what is under test is the operator, not PostgreSQL: a small Python
/// program that answers the instance manager's HTTP endpoints on its status port
/// (`QUARTERMASTER_STATUS_PORT`): `/readyz` and `/healthz` 200, and `/status` the instance
/// manager's JSON (`InstanceStatus`): the primary (the pod `<instance>-1`, a new instance's
/// first target) ready, every other pod a ready, streaming replica. The pooler (`instance
/// pooler`) answers `/readyz` only.
///
/// The operator image's `/quartermaster` is an installer: its `bootstrap` container
/// (`/quartermaster instance install /controller/quartermaster`) copies this program where the
/// binary would go, so the `postgres` and `pgbouncer` containers run it from their `controller`
/// volume as they would the instance manager.
enum InstanceManagerStandIn {
    static let python = "/usr/bin/python3"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: python) }

    static let source = #"""
        import http.server, json, os, sys
        pod = os.environ.get("POD_NAME", "")
        pooler = len(sys.argv) > 2 and sys.argv[2] == "pooler"
        primary = pod.endswith("-1")
        report = {
            "pod": pod, "role": "primary" if primary else "replica", "ready": True, "timeline": 1,
            "lsn": "0/3000000", "replicationLagBytes": 0, "pendingRestart": False,
            "pendingRestartParameters": [], "postgresVersion": 15, "streaming": not primary, "replicas": [],
        }
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/status" and not pooler:
                    body = json.dumps(report).encode()
                elif self.path in ("/readyz", "/healthz"):
                    body = b"ok"
                else:
                    self.send_response(404); self.end_headers(); return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["QUARTERMASTER_STATUS_PORT"])), Handler).serve_forever()
        """#

    /// Writes the program (executable, under `directory`) and returns the image mappings.
    static func images(directory: String) throws -> [ProcessKubeletImage] {
        let path = "\(directory)/instance-manager-stand-in"
        try ("#!\(python)\n" + source + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        let installer = "\(directory)/instance-manager-stand-in-install"
        try "#!/bin/sh\n# instance install DESTINATION\nexec cp \"\(path)\" \"$3\"\n".write(
            toFile: installer, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: installer)
        let ports = [8000: "QUARTERMASTER_STATUS_PORT"]
        return [
            ProcessKubeletImage(image: "ghcr.io/quartermaster-dev/quartermaster*", programs: ["/quartermaster": installer]),
            ProcessKubeletImage(image: "ghcr.io/quartermaster-dev/postgres*", portEnvironment: ports),
            ProcessKubeletImage(image: "docker.io/edoburu/pgbouncer*", portEnvironment: ports),
        ]
    }
}
