import KubeCore
import KubeRuntime

/// Checks only the operator can make, because they need observed facts: the cluster's
/// StorageClasses and the existing StatefulSet. (The CRD schema checks everything else.)
///
/// Every problem found makes the IPFSCluster `Stalled`: the reconciler must not apply the
/// StatefulSet (and never deletes or replaces it to work around a problem) until the spec is
/// changed back.
public enum IPFSClusterValidation {
    /// One problem: a CamelCase reason (for the `Stalled` condition) and a message for people.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var reason: Reason
        public var message: String
        public init(reason: Reason, message: String) {
            self.reason = reason
            self.message = message
        }
        public var description: String { "\(reason.rawValue): \(message)" }
    }

    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// The IPFSCluster's name is too long or not a DNS-1035 label (Service names derive from it).
        case invalidName = "InvalidName"
        /// `storage.*.storageClassName` names a StorageClass that does not exist.
        case storageClassNotFound = "StorageClassNotFound"
        /// A volume is asked to be smaller than the existing StatefulSet's claim template.
        case volumeShrinkNotAllowed = "VolumeShrinkNotAllowed"
        /// Any other change of the storage (growth, class, template set): the claim templates of a
        /// StatefulSet are immutable.
        case storageChangeNotSupported = "StorageChangeNotSupported"
        /// The API and the gateway would be served by Ingresses for the same host and path.
        case ingressHostConflict = "IngressHostConflict"
        /// An exposure of type `Ingress` has no host: its Ingress rule would serve every host.
        case hostRequired = "HostRequired"
        /// An exposure's host is not a lower-case DNS name (or is a wildcard): ``HostName``.
        case invalidHost = "InvalidHost"
        /// Another object in the cluster holds the host (``HostClaims``): the first claimant
        /// wins; this one serves nothing for it until the host is free or changed.
        case hostConflict = "HostConflict"
        /// The identities Secret exists but cannot be read; keys are never regenerated over it.
        case invalidIdentitiesSecret = "InvalidIdentitiesSecret"
        /// The spec holds a value the desired objects cannot be built from.
        case invalidSpec = "InvalidSpec"
        /// An object this cluster would write exists and is controlled by another owner (or
        /// none): ``ChildNameConflict``.
        case nameConflict = "NameConflict"
        /// The name starts with a prefix the operator reserves for its own objects
        /// (``QuartermasterReservedNames``); nothing is written.
        case reservedName = "ReservedName"
        /// The spec breaks the policy of the namespace's Tenant (``TenantPolicy/violations(of:)``);
        /// the message lists every violation. Nothing is created or changed; existing objects are
        /// left as they are.
        case policyViolation = "PolicyViolation"
        /// The API server refused a write for the operator's lack of a grant (`RefusedWrite`, 403).
        case forbidden = "Forbidden"
        /// A ResourceQuota of the namespace refused a write, or the StatefulSet controller cannot
        /// create the peers' pods for quota (its `FailedCreate` Event); the message has the numbers.
        case quotaExceeded = "QuotaExceeded"
        /// An object is larger than the API server accepts (413, or refused before sending).
        case requestTooLarge = "RequestTooLarge"
        /// The API server found an object invalid (422).
        case invalid = "Invalid"
        /// The API server could not understand a request (400).
        case badRequest = "BadRequest"
        /// The API server refused a write with another 4xx status.
        case refused = "Refused"
    }

    /// The problem a refused write stands for: its class as the reason, and the object and
    /// the API server's message in full.
    public static func problem(for refusal: RefusedWrite) -> Problem {
        Problem(reason: Reason(rawValue: refusal.reason.rawValue) ?? .refused, message: refusal.description)
    }

    /// The problem that a failure of ``IPFSClusterDesiredState/compute(cluster:existingSecretData:clusterDomain:)``
    /// stands for (its message holds no secret values).
    public static func problem(for error: IPFSClusterDesiredStateError) -> Problem {
        switch error {
        case .invalidSecret: return Problem(reason: .invalidIdentitiesSecret, message: error.description)
        case .notPersisted, .invalidQuantity, .invalidScheduling: return Problem(reason: .invalidSpec, message: error.description)
        }
    }

    /// Returns every problem of `cluster`, in a stable order; empty when the spec can be applied.
    ///
    /// - Parameters:
    ///   - storageClassNames: names of the existing StorageClasses, or `nil` when unknown (the
    ///     check is then skipped).
    ///   - existingStatefulSet: the StatefulSet as observed, or `nil` when it does not exist yet.
    ///   - tenant: what the namespace's Tenant imposes; its policy's violations are one
    ///     `PolicyViolation` problem. Default: no Tenant.
    public static func validate(
        cluster: IPFSCluster, storageClassNames: Set<String>?, existingStatefulSet: StatefulSet?,
        tenant: TenantEnforcement = .unrestricted
    ) -> [Problem] {
        var problems: [Problem] = []
        let spec = cluster.spec
        if let name = cluster.metadata.name, let message = QuartermasterReservedNames.problem(name) {
            problems.append(Problem(reason: .reservedName, message: message))
        }
        if let name = cluster.metadata.name, let problem = nameProblem(name) { problems.append(problem) }
        problems += boundProblems(spec)
        // Nothing below may do work proportional to an unchecked value.
        guard problems.isEmpty else { return problems }

        // The tenant's policy first: what it refuses needs no further look.
        let violations = tenant.violations(of: spec.policySubject)
        if !violations.isEmpty {
            problems.append(
                Problem(
                    reason: .policyViolation,
                    message: "breaks the policy of tenant \(tenant.tenant ?? ""): " + TenantPolicyViolation.summary(violations)))
        }

        let volumes: [(field: String, template: String, volume: IPFSClusterSpec.Volume)] = [
            ("storage.ipfs", IPFSClusterNames.ipfsDataVolume, spec.storage.ipfs),
            ("storage.cluster", IPFSClusterNames.clusterDataVolume, spec.storage.cluster),
        ]
        if let storageClassNames {
            for v in volumes {
                if let cls = v.volume.storageClassName, !cls.isEmpty, !storageClassNames.contains(cls) {
                    problems.append(
                        Problem(
                            reason: .storageClassNotFound,
                            message: "\(v.field).storageClassName: StorageClass \"\(cls)\" does not exist"))
                }
            }
        }
        if let existingStatefulSet {
            let templates = existingStatefulSet.spec?.volumeClaimTemplates ?? []
            for v in volumes {
                problems += storageProblems(field: v.field, desired: v.volume, existing: templates.first { $0.metadata.name == v.template })
            }
        }

        problems += hostProblems(spec)
        let api = spec.exposure.api
        let gateway = spec.exposure.gateway
        if api.type == .ingress, gateway.type == .ingress, let host = api.host, api.host == gateway.host {
            problems.append(
                Problem(
                    reason: .ingressHostConflict,
                    message: "exposure.api and exposure.gateway are both Ingress for host \(host); give them different hosts"))
        }
        return problems
    }

    /// Every Ingress exposure needs a valid host (``HostName``): without one its rule would
    /// serve every host of the ingress controller.
    static func hostProblems(_ spec: IPFSClusterSpec) -> [Problem] {
        spec.httpExposures.compactMap { field, exposure in
            guard exposure.type == .ingress, case .failure(let problem) = HostName.parse(exposure.host) else { return nil }
            if problem == .missing {
                return Problem(
                    reason: .hostRequired,
                    message: "\(field).host: type Ingress needs a host (an Ingress rule without one serves every host)")
            }
            return Problem(reason: .invalidHost, message: "\(field).host: \(problem)")
        }
    }

    /// The problem of a host another object holds (``HostClaims``). The holder is named only
    /// when it is in the same namespace (the tenant's own object); otherwise the message says
    /// it is another namespace's without naming it. The claim's name (a hash of the host) lets
    /// the platform team find the holder in the operator's namespace.
    static func hostConflict(host: HostName, fields: [String], holder: HostClaimHolder, namespace: String?) -> Problem {
        let who =
            holder.namespace == namespace
            ? "\(holder.kind) \(holder.name) in this namespace" : "an object in another namespace"
        let field = fields.isEmpty ? "" : fields.joined(separator: ", ") + ": "
        return Problem(
            reason: .hostConflict,
            message: "\(field)host \(host) is held by \(who) (claim \(HostClaim.name(for: host))); "
                + "choose another host, or wait until it is released")
    }

    /// The schema's bounds, checked again for objects stored before the schema had them (or
    /// under a looser one): out of bounds, nothing is computed or applied.
    static func boundProblems(_ spec: IPFSClusterSpec) -> [Problem] {
        var problems = spec.unrecognizedValues.map { Problem(reason: .invalidSpec, message: $0) }
        let max = IPFSClusterSpec.maxReplicas
        if spec.replicas < 1 || spec.replicas > max {
            problems.append(
                Problem(reason: .invalidSpec, message: "replicas: \(spec.replicas) is out of range; 1 to \(max) peers"))
        }
        if spec.trustedPeers.count > IPFSClusterSpec.maxTrustedPeers {
            problems.append(
                Problem(
                    reason: .invalidSpec,
                    message: "trustedPeers: \(spec.trustedPeers.count) entries; at most \(IPFSClusterSpec.maxTrustedPeers)"))
        }
        for (field, value) in [("replication.min", spec.replication.min), ("replication.max", spec.replication.max)]
        where value < -1 || value > max {
            problems.append(Problem(reason: .invalidSpec, message: "\(field): \(value) is out of range; -1 to \(max)"))
        }
        return problems
    }

    static func nameProblem(_ name: String) -> Problem? {
        let max = IPFSClusterNames.maxInstanceNameLength
        if name.count > max {
            return Problem(reason: .invalidName, message: "the name must be at most \(max) characters, it has \(name.count)")
        }
        let chars = Array(name.utf8)
        let isLower = { (c: UInt8) in c >= 0x61 && c <= 0x7A }
        let isDigit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        let valid =
            !chars.isEmpty && isLower(chars[0]) && chars.allSatisfy { isLower($0) || isDigit($0) || $0 == 0x2D }
            && chars.last != 0x2D
        if !valid {
            return Problem(
                reason: .invalidName,
                message: "the name must start with a lower-case letter and hold only lower-case letters, digits and '-' (it names Services)")
        }
        return nil
    }

    static func storageProblems(field: String, desired: IPFSClusterSpec.Volume, existing: PersistentVolumeClaim?) -> [Problem] {
        guard let existing else {
            return [
                Problem(
                    reason: .storageChangeNotSupported,
                    message: "\(field): the existing StatefulSet has no matching volume claim template; "
                        + "claim templates cannot be changed")
            ]
        }
        var problems: [Problem] = []
        let existingSize = existing.spec?.resources?.requests?["storage"]
        if let size = Quantity(parsing: desired.size), let existingSize, size != existingSize {
            if size < existingSize {
                problems.append(
                    Problem(
                        reason: .volumeShrinkNotAllowed,
                        message: "\(field).size: \(desired.size) is smaller than the existing \(existingSize); volumes cannot shrink"))
            } else {
                problems.append(
                    Problem(
                        reason: .storageChangeNotSupported,
                        message: "\(field).size: \(desired.size) differs from the existing \(existingSize); "
                            + "the StatefulSet's claim templates cannot be changed (expand the claims directly)"))
            }
        }
        let existingClass = existing.spec?.storageClassName
        if desired.storageClassName != existingClass {
            problems.append(
                Problem(
                    reason: .storageChangeNotSupported,
                    message: "\(field).storageClassName: \(describe(desired.storageClassName)) differs from the existing "
                        + "\(describe(existingClass)); the StatefulSet's claim templates cannot be changed"))
        }
        return problems
    }

    private static func describe(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "the default class" }
}
