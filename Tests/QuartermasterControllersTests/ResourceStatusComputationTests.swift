import Foundation
import KubeCore
import KubeRuntime
import Testing

@testable import QuartermasterControllers

@Suite struct ResourceStatusComputationTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let t1 = Date(timeIntervalSince1970: 1_700_000_060)
    let t2 = Date(timeIntervalSince1970: 1_700_000_120)

    var resolved: Result<ResolvedResourceTemplate, ResourceTemplateError> {
        Result { () throws(ResourceTemplateError) in try ResourceTemplateCatalog.resolve(ResourceSpec(template: "small-storage")) }
    }

    /// An observation with everything up to and including `stage` achieved.
    func observation(through stage: ResourceStageName?) -> ResourceObservation {
        let n = stage.map { s in ResourceStageName.allCases.firstIndex(of: s)! + 1 } ?? 0
        return ResourceObservation(
            template: resolved, quota: n >= 2 ? .fits : nil, namespaceReady: n >= 2, configGenerated: n >= 3,
            childApplied: n >= 4, childReady: n >= 5, endpointPublished: n >= 6)
    }

    func states(_ s: ResourceStatus) -> [ResourceStageState] { (s.stages ?? []).map(\.state) }

    @Test func eachStageAdvancesProgressAndPhase() {
        let expected: [(ResourceStageName?, Int, ResourcePhase, [ResourceStageState])] = [
            (.initialising, 20, .pending, [.done, .inProgress, .pending, .pending, .pending, .pending]),
            (.allocating, 40, .provisioning, [.done, .done, .inProgress, .pending, .pending, .pending]),
            (.configuring, 60, .provisioning, [.done, .done, .done, .inProgress, .pending, .pending]),
            (.provisioning, 80, .provisioning, [.done, .done, .done, .done, .inProgress, .pending]),
            (.verifying, 100, .provisioning, [.done, .done, .done, .done, .done, .inProgress]),
            (.complete, 100, .ready, [.done, .done, .done, .done, .done, .done]),
        ]
        for (stage, progress, phase, stageStates) in expected {
            let s = ResourceStatusComputation.compute(observation: observation(through: stage), previous: nil, generation: 1, now: t0)
            #expect(s.progress == progress, "\(String(describing: stage))")
            #expect(s.progressText == "\(progress)%")
            #expect(s.phase == phase, "\(String(describing: stage))")
            #expect(states(s) == stageStates, "\(String(describing: stage))")
        }
    }

    @Test func freshResourceStartsAtInitialisingZero() {
        var f = observation(through: nil)
        f.template = .failure(.unknownTemplate("x", available: []))
        let failed = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(failed.progress == 0)
        #expect(failed.phase == .failed)
        #expect(failed.stages?.map(\.name) == ResourceStageName.allCases)
    }

    @Test func readyResourceHasReadyConditionAndEveryStageTimed() throws {
        let s = ResourceStatusComputation.compute(observation: observation(through: .complete), previous: nil, generation: 7, now: t0)
        let c = s.conditions ?? []
        #expect(c.isTrue("Ready"))
        #expect(!c.isTrue("Reconciling"))
        #expect(!c.isTrue("Stalled"))
        #expect(c[type: "Ready"]?.observedGeneration == 7)
        #expect(s.observedGeneration == 7)
        #expect(s.templateVersion == "small-storage@v1")
        for stage in s.stages ?? [] {
            #expect(stage.startedAt == APITimestamp.time(t0))
            #expect(stage.finishedAt == APITimestamp.time(t0))
        }
        #expect(s.stages?.last?.message == "ready; endpoint and credentials published")
    }

    @Test func timestampsAreKeptAcrossCalls() throws {
        let first = ResourceStatusComputation.compute(observation: observation(through: .configuring), previous: nil, generation: 1, now: t0)
        let second = ResourceStatusComputation.compute(observation: observation(through: .configuring), previous: first, generation: 1, now: t1)
        #expect(second == first)
        let third = ResourceStatusComputation.compute(observation: observation(through: .provisioning), previous: second, generation: 1, now: t2)
        let stages = try #require(third.stages)
        #expect(stages[0].finishedAt == APITimestamp.time(t0))
        // Provisioning started at t0 (InProgress) and finished at t2.
        #expect(stages[3].state == .done)
        #expect(stages[3].startedAt == APITimestamp.time(t0))
        #expect(stages[3].finishedAt == APITimestamp.time(t2))
        // Verifying just started.
        #expect(stages[4].state == .inProgress)
        #expect(stages[4].startedAt == APITimestamp.time(t2))
        #expect(stages[4].finishedAt == nil)
        #expect(stages[5].startedAt == nil)
        // Reconciling stays True with the current stage as reason; its transition time holds.
        let reconciling = third.conditions?[type: "Reconciling"]
        #expect(reconciling?.status == .true)
        #expect(reconciling?.reason == "Verifying")
        #expect(reconciling?.lastTransitionTime == APITimestamp.time(t0))
    }

    @Test func quotaExceededStallsAtAllocatingWithNumbers() throws {
        var f = observation(through: .initialising)
        let needs = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "large-storage")).footprint().quotaUsage
        f.quota = QuotaCheck.check(needs: needs, quota: ResourceQuotaStatus(hard: ["requests.storage": "20Gi"]))
        f.namespaceReady = true
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 2, now: t0)
        #expect(s.phase == .failed)
        #expect(s.progress == 20)
        #expect(states(s) == [.done, .failed, .pending, .pending, .pending, .pending])
        let stalled = try #require(s.conditions?[type: "Stalled"])
        #expect(stalled.status == .true)
        #expect(stalled.reason == "QuotaExceeded")
        #expect(stalled.message == "quota exceeded: requests.storage: needs 101Gi, 20Gi of 20Gi hard remains (0 used)")
        #expect(s.conditions?[type: "Ready"]?.reason == "QuotaExceeded")
        #expect(s.conditions?.isTrue("Reconciling") == false)
    }

    @Test func quotaIsNotRecheckedOnceTheChildExists() {
        var f = observation(through: .provisioning)
        f.quota = .exceeded([QuotaShortfall(resource: "requests.storage", needs: "6Gi", hard: "20Gi", used: "20Gi")])
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .provisioning)
        #expect(s.stages?[1].state == .done)
    }

    @Test func waitingForQuotaCountOrNamespace() {
        var f = observation(through: .initialising)
        f.quota = .notCounted("waiting for ResourceQuota quartermaster-tenant to be counted")
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .pending)
        #expect(s.stages?[1].message == "waiting for ResourceQuota quartermaster-tenant to be counted")
        f.quota = .fits
        let s2 = ResourceStatusComputation.compute(observation: f, previous: s, generation: 1, now: t1)
        #expect(s2.stages?[1].message == "waiting for the namespace to be ready")
        #expect(s2.stages?[1].startedAt == APITimestamp.time(t0))
    }

    @Test func invalidParametersFailInitialising() throws {
        var f = observation(through: nil)
        f.template = Result { () throws(ResourceTemplateError) in
            try ResourceTemplateCatalog.resolve(
                ResourceSpec(template: "small-storage", parameters: ResourceParameters(size: "1Ti")))
        }
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .failed)
        #expect(s.stages?[0].state == .failed)
        #expect(s.stages?[0].message == "parameters.size 1Ti is out of range for template small-storage: 1Gi to 10Gi")
        #expect(s.conditions?[type: "Stalled"]?.reason == "InvalidParameters")
        #expect(s.templateVersion == nil)
    }

    @Test func workloadFailureFailsVerifying() {
        var f = observation(through: .provisioning)
        f.childFailure = "StatefulSet acme-ipfs: pod acme-ipfs-0 CrashLoopBackOff"
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .failed)
        #expect(s.progress == 80)
        #expect(s.stages?[4].message == "workloads failed: StatefulSet acme-ipfs: pod acme-ipfs-0 CrashLoopBackOff")
        #expect(s.conditions?[type: "Stalled"]?.reason == "WorkloadFailed")
    }

    /// A child stalled for a reason its owner must act on (a host) or a refusal's reason (its
    /// pods refused for quota, a refused write) gives the Resource the same reason; any other
    /// failure reads `WorkloadFailed`.
    @Test(arguments: [
        ("HostConflict", "HostConflict"), ("HostRequired", "HostRequired"), ("InvalidHost", "InvalidHost"),
        ("QuotaExceeded", "QuotaExceeded"), ("Forbidden", "Forbidden"), ("RequestTooLarge", "RequestTooLarge"),
        ("Invalid", "Invalid"), ("StorageClassNotFound", "WorkloadFailed"), (nil, "WorkloadFailed"),
    ] as [(String?, String)])
    func aChildsReasonItsOwnerMustActOnIsTheResources(childReason: String?, expected: String) {
        var f = observation(through: .provisioning)
        f.childFailure = "StatefulSet files cannot create its pods: exceeded quota: q, requested: requests.cpu=350m"
        f.childFailureReason = childReason
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .failed)
        #expect(s.conditions?[type: "Stalled"]?.reason == expected)
        #expect(s.conditions?[type: "Stalled"]?.message == "workloads failed: \(f.childFailure ?? "")")
    }

    @Test func aRefusedChildWriteFailsProvisioningWithTheRefusal() {
        var f = observation(through: .configuring)
        f.refusal = RefusedWrite(
            reason: .requestTooLarge, verb: "apply", kind: "IPFSCluster", namespace: "acme", name: "files", code: 413,
            message: "the server has received too large of a request")
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .failed)
        #expect(states(s) == [.done, .done, .done, .failed, .pending, .pending])
        #expect(s.conditions?[type: "Stalled"]?.reason == "RequestTooLarge")
        #expect(
            s.conditions?[type: "Stalled"]?.message
                == "the API server refused to apply IPFSCluster acme/files (413): the server has received too large of a request")
        #expect(s.conditions?[type: "Ready"]?.status == .false)
    }

    @Test func readyThenUnreadyIsDegradedAndRecovers() {
        let ready = ResourceStatusComputation.compute(observation: observation(through: .complete), previous: nil, generation: 1, now: t0)
        var f = observation(through: .provisioning)
        f.childProgress = "0/1 nodes ready"
        let degraded = ResourceStatusComputation.compute(observation: f, previous: ready, generation: 1, now: t1)
        #expect(degraded.phase == .degraded)
        #expect(degraded.progress == 80)
        #expect(degraded.stages?[4].state == .inProgress)
        #expect(degraded.stages?[4].startedAt == APITimestamp.time(t1))
        #expect(degraded.stages?[4].message == "waiting for workloads to become ready: 0/1 nodes ready")
        #expect(degraded.stages?[5].state == .pending)
        #expect(degraded.conditions?[type: "Ready"]?.reason == "Degraded")
        #expect(degraded.conditions?[type: "Ready"]?.lastTransitionTime == APITimestamp.time(t1))
        let stillDegraded = ResourceStatusComputation.compute(observation: f, previous: degraded, generation: 1, now: t2)
        #expect(stillDegraded.phase == .degraded)
        let recovered = ResourceStatusComputation.compute(observation: observation(through: .complete), previous: stillDegraded, generation: 1, now: t2)
        #expect(recovered.phase == .ready)
        #expect(recovered.stages?[0].finishedAt == APITimestamp.time(t0))
        #expect(recovered.stages?[5].finishedAt == APITimestamp.time(t2))
    }

    @Test func suspendedStopsBeforeVerifying() {
        let ready = ResourceStatusComputation.compute(observation: observation(through: .complete), previous: nil, generation: 1, now: t0)
        var f = observation(through: .provisioning)
        f.suspended = true
        let s = ResourceStatusComputation.compute(observation: f, previous: ready, generation: 2, now: t1)
        #expect(s.phase == .suspended)
        #expect(s.progress == 60)
        #expect(states(s) == [.done, .done, .done, .done, .pending, .pending])
        #expect(s.stages?[4].startedAt == nil)
        #expect(s.conditions?[type: "Ready"]?.reason == "Suspended")
        #expect(s.conditions?.isTrue("Reconciling") == false)
        #expect(s.conditions?.isTrue("Stalled") == false)
        // Resuming provisions again rather than reporting Degraded.
        let resumed = ResourceStatusComputation.compute(observation: observation(through: .provisioning), previous: s, generation: 3, now: t2)
        #expect(resumed.phase == .provisioning)
    }

    @Test func deletingOverridesThePhase() {
        var f = observation(through: .complete)
        f.deleting = true
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .deleting)
        #expect(s.conditions?[type: "Reconciling"]?.reason == "Deleting")
        #expect(s.conditions?.isTrue("Ready") == false)
    }

    @Test func reconcilerOwnedFieldsAreKept() {
        let previous = ResourceStatus(
            endpoint: "http://r.acme.svc:9094", credentialsSecretRef: LocalObjectReference(name: "r-credentials"),
            childRef: ResourceChildReference(apiVersion: "quartermaster.dev/v1alpha1", kind: "IPFSCluster", name: "r"))
        let s = ResourceStatusComputation.compute(observation: observation(through: .complete), previous: previous, generation: 1, now: t0)
        #expect(s.endpoint == "http://r.acme.svc:9094")
        #expect(s.credentialsSecretRef?.name == "r-credentials")
        #expect(s.childRef?.kind == "IPFSCluster")
    }

    @Test func statusEncodesStagesAsTheSchemaExpects() throws {
        let s = ResourceStatusComputation.compute(observation: observation(through: .initialising), previous: nil, generation: 1, now: t0)
        let stage = try #require(s.stages?[2])
        let json = try #require(String(data: try KubeJSON.encode(stage), encoding: .utf8))
        #expect(json == #"{"name":"Configuring","state":"Pending"}"#)
    }

    @Test(arguments: [QuotaCheckResult.fits, .exceeded([QuotaShortfall(resource: "requests.storage", needs: "6Gi", hard: "20Gi", used: "20Gi")])])
    func aNameConflictStallsAtAllocatingNamingTheObjectAndItsOwner(quota: QuotaCheckResult) throws {
        var f = observation(through: .initialising)
        f.quota = quota
        f.namespaceReady = true
        f.conflict = ChildNameConflict(kind: "IPFSCluster", name: "files", controller: "Deployment/mine")
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 3, now: t0)
        #expect(s.phase == .failed)
        #expect(s.progress == 20)
        #expect(states(s) == [.done, .failed, .pending, .pending, .pending, .pending])
        let stalled = try #require(s.conditions?[type: "Stalled"])
        #expect(stalled.status == .true && stalled.reason == "NameConflict")
        #expect(stalled.message?.contains("IPFSCluster files already exists and belongs to Deployment/mine") == true)
        #expect(stalled.observedGeneration == 3)
        #expect(s.conditions?[type: "Ready"]?.reason == "NameConflict")

        // Nobody's object: the message says so.
        f.conflict = ChildNameConflict(kind: "IPFSCluster", name: "files", controller: nil)
        let unowned = ResourceStatusComputation.compute(observation: f, previous: s, generation: 3, now: t1)
        #expect(unowned.conditions?[type: "Stalled"]?.message?.contains("was not created by Quartermaster") == true)
        // The name freed: the Resource goes on.
        f.conflict = nil
        f.quota = .fits
        let freed = ResourceStatusComputation.compute(observation: f, previous: unowned, generation: 3, now: t1)
        #expect(freed.phase == .provisioning)
        #expect(freed.conditions?.isTrue("Stalled") == false)
    }

    /// The Resource's `Suspended` Event is keyed on the `Ready` reason `Suspended`: no other
    /// phase may give its `Ready` condition that reason.
    @Test func onlyASuspendedResourceHasTheReadyReasonSuspended() {
        var observations: [ResourceObservation] = ResourceStageName.allCases.map { observation(through: $0) } + [observation(through: nil)]
        var deleting = observation(through: .provisioning)
        deleting.deleting = true
        var failedChild = observation(through: .provisioning)
        failedChild.childFailure = "bad image"
        var conflict = observation(through: .initialising)
        conflict.conflict = ChildNameConflict(kind: "IPFSCluster", name: "files", controller: nil)
        observations += [deleting, failedChild, conflict]
        for o in observations {
            for previousPhase in [nil, ResourcePhase.ready] {
                let previous = previousPhase.map { ResourceStatus(phase: $0) }
                var suspended = o
                suspended.suspended = true
                let s = ResourceStatusComputation.compute(observation: o, previous: previous, generation: 1, now: t0)
                let t = ResourceStatusComputation.compute(observation: suspended, previous: previous, generation: 1, now: t0)
                #expect(s.phase != .suspended)
                #expect(s.conditions?[type: "Ready"]?.reason != ResourceStatusComputation.suspendedReason, "\(String(describing: s.phase))")
                #expect(
                    (t.phase == .suspended) == (t.conditions?[type: "Ready"]?.reason == ResourceStatusComputation.suspendedReason),
                    "\(String(describing: t.phase))")
            }
        }
    }
}

