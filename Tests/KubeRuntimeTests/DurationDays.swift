extension Duration {
    /// `n` days: certificate lifetimes in tests (a length of validity, not a wait).
    static func days(_ n: Int) -> Duration { Duration(secondsComponent: Int64(n) * 86_400, attosecondsComponent: 0) }
}
