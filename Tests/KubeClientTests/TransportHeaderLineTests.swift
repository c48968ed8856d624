import Testing

@testable import KubeClient

@Suite struct TransportHeaderLineTests {
    private func parse(_ line: String) -> HTTPHeaderLine {
        Array(line.utf8).withUnsafeBytes { HTTPHeaderLine($0) }
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n", HTTPHeaderLine.statusLine),
        ("HTTP/2 201\r\n", .statusLine),
        ("\r\n", .end),
        ("\n", .end),
        ("", .end),
        ("Content-Type: application/json\r\n", .field(name: "content-type", value: "application/json")),
        ("X-Kubernetes-PF-FlowSchema-UID:\t abc \t\r\n", .field(name: "x-kubernetes-pf-flowschema-uid", value: "abc")),
        ("Audit-Id:   \r\n", .field(name: "audit-id", value: "")),
        ("Warning: 299 - \"a: b\"\r\n", .field(name: "warning", value: "299 - \"a: b\"")),
        (" Retry-After : 3\r\n", .field(name: "retry-after", value: "3")),
        ("Location: /über\r\n", .field(name: "location", value: "/über")),
        ("no colon here\r\n", .other),
    ])
    func headerLines(line: String, expected: HTTPHeaderLine) {
        #expect(parse(line) == expected)
    }

    @Test func bytesThatAreNotUTF8AreRepairedNotFatal() {
        let bytes: [UInt8] = Array("X-Odd: ".utf8) + [0xFF, 0xFE] + Array("\r\n".utf8)
        let line = bytes.withUnsafeBytes { HTTPHeaderLine($0) }
        #expect(line == .field(name: "x-odd", value: "\u{FFFD}\u{FFFD}"))
    }
}
