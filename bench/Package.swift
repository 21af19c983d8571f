// swift-tools-version:6.0
// Benchmarks for SwiftGAP, kept in their own package so they never slow the main build.
// Build: swift build -c release --package-path bench
import Foundation
import PackageDescription

// SwiftPM names a path dependency after the last component of its directory, which differs
// between clones (main, swiftgap, SwiftGAP, ...), so derive the identity from this file's location.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "swiftgap-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "swiftgap-bench",
            dependencies: [
                .product(name: "SwiftGAP", package: rootIdentity),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
    ]
)
