import Testing

@testable import QuartermasterControllers

/// ``HostName``: what a host may be, and the schema pattern that says the same.
struct HostNameTests {
    static let acceptedHosts = [
        "a", "files.example.com", "x1.example.com", "1.2.3", "1.2.3.4.example", "a-b.c-d.example", "0.example.com", "xn--bcher-kva.example",
        String(repeating: "a", count: 63) + ".example.com",
        // 253 characters: 63 + 1 + 63 + 1 + 63 + 1 + 61.
        [String(repeating: "a", count: 63), String(repeating: "b", count: 63), String(repeating: "c", count: 63),
         String(repeating: "d", count: 61)].joined(separator: "."),
    ]

    static let refusedHosts: [(String?, HostName.Problem)] = [
        (nil, .missing),
        ("", .missing),
        ("*", .wildcard),
        ("*.example.com", .wildcard),
        ("files.*.com", .wildcard),
        ("Files.example.com", .notLowerCase),
        ("FILES", .notLowerCase),
        ("files.example.com.", .notDNSName("an empty label")),
        (".example.com", .notDNSName("an empty label")),
        ("files..example.com", .notDNSName("an empty label")),
        ("-files.example.com", .notDNSName("a label starts or ends with '-'")),
        ("files-.example.com", .notDNSName("a label starts or ends with '-'")),
        ("files_1.example.com", .notDNSName("only a-z, 0-9, '-' and '.' are allowed")),
        ("files example.com", .notDNSName("only a-z, 0-9, '-' and '.' are allowed")),
        ("fïles.example.com", .notDNSName("only a-z, 0-9, '-' and '.' are allowed")),
        (String(repeating: "a", count: 64) + ".example.com", .notDNSName("a label longer than 63 characters")),
        (Array(repeating: "abc", count: 64).joined(separator: "."), .tooLong(255)),
        ("10.0.0.1", .ipAddress),
    ]

    @Test("accepted hosts are kept as written", arguments: acceptedHosts)
    func accepted(_ host: String) throws {
        #expect(try HostName.parse(host).get().value == host)
        #expect(host.wholeMatch(of: try Regex(HostName.schemaPattern)) != nil, "the schema pattern refuses \(host)")
    }

    @Test("refused hosts, with the reason", arguments: refusedHosts)
    func refused(_ host: String?, _ problem: HostName.Problem) throws {
        #expect(throws: problem) { try HostName.parse(host).get() }
        if let host, !host.isEmpty, host.utf8.count <= HostName.maxLength, problem != .ipAddress {
            #expect(host.wholeMatch(of: try Regex(HostName.schemaPattern)) == nil, "the schema pattern accepts \(host)")
        }
    }

    @Test func everyProblemSaysWhatIsWrong() {
        for (_, problem) in Self.refusedHosts { #expect(!problem.description.isEmpty) }
        #expect(HostName.Problem.missing.description.contains("every host"))
    }
}
