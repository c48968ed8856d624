import Foundation
import Testing

/// The libraries know no operator: no code or string literal under `Sources/KubeCore`,
/// `Sources/KubeClient`, `Sources/KubeRuntime` or `Sources/KubeBenchmark` names Quartermaster
/// (comments may). Who the operator is comes in as an `OperatorIdentity`.
@Suite struct LibraryNeutralityTests {
    static let libraries = ["KubeCore", "KubeClient", "KubeRuntime", "KubeBenchmark"]

    /// Files still allowed to name the operator, relative to `Sources/`.
    static let exclusions: Set<String> = []

    static var sourcesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
    }

    @Test func noLibraryCodeNamesTheOperator() throws {
        var checked = 0
        var offenders: [String] = []
        for library in Self.libraries {
            let directory = Self.sourcesDirectory.appendingPathComponent(library)
            let files = try #require(FileManager.default.subpaths(atPath: directory.path), "\(directory.path)")
            for file in files.sorted() where file.hasSuffix(".swift") {
                let relative = "\(library)/\(file)"
                if Self.exclusions.contains(relative) { continue }
                let text = try String(
                    contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                checked += 1
                for (number, line) in SwiftCommentStripper.strip(text).split(
                    separator: "\n", omittingEmptySubsequences: false
                ).enumerated() where line.lowercased().contains("quartermaster") {
                    offenders.append("\(relative):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(checked > 50, "the libraries' sources were found")
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }

    @Test func commentsAreStrippedAndCodeAndStringsKept() {
        let source = """
            /// Doc comment: quartermaster.
            let a = "quartermaster" // trailing quartermaster
            /* block /* nested quartermaster */ still comment */ let b = 1
            let url = "https://example.com" + "//not a comment" // comment
            let quoted = "a \\" // still a string"
            """
        let stripped = SwiftCommentStripper.strip(source)
        #expect(
            stripped.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            } == [
                "", "let a = \"quartermaster\"", "let b = 1",
                "let url = \"https://example.com\" + \"//not a comment\"", "let quoted = \"a \\\" // still a string\"",
            ])
    }

    @Test func multiLineAndRawStringsAreCode() {
        let source = "let s = \"\"\"\n  quartermaster // kept\n  \"\"\"\nlet r = #\"x \" // kept\"#"
        let stripped = SwiftCommentStripper.strip(source)
        #expect(stripped.contains("quartermaster // kept"))
        #expect(stripped.contains("#\"x \" // kept\"#"))
    }
}

/// Removes `//` and (nested) `/* */` comments from Swift source, keeping line breaks, code and
/// string literals (single-line, multi-line and raw).
enum SwiftCommentStripper {
    static func strip(_ source: String) -> String {
        let chars = Array(source)
        var out = ""
        var i = 0
        func at(_ offset: Int) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }
        while i < chars.count {
            let c = chars[i]
            if c == "/" && at(1) == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
            } else if c == "/" && at(1) == "*" {
                var depth = 0
                repeat {
                    if chars[i] == "/" && at(1) == "*" {
                        depth += 1
                        i += 2
                    } else if chars[i] == "*" && at(1) == "/" {
                        depth -= 1
                        i += 2
                    } else {
                        if chars[i] == "\n" { out.append("\n") }
                        i += 1
                    }
                } while depth > 0 && i < chars.count
            } else if c == "#" || c == "\"" {
                // A string literal: optional `#`s, then `"` or `"""`; it ends at the same quotes
                // followed by as many `#`s. Escapes count only without `#`s.
                var pounds = 0
                while at(pounds) == "#" { pounds += 1 }
                guard at(pounds) == "\"" else {
                    out.append(c)
                    i += 1
                    continue
                }
                let multiLine = at(pounds + 1) == "\"" && at(pounds + 2) == "\""
                let quotes = multiLine ? 3 : 1
                let closing = String(repeating: "\"", count: quotes) + String(repeating: "#", count: pounds)
                let opening = pounds + quotes
                out += String(chars[i..<i + opening])
                i += opening
                while i < chars.count {
                    if pounds == 0 && chars[i] == "\\" && i + 1 < chars.count {
                        out += String(chars[i...i + 1])
                        i += 2
                    } else if String(chars[i..<min(chars.count, i + closing.count)]) == closing {
                        out += closing
                        i += closing.count
                        break
                    } else {
                        out.append(chars[i])
                        i += 1
                    }
                }
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }
}
