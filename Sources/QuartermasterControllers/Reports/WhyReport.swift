import Foundation
import KubeCore

/// What `quartermaster why KIND/NAME` prints: the object and what it owns, as a tree, each
/// line with its verdict, and at the end the deepest problem of each troubled branch: the
/// causes to act on.
/// Pure: the nodes are built from objects (``node(resource:child:)``, ``node(kind:object:)``,
/// ``node(pod:)``) and rendered (``render(_:style:)``) without I/O.
public enum WhyReport {
    /// One object in the chain and what is wrong with it (`problem` `nil`: nothing).
    public struct Node: Sendable, Equatable {
        /// `Kind namespace/name`.
        public var title: String
        /// A short state (`Ready`, `Provisioning 80%`, `Pending`).
        public var state: String
        /// The reason and message of the first problem: Stalled, then Ready not True, then
        /// (pods) unscheduled, waiting containers, not ready.
        public var problem: (reason: String, message: String)?
        public var children: [Node]

        public init(title: String, state: String, problem: (reason: String, message: String)?, children: [Node] = []) {
            self.title = title
            self.state = state
            self.problem = problem
            self.children = children
        }

        public static func == (a: Node, b: Node) -> Bool {
            a.title == b.title && a.state == b.state && a.problem?.reason == b.problem?.reason
                && a.problem?.message == b.problem?.message && a.children == b.children
        }
    }

    /// A custom object's node from its conditions: `Stalled` True first, then `Ready` not True.
    public static func node<Spec: CustomResourceSpec, Status: PhasedStatus>(
        kind: String, object: CustomResource<Spec, Status>, children: [Node] = []
    ) -> Node {
        let conditions = object.status?.conditions ?? []
        let state = object.status?.phaseName ?? "no status yet"
        return Node(title: title(kind, object.metadata), state: state, problem: problem(conditions), children: children)
    }

    /// A Resource's node: its conditions, and the current stage's message when it is not done.
    public static func node(resource: Resource, children: [Node] = []) -> Node {
        var node = node(kind: "Resource", object: resource, children: children)
        if let progress = resource.status?.progress { node.state += " \(progress)%" }
        if let stage = Resource.currentStage(resource.status), stage.state != .done {
            node.state += ", stage \(stage.name.rawValue)"
            if node.problem == nil, let message = stage.message, !message.isEmpty {
                node.problem = (stage.state == .failed ? "StageFailed" : stage.name.rawValue, message)
            }
        }
        return node
    }

    /// A pod's node: unscheduled, a container waiting or terminated with an error, or not ready.
    public static func node(pod: Pod) -> Node {
        let status = pod.status
        let phase = status?.phase ?? "Unknown"
        var problem: (String, String)?
        if let unscheduled = status?.conditions?.first(where: { $0.type == "PodScheduled" && $0.status == "False" }) {
            problem = (unscheduled.reason ?? "Unschedulable", unscheduled.message ?? "")
        }
        if problem == nil, phase == "Pending", pod.spec?.nodeName == nil {
            problem = ("NotScheduled", "no node has taken the pod yet (is a scheduler running?)")
        }
        if problem == nil {
            for container in (status?.initContainerStatuses ?? []) + (status?.containerStatuses ?? []) {
                if let waiting = container.state?["waiting"], let reason = waiting["reason"]?.stringValue,
                    reason != "PodInitializing", reason != "ContainerCreating"
                {
                    problem = (reason, "container \(container.name): \(waiting["message"]?.stringValue ?? reason)")
                    break
                }
                if let last = container.lastTerminated, last.exitCode != 0 {
                    problem = (
                        last.reason ?? "Error",
                        "container \(container.name) exited \(last.exitCode)" + (last.message.map { ": \($0)" } ?? "")
                    )
                    break
                }
            }
        }
        if problem == nil, phase == "Failed" {
            problem = (status?.reason ?? "Failed", status?.message ?? "the pod failed")
        }
        if problem == nil, phase != "Succeeded", !(status?.isReady ?? false) {
            let waiting = (status?.containerStatuses ?? []).filter { !$0.ready }.map(\.name)
            problem = ("NotReady", waiting.isEmpty ? "the pod is not ready" : "containers not ready: \(waiting.joined(separator: ", "))")
        }
        return Node(title: title("Pod", pod.metadata), state: phase, problem: problem)
    }

    /// What to act on: for each branch with a problem, its deepest problem (depth first); the
    /// node itself when only it has one; none when nothing does.
    public static func causes(of node: Node) -> [Node] {
        let below = node.children.flatMap(causes(of:))
        if !below.isEmpty { return below }
        return node.problem == nil ? [] : [node]
    }

    /// The tree, then a `Cause:` line per cause (or one saying nothing is wrong).
    public static func render(_ root: Node, style: ReportStyle) -> [String] {
        let paint = ReportTable.Painter(style: style)
        var lines: [String] = []
        func line(_ node: Node) -> String {
            let verdict =
                node.problem.map { paint.paint("\($0.reason)", .red) + ($0.message.isEmpty ? "" : ": \($0.message)") }
                ?? paint.paint("ok", .green)
            return "\(paint.bold(node.title)) [\(node.state)] \(verdict)"
        }
        func walk(_ node: Node, prefix: String, isLast: Bool, isRoot: Bool) {
            lines.append(isRoot ? line(node) : prefix + (isLast ? "└─ " : "├─ ") + line(node))
            let childPrefix = isRoot ? "" : prefix + (isLast ? "   " : "│  ")
            for (index, child) in node.children.enumerated() {
                walk(child, prefix: childPrefix, isLast: index == node.children.count - 1, isRoot: false)
            }
        }
        walk(root, prefix: "", isLast: true, isRoot: true)
        lines.append("")
        let found = causes(of: root)
        if found.isEmpty {
            lines.append(paint.bold("Cause:") + " none found: \(root.title) and what it owns report no problem.")
        }
        for cause in found {
            let problem = cause.problem.map { "\($0.reason)" + ($0.message.isEmpty ? "" : ": \($0.message)") } ?? ""
            lines.append(paint.bold("Cause:") + " \(cause.title): \(problem)")
        }
        return lines.map(ReportTable.trimmed)
    }

    static func title(_ kind: String, _ metadata: ObjectMeta) -> String {
        let name = metadata.name ?? ""
        return metadata.namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
    }

    /// `Stalled` True, else `Ready` not True (missing counts), as (reason, message).
    static func problem(_ conditions: [Condition]) -> (reason: String, message: String)? {
        if let stalled = conditions.first(where: { $0.type == "Stalled" && $0.status == .true }) {
            return (stalled.reason ?? "Stalled", stalled.message ?? "")
        }
        guard let ready = conditions.first(where: { $0.type == "Ready" }) else { return ("NoStatus", "not reconciled yet") }
        guard ready.status != .true else { return nil }
        return (ready.reason ?? "NotReady", ready.message ?? "")
    }
}
