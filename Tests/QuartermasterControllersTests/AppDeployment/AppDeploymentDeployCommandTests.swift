import KubeCore
import Testing

@testable import QuartermasterControllers

/// The pure parts of `quartermaster deploy`: the name from the URL, the object and patch it
/// writes, the progress line and when following ends.
@Suite struct AppDeploymentDeployCommandTests {
    @Test(arguments: [
        ("https://github.com/acme/web.git", "web"),
        ("https://github.com/acme/Web_App.git/", "web-app"),
        ("git@github.com:acme/web.git", "web"),
        ("git@host:web", "web"),
        ("ssh://git@host:2222/acme/api/", "api"),
        ("file:///tmp/samples/node-express", "node-express"),
        ("https://gitlab.example.com/group/sub/My.Service.GIT?ref=x#frag", "my-service"),
        ("https://github.com/acme/2048.git", "app-2048"),
        ("https://github.com/acme/--weird__name--", "weird-name"),
        ("https://github.com/acme/" + String(repeating: "a", count: 62) + "-bcd", String(repeating: "a", count: 62)),
    ])
    func nameFromURL(url: String, expected: String) {
        #expect(AppDeploymentSourceName.derive(from: url) == expected)
    }

    @Test(arguments: ["https://host/", ".git", "https://host/acme/___.git", ""])
    func noNameFromURL(url: String) {
        #expect(AppDeploymentSourceName.derive(from: url) == nil)
    }

