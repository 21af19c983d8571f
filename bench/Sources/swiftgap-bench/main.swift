// swiftgap-bench: timing harness for SwiftGAP's neighbour list and extxyz reader.
// Each subcommand prints one JSON object on standard output; the Python drivers in bench/ parse it.
import ArgumentParser
import Atoms
import Foundation

/// Wall-clock seconds since an arbitrary origin (monotonic).
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// One JSON object on a line, keys in the given order.
func printJSON(_ fields: KeyValuePairs<String, Any>) {
    let parts = fields.map { key, value -> String in
        let v: String
        switch value {
        case let s as String: v = "\"\(s)\""
        case let d as Double: v = d.isFinite ? "\(d)" : "null"
        default: v = "\(value)"
        }
        return "\"\(key)\": \(v)"
    }
    print("{" + parts.joined(separator: ", ") + "}")
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgap-bench",
        abstract: "Timing harness for SwiftGAP (one JSON object per measurement on stdout).",
        subcommands: [Neighbors.self, ExtXYZ.self])
}

struct Neighbors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time NeighborList construction on rattled diamond Si with n×n×n cubic cells (8 n³ atoms).")

    @Option(help: "Cubic 8-atom cells per side.")
    var atomsPerSide = 11

    @Option(help: "Cutoff in Å.")
    var cutoff = 5.0

    @Option(help: "Worker threads.")
    var threads = 1

    @Option(help: "Timed repeats (the minimum is reported), after one untimed warm-up.")
    var repeats = 3

    @Flag(help: "Build a half list instead of a full one.")
    var half = false

    func run() throws {
        let n = atomsPerSide
        let structure = Crystal.diamond.structure([14], a: 5.43, cubic: true)
            .repeated(SIMD3(n, n, n)).rattled(stdev: 0.05, seed: 1)
        let kind: NeighborList.Kind = half ? .half : .full
        var pairs = try NeighborList(structure, cutoff: cutoff, kind: kind, threads: threads).pairCount
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let t0 = now()
            let list = try NeighborList(structure, cutoff: cutoff, kind: kind, threads: threads)
            best = min(best, now() - t0)
            pairs = list.pairCount
        }
        printJSON([
            "tool": "swiftgap", "atoms": structure.count, "pairs": pairs, "seconds": best,
            "threads": threads, "cutoff": cutoff, "kind": half ? "half" : "full",
        ])
    }
}

struct ExtXYZ: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extxyz",
        abstract: "Time streaming the whole file through ExtXYZReader (frames and atoms counted).")

    @Argument(help: "An extxyz file.")
    var file: String

    @Option(help: "Timed repeats (the minimum is reported).")
    var repeats = 3

    func run() throws {
        let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        var best = Double.infinity, frames = 0, atoms = 0
        for _ in 0..<max(1, repeats) {
            let t0 = now()
            let reader = try ExtXYZReader(path: file)
            var f = 0, a = 0
            while let s = try reader.next() {
                f += 1
                a += s.count
            }
            best = min(best, now() - t0)
            (frames, atoms) = (f, a)
        }
        printJSON([
            "tool": "swiftgap", "bytes": bytes, "frames": frames, "atoms": atoms, "seconds": best,
            "mb_per_s": Double(bytes) / 1e6 / best,
        ])
    }
}

Bench.main()
