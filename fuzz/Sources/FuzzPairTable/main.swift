import Atoms
import Classical
import Foundation
import FuzzDriver

/// One fuzz input: the bytes of a LAMMPS pair-table file. Reading it must end in sections or a
/// `PairTableError`, never a trap. Every section read must interpolate through its own points; the first
/// sections, tied to H–H, H–He and He–He, make a potential that evaluates three atoms (a typed error is
/// fine) and survives a JSON round trip unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPairTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let sections: [PairTableSection]
    do {
        sections = try PairTableReader.sections(bytes: Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz")
    } catch {
        return 0
    }
    for s in sections { checkInterpolation(s) }
    let pairs = [ElementPair(1, 1), ElementPair(1, 2), ElementPair(2, 2)]
    let potential: TabulatedPairPotential
    do {
        let mapping = try PairTableMapping(
            pairs.indices.map { .init(pair: pairs[$0], keyword: sections[$0 % sections.count].keyword) })
        potential = try TabulatedPairPotential(sections: sections, mapping: mapping)
    } catch {
        return 0
    }
    evaluate(potential, spacing: sections[0])
    roundTrip(potential)
    return 0
}

/// A section's spline must pass through its points, be undefined below the first and zero from the last.
private func checkInterpolation(_ s: PairTableSection) {
    guard s.evaluate(s.firstPoint.nextDown) == nil, s.evaluate(s.firstPoint) != nil else {
        fatalError("section \(s.keyword) is not defined from its first point \(s.firstPoint) on")
    }
    guard let end = s.evaluate(s.cutoff), end == (0, 0) else {
        fatalError("section \(s.keyword) is not zero at its cutoff \(s.cutoff)")
    }
    let n = s.distances.count
    for k in 0..<(n - 1) {
        guard let value = s.evaluate(s.distances[k]) else { fatalError("no value at point \(k + 1) of \(s.keyword)") }
        let h = s.distances[k + 1] - s.distances[k]
        // Where every term is finite the spline must return the tabulated energy exactly.
        if h.isFinite, (s.forces[k] * h).isFinite, (s.forces[k + 1] * h).isFinite, value.energy != s.energies[k] {
            fatalError("section \(s.keyword) gives \(value.energy) at point \(k + 1), not \(s.energies[k])")
        }
    }
}

/// Three atoms in a row, spaced inside the section's range; any typed error is fine.
private func evaluate(_ potential: TabulatedPairPotential, spacing s: PairTableSection) {
    let d = s.firstPoint + 0.5 * (s.cutoff - s.firstPoint)
    guard d.isFinite else { return }
    let structure = Structure(
        atomicNumbers: [1, 2, 1], positions: [.zero, SIMD3(d, 0, 0), SIMD3(2.5 * d, 0.1 * d, 0)])
    do {
        let result = try potential.calculate(structure)
        guard result.forces.count == 3, result.atomEnergies?.count == 3 else { fatalError("wrong result shape") }
    } catch {}
}

/// The potential written as JSON and read back must be the same potential.
private func roundTrip(_ potential: TabulatedPairPotential) {
    do {
        let data = try JSONEncoder().encode(potential)
        let back = try JSONDecoder().decode(TabulatedPairPotential.self, from: data)
        guard back == potential else { fatalError("potential changed in a JSON round trip") }
    } catch {
        fatalError("potential does not survive a JSON round trip: \(error)")
    }
}

@_cdecl("FuzzPairTable_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPairTable)
}
