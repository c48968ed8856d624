import Foundation
import KubeCore

/// The program, arguments, environment and directory a container's process is started with,
/// from the rendered container spec and its image mapping.
struct ProcessKubeletCommand: Sendable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var directory: String

    /// - `command` + `args` (or the mapping's `entrypoint` + `args`), `$(VAR)` expanded;
    /// - every word and environment value rewritten through `paths`;
    /// - the first word through the mapping's `programs`, then looked up on `PATH`;
    /// - ports: `portEnvironment` variables set, and port arguments rewritten when declared.
    init(
        container: Container, image: ProcessKubeletImage, environment resolved: [(String, String)],
        paths: ProcessKubeletPathMap, ports: [Int: Int], defaultDirectory: String
    ) throws {
        var environment = image.baseEnvironment
        var defined: [String: String] = [:]
        for (name, value) in resolved {
            let rewritten = paths.rewrite(value)
            environment[name] = rewritten
            defined[name] = rewritten
        }
        for (containerPort, name) in image.portEnvironment {
            if let local = ports[containerPort] { environment[name] = String(local) }
        }
        var words: [String]
        if let command = container.command, !command.isEmpty {
            words = command + (container.args ?? [])
        } else if let entrypoint = image.entrypoint, !entrypoint.isEmpty {
            words = entrypoint + (container.args ?? [])
        } else {
            throw ContainerConfigError(
                description: "container \(container.name) has no command and image mapping \(image.image) no entrypoint"
            )
        }
        words = words.map { paths.rewrite(ProcessKubeletEnvironment.expand($0, defined)) }
        let program = image.programs[words[0]] ?? words[0]
        var arguments = Array(words.dropFirst())
        if image.rewritePortArguments {
            arguments = arguments.map { Self.rewritePort($0, ports) }
        }
        guard let executable = Self.locate(program, path: environment["PATH"] ?? "") else {
            throw ContainerConfigError(description: "program \(program) not found on this machine")
        }
        if let user = image.user, getuid() == 0 {
            let account = try LocalUser(name: user)
            self.executable = "/usr/bin/setpriv"
            self.arguments =
                ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--init-groups", "--", executable] + arguments
        } else {
            self.executable = executable
            self.arguments = arguments
        }
        self.environment = environment
        if let workingDir = container.workingDir, !workingDir.isEmpty {
            directory = paths.mapPath(workingDir) ?? workingDir
        } else {
            directory = defaultDirectory
        }
    }

    /// A user of this machine, by name.
    struct LocalUser: Sendable {
        var uid: uid_t
        var gid: gid_t

        init(name: String) throws {
            guard let entry = getpwnam(name) else {
                throw ContainerConfigError(description: "image mapping names user \(name), unknown on this machine")
            }
            uid = entry.pointee.pw_uid
            gid = entry.pointee.pw_gid
        }

        /// Gives `path` and everything under it to this user.
        func own(_ path: String) {
            _ = chown(path, uid, gid)
            guard let walker = FileManager.default.enumerator(atPath: path) else { return }
            while let relative = walker.nextObject() as? String { _ = chown("\(path)/\(relative)", uid, gid) }
        }
    }

    /// `8000`, `host:8000` or `--port=8000` with the container port replaced by its local one.
    static func rewritePort(_ word: String, _ ports: [Int: Int]) -> String {
        if let port = Int(word), let local = ports[port] { return String(local) }
        for separator: Character in [":", "="] {
            if let index = word.lastIndex(of: separator), let port = Int(word[word.index(after: index)...]),
                let local = ports[port]
            {
                return String(word[...index]) + String(local)
            }
        }
        return word
    }

    /// An absolute or relative path as is when executable; a bare name through `path`.
    static func locate(_ program: String, path: String) -> String? {
        if program.contains("/") {
            return FileManager.default.isExecutableFile(atPath: program) ? program : nil
        }
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
