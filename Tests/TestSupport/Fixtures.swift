import Atoms
import Foundation

/// Reads committed fixture files (made by the scripts in `scripts/fixtures/`) next to a test file.
public enum Fixtures {
    /// The URL of `name` in the `Fixtures` folder beside the calling test file.
    public static func url(_ name: String, testFile: String = #filePath) -> URL {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    /// Decodes the JSON fixture `name`.
    public static func load<T: Decodable>(_ type: T.Type, _ name: String, testFile: String = #filePath) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(name, testFile: testFile)))
    }
}

/// A structure as fixture scripts write it: numbers, positions, cell rows, pbc.
public struct StructureFixture: Decodable, Sendable {
    public let numbers: [Int]
    public let positions: [[Double]]
    public let cell: [[Double]]
    public let pbc: [Bool]

    /// A structure from its parts.
    public init(numbers: [Int], positions: [[Double]], cell: [[Double]], pbc: [Bool]) {
        self.numbers = numbers
        self.positions = positions
        self.cell = cell
        self.pbc = pbc
    }

    /// The structure.
    public var structure: Structure {
        Structure(
            atomicNumbers: numbers, positions: positions.map(vector),
            cell: Cell(vector(cell[0]), vector(cell[1]), vector(cell[2])), pbc: Periodicity(pbc[0], pbc[1], pbc[2]))
    }
}

/// A 3-vector from a JSON triple.
public func vector(_ v: [Double]) -> SIMD3<Double> { SIMD3(v[0], v[1], v[2]) }

/// A configuration with a peer tool's predictions, as the GAP fixture scripts write it: the structure, energy,
/// forces, virial and (when the tool gives them) local energies.
public struct PredictedConfiguration: Decodable, Sendable {
    public let name: String
    public let numbers: [Int]
    public let positions: [[Double]]
    public let cell: [[Double]]
    public let pbc: [Bool]
    public let energy: Double
    public let forces: [[Double]]
    public let virial: [[Double]]
    public let local_energies: [Double]?

    /// The structure.
    public var structure: Structure {
        StructureFixture(numbers: numbers, positions: positions, cell: cell, pbc: pbc).structure
    }
}
