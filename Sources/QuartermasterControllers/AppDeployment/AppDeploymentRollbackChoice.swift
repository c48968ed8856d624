/// Which revision `quartermaster rollback NAME [--to-revision N]` writes into
/// `spec.rollbackTo.revision`, judged from the stored status alone (pure).
///
/// - With N: N, when `status.history` keeps it (any outcome: a manual rollback may go to any
///   kept revision); otherwise ``Refusal/notInHistory(requested:kept:)``.
/// - Without N: the highest revision number below the served one (`status.revision`) whose
///   outcome is `Healthy` or `Superseded` (it ran healthy once); otherwise
///   ``Refusal/noEarlierHealthyRevision(served:)``, or ``Refusal/nothingServed`` when no
///   revision is served yet.
public enum AppDeploymentRollbackChoice {
    /// Why no revision can be chosen; `description` is the message the CLI prints.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// `--to-revision N` names a revision `status.history` does not keep.
        case notInHistory(requested: Int, kept: [Int])
        /// No revision below the served one ever ran healthy.
        case noEarlierHealthyRevision(served: Int)
        /// `status.revision` is not set (nothing rolled out yet, or no status).
        case nothingServed

        public var description: String {
            switch self {
            case .notInHistory(let requested, let kept):
                let list = kept.isEmpty ? "the history is empty" : "kept: \(kept.map(String.init).joined(separator: ", "))"
                return "revision \(requested) is not in the history (\(list))"
            case .noEarlierHealthyRevision(let served):
                return "no Healthy or Superseded revision older than the served revision \(served) to roll back to"
            case .nothingServed:
                return "no revision is served yet, so there is nothing to roll back from"
            }
        }
    }

    /// The revision to roll back to; see the type's documentation.
    public static func choose(status: AppDeploymentStatus?, requested: Int?) -> Result<Int, Refusal> {
        let history = status?.history ?? []
        if let requested {
            guard history.contains(where: { $0.revision == requested }) else {
                return .failure(.notInHistory(requested: requested, kept: Set(history.map(\.revision)).sorted()))
            }
            return .success(requested)
        }
        guard let served = status?.revision else { return .failure(.nothingServed) }
        let candidates = history.filter { entry in
            entry.revision < served && (entry.outcome == .healthy || entry.outcome == .superseded)
        }
        guard let target = candidates.map(\.revision).max() else {
            return .failure(.noEarlierHealthyRevision(served: served))
        }
        return .success(target)
    }
}
