import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Support

/// The peak memory per rank and the time of each stage of a fit, predicted from the data and the settings
/// before any work: what `fit --estimate` prints, and the line printed before every fit.
///
/// Memory (bytes per rank, 8 per double, R ranks sharing the configurations), the larger of two phases:
/// - choosing the sparse points and factorising K_MM: the structures, the SOAP candidate descriptors A_own·D
///   of the rank's atoms plus, with R > 1, those of the elements whose sparse points it chooses (gathered from
///   every rank), the sparse points M_SOAP·D,
///   the blocks of L (Σ bₖ²) and the least-squares triangle (M + 1)² they start;
/// - folding the kernel rows into the QR (the candidates released): the structures, the sparse points, the
///   blocks of L, the triangles a rank holds at once (one, or one more per level of a rank's own parts with
///   `FitSettings.partitions`: `ReductionPlan.work`), one batch of design rows B·(M + 1) twice (the row-major parts and the
///   column-major block the QR folds; B the configurations' rows up to max(M/4, 512) plus the last one's),
///   and per thread the descriptor derivatives of the largest configuration.
/// The variance factor R is the triangle itself, so solving and writing add nothing of order M².
///
/// Time: the SOAP descriptors and derivatives of the largest configuration are timed and scaled by the
/// atoms, and a QR fold of 1024 rows into a 512-column triangle gives a flop rate that prices CUR (per element
/// A_z·D² + 4·D³ + A_z·D·min(A_z, D), the elements shared among the ranks), K_MM (2·b²·D + b³/3 per block), the kernel rows (2·D·M_z per center and 6·D·M_z per derivative block) and the
/// QR (2·rows·(M + 1)² flops), divided over the threads and ranks (by the largest share of rows), and the merges
/// of (M + 1)² triangles of the busiest rank ((2/3)(M + 1)³ flops each; ⌈log₂ R⌉ with one part per rank).
public struct FitEstimate: Sendable {
    /// One part of the memory a rank holds at the peak.
    public struct Part: Sendable, Equatable {
        /// What it is.
        public let name: String
        /// Bytes.
        public let bytes: Int
    }

    /// One stage's predicted wall time.
    public struct Stage: Sendable, Equatable {
        /// The trainer's name for the stage.
        public let name: String
        /// Seconds.
        public let seconds: Double
    }

    /// The machine rates the times are priced with.
    public struct Rates: Sendable, Equatable {
        /// Seconds per atom for SOAP descriptors without derivatives (one thread).
        public var describe: Double
        /// Seconds per atom for SOAP descriptors with derivatives (one thread).
        public var derive: Double
        /// Floating-point operations per second of one thread in dense kernels (a QR fold).
        public var flops: Double
        /// Descriptor-derivative blocks per atom of the representative configuration.
        public var blocksPerAtom: Double
        /// Bytes of descriptor derivatives per atom of the representative configuration.
        public var derivativeBytesPerAtom: Double
    }

    /// Ranks the configurations are split over.
    public let ranks: Int
    /// Sparse points M of all terms.
    public let sparsePoints: Int
    /// Design rows of all configurations (energies, force components, virial components).
    public let rows: Int
    /// What each rank holds while the kernel rows are folded into the QR.
    public let parts: [Part]
    /// What each rank holds when the sparse points are chosen and K_MM factorised.
    public let selectionParts: [Part]
    /// Each stage's time.
    public let stages: [Stage]
    /// The rates the times come from.
    public let rates: Rates

    /// Peak bytes per rank: the larger phase.
    public var peakBytes: Int { max(Self.sum(parts), Self.sum(selectionParts)) }

    /// The parts of the phase that makes the peak.
    public var peakParts: [Part] { Self.sum(parts) >= Self.sum(selectionParts) ? parts : selectionParts }

    /// The bytes of one part in either phase, 0 when there is none of that name.
    public func bytes(of name: String) -> Int { (parts + selectionParts).first { $0.name == name }?.bytes ?? 0 }

    /// The parts' bytes added up, Int.max when they overflow.
    private static func sum(_ parts: [Part]) -> Int {
        parts.reduce(0) { total, part in
            let (sum, overflow) = total.addingReportingOverflow(part.bytes)
            return overflow ? .max : sum
        }
    }

    /// Bytes counted in Double (no product of counts can trap), Int.max beyond it.
    private static func bytes(_ x: Double) -> Int { x < Double(Int.max) ? Int(x) : .max }

    /// Part names.
    public static let triangle = "least-squares triangle", lowerBlocks = "blocks of L", batch = "batch of design rows"

    /// Predicts a fit of `structures` with `settings` over `ranks` ranks, with rates calibrated on this
    /// machine in well under a second (one configuration's descriptors, a small QR fold).
    /// - Throws: `GAPError` for data or settings the fit itself would refuse.
    public init(_ structures: [Structure], settings: FitSettings, ranks: Int = 1) throws(GAPError) {
        try settings.validate()
        let data = try FitData(structures, lines: [], settings: settings)
        try self.init(data: data, settings: settings, ranks: ranks, rates: try Self.calibrate(data))
    }

