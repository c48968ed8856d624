import KubeCore

/// The checks of the Kubernetes Pod Security Standards ("baseline", "restricted") that the
/// modelled pod fields can break, as the admission plugin applies them to a pod template. Used
/// to assert which level a rendered pod needs; each violation is one line naming the field.
enum PodSecurityStandard: Comparable {
    case baseline, restricted

    /// Capabilities "baseline" lets a container add.
    static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    /// What `template` breaks at `level` (empty: admitted).
    static func violations(_ template: PodTemplateSpec, level: PodSecurityStandard) -> [String] {
        guard let pod = template.spec else { return ["no pod spec"] }
        var out: [String] = []
        let containers = pod.containers + (pod.initContainers ?? [])
        // Baseline.
        for (key, value) in template.metadata?.annotations ?? [:]
        where key.hasPrefix("container.apparmor.security.beta.kubernetes.io/") {
            if value != "runtime/default" && !value.hasPrefix("localhost/") { out.append("\(key): \(value)") }
        }
        if pod.securityContext?.seccompProfile?.type == "Unconfined" { out.append("pod seccompProfile Unconfined") }
        for c in containers {
            let s = c.securityContext
            if s?.privileged == true { out.append("\(c.name): privileged") }
            if s?.seccompProfile?.type == "Unconfined" { out.append("\(c.name): seccompProfile Unconfined") }
            for cap in s?.capabilities?.add ?? [] where !baselineCapabilities.contains(cap) {
                out.append("\(c.name): adds \(cap)")
            }
        }
        for v in pod.volumes ?? [] {
            let known = v.configMap != nil || v.secret != nil || v.emptyDir != nil || v.persistentVolumeClaim != nil
                || v.projected != nil || v.downwardAPI != nil
            if !known { out.append("volume \(v.name): not an allowed type") }
        }
        guard level == .restricted else { return out }
        // Restricted.
        let podNonRoot = pod.securityContext?.runAsNonRoot == true
        let podSeccomp = pod.securityContext?.seccompProfile?.type
        if pod.securityContext?.runAsUser == 0 { out.append("pod runAsUser 0") }
        for c in containers {
            let s = c.securityContext
            if s?.allowPrivilegeEscalation != false { out.append("\(c.name): allowPrivilegeEscalation not false") }
            if !(s?.runAsNonRoot == true || (podNonRoot && s?.runAsNonRoot == nil)) {
                out.append("\(c.name): runAsNonRoot not true")
            }
            if s?.runAsUser == 0 { out.append("\(c.name): runAsUser 0") }
            let seccomp = s?.seccompProfile?.type ?? podSeccomp
            if seccomp != "RuntimeDefault" && seccomp != "Localhost" { out.append("\(c.name): seccompProfile \(seccomp ?? "unset")") }
            if s?.capabilities?.drop?.contains("ALL") != true { out.append("\(c.name): does not drop ALL") }
            for cap in s?.capabilities?.add ?? [] where cap != "NET_BIND_SERVICE" { out.append("\(c.name): adds \(cap)") }
        }
        return out
    }
}
