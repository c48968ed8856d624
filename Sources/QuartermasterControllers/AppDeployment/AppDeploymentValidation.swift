import KubeCore

/// What stops a Deployment (``AppDeployment``) before anything is created or changed (pure):
/// the contract's rules the CRD schema cannot state, bounds again for objects stored under an
/// older schema, and values this operator does not know (`InvalidSpec`), and the namespace's
/// Tenant policy (`PolicyViolation`, ``TenantEnforcement``). The admission webhook
/// (``AppDeployment/admission``) refuses the same; the reconciler reports them as `Stalled`.
///
/// `InvalidSpec` rules (``violations(of:allowFileSources:)``):
/// - exactly one of `image` and `source`; `build` only with `source`;
/// - `image` is a reference that parses (``AppDeploymentImage``, ``ImageReference``); a digest
///   is `sha256:` and 64 hex digits;
/// - `source` (``AppDeploymentSourceValidation``): a URL `https://`, `ssh://` or scp-like
///   `user@host:path` (`file://` only with `allowFileSources`, the operator's
///   `--allow-file-sources`), no password in its user information; at most one of `branch`,
///   `tag`, `commit`; `follow` only with a branch or no ref; `subPath` and
///   `build.dockerfilePath` relative without `..`; `build`'s bounds, output repository and
///   overrides;
/// - `port` 1...65535, `replicas` 0...``AppDeploymentSpec/maxReplicas``,
///   `revisionHistoryLimit` 1...``AppDeploymentSpec/maxRevisionHistoryLimit``,
///   `progressDeadlineSeconds` in ``AppDeploymentSpec/progressDeadlineBounds``;
/// - `autoscaling`: `minReplicas` ≤ `maxReplicas`, both 1...``AppDeploymentSpec/maxReplicas``,
///   target 1...100;
/// - a `ReadWriteOnce` volume (the default access mode): `replicas` ≤ 1 and no `autoscaling`;
///   its `size` a quantity, its `mountPath` absolute;
/// - `env`: no name in ``reservedEnvNames(for:)``, no variable with both `value` and
///   `valueFrom`, no name twice;
/// - `expose`: `host` a DNS name (``HostName``); `tls` and `ingressClassName` only with a
///   `host`; `tls` names a `secretName` or an `issuer`;
/// - `database.template` one of the database templates;
/// - `rollbackTo.revision` ≥ 1 (whether it is kept is the reconciler's: `UnknownRevision`);
/// - no unknown enum value (``AppDeploymentSpec/unrecognizedValues``).
public enum AppDeploymentValidation {
    /// Every problem of `deployment`, `InvalidSpec` first; empty when it may be built.
    ///
    /// - Parameter allowFileSources: accept `file://` source URLs (``ControllerSettings/allowFileSources``).
    public static func problems(
        of deployment: AppDeployment, tenant: TenantEnforcement = .unrestricted, allowFileSources: Bool = false
    ) -> [AppDeploymentProblem] {
        var problems: [AppDeploymentProblem] = []
        let invalid = violations(of: deployment.spec, allowFileSources: allowFileSources)
        if !invalid.isEmpty {
            problems.append(AppDeploymentProblem(reason: .invalidSpec, message: invalid.joined(separator: "; ")))
        }
        let violations = tenant.violations(of: deployment.spec.policySubject)
        if !violations.isEmpty {
            problems.append(
                AppDeploymentProblem(
                    reason: .policyViolation,
                    message: "breaks the policy of tenant \(tenant.tenant ?? ""): " + TenantPolicyViolation.summary(violations)))
        }
        return problems
    }

    /// Environment variable names the operator sets, refused in `spec.env`: `DATABASE_URL` with
    /// `spec.database`, `IPFS_API` and `IPFS_API_URL` with `spec.ipfs`.
    public static func reservedEnvNames(for spec: AppDeploymentSpec) -> [String] {
        (spec.database != nil ? [databaseURLVariable] : []) + (spec.ipfs != nil ? ipfsVariables : [])
    }

    /// `DATABASE_URL`.
    public static let databaseURLVariable = "DATABASE_URL"
    /// `IPFS_API` (a multiaddress) and `IPFS_API_URL` (an http URL).
    public static let ipfsVariables = ["IPFS_API", "IPFS_API_URL"]

    /// The `InvalidSpec` findings, each a sentence naming its field; empty when none.
    ///
    /// - Parameter allowFileSources: accept `file://` source URLs (``ControllerSettings/allowFileSources``).
    public static func violations(of spec: AppDeploymentSpec, allowFileSources: Bool = false) -> [String] {
        var out = spec.unrecognizedValues
        if spec.source != nil {
            if !spec.image.isEmpty {
                out.append("spec: image and source are both set; exactly one of them (an image to run, or a repository to build)")
            }
            out += AppDeploymentSourceValidation.violations(of: spec, allowFileSources: allowFileSources)
        } else {
            out += imageViolations(spec)
            if spec.build != nil { out.append("spec.build: applies to spec.source, which is not set") }
        }
        out += boundViolations(spec)
        out += volumeViolations(spec)
        out += envViolations(spec)
        out += exposeViolations(spec.expose)
        if let database = spec.database, !AppDeploymentSpec.databaseTemplates.contains(database.template) {
            out.append(
                "spec.database.template: \"\(database.template.prefix(64))\" is not a database template (\(AppDeploymentSpec.databaseTemplates.joined(separator: ", ")))")
        }
        if let ipfs = spec.ipfs, ipfs.cluster.isEmpty {
            out.append("spec.ipfs.cluster: the name of an IPFSCluster in this namespace is required")
        }
        if let target = spec.rollbackTo, target.revision < 1 {
            out.append("spec.rollbackTo.revision: \(target.revision) is not a revision (revisions start at 1)")
        }
        return out
    }

