/// Numbers as gap_fit reads them (Fortran list-directed `read`): integers are digits with an optional sign;
/// reals may use `d`, `D`, `q` or `Q` for the exponent (`1.0d-3`). Only finite values are accepted.
enum GapFitNumber {
    /// The integer `word` spells, or nil.
    static func int(_ word: String) -> Int? {
        let scalars = Array(word.unicodeScalars)
        let start = scalars.first == "+" || scalars.first == "-" ? 1 : 0
        guard scalars.count > start, scalars[start...].allSatisfy(isDigit) else { return nil }
        return Int(scalars.first == "+" ? String(word.dropFirst()) : word)
    }

    /// The finite real `word` spells, or nil: [sign] digits [. digits] [exponent [sign] digits], with at least
    /// one mantissa digit.
    static func double(_ word: String) -> Double? {
        let scalars = Array(word.unicodeScalars)
        var text = String.UnicodeScalarView()
        var i = 0
        /// Copies the scalars from `i` that `accept` takes; returns how many.
        func take(_ accept: (Unicode.Scalar) -> Bool, limit: Int = .max) -> Int {
            var n = 0
            while i < scalars.count, n < limit, accept(scalars[i]) {
                text.append(scalars[i])
                i += 1
                n += 1
            }
            return n
        }
        _ = take(isSign, limit: 1)
        var mantissa = take(isDigit)
        mantissa += take({ $0 == "." }, limit: 1) > 0 ? take(isDigit) : 0
        guard mantissa > 0 else { return nil }
        if i < scalars.count, "eEdDqQ".unicodeScalars.contains(scalars[i]) {
            text.append("e")
            i += 1
            _ = take(isSign, limit: 1)
            guard take(isDigit) > 0 else { return nil }
        }
        guard i == scalars.count, let x = Double(String(text)), x.isFinite else { return nil }
        return x
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isSign(_ c: Unicode.Scalar) -> Bool { c == "+" || c == "-" }
}