    /// The arithmetic of the model for checked `data` and given `rates`.
    init(data: FitData, settings: FitSettings, ranks: Int, rates: Rates) throws(GAPError) {
        guard ranks >= 1 else { throw .invalidSetting(name: "ranks", value: "\(ranks)", hint: "give at least one rank") }
        let observations = data.observations
        let D = data.soap?.numberOfFeatures ?? 0
        var atomsByElement = [Int: Int]()
        for o in observations { for z in o.structure.atomicNumbers { atomsByElement[z, default: 0] += 1 } }
        let soapOrders: [Int: Int] =
            data.soap == nil
            ? [:]
            : Dictionary(
                uniqueKeysWithValues: data.elements.compactMap { z in
                    atomsByElement[z].map { _ in (z, settings.sparseIndices[z]?.count ?? settings.sparseCount(for: z)) }
                })
        let termOrders = data.terms.map { $0.givenPoints?.values.count ?? $0.sparseCount }
        let orders = data.elements.compactMap { soapOrders[$0] } + termOrders
        let M = orders.reduce(0, +)
        let soapPoints = soapOrders.values.reduce(0, +)
        let atoms = atomsByElement.values.reduce(0, +)
        let rowCounts = observations.map(\.rowCount)
        let rows = rowCounts.reduce(0, +)
        let threads = max(settings.threads, 1)

        // Sizes are products of counts (M up to FitSettings.maximumSparseCount per element or term): counted in
        // Double, so that no setting can make them trap.
        let d = Double(D), m = Double(M)
        let batchRows = min(Double(KernelRowStream.rowsPerFold(columns: M) + (rowCounts.max() ?? 0)), Double(rows))
        let largest = observations.map(\.structure.count).max() ?? 0
        let structureBytes = observations.reduce(0.0) { $0 + 512 + Double($1.structure.count) * 80 }
        let ownAtoms = (atoms + ranks - 1) / ranks
        let plan = ReductionPlan(rowCounts: rowCounts, parts: settings.partitions, ranks: ranks)
        let work = (0..<ranks).map { plan.work(ofRank: $0) }
        let triangles = Double(max(work.map(\.triangles).max() ?? 1, 1))
        let triangle = Part(name: Self.triangle, bytes: Self.bytes(8 * (m + 1) * (m + 1)))
        let shared = [
            Part(name: "structures", bytes: Self.bytes(structureBytes)),
            Part(name: "sparse points", bytes: Self.bytes(8 * d * Double(soapPoints))),
            Part(name: Self.lowerBlocks, bytes: Self.bytes(8 * orders.reduce(0.0) { $0 + Double($1) * Double($1) })),
            Part(name: "runtime and BLAS buffers", bytes: Self.runtimeBytes)
        ]
        // With several ranks, each element's candidates are gathered on the rank that chooses its sparse points.
        let owners = SparseBasis.owners(elements: data.elements, atoms: atomsByElement, ranks: ranks)
        let owned = (0..<ranks).map { r in owners.filter { $0.rank == r }.map(\.element) }
        let ownedAtoms = owned.map { $0.reduce(0) { $0 + (atomsByElement[$1] ?? 0) } }.max() ?? 0
        let candidates = Double(ranks == 1 ? atoms : ownAtoms + ownedAtoms)
        let selectionParts =
            shared + [triangle, Part(name: "candidate descriptors", bytes: Self.bytes(8 * d * candidates))]
        var parts =
            shared + [
                Part(name: Self.triangle, bytes: Self.bytes(triangles * Double(triangle.bytes))),
                Part(name: Self.batch, bytes: Self.bytes(2 * 8 * batchRows * (m + 1)))
            ]
        if D > 0 {
            parts.append(
                Part(
                    name: "descriptor derivatives per thread",
                    bytes: Self.bytes(Double(threads) * rates.derivativeBytesPerAtom * Double(largest))))
        }

        // Time: per rank, its share of the configurations (the largest share of rows, for the kernel rows), over its
        // threads.
        let share = 1 / Double(ranks), parallel = Double(threads)
        let largestRows = (0..<ranks).map { r in rowCounts[plan.observations(ofRank: r)].reduce(0, +) }.max() ?? 0
        let rowShare = Double(largestRows) / Double(max(rows, 1))
        let forceAtoms = observations.reduce(0) { $0 + ($1.forces != nil || $1.virial != nil ? $1.structure.count : 0) }
        var kernelFlops = 0.0
        for (z, count) in atomsByElement {
            let mz = Double(soapOrders[z] ?? 0), fraction = Double(forceAtoms) / Double(max(atoms, 1))
            kernelFlops += 2 * d * mz * Double(count) * (1 + 3 * rates.blocksPerAtom * fraction)
        }
        let qrFlops = 2 * Double(rows) * (m + 1) * (m + 1)
        // The rank with the most merges of triangles (`ReductionPlan`; ⌈log₂ R⌉ on rank 0 with one part per rank)
        // does them one after the other: (2/3)(M + 1)³ flops each, not shared.
        let merges = Double(work.map(\.merges).max() ?? 0)
        let mergeFlops = merges * 2 * pow(m + 1, 3) / 3
        // CUR per element of A_z candidates, through the smaller of X Xᵀ and XᵀX (s = min(A_z, D)): the product
        // (A_z·D·s), its eigenvectors (~4·s³) and, for XᵀX, the projection (A_z·D²); the elements' owners work side
        // by side.
        func cur(_ z: Int) -> Double {
            let a = Double(atomsByElement[z] ?? 0), s = min(a, d)
            return a * d * s + 4 * s * s * s + (a < d ? 0 : a * d * d)
        }
        let selection =
            settings.sparseMethod == .cur && D > 0 ? owned.map { $0.reduce(0.0) { $0 + cur($1) } }.max() ?? 0 : 0
        let gram = orders.reduce(0.0) { $0 + 2 * Double($1) * Double($1) * max(d, 1) + pow(Double($1), 3) / 3 }
        let stages = [
            Stage(name: "descriptors", seconds: rates.describe * Double(atoms) * share / parallel),
            Stage(name: "sparse points and K_MM", seconds: (selection + gram) / rates.flops / parallel),
            Stage(
                name: "kernel rows and QR",
                seconds: (rates.derive * Double(forceAtoms) + (kernelFlops + qrFlops) / rates.flops) * rowShare / parallel
                    + mergeFlops / rates.flops / parallel),
            Stage(name: "solve", seconds: 4 * m * m / rates.flops),
            Stage(
                name: "variance",
                seconds: settings.storeVariance ? 8 * m * (m + 1) / 2 / Self.writeBytesPerSecond : 0)
        ]
        self.ranks = ranks
        sparsePoints = M
        self.rows = rows
        self.parts = parts
        self.selectionParts = selectionParts
        self.stages = stages
        self.rates = rates
    }

