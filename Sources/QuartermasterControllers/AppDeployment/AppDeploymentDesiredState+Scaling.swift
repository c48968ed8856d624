import KubeCore

/// The HorizontalPodAutoscaler and the PodDisruptionBudget, each only where the server serves
/// its API version (``AppDeploymentContext/ServedAPIs``; the status says why there is none).
extension AppDeploymentDesiredState.Renderer {
    /// autoscaling/v2 HPA `<name>` on the apps/v1 Deployment: `minReplicas` to `maxReplicas`,
    /// holding average CPU utilization at `targetCPUUtilizationPercentage` of the requests. `nil` without `spec.autoscaling`, where autoscaling/v2 is
    /// not served, and while suspended.
    func horizontalPodAutoscaler() -> HorizontalPodAutoscaler? {
        guard autoscaled, let autoscaling = spec.autoscaling else { return nil }
        return HorizontalPodAutoscaler(
            metadata: metadata(names.horizontalPodAutoscaler),
            spec: HorizontalPodAutoscalerSpec(
                scaleTargetRef: CrossVersionObjectReference(to: Deployment.resource, name: names.deployment),
                minReplicas: baseReplicas, maxReplicas: maxReplicas,
                metrics: [.averageUtilization(of: "cpu", percent: autoscaling.targetCPUUtilizationPercentage)]))
    }

    /// policy/v1 PDB `<name>`, `minAvailable: 1`, when more than one replica runs at the least
    /// (`replicas`, or `autoscaling.minReplicas`). `nil` otherwise, where policy/v1 is not
    /// served, and while suspended.
    func podDisruptionBudget() -> PodDisruptionBudget? {
        guard context.servedAPIs.policyV1, !suspended, baseReplicas > 1 else { return nil }
        return PodDisruptionBudget(
            metadata: metadata(names.podDisruptionBudget),
            spec: PodDisruptionBudgetSpec(minAvailable: .int(1), selector: LabelSelector(matchLabels: selector)))
    }
}
