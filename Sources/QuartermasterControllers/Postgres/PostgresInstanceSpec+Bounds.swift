import KubeCore

extension PostgresInstanceSpec {
    /// Values outside what the CRD schema allows, one message each (`instances: 12 is out of
    /// range; 1 to 9`), and enum values this operator does not know (``unrecognizedValues``);
    /// empty when none. The schema refuses all of them on the server; this checks again for
    /// objects stored under an older or looser schema, before any work. Pure.
    ///
    /// Parameters, pg_hba lines and identifiers are ``PostgresParameters/violations(of:)``.
    public var boundViolations: [String] {
        var problems = unrecognizedValues
        func range(_ field: String, _ value: Int, _ bounds: ClosedRange<Int>) {
            if !bounds.contains(value) {
                problems.append("\(field): \(value) is out of range; \(bounds.lowerBound) to \(bounds.upperBound)")
            }
        }
        range("instances", instances, 1...Self.maxInstances)
        range("pooler.instances", pooler.instances, 1...Self.maxInstances)
        range("pooler.maxClientConnections", pooler.maxClientConnections, 1...Pooler.maxClientConnectionsLimit)
        range("pooler.defaultPoolSize", pooler.defaultPoolSize, 1...Pooler.defaultPoolSizeLimit)
        func quantity(_ field: String, _ text: String?) {
            guard let text else { return }
            if Quantity(parsing: text) == nil { problems.append("\(field): \"\(text.prefix(64))\" is not a quantity") }
        }
        quantity("storage.size", storage.size)
        quantity("walStorage.size", walStorage?.size)
        for (part, amounts) in [("requests", resources.requests), ("limits", resources.limits)] {
            for (name, amount) in (amounts ?? [:]).sorted(by: { $0.key < $1.key }) {
                quantity("resources.\(part).\(name)", amount)
            }
        }
        range("failoverDelay", failoverDelay, Self.failoverDelayBounds)
        problems += storage.maxSizeViolations(field: "storage")
        problems += walStorage?.maxSizeViolations(field: "walStorage") ?? []
        if let image, image.isEmpty || image.count > QuartermasterSchemaNodes.imageLength {
            problems.append("image: must be 1 to \(QuartermasterSchemaNodes.imageLength) characters")
        }
        return problems
    }
}
