/// A per-atom array: one row of `width` entries per atom, stored flat (row-major), as an extxyz
/// `Properties` column group of type R, I, L or S.
public enum AtomArray: Equatable, Sendable {
    case doubles([Double], width: Int)
    case ints([Int], width: Int)
    case bools([Bool], width: Int)
    case strings([String], width: Int)

    /// Entries per atom.
    public var width: Int {
        switch self {
        case let .doubles(_, w), let .ints(_, w), let .bools(_, w), let .strings(_, w): return w
        }
    }

    /// Total number of entries (atoms × width).
    public var count: Int {
        switch self {
        case let .doubles(v, _): return v.count
        case let .ints(v, _): return v.count
        case let .bools(v, _): return v.count
        case let .strings(v, _): return v.count
        }
    }

    /// Number of atoms the array describes.
    public var atomCount: Int { width > 0 ? count / width : 0 }

    /// The extxyz type letter: R, I, L or S.
    public var typeLetter: Character {
        switch self {
        case .doubles: return "R"
        case .ints: return "I"
        case .bools: return "L"
        case .strings: return "S"
        }
    }

    /// The rows as 3-vectors, when the array is real with width 3 (forces, velocities …).
    public var vectors: [SIMD3<Double>]? {
        guard case let .doubles(v, 3) = self else { return nil }
        return (0..<(v.count / 3)).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
    }

    /// The values as reals (integers widened), when numeric.
    public var doubleValues: [Double]? {
        switch self {
        case let .doubles(v, _): return v
        case let .ints(v, _): return v.map(Double.init)
        default: return nil
        }
    }

    /// A real array of width 3 from vectors.
    public static func vectors(_ v: [SIMD3<Double>]) -> AtomArray {
        var flat = [Double]()
        flat.reserveCapacity(3 * v.count)
        for x in v {
            flat.append(x.x)
            flat.append(x.y)
            flat.append(x.z)
        }
        return .doubles(flat, width: 3)
    }

    /// The rows of the atoms `indices`, in that order.
    public func selecting(_ indices: [Int]) -> AtomArray {
        func pick<T>(_ v: [T], _ w: Int) -> [T] { indices.flatMap { v[($0 * w)..<($0 * w + w)] } }
        switch self {
        case let .doubles(v, w): return .doubles(pick(v, w), width: w)
        case let .ints(v, w): return .ints(pick(v, w), width: w)
        case let .bools(v, w): return .bools(pick(v, w), width: w)
        case let .strings(v, w): return .strings(pick(v, w), width: w)
        }
    }
}
