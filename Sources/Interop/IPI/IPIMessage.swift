import Atoms

/// One message of the i-PI protocol, in either direction, with its payload in atomic units as it travels
/// (lengths in Bohr, energies in Hartree).
///
/// The wire format: a 12-byte header (`IPIHeader`), then for INIT an int32 bead index, an int32 length and that
/// many bytes; for POSDATA the cell h and its inverse (9 float64 each), an int32 atom count and the positions
/// (3 float64 per atom); for FORCEREADY the energy (float64), an int32 atom count, the forces (3 float64 per
/// atom), the virial (9 float64), an int32 length and that many bytes of extra string. Numbers are
/// little-endian, as numpy writes them on the machines i-PI runs on.
public enum IPIMessage: Equatable, Sendable {
    /// Server → client: "what is your state?"
    case status
    /// Client → server: ready for positions.
    case ready
    /// Client → server: wants an INIT first.
    case needInit
    /// Client → server: holds a result.
    case haveData
    /// Server → client: the bead (replica) index and the forcefield's parameter string.
    case initialize(IPIInitialization)
    /// Server → client: a structure to compute.
    case positions(IPIPositions)
    /// Server → client: "send the result".
    case getForce
    /// Client → server: the result.
    case forceReady(IPIForces)
    /// Server → client: the run is over.
    case exit

    /// The message's header.
    public var header: IPIHeader {
        switch self {
        case .status: .status
        case .ready: .ready
        case .needInit: .needInit
        case .haveData: .haveData
        case .initialize: .initialize
        case .positions: .positions
        case .getForce: .getForce
        case .forceReady: .forceReady
        case .exit: .exit
        }
    }
}

/// The payload of INIT.
public struct IPIInitialization: Equatable, Sendable {
    /// The bead (replica) index the client serves.
    public var bead: Int32
    /// The forcefield's parameter string (i-PI's `<parameters>`; ASE sends one zero byte).
    public var parameters: [UInt8]

    /// An INIT payload.
    public init(bead: Int32, parameters: [UInt8]) {
        self.bead = bead
        self.parameters = parameters
    }

    /// The requested batch size when i-PI announces batching with a `batch_size:N` token in the parameter
    /// string (comma-separated tokens), else nil.
    public var batchSize: Int? {
        let text = String(decoding: parameters, as: UTF8.self)
        for token in text.split(separator: ",") {
            let parts = token.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingSpaces == "batch_size" { return Int(parts[1].trimmingSpaces) }
        }
        return nil
    }
}

/// The payload of POSDATA, in Bohr, laid out as i-PI sends it.
public struct IPIPositions: Equatable, Sendable {
    /// The cell matrix h as sent, row by row: its columns are the lattice vectors (i-PI's h; ASE sends the
    /// transpose of its row-vector cell). All zero for ASE's non-periodic systems.
    public var cell: Matrix3
    /// The inverse cell as sent (unused by SwiftGAP: i-PI sends h⁻¹, ASE the pseudo-inverse of its row-vector
    /// cell, zero for a zero cell).
    public var inverseCell: Matrix3
    /// Cartesian positions in Bohr.
    public var positions: [SIMD3<Double>]

    /// A POSDATA payload.
    public init(cell: Matrix3, inverseCell: Matrix3, positions: [SIMD3<Double>]) {
        self.cell = cell
        self.inverseCell = inverseCell
        self.positions = positions
    }
}

/// The payload of FORCEREADY, in Hartree and Bohr, laid out as i-PI reads it.
public struct IPIForces: Equatable, Sendable {
    /// Potential energy in Hartree.
    public var energy: Double
    /// Force on each atom in Hartree/Bohr.
    public var forces: [SIMD3<Double>]
    /// The virial in Hartree as sent, row by row: the transpose of ASE's virial −V·σ (i-PI's drivers send
    /// `virial.T`; the two agree for the symmetric virials of potentials).
    public var virial: Matrix3
    /// The extra string (SwiftGAP sends JSON; i-PI parses it as such).
    public var extra: [UInt8]

    /// A FORCEREADY payload.
    public init(energy: Double, forces: [SIMD3<Double>], virial: Matrix3, extra: [UInt8]) {
        self.energy = energy
        self.forces = forces
        self.virial = virial
        self.extra = extra
    }
}

extension Substring {
    /// The text without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
