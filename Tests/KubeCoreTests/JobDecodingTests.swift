import Foundation
import KubeCore
import Testing

/// A failed Job and its pod as a v1.20 API server returns them.
private enum JobSamples {
    static let failedJob = #"""
        {"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"web-build-3f2c1a9b0c1d-a1b2c3","namespace":"acme-build",
        "uid":"j1","resourceVersion":"700","labels":{"quartermaster.dev/build-step":"build"},
        "managedFields":[{"manager":"kube-controller-manager","operation":"Update"}]},
        "spec":{"parallelism":1,"completions":1,"activeDeadlineSeconds":1800,"backoffLimit":0,"ttlSecondsAfterFinished":3600,
        "selector":{"matchLabels":{"controller-uid":"j1"}},
        "template":{"metadata":{"labels":{"controller-uid":"j1","job-name":"web-build-3f2c1a9b0c1d-a1b2c3"}},
        "spec":{"containers":[{"name":"builder","image":"gcr.io/kaniko-project/executor:v1.23.2",
        "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"FallbackToLogsOnError"}],
        "restartPolicy":"Never"}}},
        "status":{"conditions":[{"type":"Failed","status":"True","lastProbeTime":"2026-12-03T10:30:00Z",
        "lastTransitionTime":"2026-12-03T10:30:00Z","reason":"DeadlineExceeded","message":"Job was active longer than specified deadline"}],
        "startTime":"2026-12-03T10:00:00Z","failed":1}}
        """#

    static let failedPod = #"""
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-build-x-abcde","namespace":"acme-build"},
        "spec":{"containers":[{"name":"builder","image":"kaniko"}],"restartPolicy":"Never"},
        "status":{"phase":"Failed","containerStatuses":[{"name":"builder","ready":false,"restartCount":0,
        "state":{"terminated":{"exitCode":1,"reason":"Error","message":"error pushing image","startedAt":"2026-12-03T10:00:05Z",
        "finishedAt":"2026-12-03T10:04:00Z","containerID":"containerd://b1"}},"lastState":{}}]}}
        """#
}

@Suite struct JobDecodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try KubeJSON.decode(T.self, from: Data(json.utf8))
    }

    @Test func failedJobDecodesSpecAndStatus() throws {
        let job = try decode(Job.self, JobSamples.failedJob)
        #expect(job.apiVersion == "batch/v1" && job.kind == "Job")
        #expect(job.spec?.backoffLimit == 0 && job.spec?.activeDeadlineSeconds == 1800)
        #expect(job.spec?.completions == 1 && job.spec?.parallelism == 1 && job.spec?.ttlSecondsAfterFinished == 3600)
        #expect(job.spec?.template.spec?.restartPolicy == "Never")
        #expect(job.spec?.template.spec?.containers.first?.terminationMessagePolicy == "FallbackToLogsOnError")
        let status = try #require(job.status)
        #expect(status.failed == 1 && status.active == nil && status.startTime == "2026-12-03T10:00:00Z")
        #expect(status.isFailed && !status.isComplete && status.isFinished)
        #expect(status.trueCondition("Failed")?.reason == "DeadlineExceeded")
    }

    @Test func jobRoundTripsThroughKubeJSON() throws {
        let job = try decode(Job.self, JobSamples.failedJob)
        let again = try KubeJSON.decode(Job.self, from: try KubeJSON.encode(job))
        #expect(again == job)
    }

    @Test func jobWithoutTypeMetaGetsDefaults() throws {
        let job = try decode(Job.self, #"{"metadata":{"name":"j"},"spec":{"template":{}}}"#)
        #expect(job.apiVersion == "batch/v1" && job.kind == "Job" && job.status == nil)
        #expect(job.status?.isFinished != true)
    }

    @Test func containerTerminationIsTyped() throws {
        let pod = try decode(Pod.self, JobSamples.failedPod)
        let cs = try #require(pod.status?.containerStatuses?.first)
        let terminated = try #require(cs.terminated)
        #expect(terminated.exitCode == 1 && terminated.reason == "Error" && terminated.message == "error pushing image")
        #expect(terminated.finishedAt == "2026-12-03T10:04:00Z" && terminated.containerID == "containerd://b1")
        #expect(cs.lastTerminated == nil)
        #expect(ContainerStateTerminated(terminated.jsonValue) == terminated)
    }

    @Test func runningContainerHasNoTermination() throws {
        let running = ContainerStatus(name: "c", ready: true, state: .object(["running": .object(["startedAt": "x"])]))
        #expect(running.terminated == nil)
        let noCode = ContainerStatus(name: "c", ready: false, state: .object(["terminated": .object(["reason": "Error"])]))
        #expect(noCode.terminated == nil)
    }
}
