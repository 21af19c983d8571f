import Atoms
import Foundation
import GAP
import Interop
import Support

/// A loaded potential behind a handle.
final class PotentialBox {
    let potential: GAPPotential
    let metadata: PotentialMetadata
    let format: String?

    init(_ loaded: PotentialReader.Loaded) {
        potential = loaded.potential
        metadata = loaded.metadata
        format = loaded.format
    }

    /// The potential set to run on `threads` workers.
    /// - Throws: `CAPIError` for fewer than one thread.
    func potential(threads: Int32) throws -> GAPPotential {
        guard threads >= 1 else { throw CAPIError("threads must be at least 1 (got \(threads))") }
        var potential = self.potential
        potential.threads = Int(threads)
        return potential
    }
}

/// The library version, as text, into `out` (NUL-terminated, at most `capacity` bytes).
@_cdecl("swiftgap_version")
public func swiftgapVersion(_ out: UnsafeMutablePointer<CChar>?, _ capacity: Int64) {
    write(swiftGAPVersion, to: out, capacity: capacity)
}

/// Loads a potential (`.gap` or GAP XML, by content) into `*handle`; free it with `swiftgap_free`.
@_cdecl("swiftgap_potential_load")
public func swiftgapPotentialLoad(
    _ path: UnsafePointer<CChar>?, _ handle: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let path = String(cString: try required(path, "path"))
        let out = try required(handle, "handle")
        out.pointee = Handle.make(
            PotentialBox(try PotentialReader.load(path, variances: true, codeVersion: swiftGAPVersion)))
    }
}

/// The potential's metadata as JSON (the `.gap` file's metadata; for GAP XML as SwiftGAP would write it, plus
/// `"format"` text and `"has_variance"`), into `out` of `capacity` bytes; `*length` receives the bytes needed
/// (without the NUL). When `capacity` is too small nothing is written and the call still succeeds: call again.
@_cdecl("swiftgap_potential_metadata")
public func swiftgapPotentialMetadata(
    _ handle: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int64,
    _ length: UnsafeMutablePointer<Int64>?, _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let box = try Handle.object(handle, as: PotentialBox.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var object =
            try JSONSerialization.jsonObject(with: try encoder.encode(box.metadata)) as? [String: Any] ?? [:]
        object["has_variance"] = box.potential.variance != nil
        object["elements"] = box.potential.elements
        object["file_format"] = box.format ?? "SwiftGAP potential"
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let needed = Int64(text.utf8.count)
        try required(length, "length").pointee = needed
        if needed < capacity { write(text, to: out, capacity: capacity) }
    }
}

/// Energy (eV), forces (eV/Å, atoms × 3), virial (eV, 3 × 3 row-major, W = −Σ r ⊗ ∂E/∂r) and per-atom
/// energies (eV) of one structure; with `variances` non-NULL also each atom's local-energy variance (eV²),
/// which needs a potential saved with variance factors. `cell` holds the lattice vectors as rows (Å), `pbc`
/// three flags. Output arrays are written in place; any of `forces`, `virial`, `energies` may be NULL.
@_cdecl("swiftgap_potential_compute")
public func swiftgapPotentialCompute(
    _ handle: UnsafeMutableRawPointer?, _ atoms: Int64, _ numbers: UnsafePointer<Int32>?,
    _ positions: UnsafePointer<Double>?, _ cell: UnsafePointer<Double>?, _ pbc: UnsafePointer<UInt8>?, _ threads: Int32,
    _ energy: UnsafeMutablePointer<Double>?, _ forces: UnsafeMutablePointer<Double>?,
    _ virial: UnsafeMutablePointer<Double>?, _ energies: UnsafeMutablePointer<Double>?,
    _ variances: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let potential = try Handle.object(handle, as: PotentialBox.self).potential(threads: threads)
        let structure = try StructureInput.one(
            atoms: atoms, numbers: numbers, positions: positions, cell: cell, pbc: pbc)
        if variances != nil, potential.variance == nil { throw noVarianceFactors(toGet: "local-energy variances") }
        let result = try potential.calculate(structure)
        try required(energy, "energy").pointee = result.energy
        if let forces {
            for (i, f) in result.forces.enumerated() { for a in 0..<3 { forces[3 * i + a] = f[a] } }
        }
        if let virial { for (k, v) in result.virial.rowMajor.enumerated() { virial[k] = v } }
        if let energies, let e = result.atomEnergies { for (i, v) in e.enumerated() { energies[i] = v } }
        if let variances, let v = try potential.localVariances(structure) {
            for (i, x) in v.enumerated() { variances[i] = x }
        }
    }
}

/// Predictive standard deviations of one structure: of the total energy (eV) into `*energyStd`, and of every force
/// component (eV/Å, atoms × 3) into `forceStd` (may be NULL), under `model` (0 the full predictive variance, 1 the
/// projected one), scaled by the potential's stored calibration for that model when it has one. Needs a potential
/// saved with variance factors. Structure arguments as for `swiftgap_potential_compute`.
@_cdecl("swiftgap_potential_uncertainty")
public func swiftgapPotentialUncertainty(
    _ handle: UnsafeMutableRawPointer?, _ atoms: Int64, _ numbers: UnsafePointer<Int32>?,
    _ positions: UnsafePointer<Double>?, _ cell: UnsafePointer<Double>?, _ pbc: UnsafePointer<UInt8>?, _ threads: Int32,
    _ model: Int32, _ energyStd: UnsafeMutablePointer<Double>?, _ forceStd: UnsafeMutablePointer<Double>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let potential = try Handle.object(handle, as: PotentialBox.self).potential(threads: threads)
        let kind = try uncertaintyModel(model)
        let structure = try StructureInput.one(
            atoms: atoms, numbers: numbers, positions: positions, cell: cell, pbc: pbc)
        let out = try required(energyStd, "energy_std")
        guard let sigma = try potential.uncertainty(structure, model: kind) else {
            throw noVarianceFactors(toGet: "predictive standard deviations")
        }
        out.pointee = sigma.energy
        if let forceStd {
            for (i, f) in sigma.forces.enumerated() { for a in 0..<3 { forceStd[3 * i + a] = f[a] } }
        }
    }
}

/// The `UncertaintyModel` of a C caller's code (0 `.full`, 1 `.projected`).
/// - Throws: `CAPIError` for any other code.
func uncertaintyModel(_ code: Int32) throws -> UncertaintyModel {
    switch code {
    case 0: return .full
    case 1: return .projected
    default: throw CAPIError("model must be 0 (full) or 1 (projected) (got \(code))")
    }
}

/// The error for a request that needs variance factors (`toGet` what they would give) of a potential without them.
func noVarianceFactors(toGet what: String) -> CAPIError {
    CAPIError(
        "this potential holds no variance factors (it was saved with --no-variance, or is an imported GAP XML); "
            + "refit without --no-variance to get \(what)")
}
