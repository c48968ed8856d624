import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentStatusReportTests {
    typealias Samples = AppDeploymentCLISamples
    static let escape = "\u{1B}"

    static func plain(_ d: AppDeployment) -> [String] { AppDeploymentStatusReport.render(d, style: .plain) }

    /// The terminal rendering with its SGR sequences removed.
    static func stripped(_ s: String) -> String {
        s.replacing(#/\x{1B}\[[0-9;]*m/#, with: "")
    }

    @Test func exposedWithARolledBackRevision() {
        let lines = Self.plain(Samples.deployment())
        #expect(
            lines == [
                "Deployment acme/web",
                "  phase:    Exposed",
                "  revision: 3",
                "  url:      https://web.apps.example.com",
                "  ip:       203.0.113.7",
                "  image:    ghcr.io/acme/web:1.4",
                "  digest:   \(Samples.digest("4d0b"))",
                "  replicas: 2/2 available",
                "",
                "Conditions:",
                "  Ready       True  Exposed                   served",
                "  RolledBack  True  ProgressDeadlineExceeded  revision 2 rolled back to revision 1",
                "",
                "History:",
                "  REVISION  DIGEST               DEPLOYED AT           OUTCOME     REASON",
                "  1         sha256:111100000000  2026-11-30T08:00:00Z  Superseded",
                "  2         sha256:9f2c00000000  2026-12-01T10:00:00Z  RolledBack  ProgressDeadlineExceeded",
                "  3*        sha256:4d0b00000000  2026-12-02T09:30:00Z  Healthy",
                "  * served",
            ])
    }

    @Test func aSourceBuildShowsItsSourceTheFailedBuildAndTheCommitOfEachRevision() {
        let c1 = String(repeating: "ab", count: 20)
        let c2 = String(repeating: "cd", count: 20)
        var status = Samples.exposed
        status.history = [
            .init(
                revision: 1, image: "registry.example.com/acme/web:\(c1)", digest: Samples.digest("1111"),
                templateHash: "0123456789abcdef", deployedAt: "2026-11-30T08:00:00Z", outcome: .healthy, commit: c1)
        ]
        status.revision = 1
        status.image = nil
        status.conditions = []
        status.ip = nil
        status.source = .init(url: "https://git.example.com/acme/web.git", ref: "branch main", subPath: "apps/web", commit: c2, polledAt: "2026-12-02T09:30:00Z")
        status.build = .init(
            commit: c2, image: "registry.example.com/acme/web:\(c2)", namespace: "acme-build", job: "web-build-cdcd", phase: .failed,
            reason: .buildFailed, message: "npm ERR! missing script: build")
        let lines = Self.plain(Samples.deployment(status: status) { $0.image = "" })
        #expect(lines.contains("  source:    https://git.example.com/acme/web.git (apps/web), branch main at cdcdcdcdcdcd"))
        #expect(lines.contains("  build:     Failed acme-build/web-build-cdcd (BuildFailed: npm ERR! missing script: build)"))
        #expect(lines.contains("  REVISION  COMMIT        DIGEST               DEPLOYED AT           OUTCOME  REASON"))
        #expect(lines.contains("  1*        abababababab  sha256:111100000000  2026-11-30T08:00:00Z  Healthy"))
        #expect(!Self.plain(Samples.deployment()).contains { $0.contains("COMMIT") }, "image deploys keep their columns")
    }

    @Test func plainHasNoEscapesAndTerminalOnlyAddsThem() {
        for deployment in [
            Samples.deployment(), Samples.deployment(status: nil),
            Samples.deployment(status: .init(phase: .failed, revision: 1, history: [Samples.history[0]])),
        ] {
            let plain = Self.plain(deployment)
            let terminal = AppDeploymentStatusReport.render(deployment, style: .terminal)
            #expect(!plain.joined().contains(Self.escape))
            #expect(terminal.joined().contains(Self.escape))
            #expect(terminal.map(Self.stripped) == plain, "same characters in the same columns")
        }
    }

    @Test func terminalColoursPhaseOutcomesAndBadConditions() {
        var status = Samples.exposed
        status.conditions?.append(Condition(type: "DatabaseReady", status: .false, reason: "NotReady", message: "waiting"))
        let text = AppDeploymentStatusReport.render(Samples.deployment(status: status), style: .terminal)
            .joined(separator: "\n")
        #expect(text.contains("\(Self.escape)[1mDeployment acme/web\(Self.escape)[0m"))
        #expect(text.contains("phase:    \(Self.escape)[32mExposed\(Self.escape)[0m"))
        #expect(text.contains("\(Self.escape)[1mREVISION\(Self.escape)[0m  "))
        #expect(text.contains("\(Self.escape)[31mRolledBack\(Self.escape)[0m  ProgressDeadlineExceeded"))
        #expect(text.contains("\(Self.escape)[32mHealthy\(Self.escape)[0m"))
        #expect(text.contains("Superseded  ") == false, "the last padded column is trimmed, Superseded is uncoloured")
        #expect(text.contains("DatabaseReady  \(Self.escape)[31mFalse\(Self.escape)[0m  NotReady"))
        #expect(text.contains("Ready          True"), "a condition in its good state is not coloured")

        let rolling = AppDeploymentStatusReport.render(
            Samples.deployment(status: .init(phase: .rollingBack, revision: 3)), style: .terminal)
        #expect(rolling.contains("  phase:    \(Self.escape)[31mRollingBack\(Self.escape)[0m"))
        let deploying = AppDeploymentStatusReport.render(
            Samples.deployment(status: .init(phase: .deploying)), style: .terminal)
        #expect(deploying.contains("  phase:    \(Self.escape)[33mDeploying\(Self.escape)[0m"))
    }

    @Test func noStatusYet() {
        #expect(
            Self.plain(Samples.deployment(status: nil)) == [
                "Deployment acme/web",
                "  phase: (no status yet: the operator has not reconciled it)",
            ])
    }

    @Test func queuedWithoutDigestHistoryOrURL() {
        let status = AppDeploymentStatus(
            observedGeneration: 2, phase: .queued, image: .init(reference: "ghcr.io/acme/web:1.5"),
            conditions: [
                Condition(type: "Ready", status: .false, reason: "Queued", message: "resolving the image"),
                Condition(
                    type: "Reconciling", status: .true, reason: "ResolvingImage", message: "ghcr.io: 503 Service Unavailable"),
                Condition(type: "Stalled", status: .false, reason: "Queued", message: ""),
            ])
        #expect(
            Self.plain(Samples.deployment(generation: 3, status: status)) == [
                "Deployment acme/web",
                "  phase:    Queued (status of generation 2; the spec is at 3, not yet observed)",
                "  revision: (none yet)",
                "  url:      (none yet)",
                "  image:    ghcr.io/acme/web:1.5",
                "  digest:   (not resolved yet)",
                "",
                "Conditions:",
                "  Ready        False  Queued          resolving the image",
                "  Reconciling  True   ResolvingImage  ghcr.io: 503 Service Unavailable",
                "",
                "History: (empty)",
            ])
    }

    @Test func manualRollbackSuspensionAndDatabaseAreShown() {
        var status = Samples.exposed
        status.revision = 1
        status.conditions = nil
        status.database = .init(resource: "web-db", secretName: "web-db-app", ready: true)
        let lines = Self.plain(
            Samples.deployment(status: status) {
                $0.rollbackTo = .init(revision: 1)
                $0.suspended = true
            })
        #expect(
            Array(lines.prefix(12)) == [
                "Deployment acme/web",
                "  phase:     Exposed",
                "  revision:  1",
                "  url:       https://web.apps.example.com",
                "  ip:        203.0.113.7",
                "  image:     ghcr.io/acme/web:1.4",
                "  digest:    \(Samples.digest("4d0b"))",
                "  replicas:  2/2 available",
                "  database:  Resource web-db, Secret web-db-app, ready",
                "  rollback:  spec.rollbackTo.revision 1 (remove it to serve spec.image again)",
                "  suspended: spec.suspended is true (scaled to zero)",
                "",
            ])
        #expect(lines.contains("  1*        sha256:111100000000  2026-11-30T08:00:00Z  Superseded"))
        #expect(lines.contains("  3         sha256:4d0b00000000  2026-12-02T09:30:00Z  Healthy"))
        #expect(!lines.contains("Conditions:"))
    }

    @Test(arguments: [
        (Samples.digest("4d0b"), "sha256:4d0b00000000"),
        ("sha256:abc", "sha256:abc"),
        ("md5:0123456789abcdef0123", "md5:0123456789abcdef0123"),
        ("", ""),
    ])
    func shortDigest(_ digest: String, _ expected: String) {
        #expect(AppDeploymentStatusReport.shortDigest(digest) == expected)
    }

    @Test(arguments: [
        ("Ready", Condition.Status.true, true), ("Ready", .false, true), ("Reconciling", .false, false),
        ("Reconciling", .true, true), ("Stalled", .false, false), ("Stalled", .true, true),
        ("RolledBack", .true, true), ("RolledBack", .false, false), ("Autoscaling", .true, false),
        ("Autoscaling", .false, true), ("DisruptionBudget", .false, true), ("IPFSBound", .unknown, true),
        ("DatabaseReady", .true, false),
    ])
    func conditionsWorthShowing(_ type: String, _ status: Condition.Status, _ shown: Bool) {
        #expect(AppDeploymentStatusReport.worthShowing(Condition(type: type, status: status)) == shown)
    }
}
