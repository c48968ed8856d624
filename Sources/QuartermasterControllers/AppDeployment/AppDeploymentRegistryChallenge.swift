import Foundation

/// A registry's `WWW-Authenticate` challenge (RFC 7235): the scheme (`Bearer`, `Basic`) and its
/// parameters (`realm`, `service`, `scope`). Pure parsing.
///
/// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`
/// → scheme `bearer`, three parameters. Quoted values may hold commas and `\`-escapes; names
/// are lower-cased.
public struct AppDeploymentRegistryChallenge: Sendable, Hashable {
    /// Lower-cased (`bearer`, `basic`).
    public var scheme: String
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Parses the header's value; `nil` when it is empty.
    public init?(header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let schemeEnd = text.firstIndex(where: { $0 == " " }) ?? text.endIndex
        scheme = text[..<schemeEnd].lowercased()
        parameters = [:]
        var i = schemeEnd
        while i < text.endIndex {
            while i < text.endIndex, text[i] == " " || text[i] == "," { i = text.index(after: i) }
            guard i < text.endIndex, let equals = text[i...].firstIndex(of: "=") else { break }
            let name = text[i..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            i = text.index(after: equals)
            var value = ""
            if i < text.endIndex, text[i] == "\"" {
                i = text.index(after: i)
                while i < text.endIndex, text[i] != "\"" {
                    if text[i] == "\\", text.index(after: i) < text.endIndex { i = text.index(after: i) }
                    value.append(text[i])
                    i = text.index(after: i)
                }
                if i < text.endIndex { i = text.index(after: i) }
            } else {
                let end = text[i...].firstIndex(of: ",") ?? text.endIndex
                value = text[i..<end].trimmingCharacters(in: .whitespaces)
                i = end
            }
            if !name.isEmpty { parameters[name] = value }
        }
    }

    /// `realm`.
    public var realm: String? { parameters["realm"] }
}