    /// Memory every process holds before any data: the runtime, OpenBLAS's buffers, code.
    static let runtimeBytes = 64 << 20
    /// The rate at which the variance factors are checksummed and written to the potential file (measured:
    /// 0.58 GB of factors in 3.4 s).
    static let writeBytesPerSecond = 2e8

    /// Rates measured on this machine: SOAP descriptors with and without derivatives of the configuration
    /// with the most atoms, and a QR fold of 1024 rows into a 512-column triangle (about 0.5 Gflop).
    static func calibrate(_ data: FitData) throws(GAPError) -> Rates {
        var rates = Rates(describe: 0, derive: 0, flops: 1e9, blocksPerAtom: 0, derivativeBytesPerAtom: 0)
        if let soap = data.soap,
            let o = data.observations.max(by: { $0.structure.count < $1.structure.count })
        {
            let atoms = Double(o.structure.count)
            var clock = Date()
            do {
                _ = try soap.create([o.structure], threads: 1)
                rates.describe = Date().timeIntervalSince(clock) / atoms
                clock = Date()
                let described = try soap.derivatives([o.structure], strain: o.virial != nil, threads: 1)
                rates.derive = Date().timeIntervalSince(clock) / atoms
                let dq = described.derivatives
                rates.blocksPerAtom = Double(dq.count) / atoms
                rates.derivativeBytesPerAtom = Double(8 * (dq.storedDoubles + 2 * dq.count)) / atoms
            } catch {
                throw .descriptor(error)
            }
        }
        let n = 512, m = 1024
        var generator = SeededGenerator(seed: 1)
        var block = (0..<(m * (n + 1))).map { _ in Double.random(in: -1...1, using: &generator) }
        do {
            var solver = try IncrementalLeastSquares(initial: .identity(n))
            let clock = Date()
            try BLASThreads.withThreads(1) { () throws(LinearAlgebraError) in try solver.add(columnMajor: &block, rows: m) }
            rates.flops = 2 * Double(m) * Double(n + 1) * Double(n + 1) / max(Date().timeIntervalSince(clock), 1e-6)
        } catch {
            throw .solver(stage: "estimate's calibration", error)
        }
        return rates
    }

    /// The prediction as text: M, rows, peak per rank with its parts, and each stage's time.
    public var summary: String {
        func size(_ bytes: Int) -> String {
            bytes >= 1 << 30
                ? String(format: "%.2f GiB", Double(bytes) / Double(1 << 30))
                : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
        }
        let major = peakParts.filter { $0.bytes >= peakBytes / 50 }.sorted { $0.bytes > $1.bytes }
        let total = stages.reduce(0) { $0 + $1.seconds }
        return "estimate: M = \(sparsePoints), \(rows) rows; peak memory \(size(peakBytes)) per rank"
            + (ranks > 1 ? " (\(ranks) ranks)" : "") + " (" + major.map { "\($0.name) \(size($0.bytes))" }.joined(separator: ", ")
            + "); time " + stages.map { String(format: "%@ %.1f s", $0.name, $0.seconds) }.joined(separator: ", ")
            + String(format: ", total %.1f s", total)
    }
}
