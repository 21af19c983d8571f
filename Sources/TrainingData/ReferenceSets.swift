import Atoms
import Classical
import Support

/// The reference data sets SwiftGAP ships, made from its classical potentials with a fixed seed.
public enum ReferenceSets {
    /// Silicon labelled with Stillinger–Weber: strained and rattled diamond, vacancies, self-interstitials,
    /// (100) and (111) slabs, hot crystal, liquid (2500–3000 K) and quenched amorphous snapshots from
    /// Langevin MD, with energies, forces and virials; 20 % of each config_type held out for testing.
    public static func siliconStillingerWeber(seed: UInt64) throws -> DataSplit {
        let sw = StillingerWeber()
        var rng = SeededGenerator(seed: seed)
        let recipe = SiliconRecipe(seed: rng.next())
        var configurations = recipe.structures(counts: (bulk: 100, defects: 24, surfaces: 24))
        let cell = Crystal.diamond.structure([14], a: recipe.latticeConstant, cubic: true).repeated(SIMD3(2, 2, 2))
        let sampler = MDSampler(calculator: sw)
        for (k, t) in [300.0, 700, 1100, 1500].enumerated() {
            let snaps = try sampler.snapshots(
                from: cell, schedule: [(t, 2000, false), (t, 2000, true)], interval: 200,
                seed: rng.next() &+ UInt64(k))
            configurations += tagged(snaps, "md_crystal")
        }
        let liquid = try sampler.snapshots(
            from: cell, schedule: [(3500, 6000, false), (3000, 4500, true), (2500, 4500, true)],
            interval: 300, seed: rng.next())
        configurations += tagged(liquid, "liquid")
        let melt = try sampler.snapshots(
            from: cell, schedule: [(3500, 6000, false), (3000, 2000, true)], interval: 2000,
            seed: rng.next())
        if let start = melt.last {
            let quench = try sampler.snapshots(
                from: start,
                schedule: [
                    (2000, 2000, false), (1500, 2000, false), (1000, 2000, false), (500, 2000, false),
                    (300, 2000, true), (600, 2000, true)
                ],
                interval: 200, seed: rng.next())
            configurations += tagged(quench, "amorphous")
        }
        let labelled = try configurations.map { try $0.labelled(by: sw) }
        return DataSplit(labelled, testFraction: 0.2, seed: rng.next())
    }

    /// An argon–krypton Lennard-Jones system: random fcc alloys of every composition under strain and
    /// rattling, hot crystal and liquid snapshots; 20 % held out.
    public static func argonKryptonLennardJones(seed: UInt64) throws -> DataSplit {
        let lj = argonKrypton
        var rng = SeededGenerator(seed: seed)
        var configurations = [Structure]()
        func alloy(_ krypton: Double, a: Double) -> Structure {
            var s = Crystal.fcc.structure([18], a: a, cubic: true).repeated(SIMD3(2, 2, 2))
            for i in 0..<s.count where rng.uniform() < krypton { s.atomicNumbers[i] = 36 }
            return s
        }
        for k in 0..<60 {
            let krypton = [0, 0.25, 0.5, 0.75, 1][k % 5]
            var e = Matrix3.zero
            for i in 0..<3 {
                for j in i..<3 {
                    e[i, j] = (rng.uniform() - 0.5) * 0.05
                    e[j, i] = e[i, j]
                }
            }
            var s = alloy(krypton, a: 5.3 + 0.4 * krypton).strained(e).rattled(stdev: 0.05 + 0.15 * rng.uniform(), seed: rng.next())
            s.info["config_type"] = .string("crystal")
            configurations.append(s)
        }
        let sampler = MDSampler(calculator: lj)
        for (k, (krypton, t)) in [(0.25, 40.0), (0.75, 80.0), (0.5, 160.0), (0.5, 220.0)].enumerated() {
            let hot = t > 100
            let start = alloy(krypton, a: (5.3 + 0.4 * krypton) * (hot ? 1.06 : 1))
            let snaps = try sampler.snapshots(
                from: start, schedule: [(hot ? 400 : t, 4000, false), (t, 5000, true)],
                interval: 500, seed: rng.next() &+ UInt64(k))
            configurations += tagged(snaps, hot ? "liquid" : "md_crystal")
        }
        let labelled = try configurations.map { try $0.labelled(by: lj) }
        return DataSplit(labelled, testFraction: 0.2, seed: rng.next())
    }

    /// `list` with config_type `type`.
    private static func tagged(_ list: [Structure], _ type: String) -> [Structure] {
        list.map { s in
            var t = s
            t.info["config_type"] = .string(type)
            return t
        }
    }

    /// Lennard-Jones argon and krypton with Lorentz–Berthelot cross terms, cut at 8.5 Å.
    public static let argonKrypton: LennardJones = {
        // Unwrapped once: the parameters are constants that pass validation.
        try! LennardJones(pairs: [
            (18, 18, .init(epsilon: 0.0104, sigma: 3.40, cutoff: 8.5)),
            (18, 36, .init(epsilon: 0.0133, sigma: 3.52, cutoff: 8.5)),
            (36, 36, .init(epsilon: 0.0170, sigma: 3.65, cutoff: 8.5))
        ])
    }()
}