/// A Resource refused for its name or its tenant's policy stalls at Allocating with that reason.
@Suite struct ResourcePolicyStatusTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static let rows: [(name: String, reserved: String?, violations: [TenantPolicyViolation], conflict: Bool, reason: String)] = [
        ("reserved name", "the name is reserved", [], false, "ReservedName"),
        ("policy", nil, [.init(field: "spec.tolerations[0]", message: "not allowed")], false, "PolicyViolation"),
        ("reserved name wins", "the name is reserved", [.init(field: "spec.images.kubo", message: "not allowed")], true, "ReservedName"),
        ("policy before a name conflict", nil, [.init(field: "spec.images.kubo", message: "not allowed")], true, "PolicyViolation"),
    ]

    @Test(arguments: rows.indices)
    func refusalsStallAtAllocatingWithTheirReason(index: Int) throws {
        let row = Self.rows[index]
        let resolved = Result { () throws(ResourceTemplateError) in
            try ResourceTemplateCatalog.resolve(ResourceSpec(template: "small-storage"))
        }
        var f = ResourceObservation(
            template: resolved, quota: .fits, namespaceReady: true, reservedName: row.reserved, policyViolations: row.violations)
        if row.conflict {
            f.conflict = ChildNameConflict(kind: "IPFSCluster", name: "x", controller: nil)
        }
        let s = ResourceStatusComputation.compute(observation: f, previous: nil, generation: 1, now: t0)
        #expect(s.phase == .failed, "\(row.name)")
        #expect(s.stages?.map(\.state) == [.done, .failed, .pending, .pending, .pending, .pending])
        let stalled = try #require(s.conditions?[type: "Stalled"])
        #expect(stalled.status == .true)
        #expect(stalled.reason == row.reason, "\(row.name)")
        if row.reason == "PolicyViolation" {
            #expect(stalled.message?.hasPrefix("the tenant's policy refuses it: spec.") == true)
        }
    }
}
