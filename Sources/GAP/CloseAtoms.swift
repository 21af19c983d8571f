import Atoms
import Descriptors
import Foundation

/// Two atoms of a configuration closer than `CloseAtoms.distance`: almost always a broken structure (a
/// merge or unit error), whose huge forces would dominate a fit, and where a GAP's prediction has no data behind it.
public struct CloseAtoms: Equatable, Sendable {
    /// Pairs closer than this (Å) make a configuration suspect.
    public static let distance = 0.5

    /// The two atoms (0-based) of the closest such pair.
    public let first: Int, second: Int
    /// Their distance in Å (periodic images included).
    public let separation: Double

    /// The closest pair of `s` below `distance` (a half neighbor list, so each pair is looked at once), or nil.
    /// - Throws: `GAPError.descriptor` naming configuration `index` when its geometry is unusable.
    public static func closestPair(in s: Structure, index: Int) throws(GAPError) -> CloseAtoms? {
        let list: NeighborList
        do { list = try NeighborList(s, cutoff: distance, kind: .half, threads: 1) } catch {
            throw .descriptor(.geometry(structure: index, error))
        }
        var closest: CloseAtoms?
        for i in 0..<s.count {
            for p in list.pairs(of: i) where list.distances[p] < closest?.separation ?? .infinity {
                closest = CloseAtoms(first: i, second: Int(list.neighbors[p]), separation: list.distances[p])
            }
        }
        return closest
    }

    /// The warning for configuration `index` (starting at `line` of its file, 0 when unknown), kept or left out.
    func warning(configuration index: Int, line: Int, kept: Bool) -> String {
        let what = kept ? "kept in the fit (allow close atoms is on)" : "left out of the fit (--allow-close-atoms keeps it)"
        return "\(description(configuration: index, line: line)); \(what)"
    }

    /// Which configuration (starting at `line` of its file, 0 when unknown), which atoms, how far apart.
    public func description(configuration index: Int, line: Int) -> String {
        let place = "configuration \(index)\(line > 0 ? " (line \(line))" : "")"
        let pair = first == second ? "atom \(first) and its periodic image" : "atoms \(first) and \(second)"
        return "\(place): \(pair) are \(String(format: "%.3f", separation)) Å apart, closer than \(Self.distance) Å"
    }
}
