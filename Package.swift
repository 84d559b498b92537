// swift-tools-version: 6.0
// Lingua: LLMLingua-2 prompt compression in Swift, with a corpus-scale batch runner.
// A thin `lingua` executable sits over one library per concern (see design.md §2).
import PackageDescription

/// Release builds of the numeric code need these to vectorise (design.md §5).
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "Lingua",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lingua", targets: ["lingua"]),
        .library(name: "Compression", targets: ["Compression"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C libraries from Debian packages (installed by `make deps`).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL",
                       providers: [.apt(["libdnnl-dev"])]),

        // Domain libraries: no CLI code, no global mutable state.
        .target(name: "Checksum", swiftSettings: fastMath),
        .target(name: "Tokenizers", dependencies: ["Checksum"], resources: [.copy("Resources")],
                swiftSettings: fastMath),
        // Encoder: optimised in debug too, or the SIMD kernels make the parity tests take ~25 s.
        .target(name: "Encoder", dependencies: ["CDNNL", "Checksum"],
                swiftSettings: fastMath + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Compression", dependencies: ["Tokenizers", "Encoder"], swiftSettings: fastMath),
        .target(name: "Corpus", dependencies: ["CZstd", "Checksum"]),
        .target(name: "Runner", dependencies: [
            "Compression", "Encoder", "Corpus", "CSQLite", "Yams", "Evaluation", "LLMClient",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Evaluation", dependencies: ["Corpus", "Tokenizers", "Checksum"], resources: [.copy("Resources")]),
        // Distillation reuses Evaluation's Porter stemmer for word normalisation.
        .target(name: "Distillation", dependencies: [
            "Corpus", "Tokenizers", "Checksum", "Runner", "LLMClient", "Evaluation",
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Resources")]),
        .target(name: "LLMClient"),
        // Training: optimised in debug too (the head's loops run over every cached feature).
        .target(name: "Training", dependencies: ["Encoder", "Tokenizers", "Corpus", "Checksum"],
                swiftSettings: fastMath + [.unsafeFlags(["-O"], .when(configuration: .debug))]),

        // Command layer and the thin executable over it.
        .target(name: "LinguaCLI", dependencies: [
            "Compression", "Runner", "Evaluation", "Distillation", "LLMClient", "Training",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "lingua", dependencies: ["LinguaCLI"]),
        .executableTarget(name: "lingua-bench", dependencies: ["Tokenizers", "Encoder", "Compression"],
                          swiftSettings: fastMath),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ChecksumTests", dependencies: ["Checksum"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "TestSupport"]),
        .testTarget(name: "EncoderTests", dependencies: ["Encoder", "TestSupport"]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "TestSupport"]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "TestSupport"]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "TestSupport", "Evaluation", "LLMClient"]),
        .testTarget(name: "LinguaCLITests", dependencies: ["LinguaCLI", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "LLMClientTests", dependencies: ["LLMClient", "TestSupport"]),
        .testTarget(name: "DistillationTests", dependencies: ["Distillation", "Corpus", "Tokenizers", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Encoder", "Tokenizers", "TestSupport"]),
    ]
)
