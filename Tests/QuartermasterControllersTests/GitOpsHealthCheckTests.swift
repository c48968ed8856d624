import Foundation
import KubeClient
import Testing
import Yams

@testable import QuartermasterControllers

/// The Argo CD health check gitops/argocd/health.lua, run under a real Lua 5.1 interpreter
/// against every case in each kind's health_test.yaml, plus consistency checks of the generated
/// argocd-cm patch and Flux example.
@Suite struct GitOpsHealthCheckTests {
    static let kinds = QuartermasterKinds.all.map(\.resource.kind)

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func kindDirectory(_ kind: String) -> URL {
        repositoryRoot.appendingPathComponent("gitops/argocd/quartermaster.dev/\(kind)")
    }

    /// argo-cd's resource_customizations health_test.yaml.
    struct HealthTestFile: Decodable {
        struct Expected: Decodable {
            let status: String
            let message: String
        }
        struct Case: Decodable {
            let healthStatus: Expected
            let inputPath: String
        }
        let tests: [Case]
    }

    static func loadCases(_ kind: String) throws -> [HealthTestFile.Case] {
        let url = kindDirectory(kind).appendingPathComponent("health_test.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try YAMLDecoder().decode(HealthTestFile.self, from: text).tests
    }

    @Test(
        .enabled(
            if: GitOpsLuaHealthRunner.isInterpreterAvailable,
            "SKIPPED: /usr/bin/lua5.1 not found; install Debian's lua5.1 to run the Argo CD health checks"),
        arguments: kinds)
    func healthCheckGivesTheExpectedStatusForEveryCase(kind: String) async throws {
        let cases = try Self.loadCases(kind)
        #expect(!cases.isEmpty)
        let script = Self.repositoryRoot.appendingPathComponent(ArgoCDHealthPatch.scriptPath)
        let runner = GitOpsLuaHealthRunner()
        for testCase in cases {
            let input = Self.kindDirectory(kind).appendingPathComponent(testCase.inputPath)
            let object = try String(contentsOf: input, encoding: .utf8)
            let actual = try await runner.evaluate(script: script, objectYAML: object)
            let expected = GitOpsLuaHealthRunner.HealthStatus(
                status: testCase.healthStatus.status, message: testCase.healthStatus.message)
            #expect(actual == expected, "\(kind) \(testCase.inputPath)")
        }
    }

    /// The states the issue asks every kind to be tested in (Suspended only where the kind can
    /// be suspended).
    @Test(arguments: kinds)
    func testCasesCoverEveryRequiredState(kind: String) async throws {
        let cases = try Self.loadCases(kind)
        let declaration = try #require(QuartermasterKinds.all.first { $0.resource.kind == kind })
        var required: [String: String] = [
            "testdata/healthy.yaml": "Healthy",
            "testdata/progressing-generation-behind.yaml": "Progressing",
            "testdata/progressing-reconciling.yaml": "Progressing",
            "testdata/progressing-no-status.yaml": "Progressing",
            "testdata/degraded-stalled.yaml": "Degraded",
        ]
        if declaration.health.canBeSuspended { required["testdata/suspended.yaml"] = "Suspended" }
        let declared = Dictionary(
            cases.map { ($0.inputPath, $0.healthStatus.status) }, uniquingKeysWith: { first, _ in first })
        for (path, status) in required {
            #expect(declared[path] == status, "\(kind): \(path) should expect \(status)")
        }
    }

    /// One health check for every kind: no per-kind copies that Argo CD users could mistake
    /// for the ones in the patch.
    @Test(arguments: kinds)
    func noKindHasAHealthScriptOfItsOwn(kind: String) {
        let copy = Self.kindDirectory(kind).appendingPathComponent("health.lua")
        #expect(!FileManager.default.fileExists(atPath: copy.path), "\(copy.path): the shared script is \(ArgoCDHealthPatch.scriptPath)")
    }

    @Test func argoCDConfigMapPatchEmbedsTheHealthCheckVerbatimForEveryKind() async throws {
        let url = Self.repositoryRoot.appendingPathComponent(ArgoCDHealthPatch.path)
        let patch = try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any]
        let data = try #require(patch?["data"] as? [String: String])
        #expect(data.count == Self.kinds.count)
        let script = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent(ArgoCDHealthPatch.scriptPath), encoding: .utf8)
        for kind in Self.kinds {
            #expect(
                data["resource.customizations.health.quartermaster.dev_\(kind)"] == script,
                "argocd-cm-patch.yaml is stale for \(kind): run hack/generate.sh")
        }
    }

    @Test func fluxKustomizationHasHealthExpressionsForEveryKind() async throws {
        let url = Self.repositoryRoot.appendingPathComponent("gitops/flux/quartermaster-kustomization.yaml")
        let documents = try Yams.load_all(yaml: String(contentsOf: url, encoding: .utf8))
        var expressionsByKind: [String: [String: Any]] = [:]
        for case let document as [String: Any] in documents {
            guard document["kind"] as? String == "Kustomization",
                let spec = document["spec"] as? [String: Any],
                let expressions = spec["healthCheckExprs"] as? [[String: Any]]
            else { continue }
            #expect(spec["wait"] as? Bool == true || spec["healthChecks"] != nil)
            for expression in expressions {
                if let kind = expression["kind"] as? String { expressionsByKind[kind] = expression }
            }
        }
        for kind in Self.kinds {
            let expression = try #require(expressionsByKind[kind], "no healthCheckExprs for \(kind)")
            #expect(expression["apiVersion"] as? String == "quartermaster.dev/v1alpha1")
            for field in ["current", "inProgress", "failed"] {
                let cel = expression[field] as? String ?? ""
                #expect(!cel.isEmpty, "\(kind).\(field)")
            }
        }
    }

    @Test(
        .enabled(
            if: GitOpsLuaHealthRunner.isInterpreterAvailable,
            "SKIPPED: /usr/bin/lua5.1 not found; install Debian's lua5.1 to check the Lua table literal"))
    func luaTableLiteralPreservesStringsAndScalarTypes() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-lua-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A "health check" that echoes what it saw, to prove the object arrives intact.
        let echo = directory.appendingPathComponent("echo.lua")
        try """
            local hs = {}
            hs.status = type(obj.a) .. "," .. type(obj.b) .. "," .. type(obj.c) .. "," .. type(obj.d)
                .. "," .. type(obj.e) .. "," .. tostring(obj.b + 1) .. "," .. tostring(#obj.list)
            hs.message = obj.a
            return hs
            """.write(to: echo, atomically: true, encoding: .utf8)
        let yaml = """
            a: "quote \\" backslash \\\\ newline \\n tab \\t ünïcødé ]] end"
            b: 41
            c: true
            d: ~
            e: "42"
            list: [1, two, {x: 3}]
            """
        let result = try await GitOpsLuaHealthRunner().evaluate(script: echo, objectYAML: yaml)
        #expect(result.status == "string,number,boolean,nil,string,42,3")
        #expect(result.message == "quote \" backslash \\ newline \n tab \t ünïcødé ]] end")
    }
}

