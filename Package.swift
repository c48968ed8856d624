// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Quartermaster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "quartermaster", targets: ["quartermaster"]),
        .library(name: "KubeCore", targets: ["KubeCore"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "KubeRuntime", targets: ["KubeRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // libcurl, through Debian's libcurl4-openssl-dev, with inline shims for its variadic API.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL 3's TLS server API (libssl-dev, installed with libcurl4-openssl-dev) for the
        // admission webhook's HTTPS endpoint: no second TLS stack compiled.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Sans-IO: object model, JSON, resource paths, request building, API errors, CRD schemas
        // and ClusterRole manifests (rendered to YAML).
        .target(name: "KubeCore", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: strict),
        // HTTP over libcurl, kubeconfig, in-cluster config, credentials, the typed API client.
        .target(
            name: "KubeClient",
            dependencies: [
                "KubeCore", "CCurl",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Controller machinery: reflector, store, work queue, controller, leader election,
        // events, metrics, health, the admission webhook server and its certificates. Knows no
        // operator: an OperatorIdentity is passed in.
        .target(
            name: "KubeRuntime",
            dependencies: [
                "KubeCore", "KubeClient", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: strict
        ),
        // Benchmarks of the controller machinery against a real API server (memory of a
        // reflector's store, converged-reconcile writes, latency, throughput).
        .target(
            name: "KubeBenchmark",
            dependencies: [
                "KubeCore", "KubeClient", "KubeRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // `quartermaster instance`: the PostgreSQL instance manager and the PgBouncer pooler that
        // run inside a PostgresInstance's pods (initdb / pg_basebackup, configuration, the
        // supervised postgres, status, metrics). Knows the PostgresInstance only as JSON.
        .target(
            name: "PostgresInstanceManager",
            dependencies: [
                "KubeCore", "KubeClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: strict
        ),
        // From repository to image: what a source analysis finds, the report the analyse and
        // build Jobs write to their termination message, and the Dockerfile generated from an
        // analysis. Foundation only: shared by the operator and `quartermaster analyze`.
        .target(name: "SourceBuild", swiftSettings: strict),
        // Quartermaster's custom resources and their controllers.
        .target(
            name: "QuartermasterControllers",
            dependencies: [
                "KubeCore", "KubeClient", "KubeRuntime", "SourceBuild",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The thin executable.
        .executableTarget(
            name: "quartermaster",
            dependencies: [
                "KubeCore", "KubeClient", "KubeRuntime", "KubeBenchmark", "QuartermasterControllers",
                "PostgresInstanceManager", "SourceBuild",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Test support: the envtest control plane and a scripted transport.
        .target(
            name: "KubeTestSupport",
            dependencies: [
                "KubeCore", "KubeClient", "KubeRuntime", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "KubeCoreTests", dependencies: ["KubeCore"]),
        .testTarget(name: "SourceBuildTests", dependencies: ["SourceBuild"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeTestSupport"]),
        .testTarget(name: "KubeRuntimeTests", dependencies: ["KubeRuntime", "KubeTestSupport"]),
        .testTarget(name: "KubeBenchmarkTests", dependencies: ["KubeBenchmark", "KubeTestSupport"]),
        .testTarget(
            name: "QuartermasterControllersTests",
            dependencies: ["QuartermasterControllers", "KubeTestSupport", "SourceBuild"]
        ),
        .testTarget(
            name: "PostgresInstanceManagerTests",
            dependencies: ["PostgresInstanceManager", "KubeCore", "KubeClient", "KubeTestSupport"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "KubeCore", "KubeClient", "KubeRuntime", "QuartermasterControllers",
                "KubeTestSupport", "SourceBuild", "PostgresInstanceManager",
            ]
        ),
    ]
)
