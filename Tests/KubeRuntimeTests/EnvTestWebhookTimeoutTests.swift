import KubeTestSupport
import Testing

/// Which kubectl errors `EnvTest.kubectlThroughWebhook` repeats: only a webhook call that timed
/// out (no verdict), never a refusal or another failure.
@Suite struct EnvTestWebhookTimeoutTests {
    @Test(arguments: [
        (#"Error from server (InternalError): Internal error occurred: failed calling webhook "ipfsclusters.quartermaster.dev": Post "https://127.0.0.1:33449/validate?timeout=5s": context deadline exceeded"#, true),
        (#"Error from server (Forbidden): admission webhook "ipfsclusters.quartermaster.dev" denied the request: IngressHostConflict"#, false),
        (#"Error from server (InternalError): Internal error occurred: failed calling webhook "x": Post "https://127.0.0.1:1/validate": dial tcp 127.0.0.1:1: connect: connection refused"#, false),
        ("error: context deadline exceeded", false),
    ])
    func onlyAWebhookTimeoutIsRepeated(stderr: String, repeated: Bool) {
        #expect(EnvTest.isWebhookTimeout(stderr) == repeated)
    }
}
