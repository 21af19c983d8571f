import Atoms
import Evaluation
import Foundation

/// Runs a calculator over configurations and compares with their reference values.
struct Evaluation {
    var statistics = ErrorStatistics()
    var samples: ParityReport.Samples
    var results: [Calculation] = []

    /// Evaluates `calculator` on every structure (reporting progress as `label`).
    init(_ name: String, structures: [Structure], calculator: Calculator, keys: ReferenceKeys, label: String) throws {
        samples = ParityReport.Samples(name: name)
        let progress = Progress(label, total: structures.count)
        for (k, s) in structures.enumerated() {
            let r = try calculator.calculate(s)
            let energy = try? s.referenceEnergy(keys), forces = try? s.referenceForces(keys)
            let virial = try? s.referenceVirial(keys)
            statistics.add(atoms: s.count, configType: s.configType(keys),
                           reference: (energy ?? nil, forces ?? nil, virial ?? nil), predicted: r)
            samples.add(atoms: s.count, reference: (energy ?? nil, forces ?? nil), predicted: r)
            results.append(r)
            progress.update(k + 1)
        }
    }

    /// True when any configuration had a reference value.
    var hasReferences: Bool {
        let o = statistics.overall
        return o.energyPerAtom.count + o.forces.count + o.virialPerAtom.count > 0
    }
}

/// Reads every frame of a file with the line each starts at.
func readFrames(_ path: String) throws -> (structures: [Structure], lines: [Int]) {
    let reader = try ExtXYZReader(path: path)
    var structures = [Structure](), lines = [Int]()
    while let s = try reader.next() {
        structures.append(s)
        lines.append(reader.frameLine)
    }
    return (structures, lines)
}
