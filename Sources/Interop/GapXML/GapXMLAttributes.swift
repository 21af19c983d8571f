import Foundation

/// Typed reading of an element's attributes, with errors naming the file, line and attribute.
struct GapXMLAttributes {
    let element: XMLTree
    let file: String

    init(_ element: XMLTree, file: String) {
        self.element = element
        self.file = file
    }

    private func value(_ name: String) throws(GapXMLError) -> String {
        guard let v = element.attribute(name) else {
            throw .missing(file: file, line: element.line, what: "the \(name) attribute of <\(element.name)>")
        }
        return v.trimmingCharacters(in: .whitespaces)
    }

    /// An integer attribute within `range`.
    func int(_ name: String, in range: ClosedRange<Int>) throws(GapXMLError) -> Int {
        let v = try value(name)
        guard let n = GapFitNumber.int(v), range.contains(n) else {
            throw .badValue(
                file: file, line: element.line, what: "\(name) of <\(element.name)>", value: v,
                expected: "an integer in \(range.lowerBound)…\(range.upperBound == Int.max ? "" : "\(range.upperBound)")")
        }
        return n
    }

    /// A finite real attribute.
    func double(_ name: String) throws(GapXMLError) -> Double {
        let v = try value(name)
        guard let x = Double(v) ?? GapFitNumber.double(v), x.isFinite else {
            throw .badValue(
                file: file, line: element.line, what: "\(name) of <\(element.name)>", value: v, expected: "a finite number")
        }
        return x
    }

    /// A Fortran logical attribute (`T`, `F`, `true`, `.false.`, …).
    func bool(_ name: String) throws(GapXMLError) -> Bool {
        let v = try value(name)
        switch v.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) {
        case "t", "true": return true
        case "f", "false": return false
        default: throw .badValue(file: file, line: element.line, what: "\(name) of <\(element.name)>", value: v, expected: "T or F")
        }
    }

    /// The finite numbers of an element's text; exactly `count` of them when given.
    static func numbers(_ text: String, count: Int?, what: String, file: String, line: Int) throws(GapXMLError) -> [Double] {
        var bad: (Int, String)?
        let values = GapXMLNumbers.parse(
            Array(text.utf8), limit: count ?? GapXMLLimits.dimensions, invalid: { bad = ($0, $1) }, tooMany: {})
        guard let values, count == nil || values.count == count else {
            throw .badValue(
                file: file, line: line + max((bad?.0 ?? 1) - 1, 0), what: what,
                value: bad?.1 ?? "\(values?.count ?? 0) numbers", expected: count.map { "\($0) finite numbers" } ?? "finite numbers"
            )
        }
        return values
    }
}