/// The Flux healthCheckExprs, evaluated the way kustomize-controller does (hack/flux-health.py
/// over Google's CEL C++ implementation) against the same test objects as the Argo CD checks.
@Suite struct GitOpsFluxHealthExpressionTests {
    static let celAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import cel_expr_python, yaml"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    struct FluxResult: Decodable {
        let path: String
        let status: String
        let error: String?
    }

    /// What Flux must report for an object whose Argo CD health is `argoStatus`. Flux has no
    /// Suspended (a paused object counts as Current); it reports InProgress on its own whenever
    /// status.observedGeneration differs from metadata.generation; and an object without any
    /// status makes the expressions fail to evaluate, which Flux treats as "keep waiting".
    static func expectedFluxStatus(argoStatus: String, object: [String: Any]) -> String {
        let metadata = object["metadata"] as? [String: Any]
        guard let status = object["status"] as? [String: Any] else { return "Error" }
        if let observed = status["observedGeneration"] as? Int, let generation = metadata?["generation"] as? Int,
            observed != generation
        {
            return "InProgress"
        }
        switch argoStatus {
        case "Healthy", "Suspended": return "Current"
        case "Degraded": return "Failed"
        default: return "InProgress"
        }
    }

    @Test(
        .enabled(
            if: celAvailable,
            "SKIPPED: Python packages cel-expr-python and pyyaml are missing; pip install cel-expr-python"),
        arguments: GitOpsHealthCheckTests.kinds)
    func fluxExpressionsAgreeWithTheArgoCDCases(kind: String) async throws {
        let cases = try GitOpsHealthCheckTests.loadCases(kind)
        let directory = GitOpsHealthCheckTests.kindDirectory(kind)
        let root = GitOpsHealthCheckTests.repositoryRoot
        let arguments = ["python3", root.appendingPathComponent("hack/flux-health.py").path,
                         root.appendingPathComponent("gitops/flux/quartermaster-kustomization.yaml").path]
            + cases.map { directory.appendingPathComponent($0.inputPath).path }
        // The Python run takes a second or two: on a thread of its own, not a pool thread.
        let (status, output) = try await BlockingWork.run { () throws -> (Int32, Data) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let stdout = Pipe()
            process.standardOutput = stdout
            try process.run()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
        #expect(status == 0)
        let results = try output.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(FluxResult.self, from: Data($0))
        }
        try #require(results.count == cases.count)
        for (testCase, result) in zip(cases, results) {
            let text = try String(contentsOf: directory.appendingPathComponent(testCase.inputPath), encoding: .utf8)
            let object = try #require(try Yams.load(yaml: text) as? [String: Any])
            let expected = Self.expectedFluxStatus(argoStatus: testCase.healthStatus.status, object: object)
            #expect(result.status == expected, "\(kind) \(testCase.inputPath): \(result.error ?? "")")
        }
    }
}
