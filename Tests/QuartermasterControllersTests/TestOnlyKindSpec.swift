import Foundation
import KubeCore

/// What a ``Widget`` should be: its ConfigMap holds `message` repeated `size` times, unless
/// `suspended`.
///
/// Every field has a default (`size` 1, `message` `"hello"`, `suspended` `false`), also when
/// decoding: an absent field (or an absent `spec`) takes it, as the CRD's defaults would.
struct WidgetSpec: DefaultedCustomResourceSpec, Equatable {
    static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Widget", plural: "widgets", namespaced: true)

    /// How many lines the ConfigMap's `rendered` key holds. Default 1.
    var size: Int = 1
    /// The line rendered. Default `"hello"`.
    var message: String = "hello"
    /// Leave the ConfigMap as it is and report `Suspended`. Default `false`.
    var suspended: Bool = false

    init() {}

    init(size: Int = 1, message: String = "hello", suspended: Bool = false) {
        self.size = size
        self.message = message
        self.suspended = suspended
    }

    private enum CodingKeys: String, CodingKey { case size, message, suspended }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        size = try c.decodeIfPresent(Int.self, forKey: .size) ?? 1
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? "hello"
        suspended = try c.decodeIfPresent(Bool.self, forKey: .suspended) ?? false
    }
}
