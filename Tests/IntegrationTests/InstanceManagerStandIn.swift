import Foundation
import KubeTestSupport

/// A stand-in for the instance manager and the pooler in PostgresInstance pods run by the
/// process kubelet, when what is under test is the operator, not PostgreSQL: a small Python
/// program that answers the instance manager's HTTP endpoints on its status port
/// (`QUARTERMASTER_STATUS_PORT`): `/readyz` and `/healthz` 200, and `/status` the instance
/// manager's JSON (`InstanceStatus`): the primary (the pod `<instance>-1`, a new instance's
/// first target) ready, every other pod a ready, streaming replica (with `receivedLsn`), each
/// with `fenced: false` and `dataVolume` from `statvfs` of its working directory. The pooler (`instance
/// pooler`) answers `/readyz` only.
/// first target) ready, every other pod a ready, streaming replica. The primary also answers the
/// backup routes: `POST /backups` (a backup completed at once), `GET /backups/<name>`,
/// `GET /backups` (the catalog of those), `POST`/`GET /retention` (completed: all but the newest
/// backup deleted);
/// any other pod answers 409 as a replica would. The pooler (`instance pooler`) answers
/// `/readyz` only.
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
            "fenced": False,
        }
        if not primary:
            report["receivedLsn"] = "0/3000000"
        def volume():
            # The working directory's file system, as the instance manager reports PGDATA's.
            st = os.statvfs(".")
            return {"usedBytes": (st.f_blocks - st.f_bfree) * st.f_frsize, "capacityBytes": st.f_blocks * st.f_frsize}
        backups = {}
        made = 0
        retention = None
        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, code, body):
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_POST(self):
                global retention, made
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                if pooler or not primary:
                    return self.reply(409, json.dumps({"error": "not the primary"}).encode())
                if self.path == "/backups":
                    name = data.get("name", "")
                    if name not in backups:
                        made += 1
                    # IDs are never reused (as barman's, from the time the backup started).
                    backups.setdefault(name, {"name": name, "phase": "completed", "backupID": "20261203T1000%02d" % made,
                        "startedAt": "2026-12-03T10:00:00Z", "stoppedAt": "2026-12-03T10:01:00Z",
                        "beginLSN": "0/2000028", "endLSN": "0/2000100", "size": 1048576})
                    return self.reply(202, json.dumps(backups[name]).encode())
                if self.path == "/retention":
                    # Keeps only the newest backup (as a short recovery window would).
                    old = list(backups)[:-1]
                    retention = {"phase": "completed", "policy": data.get("policy"),
                        "deletedBackupIDs": [backups[n]["backupID"] for n in old]}
                    for n in old:
                        del backups[n]
                    return self.reply(202, json.dumps(retention).encode())
                self.reply(404, b"{}")
            def do_GET(self):
                if self.path == "/status" and not pooler:
                    body = json.dumps(dict(report, dataVolume=volume())).encode()
                elif self.path in ("/readyz", "/healthz"):
                    body = b"ok"
                elif self.path == "/backups" and not pooler:
                    body = json.dumps({"backups": [{"backupID": b["backupID"], "name": n, "status": "DONE",
                        "beginTime": b["startedAt"], "endTime": b["stoppedAt"]} for n, b in backups.items()],
                        "firstRecoverabilityPoint": "2026-12-03T10:00:00Z" if backups else None}).encode()
                elif self.path.startswith("/backups/") and self.path[len("/backups/"):] in backups:
                    body = json.dumps(backups[self.path[len("/backups/"):]]).encode()
                elif self.path == "/retention" and retention:
                    body = json.dumps(retention).encode()
                else:
                    self.send_response(404); self.end_headers(); return
                self.reply(200, body)
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
