// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftGAP",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftgap", targets: ["swiftgap"]),
        .library(name: "SwiftGAP", targets: ["LinearAlgebra", "Atoms", "Descriptors", "GAP", "Classical", "Dynamics", "TrainingData"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .systemLibrary(name: "CLapack", path: "Sources/CLapack"),
        .target(
            name: "LinearAlgebra",
            dependencies: ["CLapack"]),
        .target(
            name: "Atoms",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .target(name: "Descriptors", dependencies: ["Atoms", "LinearAlgebra"]),
        .target(name: "GAP", dependencies: ["Atoms", "Descriptors", "LinearAlgebra"]),
        .target(name: "Classical", dependencies: ["Atoms"]),
        .target(name: "Dynamics", dependencies: ["Atoms"]),
        .target(name: "TrainingData", dependencies: ["Atoms", "Classical", "Dynamics"]),
        .executableTarget(
            name: "swiftgap",
            dependencies: [
                "Atoms", "Descriptors", "GAP", "Classical", "Dynamics", "LinearAlgebra", "TrainingData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "TestSupport", dependencies: ["Atoms"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "AtomsTests", dependencies: ["Atoms", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ClassicalTests", dependencies: ["Classical", "Atoms", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DescriptorsTests", dependencies: ["Descriptors", "Atoms", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GAPTests", dependencies: ["GAP", "Descriptors", "Classical", "Atoms", "LinearAlgebra", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DynamicsTests", dependencies: ["Dynamics", "Classical", "Atoms", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingDataTests", dependencies: ["TrainingData", "Classical", "Atoms"]),
        .testTarget(name: "SwiftGAPCLITests", dependencies: ["swiftgap", "Atoms", "GAP"]),
    ]
)

