import Foundation
import Testing

@testable import QuartermasterControllers

@Suite struct PostgresPasswordTests {
    @Test func generatedPasswordsAreLongURLSafeAndDistinct() {
        let passwords = (0..<200).map { _ in PostgresPassword.generate() }
        #expect(Set(passwords).count == passwords.count)
        for p in passwords {
            #expect(p.count == 32)
            #expect(PostgresPassword.isGenerated(p))
            #expect(p.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) == p)
        }
        // Every character of the alphabet turns up in 6400 draws (each misses with p ≈ 1e-45).
        #expect(Set(passwords.joined()) == Set(PostgresPassword.alphabet))
    }

    @Test func handEditedPasswordIsNotGenerated() {
        #expect(!PostgresPassword.isGenerated("short"))
        #expect(!PostgresPassword.isGenerated(String(repeating: "a", count: 31) + "@"))
    }
}

@Suite struct PostgresConnectionSecretTests {
    let base = PostgresConnectionSecret(
        names: PostgresInstanceNames(instance: "pg"), namespace: "ns", database: "app", owner: "app",
        password: "Secr3tSecr3tSecr3tSecr3tSecr3tAB", caCertificatePEM: "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
        pooler: false)

    @Test func keysWithoutPooler() {
        let d = base.data
        #expect(d == [
            "username": "app",
            "password": "Secr3tSecr3tSecr3tSecr3tSecr3tAB",
            "host": "pg-rw.ns.svc",
            "port": "5432",
            "dbname": "app",
            "uri": "postgresql://app:Secr3tSecr3tSecr3tSecr3tSecr3tAB@pg-rw.ns.svc:5432/app?sslmode=verify-full",
            "jdbc-uri": "jdbc:postgresql://pg-rw.ns.svc:5432/app?user=app&password=Secr3tSecr3tSecr3tSecr3tSecr3tAB&sslmode=verify-full",
            "pgpass": "pg-rw.ns.svc:5432:app:app:Secr3tSecr3tSecr3tSecr3tSecr3tAB\n",
            "ca.crt": "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
        ])
        #expect(URLComponents(string: d["uri"] ?? "")?.password == "Secr3tSecr3tSecr3tSecr3tSecr3tAB")
    }

    @Test func poolerAddsItsThreeKeys() {
        var s = base
        s.pooler = true
        s.database = "orders"
        s.owner = "shop"
        let d = s.data
        #expect(d["pooler-host"] == "pg-pooler.ns.svc")
        #expect(d["pooler-uri"] == "postgresql://shop:Secr3tSecr3tSecr3tSecr3tSecr3tAB@pg-pooler.ns.svc:5432/orders?sslmode=verify-full")
        #expect(d["pooler-jdbc-uri"] == "jdbc:postgresql://pg-pooler.ns.svc:5432/orders?user=shop&password=Secr3tSecr3tSecr3tSecr3tSecr3tAB&sslmode=verify-full")
        #expect(Set(d.keys).subtracting(base.data.keys) == ["pooler-host", "pooler-uri", "pooler-jdbc-uri"])
    }
}
