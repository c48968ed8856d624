import KubeCore

extension OperatorIdentity {
    /// An operator identity for tests of the libraries: field manager and `managed-by` label
    /// `test-operator`, annotation `test.example/applied-hash`, lease `test-operator-leader`,
    /// user agent `test-operator/0.0.0`.
    public static let testOperator = OperatorIdentity(
        name: "test-operator", version: "0.0.0", annotationDomain: "test.example")
}
