import KubeCore

extension IPFSClusterSpec.ResourceRequirements {
    /// A quantity of the spec that does not parse: where, relative to the requirements
    /// (`requests.cpu`).
    public struct UnparsableQuantity: Error, Equatable, Sendable {
        public var field: String
    }

    /// The requirements as a container's: every quantity parsed, empty maps left out.
    ///
    /// - Throws: ``UnparsableQuantity`` naming the first field (in name order) that does not parse.
    public func parsed() throws(UnparsableQuantity) -> ResourceRequirements {
        func quantities(_ m: [String: String]?, _ part: String) throws(UnparsableQuantity) -> [String: Quantity]? {
            guard let m, !m.isEmpty else { return nil }
            var out: [String: Quantity] = [:]
            for (k, v) in m.sorted(by: { $0.key < $1.key }) {
                guard let q = Quantity(parsing: v) else { throw UnparsableQuantity(field: "\(part).\(k)") }
                out[k] = q
            }
            return out
        }
        return ResourceRequirements(limits: try quantities(limits, "limits"), requests: try quantities(requests, "requests"))
    }
}
