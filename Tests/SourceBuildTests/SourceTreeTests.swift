import Foundation
import SourceBuild
import Testing

/// The analyser's walk stays bounded and inside the tree.
@Suite struct SourceTreeTests {
    static func directory(_ files: [String: String]) throws -> URL {
        let root = try temporaryWorkdir()
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func largeFilesAreListedButNotRead() throws {
        let big = "const a = process.env.BIG_ONE;\n" + String(repeating: "// padding\n", count: SourceTree.maxFileBytes / 11 + 10)
        let root = try Self.directory(["package.json": #"{"scripts":{"start":"node index.js"}}"#, "index.js": "process.env.SMALL\n", "big.js": big])
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = try SourceTree(directory: root)
        #expect(tree.contains("big.js"))
        #expect(tree.text("big.js") == nil)
        #expect(try SourceAnalyzer.analyze(directory: root).env == ["SMALL"])
    }

    @Test func symlinksNeverLeadOutOfTheTree() throws {
        let outside = try Self.directory(["secret.js": "process.env.OUTSIDE\n", "more/x.js": "process.env.OUTSIDE_DIR\n"])
        defer { try? FileManager.default.removeItem(at: outside) }
        let root = try Self.directory(["package.json": #"{"scripts":{"start":"node index.js"}}"#, "index.js": "process.env.INSIDE\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: root.path + "/leak.js", withDestinationPath: outside.path + "/secret.js")
        try manager.createSymbolicLink(atPath: root.path + "/leakdir", withDestinationPath: outside.path + "/more")
        try manager.createSymbolicLink(atPath: root.path + "/loop", withDestinationPath: root.path)
        try manager.createSymbolicLink(atPath: root.path + "/alias.js", withDestinationPath: "index.js")
        let tree = try SourceTree(directory: root)
        #expect(!tree.contains("leak.js") && tree.text("leak.js") == nil)
        #expect(!tree.files.contains { $0.hasPrefix("leakdir/") || $0.hasPrefix("loop/") })
        #expect(tree.contains("alias.js"))  // a link to a file inside the tree is read
        #expect(try SourceAnalyzer.analyze(directory: root).env == ["INSIDE"])
    }

    @Test func theWalkStopsAtTheFileLimitShallowestFirst() throws {
        var files = ["go.mod": "module x\n\ngo 1.21\n", "main.go": "package main\n"]
        for index in 0..<(SourceTree.maxFiles + 150) { files["deep/pkg\(index % 7)/f\(index).go"] = "package pkg\n" }
        let root = try Self.directory(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let tree = try SourceTree(directory: root)
        #expect(tree.files.count == SourceTree.maxFiles)
        #expect(tree.contains("go.mod") && tree.contains("main.go"))
        #expect(try SourceAnalyzer.analyze(directory: root).version == "1.21")
    }

    @Test func skippedDirectoriesAndTheEnvironmentCap() throws {
        var text = ""
        for index in 0..<50 { text += "os.getenv('NAME_\(String(format: "%02d", index))')\n" }
        let root = try Self.directory([
            "requirements.txt": "", "main.py": "import os\n" + text, "venv/lib/x.py": "os.getenv('IN_VENV')\n",
            ".git/hooks/x.py": "os.getenv('IN_GIT')\n", "vendor/y.py": "os.getenv('IN_VENDOR')\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let analysis = try SourceAnalyzer.analyze(directory: root)
        #expect(analysis.env.count == SourceAnalysis.maxEnvNames)
        #expect(analysis.env == (0..<32).map { "NAME_\(String(format: "%02d", $0))" })
        #expect(analysis.startCommand == "python main.py")
    }
}

/// URLs, references and credentials of the checkout.
@Suite struct GitInputTests {
    @Test(arguments: [
        ("https://github.com/acme/web.git", GitRemote.Transport.https),
        ("ssh://git@github.com/acme/web.git", .ssh),
        ("git@github.com:acme/web.git", .ssh),
        ("https://token@github.com/acme/web.git", .https),
    ])
    func acceptedRemotes(_ url: String, _ transport: GitRemote.Transport) throws {
        #expect(try GitRemote(url, allowFile: false).transport == transport)
    }

    @Test func refusedRemotesNeverShowTheirUserinfo() {
        let cases: [(String, GitRemote.RemoteError)] = [
            ("http://github.com/acme/web.git", .unsupportedScheme("http://github.com/acme/web.git")),
            ("git://github.com/acme/web.git", .unsupportedScheme("git://github.com/acme/web.git")),
            ("ext::sh -c touch% /tmp/pwned", .unsupportedScheme("ext::sh -c touch% /tmp/pwned")),
            ("https://alice:s3cret@github.com/acme/web.git", .passwordInURL("https://github.com/acme/web.git")),
            ("file:///srv/repo.git", .fileURLNotAllowed("file:///srv/repo.git")),
            ("/srv/repo.git", .fileURLNotAllowed("/srv/repo.git")),
            ("--upload-pack=touch", .malformed("--upload-pack=touch")),
        ]
        for (url, error) in cases {
            #expect(throws: error) { try GitRemote(url, allowFile: false) }
            #expect(!error.description.contains("s3cret"))
        }
        #expect(throws: Never.self) { try GitRemote("file:///srv/repo.git", allowFile: true) }
        #expect(GitRemote.redact("fatal: unable to access 'https://bob:pw@host/x': 403") == "fatal: unable to access 'https://host/x': 403")
    }

    @Test func references() throws {
        #expect(try GitReference(branch: nil, tag: nil, commit: nil) == .head)
        #expect(try GitReference(branch: "release/1.x", tag: nil, commit: nil).description == "branch release/1.x")
        #expect(try GitReference(branch: nil, tag: nil, commit: String(repeating: "AB", count: 20)) == .commit(String(repeating: "ab", count: 20)))
        #expect(throws: GitReference.ReferenceError.moreThanOne) { try GitReference(branch: "a", tag: "b", commit: nil) }
        for bad in ["-x", "a..b", "a b", "x:y", "", "a\nb"] {
            #expect(throws: GitReference.ReferenceError.self) { try GitReference(branch: bad, tag: nil, commit: nil) }
        }
        #expect(throws: GitReference.ReferenceError.self) { try GitReference(branch: nil, tag: nil, commit: "abc") }
    }

    @Test func credentialsDirectory() throws {
        let directory = try temporaryWorkdir()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scratch = directory.appendingPathComponent("scratch")
        // Empty: no credentials, host keys accepted on first use.
        let none = try GitCredentials(directory: directory, scratch: scratch)
        #expect(none.configuration.isEmpty)
        #expect(none.environment["GIT_SSH_COMMAND"]?.contains("StrictHostKeyChecking=accept-new") == true)

        try Data("-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----".utf8)
            .write(to: directory.appendingPathComponent("ssh-privatekey"))
        try Data("github.com ssh-ed25519 AAAA\n".utf8).write(to: directory.appendingPathComponent("known_hosts"))
        try Data("alice".utf8).write(to: directory.appendingPathComponent("username"))
        try Data("pa$$word-that-must-not-leak".utf8).write(to: directory.appendingPathComponent("password"))
        let all = try GitCredentials(directory: directory, scratch: scratch)
        let ssh = try #require(all.environment["GIT_SSH_COMMAND"])
        #expect(ssh.contains("StrictHostKeyChecking=yes") && ssh.contains("UserKnownHostsFile=\(directory.path)/known_hosts"))
        #expect(ssh.contains("-i \(scratch.path)/ssh-privatekey") && ssh.contains("IdentitiesOnly=yes"))
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.path + "/ssh-privatekey")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // The helper names the files; the password itself is nowhere in git's arguments or environment.
        #expect(all.configuration.contains { $0.contains("\(directory.path)/password") })
        #expect(!(all.configuration + Array(all.environment.values)).contains { $0.contains("pa$$word") })
        // git itself gets both from the helper when it asks (what a clone over https does).
        let filled = try SampleRepository.run(
            ["git", "-c", "credential.helper="] + all.configuration.dropFirst(2) + ["credential", "fill"],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "GIT_TERMINAL_PROMPT": "0",
                "HOME": directory.path],
            stdin: "protocol=https\nhost=git.example.com\n\n")
        #expect(filled.contains("username=alice"))
        #expect(filled.contains("password=pa$$word-that-must-not-leak"))
        all.removeTemporaryFiles()
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/ssh-privatekey"))
    }
}
