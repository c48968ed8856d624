import Foundation
import KubeCore
import Testing

@testable import KubeRuntime

@Suite struct AdmissionWebhookRouterTests {
    static func review(uid: String = "u-1", operation: String = "CREATE", object: String = #"{"metadata":{"name":"x"}}"#) -> Data {
        Data(
            """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\(uid)",
            "kind":{"group":"example.dev","version":"v1","kind":"Widget"},
            "resource":{"group":"example.dev","version":"v1","resource":"widgets"},
            "name":"x","namespace":"ns","operation":"\(operation)","userInfo":{"username":"alice"},
            "object":\(object),"oldObject":null,"dryRun":false}}
            """.utf8)
    }

    let router = AdmissionWebhookRouter(routes: [
        "/validate": { request in
            request.newObject?["metadata"]?["name"]?.stringValue == "bad"
                ? .deny("bad names are refused", reason: "Invalid", code: 422, warnings: ["w"]) : .allow()
        }
    ])

    @Test func answersTheVerdictWithTheRequestsUID() async throws {
        let allowed = await router.respond(to: WebhookHTTPRequest(method: "POST", path: "/validate", body: Self.review()))
        #expect(allowed.status == 200)
        let a = try KubeJSON.decode(AdmissionReview.self, from: allowed.body)
        #expect(a.apiVersion == "admission.k8s.io/v1" && a.kind == "AdmissionReview")
        #expect(a.response == AdmissionResponse(uid: "u-1", allowed: true))

        let denied = await router.respond(
            to: WebhookHTTPRequest(
                method: "POST", path: "/validate", headers: [HTTPHeaderField(name: "Content-Type", value: "application/json")],
                body: Self.review(uid: "u-2", object: #"{"metadata":{"name":"bad"}}"#)))
        let d = try KubeJSON.decode(AdmissionReview.self, from: denied.body)
        #expect(
            d.response
                == AdmissionResponse(
                    uid: "u-2", allowed: false,
                    status: AdmissionResponseStatus(code: 422, reason: "Invalid", message: "bad names are refused"), warnings: ["w"]))
    }

    @Test func malformedReviewsAre400NeverACrash() async throws {
        let bodies: [Data] = [
            Data(), Data("not json".utf8), Data("[]".utf8), Data(#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"a"}}"#.utf8),
            Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8),
            Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}}"#.utf8),
            Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"a","operation":7}}"#.utf8),
            Data([0xFF, 0xFE, 0x00]),
        ]
        for body in bodies {
            let r = await router.respond(to: WebhookHTTPRequest(method: "POST", path: "/validate", body: body))
            #expect(r.status == 400, "\(String(decoding: body, as: UTF8.self))")
        }
    }

    @Test func unknownPathsAndOtherMethodsAndMediaTypes() async {
        #expect(await router.respond(to: WebhookHTTPRequest(method: "POST", path: "/other", body: Self.review())).status == 404)
        #expect(await router.respond(to: WebhookHTTPRequest(method: "GET", path: "/validate")).status == 405)
        let yaml = WebhookHTTPRequest(
            method: "POST", path: "/validate", headers: [HTTPHeaderField(name: "content-type", value: "application/yaml")],
            body: Self.review())
        #expect(await router.respond(to: yaml).status == 415)
    }

    @Test func requestHeadsAreParsedAndBounded() throws {
        let raw = Array("POST /validate?timeout=10s HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nConnection: close\r\n\r\nrest".utf8)
        let end = try #require(HTTPRequestHead.endOfHead(in: raw))
        let head = try HTTPRequestHead.parse(raw[..<end])
        #expect(head.method == "POST" && head.path == "/validate")
        #expect(try head.contentLength() == 12)
        #expect(!head.keepAlive)
        let chunked = Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        #expect(throws: HTTPRequestHead.Problem.lengthRequired) { try HTTPRequestHead.parse(chunked[...]).contentLength() }
        let twoLengths = Array("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".utf8)
        #expect(throws: HTTPRequestHead.Problem.self) { try HTTPRequestHead.parse(twoLengths[...]).contentLength() }
        #expect(throws: HTTPRequestHead.Problem.self) { try HTTPRequestHead.parse(Array("GARBAGE\r\n\r\n".utf8)[...]) }
        #expect(HTTPRequestHead.endOfHead(in: Array("POST / HTTP/1.1\r\n".utf8)) == nil)
    }
}
