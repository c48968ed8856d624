import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// The webhook refuses the failover and disk fields the reconciler would stall on.
@Suite struct PostgresFailoverAdmissionTests {
    @Test(arguments: [
        (#"{"instances":2,"synchronous":{"number":2}}"#, "InvalidSynchronous: spec.synchronous.number: 2 must be smaller than spec.instances (2)"),
        (#"{"synchronous":{}}"#, "InvalidSynchronous: spec.synchronous.number: 1 must be smaller than spec.instances (1)"),
        (#"{"failoverDelay":1}"#, "InvalidSpec: failoverDelay: 1 is out of range; 2 to 300"),
        (#"{"storage":{"size":"10Gi","maxSize":"5Gi"}}"#, "InvalidSpec: storage.maxSize: 5Gi is smaller than size 10Gi"),
        (#"{"parameters":{"synchronous_commit":"off"}}"#, "InvalidParameters: parameters.synchronous_commit: set by the operator"),
    ])
    func refused(spec: String, message: String) throws {
        let verdict = try PostgresInstanceAdmissionTests.verdict(spec)
        #expect(!verdict.allowed && verdict.code == 422)
        #expect(verdict.message?.contains(message) == true, "\(verdict)")
    }

    @Test func synchronousWithEnoughReplicasIsAllowed() throws {
        let spec = #"{"instances":3,"synchronous":{"number":2},"failoverDelay":30,"storage":{"size":"10Gi","maxSize":"50Gi"}}"#
        #expect(try PostgresInstanceAdmissionTests.verdict(spec).allowed)
    }
}
