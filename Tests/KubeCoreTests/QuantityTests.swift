import Foundation
import KubeCore
import Testing

@Suite struct QuantityTests {
    @Test(arguments: [
        ("500m", "0.5"), ("2", "2"), ("1.5", "1.5"), ("1Gi", "1073741824"), ("100M", "100000000"),
        ("1e3", "1000"), ("1Ki", "1024"), ("1.5Gi", "1610612736"), ("0", "0"), ("100n", "0.0000001"),
        ("250u", "0.00025"), ("-1k", "-1000"), ("5E-3", "0.005"), ("1E", "1000000000000000000"),
        ("+3", "3"), ("0.1m", "0.0001"), ("2Ei", "2305843009213693952"),
    ])
    func parsesExactly(text: String, value: String) throws {
        let q = try #require(Quantity(parsing: text))
        #expect(q.value == Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")))
    }

    @Test(arguments: ["", "abc", "1 Gi", "1gi", "Gi", "1.2.3", "--1", "1e", "1Gix", ".", "1KiB", " 1"])
    func rejectsInvalid(text: String) {
        #expect(Quantity(parsing: text) == nil)
    }

    @Test(arguments: [
        ("500m", "500m"), ("0.5", "500m"), ("1000m", "1"), ("1Gi", "1Gi"), ("1536Mi", "1536Mi"),
        ("1.5Gi", "1536Mi"), ("1000", "1k"), ("1e3", "1k"), ("1500", "1500"), ("2000000", "2M"),
        ("1073741824", "1073741824"), ("0", "0"), ("0Gi", "0"), ("100n", "100n"), ("1.5", "1500m"),
        ("1024Ki", "1Mi"), ("1.5Ki", "1536"),
    ])
    func formatsCanonically(text: String, canonical: String) throws {
        #expect(try #require(Quantity(parsing: text)).description == canonical)
    }

    @Test func comparesAndHashesByValue() {
        let a: Quantity = "1Gi"
        let b: Quantity = "1073741824"
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(Quantity("500m") < Quantity("1"))
        #expect(Quantity("1G") < Quantity("1Gi"))
        #expect(Quantity("0.5") == Quantity("500m"))
        #expect(Quantity("2") > Quantity("1999m"))
    }

    @Test func arithmeticIsExact() {
        var q: Quantity = "100m"
        for _ in 0..<9 { q += "100m" }
        #expect(q == "1")
        #expect(Quantity("1Gi") - Quantity("512Mi") == "512Mi")
        #expect((Quantity("1Gi") - Quantity("512Mi")).description == "512Mi")
        #expect(Quantity("250m") * 4 == "1")
        #expect((Quantity("1") - Quantity("1500m")).description == "-500m")
    }

    @Test func integerAndMilliValuesRoundUp() {
        #expect(Quantity("500m").integerValue == 1)
        #expect(Quantity("1.5Gi").integerValue == 1_610_612_736)
        #expect(Quantity("500m").milliValue == 500)
        #expect(Quantity("0.1m").milliValue == 1)
        #expect(Quantity("2").milliValue == 2000)
        #expect(Quantity("10E").integerValue == nil)
    }

    @Test func codableAsString() throws {
        struct Box: Codable { var q: [String: Quantity] }
        let box = try KubeJSON.decode(Box.self, from: Data(#"{"q":{"cpu":"1.5","memory":"2Gi","n":3}}"#.utf8))
        #expect(box.q["cpu"] == "1500m")
        #expect(box.q["n"] == 3)
        let out = String(decoding: try KubeJSON.encode(box), as: UTF8.self)
        #expect(out == #"{"q":{"cpu":"1500m","memory":"2Gi","n":"3"}}"#)
        #expect(throws: DecodingError.self) {
            try KubeJSON.decode(Box.self, from: Data(#"{"q":{"cpu":"lots"}}"#.utf8))
        }
    }
}
