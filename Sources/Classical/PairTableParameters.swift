/// The parameter line of a pair-table section: `N n`, optionally `R rlo rhi` or `RSQ rlo rhi`, and
/// `FP fplo fphi` (also spelled `FPRIME`), in any order.
struct SectionParameters {
    /// How the distances of the points are computed instead of read.
    enum Spacing {
        /// N points evenly spaced in r from `low` to `high`.
        case r(low: Double, high: Double)
        /// N points evenly spaced in r² from `low`² to `high`².
        case rSquared(low: Double, high: Double)

        /// The N distances, checked to be finite and strictly increasing.
        func distances(count n: Int, file: String, line: Int) throws(PairTableError) -> [Double] {
            var out = [Double]()
            out.reserveCapacity(n)
            let steps = Double(n - 1)
            switch self {
            case let .r(low, high):
                for k in 0..<(n - 1) { out.append(low + (high - low) * (Double(k) / steps)) }
                out.append(high)
            case let .rSquared(low, high):
                let lowSquared = low * low, highSquared = high * high
                for k in 0..<(n - 1) { out.append((lowSquared + (highSquared - lowSquared) * (Double(k) / steps)).squareRoot()) }
                out.append(high)
            }
            for k in 1..<out.count where !(out[k] > out[k - 1]) || !out[k].isFinite {
                throw .badSection(
                    file: file, line: line,
                    message: "the \(n) distances between \(out[0]) and \(out[n - 1]) Å do not increase strictly "
                        + "(the range is too narrow for N); widen the range or lower N")
            }
            return out
        }
    }

    /// The number of points N (2 … `PairTableReader.maximumPoints`).
    let count: Int
    /// Computed distances, or nil when the listed distances are used.
    let spacing: Spacing?

    /// Parses the words of the parameter line at `file:line` of section `keyword`.
    init(_ words: [ArraySlice<UInt8>], file: String, line: Int, keyword: String) throws(PairTableError) {
        func fail(_ message: String) -> PairTableError {
            .badSection(file: file, line: line, message: "section \(keyword): \(message)")
        }
        func values(after t: Int, _ name: String, count: Int) throws(PairTableError) -> [Double] {
            guard t + count < words.count else { throw fail("\(name) needs \(count) value\(count > 1 ? "s" : "")") }
            var out = [Double]()
            for w in words[(t + 1)...(t + count)] {
                out.append(try PairTableReader.number(w, column: "\(name) value", file: file, line: line))
            }
            return out
        }
        var count: Int?
        var spacing: Spacing?
        var seenFP = false
        var t = 0
        while t < words.count {
            let word = PairTableReader.string(words[t])
            switch word {
            case "N":
                guard count == nil else { throw fail("N is given twice") }
                guard t + 1 < words.count else { throw fail("N needs a value") }
                let text = PairTableReader.string(words[t + 1])
                guard let n = Int(text) else { throw .badValue(file: file, line: line, column: "N", token: text) }
                guard n >= 2, n <= PairTableReader.maximumPoints else {
                    throw fail("N = \(n) is out of range; give 2 … \(PairTableReader.maximumPoints) points")
                }
                count = n
                t += 2
            case "R", "RSQ":
                guard spacing == nil else { throw fail("R or RSQ is given twice") }
                let v = try values(after: t, word, count: 2)
                guard v[0] >= 0, v[1] > v[0] else {
                    throw fail("\(word) \(v[0]) \(v[1]) is invalid; give 0 ≤ rlo < rhi in Å")
                }
                spacing = word == "R" ? .r(low: v[0], high: v[1]) : .rSquared(low: v[0], high: v[1])
                t += 3
            case "FP", "FPRIME":
                guard !seenFP else { throw fail("FP is given twice") }
                // LAMMPS's spline end conditions; the Hermite interpolation here does not need them.
                _ = try values(after: t, word, count: 2)
                seenFP = true
                t += 3
            case "BITMAP":
                throw fail("BITMAP tables are not supported; write the table with pair_write … r or rsq")
            default:
                throw fail("'\(word.prefix(40))' is not a table parameter; use N, R, RSQ or FP")
            }
        }
        guard let count else { throw fail("the parameter line has no N; give the number of points as N n") }
        self.count = count
        self.spacing = spacing
    }
}
