import ArgumentParser
import Foundation
import SourceBuild

/// `quartermaster analyze`: what a source Job runs (issue 14). Clones the repository at the
/// reference with git, analyses it, and writes the `SourceReport` JSON to stdout and the
/// termination log; `--resolve-only` (poll Job) and `--checkout-only` (build Job's init
/// container) stop earlier. A failure exits 1 with one line on stderr and in the termination
/// log, without credentials.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Clone a repository at a ref, detect how to build and run it, and report (JSON) the commit and analysis.")

    @Option(help: "The repository: https://, ssh:// or user@host:path (file:// and paths need --allow-file-url).")
    var repository: String
    @Option(help: "A branch to clone.")
    var branch: String?
    @Option(help: "A tag to clone.")
    var tag: String?
    @Option(help: "A commit (40 hex) to fetch.")
    var commit: String?
    @Option(name: .customLong("sub-path"), help: "The directory inside the repository to analyse.")
    var subPath: String = ""
    @Option(help: "Where the checkout (src), git's HOME (home) and private key copies go.")
    var workdir: String = "/workspace"
    @Option(name: .customLong("termination-log"), help: "Where the report or the failure line is also written.")
    var terminationLog: String = "/dev/termination-log"
    @Option(name: .customLong("credentials-dir"), help: "Files ssh-privatekey (+ known_hosts) or username + password.")
    var credentialsDir: String = "/etc/quartermaster/git"
    @Flag(name: .customLong("resolve-only"), help: "Only resolve the ref to a commit (git ls-remote).")
    var resolveOnly = false
    @Flag(name: .customLong("checkout-only"), help: "Only check out the commit into <workdir>/src, no analysis.")
    var checkoutOnly = false
    @Option(name: .customLong("dockerfile-path"), help: "The Dockerfile, relative to the sub-path, that is built as it is.")
    var dockerfilePath: String = "Dockerfile"
    @Flag(name: .customLong("ignore-dockerfile"), help: "Analyse the code even when a Dockerfile is there (strategy Generated).")
    var ignoreDockerfile = false
    @Flag(name: .customLong("allow-file-url"), help: "Allow file:// URLs and local paths (tests).")
    var allowFileURL = false

    func validate() throws {
        if resolveOnly && checkoutOnly { throw ValidationError("--resolve-only and --checkout-only exclude each other") }
    }

    func run() throws {
        let options = SourceJob.Options(
            repository: repository, branch: branch, tag: tag, commit: commit, subPath: subPath,
            workdir: URL(fileURLWithPath: workdir), credentialsDirectory: URL(fileURLWithPath: credentialsDir),
            mode: resolveOnly ? .resolveOnly : checkoutOnly ? .checkoutOnly : .analyze, allowFileURL: allowFileURL,
            dockerfilePath: dockerfilePath, preferDockerfile: !ignoreDockerfile)
        let text: String
        do {
            text = String(decoding: try SourceJob(options).run().encoded(), as: UTF8.self)
        } catch {
            let line = "analyze: " + SourceJob.failureLine(error)
            SourceJob.writeTerminationLog(line, to: terminationLog)
            FileHandle.standardError.write(Data((line + "\n").utf8))
            throw ExitCode.failure
        }
        if !SourceJob.writeTerminationLog(text, to: terminationLog) {
            FileHandle.standardError.write(Data("analyze: could not write the termination log \(terminationLog)\n".utf8))
        }
        print(text)
    }
}
