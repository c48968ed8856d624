import KubeClient
import KubeCore
import Testing

@testable import KubeRuntime

@Suite struct ReconcileErrorReasonTests {
    struct Unknown: Error {}

    @Test(arguments: [
        (RefusedWrite(reason: .quotaExceeded, verb: "apply", kind: "Service", namespace: "a", name: "x", code: 403, message: "exceeded quota") as any Error, "QuotaExceeded"),
        (RefusedWrite(reason: .forbidden, verb: "create", kind: "Secret", namespace: "a", name: "x", code: 403, message: "no") as any Error, "Forbidden"),
        (TerminalError("spec.size must be positive") as any Error, "Terminal"),
        (KubeAPIError.conflict("the object has been modified") as any Error, "Conflict"),
        (KubeAPIError.notFound("gone") as any Error, "NotFound"),
        (KubeAPIError.tooManyRequests("slow down", retryAfter: nil) as any Error, "TooManyRequests"),
        (KubeAPIError.other(code: 503, reason: nil, message: "unavailable") as any Error, "ServerError"),
        (KubeAPIError.other(code: 405, reason: nil, message: "method") as any Error, "Refused"),
        (TransportError.connection("refused") as any Error, "Transport"),
        (TransportError.idle(seconds: 300) as any Error, "Transport"),
        (Unknown() as any Error, "Other"),
    ])
    func reasonOfAnError(error: any Error, reason: String) {
        #expect(ReconcileErrorReason(error).rawValue == reason)
    }

    @Test func everyRefusalReasonHasItsNamesake() {
        for reason in RefusedWrite.Reason.allCases {
            #expect(ReconcileErrorReason(rawValue: reason.rawValue) != nil, "\(reason)")
        }
    }
}
