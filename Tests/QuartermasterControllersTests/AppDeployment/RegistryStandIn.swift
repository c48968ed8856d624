import Crypto
import Foundation
import KubeClient

/// A small OCI registry stand-in for the resolver tests, as moto stands in for S3: a Python
/// `http.server` on a free loopback port, started by the test, answering
/// `HEAD`/`GET /v2/<repo>/manifests/<tag>` with `Docker-Content-Digest` (the SHA-256 of the
/// manifest's bytes), `401` with a `Bearer` (or `Basic`) challenge, and a token service at
/// `/token` that checks a `Basic` login for private repositories. `GET /requests` returns what
/// it was asked (path, method, Accept, whether an Authorization header came).
final class RegistryStandIn: @unchecked Sendable {
    /// What the stand-in serves.
    struct Configuration: Encodable {
        /// `repo:tag` → manifest bytes (text).
        var manifests: [String: String]
        /// Repositories whose token needs a login: repo → [user, password].
        var privateRepositories: [String: [String]] = [:]
        /// Repositories that answer with a `Basic` challenge, needing the login of `privateRepositories`.
        var basicRepositories: [String] = []
        /// Repositories whose `HEAD` sends no `Docker-Content-Digest`.
        var repositoriesWithoutDigestHeader: [String] = []
    }

    /// One request the stand-in received.
    struct Received: Decodable {
        var method: String
        var path: String
        var accept: String
        var authorization: String
    }

    let port: Int
    private let server: LoopbackPythonServer
    private let directory: URL

    static let script = #"""
        import base64, hashlib, json, secrets, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlparse, parse_qs
        config = json.load(open(sys.argv[1]))
        tokens = {}
        received = []
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def send(self, code, headers=None, body=b"", head=False):
                self.send_response(code)
                for k, v in (headers or {}).items(): self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head: self.wfile.write(body)
            def login_ok(self, repo):
                want = config["privateRepositories"].get(repo)
                if want is None: return True
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Basic "): return False
                try: user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                except Exception: return False
                return [user, password] == want
            def handle_manifest(self, head):
                parts = urlparse(self.path).path.split("/")
                repo, ref = "/".join(parts[2:-2]), parts[-1]
                with lock:
                    received.append({"method": self.command, "path": self.path,
                        "accept": self.headers.get("Accept", ""), "authorization": "yes" if self.headers.get("Authorization") else "no"})
                host = self.headers.get("Host")
                if repo in config["basicRepositories"]:
                    if not (self.headers.get("Authorization", "").startswith("Basic ") and self.login_ok(repo)):
                        return self.send(401, {"WWW-Authenticate": 'Basic realm="stand-in"'}, b"{}", head)
                else:
                    auth = self.headers.get("Authorization", "")
                    granted = tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
                    if granted != repo:
                        challenge = 'Bearer realm="http://%s/token",service="stand-in",scope="repository:%s:pull"' % (host, repo)
                        return self.send(401, {"WWW-Authenticate": challenge}, b'{"errors":[{"code":"UNAUTHORIZED"}]}', head)
                body = config["manifests"].get(repo + ":" + ref)
                if body is None:
                    return self.send(404, {"Content-Type": "application/json"}, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}', head)
                body = body.encode()
                headers = {"Content-Type": "application/vnd.oci.image.index.v1+json"}
                if repo not in config["repositoriesWithoutDigestHeader"]:
                    headers["Docker-Content-Digest"] = "sha256:" + hashlib.sha256(body).hexdigest()
                self.send(200, headers, body, head)
            def do_HEAD(self):
                if self.path.startswith("/v2/"): return self.handle_manifest(True)
                self.send(404, head=True)
            def do_GET(self):
                if self.path.startswith("/v2/"): return self.handle_manifest(False)
                if self.path == "/requests":
                    with lock: body = json.dumps(received).encode()
                    return self.send(200, {"Content-Type": "application/json"}, body)
                if self.path.startswith("/token"):
                    query = parse_qs(urlparse(self.path).query)
                    scope = query.get("scope", [""])[0]
                    repo = scope.split(":")[1] if scope.count(":") == 2 else ""
                    if query.get("service", [""])[0] != "stand-in" or not self.login_ok(repo):
                        return self.send(401, {"Content-Type": "application/json"}, b'{"details":"incorrect username or password"}')
                    token = secrets.token_hex(16)
                    with lock: tokens[token] = repo
                    return self.send(200, {"Content-Type": "application/json"}, json.dumps({"token": token}).encode())
                self.send(404)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    /// Starts the stand-in with `configuration` and waits until it prints its port.
    init(_ configuration: Configuration) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptURL = directory.appendingPathComponent("registry.py")
        let configURL = directory.appendingPathComponent("config.json")
        try Data(Self.script.utf8).write(to: scriptURL)
        try JSONEncoder().encode(configuration).write(to: configURL)
        server = try await LoopbackPythonServer(.script(scriptURL.path), arguments: [configURL.path])
        guard let port = Int(server.firstLine.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            server.stop()
            throw RegistryStandInError(message: "the registry stand-in printed no port: \(server.firstLine)")
        }
        self.port = port
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `127.0.0.1:<port>`: the registry host of the images the tests ask for.
    var host: String { "127.0.0.1:\(port)" }

    /// What it was asked, in order.
    func received() async throws -> [Received] {
        let response = try await OneShotHTTPRequest(url: "http://\(host)/requests", allowsPlainHTTP: true).perform()
        return try JSONDecoder().decode([Received].self, from: response.body)
    }

    /// The digest the stand-in sends for `manifest`.
    static func digest(of manifest: String) -> String {
        "sha256:" + SHA256.hash(data: Data(manifest.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

struct RegistryStandInError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