    private static func imageViolations(_ spec: AppDeploymentSpec) -> [String] {
        let image = spec.image
        if image.isEmpty { return ["spec.image: an image is required"] }
        if image.utf8.count > QuartermasterSchemaNodes.imageLength {
            return ["spec.image: \(image.utf8.count) characters; at most \(QuartermasterSchemaNodes.imageLength)"]
        }
        if AppDeploymentImage(image) == nil {
            return [
                "spec.image: \"\(image.prefix(128))\" is not an image reference (repository[:tag] or repository@sha256:<64 hex>)"
            ]
        }
        return []
    }

    private static func boundViolations(_ spec: AppDeploymentSpec) -> [String] {
        var out: [String] = []
        func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>) {
            if !range.contains(value) { out.append("spec.\(field): \(value) is outside \(range.lowerBound)...\(range.upperBound)") }
        }
        check("port", spec.port, 1...65535)
        check("replicas", spec.replicas, 0...AppDeploymentSpec.maxReplicas)
        check("revisionHistoryLimit", spec.revisionHistoryLimit, 1...AppDeploymentSpec.maxRevisionHistoryLimit)
        check("progressDeadlineSeconds", spec.progressDeadlineSeconds, AppDeploymentSpec.progressDeadlineBounds)
        if let scaling = spec.autoscaling {
            check("autoscaling.minReplicas", scaling.minReplicas, 1...AppDeploymentSpec.maxReplicas)
            check("autoscaling.maxReplicas", scaling.maxReplicas, 1...AppDeploymentSpec.maxReplicas)
            check("autoscaling.targetCPUUtilizationPercentage", scaling.targetCPUUtilizationPercentage, 1...100)
            if scaling.minReplicas > scaling.maxReplicas {
                out.append(
                    "spec.autoscaling: minReplicas \(scaling.minReplicas) is greater than maxReplicas \(scaling.maxReplicas)")
            }
        }
        if spec.env.count > AppDeploymentSpec.maxEnv { out.append("spec.env: \(spec.env.count) variables; at most \(AppDeploymentSpec.maxEnv)") }
        return out
    }

    private static func volumeViolations(_ spec: AppDeploymentSpec) -> [String] {
        guard let volume = spec.volume else { return [] }
        var out: [String] = []
        if Quantity(parsing: volume.size) == nil {
            out.append("spec.volume.size: \"\(volume.size.prefix(64))\" is not a quantity (such as 1Gi)")
        }
        if !volume.mountPath.hasPrefix("/") {
            out.append("spec.volume.mountPath: \"\(volume.mountPath.prefix(64))\" is not an absolute path")
        }
        if volume.accessMode == .readWriteOnce {
            if spec.replicas > 1 {
                out.append(
                    "spec.replicas: \(spec.replicas) with a ReadWriteOnce volume; at most 1 (or use accessMode ReadWriteMany)")
            }
            if spec.autoscaling != nil {
                out.append(
                    "spec.autoscaling: not with a ReadWriteOnce volume, which one pod at a time can use (or use accessMode ReadWriteMany)")
            }
        }
        return out
    }

    private static func envViolations(_ spec: AppDeploymentSpec) -> [String] {
        var out: [String] = []
        let reserved = Set(reservedEnvNames(for: spec))
        var seen: Set<String> = []
        for (index, variable) in spec.env.enumerated() {
            let field = "spec.env[\(index)]"
            if reserved.contains(variable.name) {
                let source = AppDeploymentValidation.databaseURLVariable == variable.name ? "spec.database" : "spec.ipfs"
                out.append("\(field).name: \(variable.name) is set by the operator because of \(source)")
            }
            if variable.value != nil && variable.valueFrom != nil {
                out.append("\(field): \(variable.name) has both value and valueFrom")
            }
            if !seen.insert(variable.name).inserted {
                out.append("\(field).name: \(variable.name.prefix(64)) is set twice")
            }
        }
        return out
    }

    private static func exposeViolations(_ expose: AppDeploymentSpec.Expose) -> [String] {
        var out: [String] = []
        if let host = expose.host {
            if case .failure(let problem) = HostName.parse(host) { out.append("spec.expose.host: \(problem)") }
        } else {
            if expose.tls != nil { out.append("spec.expose.tls: TLS applies to the Ingress, which needs spec.expose.host") }
            if expose.ingressClassName != nil {
                out.append("spec.expose.ingressClassName: applies to the Ingress, which needs spec.expose.host")
            }
        }
        if let tls = expose.tls, tls.secretName == nil, tls.issuer == nil {
            out.append("spec.expose.tls: name a secretName, an issuer, or both")
        }
        if !expose.path.hasPrefix("/") {
            out.append("spec.expose.path: \"\(expose.path.prefix(64))\" is not an absolute path")
        }
        return out
    }
}
