import Foundation
import GAP

/// A gap_fit `sparse_file`: for a SOAP term with `sparse_method=index_file`, 1-based indices of the atoms
/// (one per line); for a 2- or 3-body term with `sparse_method=file`, one point per line: its cutoff weight,
/// then its D values.
enum GapFitSparseFile {
    /// Why a sparse file cannot be used.
    enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case badLine(path: String, line: Int, detail: String)

        var description: String {
            switch self {
            case let .unreadable(path, reason): "sparse_file \(path): \(reason)"
            case let .badLine(path, line, detail): "sparse_file \(path):\(line): \(detail)"
            }
        }
    }

    /// Most lines read from a sparse file (far beyond any sparse set).
    static let maximumLines = 10_000_000

    /// The non-empty lines of `path` with their 1-based numbers, as whitespace-separated words.
    static func lines(_ path: String) throws(Problem) -> [(number: Int, words: [Substring])] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: "cannot be read as text (\(error.localizedDescription))")
        }
        var out = [(number: Int, words: [Substring])]()
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard !words.isEmpty else { continue }
            guard out.count < maximumLines else {
                throw .badLine(path: path, line: k + 1, detail: "more than \(maximumLines) lines")
            }
            out.append((k + 1, words))
        }
        guard !out.isEmpty else { throw .unreadable(path: path, reason: "holds no line") }
        return out
    }

    /// 0-based indices from a file of 1-based ones.
    static func indices(_ path: String) throws(Problem) -> [Int] {
        var out = [Int]()
        for (number, words) in try lines(path) {
            guard words.count == 1, let i = Int(words[0]), i >= 1 else {
                throw .badLine(path: path, line: number, detail: "expected one index ≥ 1, found '\(words.joined(separator: " "))'")
            }
            out.append(i - 1)
        }
        return out
    }

    /// Points of dimension `d`, each line a cutoff weight in [0, 1] then `d` values.
    static func points(_ path: String, dimension d: Int) throws(Problem) -> GeometricTermSettings.GivenSparsePoints {
        var values = [[Double]](), cutoffs = [Double]()
        for (number, words) in try lines(path) {
            let numbers = words.compactMap { Double($0) }.filter(\.isFinite)
            guard words.count == d + 1, numbers.count == d + 1, (0...1).contains(numbers[0]) else {
                throw .badLine(
                    path: path, line: number,
                    detail: "expected a cutoff weight in [0, 1] and \(d) finite values, found '\(words.joined(separator: " "))'")
            }
            cutoffs.append(numbers[0])
            values.append(Array(numbers.dropFirst()))
        }
        return .init(values: values, cutoffs: cutoffs)
    }
}