    @Test func newObjectCarriesOnlyWhatWasGiven() throws {
        let minimal = AppDeploymentDeployRequest(url: "https://github.com/acme/web.git")
        #expect(
            minimal.object(name: "web", namespace: "acme") == [
                "apiVersion": "quartermaster.dev/v1alpha1", "kind": "Deployment",
                "metadata": ["name": "web", "namespace": "acme"],
                "spec": ["source": ["git": ["url": "https://github.com/acme/web.git"]]],
            ])
        let full = AppDeploymentDeployRequest(
            url: "git@github.com:acme/web.git", ref: .branch("main"), subPath: "apps/web", gitSecret: "git-creds",
            followInterval: 300, repository: "registry.example.com/acme/web", pushSecret: "regcred", port: 3000,
            builder: .buildKit, host: "web.example.com")
        #expect(
            full.object(name: "web", namespace: "acme")["spec"] == [
                "source": [
                    "git": [
                        "url": "git@github.com:acme/web.git", "branch": "main", "subPath": "apps/web",
                        "secretName": "git-creds",
                    ],
                    "follow": ["intervalSeconds": 300],
                ],
                "build": [
                    "output": ["repository": "registry.example.com/acme/web", "pushSecretName": "regcred"],
                    "port": 3000, "builder": "BuildKit",
                ],
                "expose": ["host": "web.example.com"],
            ])
    }

    @Test func patchReplacesTheSourceAndDropsTheImage() {
        let request = AppDeploymentDeployRequest(url: "https://github.com/acme/web.git", ref: .tag("v1.2.0"), port: 8080)
        #expect(
            request.patch() == [
                "spec": [
                    "image": .null,
                    "source": [
                        "git": [
                            "url": "https://github.com/acme/web.git", "branch": .null, "tag": "v1.2.0", "commit": .null,
                            "subPath": .null, "secretName": .null,
                        ],
                        "follow": .null,
                    ],
                    "build": ["port": 8080],
                ]
            ])
        let commit = String(repeating: "3f2c", count: 10)
        let byCommit = AppDeploymentDeployRequest(url: "https://h/r.git", ref: .commit(commit)).patch()
        #expect(byCommit["spec"]?.value(at: "source", "git", "commit") == .string(commit))
        #expect(byCommit["spec"]?["build"] == nil, "build fields not given are left as they are")
    }

    typealias Snapshot = AppDeploymentDeployProgress.Snapshot

    struct LineCase: Sendable, CustomTestStringConvertible {
        var snapshot: Snapshot
        var elapsedSeconds: Int64
        var plain: String
        var testDescription: String { plain }
    }

    static let lines: [LineCase] = [
        .init(
            snapshot: Snapshot(phase: nil, activity: "waiting for the operator"), elapsedSeconds: 0,
            plain: "Pending         --  0:00  waiting for the operator"),
        .init(
            snapshot: Snapshot(phase: .analyzing, progress: 10, activity: "analyzing the repository"), elapsedSeconds: 7,
            plain: "Analyzing      10%  0:07  analyzing the repository"),
        .init(
            snapshot: Snapshot(phase: .building, progress: 30, activity: "building 3f2c1a9"), elapsedSeconds: 102,
            plain: "Building       30%  1:42  building 3f2c1a9"),
        .init(
            snapshot: Snapshot(phase: .provisioning, progress: 60, activity: "provisioning"), elapsedSeconds: 3599,
            plain: "Provisioning   60%  59:59  provisioning"),
        .init(
            snapshot: Snapshot(phase: .exposed, progress: 100, activity: "exposed at https://web.example.com"),
            elapsedSeconds: 3725, plain: "Exposed       100%  1:02:05  exposed at https://web.example.com"),
        .init(
            snapshot: Snapshot(phase: .failed, progress: 130, activity: "failed: BuildFailed"), elapsedSeconds: -3,
            plain: "Failed        100%  0:00  failed: BuildFailed"),
    ]

    @Test(arguments: lines)
    func progressLine(_ c: LineCase) {
        let plain = AppDeploymentDeployProgress.line(c.snapshot, elapsed: .seconds(c.elapsedSeconds), style: .plain)
        #expect(plain == c.plain)
        #expect(!plain.contains("\u{1B}") && !plain.contains("\r"), "no escape sequence off a terminal")
        let terminal = AppDeploymentDeployProgress.line(c.snapshot, elapsed: .seconds(c.elapsedSeconds), style: .terminal)
        #expect(terminal.hasPrefix("\r\u{1B}[2K\u{1B}["), "redrawn in place, the phase coloured")
        let stripped = terminal.replacing(/\r|\x1B\[[0-9;]*[A-Za-z]/, with: "")
        #expect(stripped == c.plain, "the same characters in the same columns on a terminal")
    }

    @Test func phaseColours() {
        func colour(_ phase: AppDeploymentStatus.Phase?) -> String {
            let line = AppDeploymentDeployProgress.line(
                Snapshot(phase: phase, activity: ""), elapsed: .zero, style: .terminal)
            return String(line.dropFirst("\r\u{1B}[2K\u{1B}[".count).prefix(2))
        }
        #expect(colour(.exposed) == "32")
        #expect(colour(.healthy) == "32")
        #expect(colour(.failed) == "31")
        #expect(colour(.rollingBack) == "31")
        #expect(colour(.building) == "33")
        #expect(colour(nil) == "33")
    }

    @Test func outcomeAndClosingLines() {
        #expect(AppDeploymentDeployProgress.outcome(Snapshot(phase: .healthy, activity: "")) == nil)
        let exposed = Snapshot(phase: .exposed, activity: "", url: "https://web.example.com")
        #expect(AppDeploymentDeployProgress.outcome(exposed) == .exposed(url: "https://web.example.com"))
        #expect(
            AppDeploymentDeployProgress.closing(.exposed(url: "https://web.example.com"), name: "web", namespace: "acme")
                == ["deployment.quartermaster.dev acme/web is exposed at https://web.example.com"])
        let failed = Snapshot(phase: .failed, activity: "", reason: "BuildFailed", message: "npm ci: exit code 1")
        #expect(AppDeploymentDeployProgress.outcome(failed) == .failed(reason: "BuildFailed", message: "npm ci: exit code 1"))
        #expect(
            AppDeploymentDeployProgress.closing(
                .failed(reason: "BuildFailed", message: "npm ci: exit code 1"), name: "web", namespace: "acme")
                == ["deployment.quartermaster.dev acme/web failed: BuildFailed: npm ci: exit code 1"])
        #expect(AppDeploymentDeployProgress.changed(nil, failed))
        #expect(!AppDeploymentDeployProgress.changed(failed, failed))
    }

    @Test func aStatusOfAnOlderGenerationEndsNothing() {
        let stale = AppDeploymentCLISamples.deployment(generation: 5)  // status observed generation 4, Exposed
        let snapshot = Snapshot(stale, generation: 5)
        #expect(snapshot == Snapshot(phase: nil, activity: "waiting for the operator"))
        #expect(AppDeploymentDeployProgress.outcome(snapshot) == nil)
        let current = Snapshot(stale, generation: 4)
        #expect(current.phase == .exposed)
        #expect(AppDeploymentDeployProgress.outcome(current) == .exposed(url: "https://web.apps.example.com"))
    }

    @Test func timeoutText() {
        #expect(AppDeploymentDeployProgress.duration("30m") == .seconds(30 * 60))
        #expect(AppDeploymentDeployProgress.duration("90s") == .seconds(90 * 1))
        #expect(AppDeploymentDeployProgress.duration("2h30m") == .seconds(2 * 3600 + 30 * 60))
        #expect(AppDeploymentDeployProgress.duration("45") == .seconds(45 * 1))
        for bad in ["", "0", "-5", "m", "30x", "1h30", "0s", "١٢s"] {
            #expect(AppDeploymentDeployProgress.duration(bad) == nil, "\(bad)")
        }
    }

    @Test func snapshotsOfASourceBuild() {
        let commit = "3f2c1a9b0c1d2e3f405162738495a6b7c8d9e0f1"
        func deployment(_ status: AppDeploymentStatus) -> AppDeployment {
            var status = status
            status.observedGeneration = 2
            return AppDeploymentCLISamples.deployment(generation: 2, status: status)
        }
        let analyzing = Snapshot(
            deployment(
                AppDeploymentStatus(
                    phase: .analyzing, progress: 10,
                    source: .init(url: "https://github.com/acme/web.git", ref: "branch main"))),
            generation: 2)
        #expect(analyzing == Snapshot(phase: .analyzing, progress: 10, activity: "analyzing https://github.com/acme/web.git (branch main)"))
        let build = AppDeploymentStatus.BuildStatus(
            commit: commit, image: "registry.example.com/acme/web:\(commit)", namespace: "acme-build", job: "web-build-1",
            phase: .running)
        let building = Snapshot(deployment(AppDeploymentStatus(phase: .building, progress: 30, build: build)), generation: 2)
        #expect(building == Snapshot(phase: .building, progress: 30, activity: "building 3f2c1a9"))
        #expect(
            Snapshot(deployment(AppDeploymentStatus(phase: .deploying, revision: 3, build: build)), generation: 2)
                == Snapshot(phase: .deploying, progress: 75, activity: "rolling out revision 3 (3f2c1a9)"),
            "a missing status.progress is the phase's")
        var failedBuild = build
        failedBuild.phase = .failed
        failedBuild.reason = .pushFailed
        failedBuild.message = "UNAUTHORIZED: authentication required"
        let failed = Snapshot(
            deployment(
                AppDeploymentStatus(
                    phase: .failed,
                    conditions: [Condition(type: "Ready", status: .false, reason: "Failed", message: "nothing served")],
                    progress: 30, build: failedBuild)),
            generation: 2)
        #expect(
            failed == Snapshot(
                phase: .failed, progress: 30, activity: "failed: PushFailed", reason: "PushFailed",
                message: "UNAUTHORIZED: authentication required"), "the build's reason before the condition's")
        let failedRollout = Snapshot(
            deployment(
                AppDeploymentStatus(
                    phase: .failed,
                    conditions: [Condition(type: "Ready", status: .false, reason: "ProgressDeadlineExceeded", message: "not available")])),
            generation: 2)
        #expect(failedRollout == Snapshot(phase: .failed, activity: "failed: ProgressDeadlineExceeded", reason: "ProgressDeadlineExceeded", message: "not available"))
    }
}
