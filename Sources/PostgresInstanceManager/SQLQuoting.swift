/// Quoting for SQL text built by the instance manager (standard_conforming_strings on, the
/// default since PostgreSQL 9.1).
public enum SQLQuoting {
    /// `'…'` with `'` doubled. NUL characters are dropped (PostgreSQL text cannot hold them).
    public static func literal(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\0", with: "").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `"…"` with `"` doubled. NUL characters are dropped.
    public static func identifier(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\0", with: "").replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
