import KubeCore
import KubeRuntime
import Testing

/// `StatusTransition.between(old:new:)`, row by row as its doc table states it.
@Suite struct StatusTransitionTests {
    /// One condition as a row gives it: `nil` absent, else status and reason.
    typealias Cell = (status: Condition.Status, reason: String)?

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var oldReady: Cell
        var oldStalled: Cell
        var newReady: Cell
        var newStalled: Cell
        /// `R` for becameReady, `S` for stalled, in order.
        var expected: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "Ready appears True", oldReady: nil, oldStalled: nil, newReady: (.true, "Ready"), newStalled: nil, expected: "R"),
        Row(name: "Ready False → True", oldReady: (.false, "Provisioning"), oldStalled: nil, newReady: (.true, "Ready"), newStalled: nil, expected: "R"),
        Row(name: "Ready Unknown → True", oldReady: (.unknown, "Starting"), oldStalled: nil, newReady: (.true, "Ready"), newStalled: nil, expected: "R"),
        Row(name: "Ready stays True", oldReady: (.true, "Ready"), oldStalled: nil, newReady: (.true, "Ready"), newStalled: nil, expected: ""),
        Row(name: "Ready stays True, new reason", oldReady: (.true, "A"), oldStalled: nil, newReady: (.true, "B"), newStalled: nil, expected: ""),
        Row(name: "Ready True → False", oldReady: (.true, "Ready"), oldStalled: nil, newReady: (.false, "Degraded"), newStalled: nil, expected: ""),
        Row(name: "Stalled appears True", oldReady: nil, oldStalled: nil, newReady: nil, newStalled: (.true, "InvalidSpec"), expected: "S"),
        Row(name: "Stalled False → True", oldReady: nil, oldStalled: (.false, "Ready"), newReady: nil, newStalled: (.true, "NotEmpty"), expected: "S"),
        Row(name: "Stalled Unknown → True", oldReady: nil, oldStalled: (.unknown, "X"), newReady: nil, newStalled: (.true, "X"), expected: "S"),
        Row(name: "Stalled True, reason changes", oldReady: nil, oldStalled: (.true, "InvalidSpec"), newReady: nil, newStalled: (.true, "NameConflict"), expected: "S"),
        Row(name: "Stalled True, same reason", oldReady: nil, oldStalled: (.true, "InvalidSpec"), newReady: nil, newStalled: (.true, "InvalidSpec"), expected: ""),
        Row(name: "Stalled True → False", oldReady: nil, oldStalled: (.true, "InvalidSpec"), newReady: nil, newStalled: (.false, "Ready"), expected: ""),
        Row(name: "Stalled False, reason changes", oldReady: nil, oldStalled: (.false, "A"), newReady: nil, newStalled: (.false, "B"), expected: ""),
        Row(name: "both at once: Ready first", oldReady: nil, oldStalled: nil, newReady: (.true, "Ready"), newStalled: (.true, "Odd"), expected: "RS"),
        Row(name: "neither condition", oldReady: (.true, "Ready"), oldStalled: (.true, "X"), newReady: nil, newStalled: nil, expected: ""),
        Row(name: "converged", oldReady: (.false, "RollingOut"), oldStalled: (.false, "NoProblems"), newReady: (.false, "RollingOut"), newStalled: (.false, "NoProblems"), expected: ""),
    ]

    static func conditions(ready: Cell, stalled: Cell) -> [Condition] {
        var out = [Condition(type: "Reconciling", status: .true, reason: "Other")]
        if let ready { out.append(Condition(type: "Ready", status: ready.status, reason: ready.reason, message: "r")) }
        if let stalled { out.append(Condition(type: "Stalled", status: stalled.status, reason: stalled.reason, message: "s")) }
        return out
    }

    @Test(arguments: rows)
    func transitions(_ row: Row) {
        let new = Self.conditions(ready: row.newReady, stalled: row.newStalled)
        let got = StatusTransition.between(old: Self.conditions(ready: row.oldReady, stalled: row.oldStalled), new: new)
        let expected: [StatusTransition] = row.expected.compactMap { letter in
            letter == "R"
                ? new[type: "Ready"].map(StatusTransition.becameReady) : new[type: "Stalled"].map(StatusTransition.stalled)
        }
        #expect(expected.count == row.expected.count, "the row names conditions it does not set")
        #expect(got == expected)
    }
}
