import ArgumentParser
import Atoms
import GAP

/// The value of `--n-sparse`: one count for every element (`500`), counts per element
/// (`H=2000,C=1000,O=900`), or a count for the rest beside some per-element ones (`1000,O=900`); counts are ≥ 1.
struct SparseCountsArgument: ExpressibleByArgument, CustomStringConvertible {
    /// The count of elements without their own; nil when every element must be named.
    var all: Int?
    /// Counts by atomic number.
    var byElement: [Int: Int]

    init(_ all: Int) {
        self.all = all
        byElement = [:]
    }

    init?(argument: String) {
        all = nil
        byElement = [:]
        for item in argument.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let kv = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 1, let n = Int(kv[0]), n >= 1, all == nil {
                all = n
            } else if kv.count == 2, let z = Element.atomicNumber(kv[0]), let n = Int(kv[1]), n >= 1, byElement[z] == nil {
                byElement[z] = n
            } else {
                return nil
            }
        }
        guard all != nil || !byElement.isEmpty else { return nil }
    }

    var description: String {
        ((all.map { ["\($0)"] } ?? []) + byElement.sorted { $0.key < $1.key }.map { "\(Element.label($0.key))=\($0.value)" })
            .joined(separator: ",")
    }

    var defaultValueDescription: String { description }

    /// Checks every count against `FitSettings.maximumSparseCount`.
    /// - Throws: `ValidationError` naming the count that is too large.
    func validate() throws {
        let limit = FitSettings.maximumSparseCount
        let named: [(label: String, count: Int)] = byElement.sorted { $0.key < $1.key }.map {
            ("\(Element.label($0.key))=", $0.value)
        }
        let counts = (all.map { [(label: "", count: $0)] } ?? []) + named
        if let large = counts.first(where: { $0.count > limit }) {
            throw ValidationError(
                "--n-sparse \(large.label)\(large.count) is more than \(limit) sparse points, the most a potential file holds "
                    + "(an M × M triangle of 8 TB)")
        }
    }

    /// The default count and the per-element ones for a training set with `elements`.
    /// - Throws: `ValidationError` naming an element that has no count.
    func resolve(elements: Set<Int>) throws -> (all: Int, byElement: [Int: Int]) {
        if let all { return (all, byElement) }
        if let missing = elements.subtracting(byElement.keys).min() {
            throw ValidationError(
                "--n-sparse \(self) gives no count for \(Element.label(missing)), which is in the "
                    + "training set: add \(Element.label(missing))=<count> or a count for all, e.g. --n-sparse 500,\(self)")
        }
        return (byElement.values.max() ?? 1, byElement)
    }
}
