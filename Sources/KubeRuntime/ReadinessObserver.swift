import KubeCore

/// Told by ``StatusWriter`` of each status write that turned an object's `Ready` condition
/// `True` (after the write succeeded; whether or not Events are recorded), e.g. to measure
/// how long objects take to become ready.
public protocol ReadinessObserver: Sendable {
    /// `object` as it was read (its status the one just replaced, `nil` before the first)
    /// became Ready with the status written.
    func becameReady<Spec: CustomResourceSpec, Status: ConditionedStatus>(_ object: CustomResource<Spec, Status>)
}
