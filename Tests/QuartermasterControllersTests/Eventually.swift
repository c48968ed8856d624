/// Polls `condition` every 50 ms until it holds, for tests that wait on controllers running
/// over the fake API server; the deadline (default 120 s) only bounds a hang, never a figure.
func eventually(_ timeout: Duration = .seconds(120), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
