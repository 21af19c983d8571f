// swiftgap-bench: timing harness for SwiftGAP's neighbor list, extxyz reader and SOAP descriptors.
// Each subcommand prints one JSON object on standard output; the Python drivers in bench/ parse it.
import ArgumentParser
import Atoms
import Descriptors
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
        subcommands: [Neighbors.self, ExtXYZ.self, SOAPBench.self])
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
            "threads": threads, "cutoff": cutoff, "kind": half ? "half" : "full"
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
            "mb_per_s": Double(bytes) / 1e6 / best
        ])
    }
}

struct SOAPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soap",
        abstract: "Time SOAP descriptors (cutoff 5 Å, n_max 8, l_max 6, atom_sigma 0.5) of every frame of an extxyz file.")

    enum LayoutOption: String, ExpressibleByArgument, CaseIterable {
        case quip, dscribe
    }

    @Argument(help: "An extxyz file (all its frames are described in one call).")
    var file: String

    @Option(help: "quip: QUIP/GAP definition (species_Z in the given order); dscribe: DScribe definition.")
    var layout: LayoutOption = .quip

    @Option(help: "Comma-separated atomic numbers of the species channels, e.g. 1,8.")
    var species: String = "14"

    @Option(help: "Worker threads.")
    var threads = 1

    @Option(help: "Timed repeats (the minimum is reported), after one untimed warm-up.")
    var repeats = 3

    @Flag(help: "Time descriptors plus position derivatives instead of descriptors alone.")
    var derivatives = false

    func run() throws {
        let z = try species.split(separator: ",").map { part -> Int in
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--species: '\(part)' is not an atomic number")
            }
            return v
        }
        let frames = try ExtXYZReader.read(path: file)
        let atoms = frames.reduce(0) { $0 + $1.count }

        let t0 = now()
        let soap: SOAP
        switch layout {
        case .quip: soap = try SOAP.quip(cutoff: 5, nMax: 8, lMax: 6, atomSigma: 0.5, speciesZ: z)
        case .dscribe: soap = try SOAP.dscribe(species: z, cutoff: 5, nMax: 8, lMax: 6, atomSigma: 0.5)
        }
        let setup = now() - t0

        // One call's output: the rows and, with derivatives, the blocks.
        typealias Output = (rows: DescriptorRows, blocks: SparseDerivatives?)
        func call() throws -> Output {
            if derivatives {
                let (q, d) = try soap.derivatives(frames, threads: threads)
                return (q, d)
            }
            return (try soap.create(frames, threads: threads), nil)
        }
        // (rows, derivative blocks, doubles stored for them; the rank-one vectors are the rows themselves, shared:
        // only the coefficients are extra).
        func counts(_ out: Output) -> (rows: Int, blocks: Int, stored: Int) {
            guard let d = out.blocks else { return (out.rows.count, 0, 0) }
            return (out.rows.count, d.count, d.values.count + (d.rankOne?.coefficients.count ?? 0))
        }
        let (rows, blocks, stored) = counts(try call())  // warm-up
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            // The output is released after the clock stops (as the Python drivers `del` theirs), and before the
            // next call, so that at most one output is alive at a time.
            let t1 = now()
            let out = try call()
            best = min(best, now() - t1)
            withExtendedLifetime(out) {}
        }
        let d = soap.numberOfFeatures
        printJSON([
            "tool": "swiftgap", "layout": layout.rawValue, "atoms": atoms, "seconds": best,
            "us_per_atom": best / Double(atoms) * 1e6, "threads": threads, "derivatives": derivatives,
            "features": d, "rows": rows, "blocks": blocks, "gradient_bytes": stored * 8,
            "dense_bytes": blocks * 3 * d * 8, "nonzero_bytes": derivatives ? try nonZeroBytes(frames, soap) : 0,
            "setup_seconds": setup, "range": soap.interactionRange, "repeats": max(1, repeats)
        ])
    }

    /// What the derivative blocks need: per block, 3 × 8 bytes for every feature whose stored value is non-zero
    /// in x, y or z (before a normalisation's rank-one term, which makes every block dense).
    private func nonZeroBytes(_ frames: [Structure], _ soap: SOAP) throws -> Int {
        let d = try soap.derivatives(frames, threads: threads).derivatives
        var features = 0
        for k in 0..<d.count {
            let stored = d.storedRange(ofBlock: k)
            let length = stored.count / 3
            for f in 0..<length {
                let x = d.values[stored.lowerBound + f], y = d.values[stored.lowerBound + length + f]
                let z = d.values[stored.lowerBound + 2 * length + f]
                if x != 0 || y != 0 || z != 0 { features += 1 }
            }
        }
        return features * 3 * 8
    }
}

Bench.main()
