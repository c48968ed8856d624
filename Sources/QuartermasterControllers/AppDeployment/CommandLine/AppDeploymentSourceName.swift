/// The default name of a Deployment made by `quartermaster deploy REPO_URL`: the repository's
/// last path element without `.git`, as a DNS-1035 label (the Service is named after it).
///
/// Pure. `https://github.com/acme/Web_App.git` → `web-app`; `git@github.com:acme/web.git` →
/// `web`; `ssh://git@host:2222/acme/api/` → `api`; `file:///tmp/samples/node-express` →
/// `node-express`. Lower-cased; every run of characters outside `a-z0-9` becomes one `-`;
/// leading and trailing `-` dropped; `app-` put before a name that does not start with a letter;
/// at most 63 characters (cut at a `-` boundary, no trailing `-`). `nil` when nothing usable is
/// left (`https://host/`, `.git`, no path after a URL's host).
public enum AppDeploymentSourceName {
    /// The longest name: a DNS label, 63.
    public static let maxLength = 63

    public static func derive(from url: String) -> String? {
        var text = Substring(url)
        if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<query] }
        // A URL's host is not a repository: only its path counts.
        if let scheme = text.range(of: "://") {
            let afterScheme = text[scheme.upperBound...]
            text = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? ""
        }
        while text.last == "/" { text = text.dropLast() }
        // The last element after "/" (URLs, paths) or ":" (scp-like user@host:repo without a "/").
        let separator = text.lastIndex { $0 == "/" || $0 == ":" }
        var last = separator.map { text[text.index(after: $0)...] } ?? text
        if last.lowercased().hasSuffix(".git") { last = last.dropLast(4) }
        var name = ""
        for scalar in last.lowercased().unicodeScalars {
            let ok = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if ok {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, name.last != "-" {
                name.append("-")
            }
        }
        while name.last == "-" { name.removeLast() }
        guard let first = name.unicodeScalars.first else { return nil }
        if !("a"..."z").contains(first) { name = "app-" + name }
        if name.count > maxLength {
            name = String(name.prefix(maxLength))
            while name.last == "-" { name.removeLast() }
        }
        return name
    }
}
