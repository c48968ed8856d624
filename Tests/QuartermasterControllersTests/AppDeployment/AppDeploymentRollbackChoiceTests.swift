import Testing

@testable import QuartermasterControllers

@Suite struct AppDeploymentRollbackChoiceTests {
    typealias Entry = AppDeploymentStatus.HistoryEntry
    typealias Refusal = AppDeploymentRollbackChoice.Refusal

    static func entry(_ revision: Int, _ outcome: Entry.Outcome) -> Entry {
        Entry(
            revision: revision, image: "ghcr.io/acme/web:\(revision)", digest: AppDeploymentCLISamples.digest("\(revision)"),
            templateHash: "0123456789abcdef", outcome: outcome)
    }

    static func status(served: Int?, _ entries: [(Int, Entry.Outcome)]) -> AppDeploymentStatus {
        AppDeploymentStatus(revision: served, history: entries.map { entry($0.0, $0.1) })
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var status: AppDeploymentStatus?
        var requested: Int?
        var expected: Result<Int, Refusal>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "the newest Healthy/Superseded below the served one, skipping a rolled-back revision",
            status: status(served: 3, [(1, .superseded), (2, .rolledBack), (3, .healthy)]), requested: nil,
            expected: .success(1)),
        Case(
            name: "Healthy counts like Superseded",
            status: status(served: 4, [(1, .superseded), (2, .superseded), (3, .healthy), (4, .deploying)]),
            requested: nil, expected: .success(3)),
        Case(
            name: "revisions above the served one are not candidates (after a manual rollback)",
            status: status(served: 2, [(1, .superseded), (2, .healthy), (3, .superseded), (4, .failed)]),
            requested: nil, expected: .success(1)),
        Case(
            name: "history order does not matter, numbers do",
            status: status(served: 5, [(3, .superseded), (1, .superseded), (5, .healthy)]), requested: nil,
            expected: .success(3)),
        Case(
            name: "only failed revisions before the served one",
            status: status(served: 3, [(1, .failed), (2, .rolledBack), (3, .healthy)]), requested: nil,
            expected: .failure(.noEarlierHealthyRevision(served: 3))),
        Case(
            name: "one revision: nothing older",
            status: status(served: 1, [(1, .healthy)]), requested: nil,
            expected: .failure(.noEarlierHealthyRevision(served: 1))),
        Case(
            name: "nothing served yet", status: status(served: nil, [(1, .deploying)]), requested: nil,
            expected: .failure(.nothingServed)),
        Case(name: "no status at all", status: nil, requested: nil, expected: .failure(.nothingServed)),
        Case(
            name: "a kept revision, whatever its outcome",
            status: status(served: 3, [(1, .superseded), (2, .rolledBack), (3, .healthy)]), requested: 2,
            expected: .success(2)),
        Case(
            name: "a newer kept revision is allowed too",
            status: status(served: 1, [(1, .healthy), (2, .superseded)]), requested: 2, expected: .success(2)),
        Case(
            name: "a revision not kept",
            status: status(served: 3, [(2, .superseded), (3, .healthy)]), requested: 1,
            expected: .failure(.notInHistory(requested: 1, kept: [2, 3]))),
        Case(
            name: "a revision with no status", status: nil, requested: 1,
            expected: .failure(.notInHistory(requested: 1, kept: []))),
    ]

    @Test(arguments: cases)
    func choose(_ c: Case) {
        #expect(AppDeploymentRollbackChoice.choose(status: c.status, requested: c.requested) == c.expected)
    }

    @Test func messages() {
        #expect(
            Refusal.notInHistory(requested: 7, kept: [1, 2, 3]).description
                == "revision 7 is not in the history (kept: 1, 2, 3)")
        #expect(Refusal.notInHistory(requested: 1, kept: []).description == "revision 1 is not in the history (the history is empty)")
        #expect(
            Refusal.noEarlierHealthyRevision(served: 1).description
                == "no Healthy or Superseded revision older than the served revision 1 to roll back to")
        #expect(Refusal.nothingServed.description == "no revision is served yet, so there is nothing to roll back from")
    }
}
