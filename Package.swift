// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "SwiftGAP",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftgap", targets: ["swiftgap"]),
        // The C ABI the Python package loads (libSwiftGAPC.so).
        .library(name: "SwiftGAPC", type: .dynamic, targets: ["CAPI"]),
        .library(
            name: "SwiftGAP",
            targets: [
                "Support", "Archive", "LinearAlgebra", "Atoms", "Descriptors", "GAP", "Classical", "Dynamics",
                "Evaluation", "TrainingData", "Interop", "Learning", "Tuning"
            ])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0")
    ],
    targets: [
        .systemLibrary(name: "CLapack", path: "Sources/CLapack"),
        .systemLibrary(name: "OpenMPI", path: "Sources/OpenMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CMPI", dependencies: ["OpenMPI"]),
        .target(name: "Distributed", dependencies: ["CMPI", "Support"]),
        .target(name: "Support"),
        .target(name: "Archive", dependencies: ["Support"]),
        .target(name: "LinearAlgebra", dependencies: ["CLapack"]),
        .target(
            name: "Atoms",
            dependencies: ["Support", .product(name: "OrderedCollections", package: "swift-collections")]),
        .target(name: "CShuffles"),
        .target(name: "Descriptors", dependencies: ["Support", "Atoms", "LinearAlgebra", "CShuffles"]),
        .target(
            name: "GAP", dependencies: ["Support", "Archive", "Atoms", "Classical", "Descriptors", "Evaluation", "LinearAlgebra"]),
        .target(name: "Classical", dependencies: ["Atoms"]),
        .target(name: "Dynamics", dependencies: ["Support", "Atoms"]),
        .target(name: "Evaluation", dependencies: ["Atoms", "Support"]),
        .target(
            name: "Learning", dependencies: ["Support", "Atoms", "Dynamics", "Evaluation", "GAP", "LinearAlgebra"]),
        .target(name: "Tuning", dependencies: ["Atoms", "Evaluation", "GAP", "Support"]),
        .target(name: "TrainingData", dependencies: ["Support", "Atoms", "Classical", "Dynamics"]),
        .target(
            name: "Interop",
            dependencies: [
                "GAP", "Classical", "Atoms", "Descriptors", "LinearAlgebra", "Support"
            ]),
        .target(
            name: "CAPI", dependencies: ["Support", "Atoms", "Descriptors", "GAP", "Interop", "LinearAlgebra"],
            exclude: ["swiftgap.h"]),
        .executableTarget(
            name: "swiftgap",
            dependencies: [
                "Support", "Archive", "Atoms", "Descriptors", "Distributed", "GAP", "Classical", "Dynamics", "Evaluation",
                "Interop", "Learning", "LinearAlgebra", "TrainingData", "Tuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        .target(name: "TestSupport", dependencies: ["Support", "Atoms"], path: "Tests/TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Support", "TestSupport"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "Support", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AtomsTests", dependencies: ["Atoms", "Support", "Evaluation", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ClassicalTests", dependencies: ["Classical", "Atoms", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "DescriptorsTests", dependencies: ["Descriptors", "Atoms", "Support", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "GAPTests",
            dependencies: [
                "GAP", "Descriptors", "Classical", "Atoms", "Archive", "Evaluation", "Support", "LinearAlgebra",
                "TestSupport", "TrainingData"
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "DynamicsTests", dependencies: ["Dynamics", "Classical", "Atoms", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "InteropTests", dependencies: ["Interop", "GAP", "Classical", "Atoms", "Support", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "LearningTests", dependencies: ["Learning", "GAP", "Classical", "Atoms", "TrainingData", "TestSupport"]),
        .testTarget(name: "TuningTests", dependencies: ["Tuning", "GAP", "Classical", "Atoms", "TrainingData", "TestSupport"]),
        .testTarget(name: "TrainingDataTests", dependencies: ["TrainingData", "Classical", "Atoms"]),
        .testTarget(name: "CAPITests", dependencies: ["CAPI", "Atoms", "Descriptors", "GAP", "Interop", "TestSupport"]),
        .testTarget(name: "SwiftGAPCLITests", dependencies: ["swiftgap", "Atoms", "Archive", "GAP", "Interop", "TestSupport"])
    ]
)

// libFuzzer targets (fuzz/): added only when SWIFTGAP_FUZZ is set, because they link libFuzzer's own `main`
// and build with `-sanitize=fuzzer` (see `make fuzz`).
if Context.environment["SWIFTGAP_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzDriver", path: "fuzz/Sources/FuzzDriver"),
        .executableTarget(name: "FuzzExtXYZ", dependencies: ["Atoms", "FuzzDriver"], path: "fuzz/Sources/FuzzExtXYZ"),
        .executableTarget(
            name: "FuzzPotential", dependencies: ["GAP", "Archive", "Atoms", "Evaluation", "FuzzDriver"],
            path: "fuzz/Sources/FuzzPotential"),
        .executableTarget(
            name: "FuzzGapFitCommandLine", dependencies: ["Interop", "FuzzDriver"],
            path: "fuzz/Sources/FuzzGapFitCommandLine"),
        .executableTarget(
            name: "FuzzDescriptorSettings", dependencies: ["CAPI", "FuzzDriver"], path: "fuzz/Sources/FuzzDescriptorSettings"),
        .executableTarget(
            name: "FuzzGapXML", dependencies: ["Interop", "Atoms", "Evaluation", "FuzzDriver"], path: "fuzz/Sources/FuzzGapXML"),
        .executableTarget(
            name: "FuzzPairTable", dependencies: ["Classical", "Atoms", "FuzzDriver"], path: "fuzz/Sources/FuzzPairTable"),
        .executableTarget(
            name: "FuzzFitSettings", dependencies: ["Tuning", "FuzzDriver"], path: "fuzz/Sources/FuzzFitSettings"),
        .executableTarget(
            name: "FuzzIPIMessage", dependencies: ["Interop", "Classical", "Atoms", "FuzzDriver"],
            path: "fuzz/Sources/FuzzIPIMessage")
    ]
}

// Every target is compiled for the CPU of the machine that builds it (its AVX2 or AVX-512 units: the descriptor
// loops run up to twice as fast as for a baseline x86-64), with fused multiply-adds in the descriptor kernels when
// that CPU has them (SWIFTGAP_FMA: for any other target `fma` would be a library call). SWIFTGAP_PORTABLE=1 builds
// for any CPU of the architecture instead, for a library or binary copied to other machines (in a fresh build
// folder: SwiftPM does not rebuild when only the environment changes).
if Context.environment["SWIFTGAP_PORTABLE"] == nil {
    let fused: [SwiftSetting] = buildMachineHasFusedMultiplyAdd() ? [.define("SWIFTGAP_FMA")] : []
    for target in package.targets where target.type != .system {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-target-cpu", "native"])] + fused
    }
}

/// Whether the CPU building the package has fused multiply-add instructions: every 64-bit ARM; an x86-64 whose
/// /proc/cpuinfo lists `fma` (elsewhere, as on an Intel Mac, the kernels keep a multiply and an add).
func buildMachineHasFusedMultiplyAdd() -> Bool {
    #if arch(arm64)
        return true
    #else
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return info.split(separator: "\n").contains { line in
            line.hasPrefix("flags") && line.split(separator: " ").contains("fma")
        }
    #endif
}
