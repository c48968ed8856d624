import KubeRuntime

extension AppDeploymentProblem {
    /// The problem of a write the API server refused: its class as the reason
    /// (`Forbidden`, `QuotaExceeded`, …), the refusal (object and the server's message) as the
    /// message.
    public static func refused(_ refusal: RefusedWrite) -> AppDeploymentProblem {
        AppDeploymentProblem(reason: Reason(rawValue: refusal.reason.rawValue) ?? .refused, message: refusal.description)
    }
}
