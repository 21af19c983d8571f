/// The real numbers of a whitespace-separated text (sparseX files, `<theta>`, inline `<sparseX>`), as QUIP
/// writes them (`1.0E+00`, Fortran's `.50000000000000000` and `1.0D+00` included).
enum GapXMLNumbers {
    /// The numbers of `bytes`, at most `limit` of them; `invalid` gets the 1-based line and the word that is
    /// not a finite number.
    /// - Returns: nil when a word is not a number (after calling `invalid`).
    static func parse(
        _ bytes: some Collection<UInt8>, limit: Int, invalid: (_ line: Int, _ word: String) -> Void,
        tooMany: () -> Void
    ) -> [Double]? {
        var out: [Double] = []
        var word: [UInt8] = []
        var line = 1
        var wordLine = 1
        func finish() -> Bool {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty else { return true }
            guard out.count < limit else {
                tooMany()
                return false
            }
            let text = String(decoding: word, as: UTF8.self)
            guard let x = Double(text) ?? GapFitNumber.double(text), x.isFinite else {
                invalid(wordLine, text)
                return false
            }
            out.append(x)
            return true
        }
        for b in bytes {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                guard finish() else { return nil }
                if b == 0x0A { line += 1 }
            } else {
                if word.isEmpty { wordLine = line }
                guard word.count < 64 else {
                    invalid(wordLine, String(decoding: word, as: UTF8.self) + "…")
                    return nil
                }
                word.append(b)
            }
        }
        guard finish() else { return nil }
        return out
    }
}
