extension InfoValue {
    /// Types an extxyz comment-line value as ASE does: integers, then reals, then logicals
    /// (T/F/True/False/true/false/TRUE/FALSE), one value or a list split on spaces and commas;
    /// `_JSON …` values stay raw JSON text; anything else is a string. A value written in […]
    /// stays a list even with one element.
    init(extxyzValue bytes: [UInt8], bracketed: Bool = false) {
        let json: [UInt8] = Array("_JSON ".utf8)
        if bytes.starts(with: json) {
            self = .json(String(decoding: bytes.dropFirst(json.count), as: UTF8.self))
            return
        }
        // Token ranges, split on spaces, tabs, newlines and commas; a trailing NUL stops strtod.
        var terminated = bytes
        terminated.append(0)
        var tokens = [Range<Int>]()
        var start: Int? = nil
        for (k, b) in terminated.enumerated() {
            let separator = b == 0x20 || b == 0x09 || b == 0x0A || b == UInt8(ascii: ",") || b == 0
            if separator, let s = start {
                tokens.append(s..<k)
                start = nil
            } else if !separator && start == nil {
                start = k
            }
        }
        let single = tokens.count == 1 && !bracketed
        let text = { String(decoding: bytes, as: UTF8.self) }
        self = terminated.withUnsafeBufferPointer { buffer -> InfoValue in
            let base = buffer.baseAddress!
            if tokens.isEmpty { return bracketed ? .doubles([]) : .string(text()) }
            if let ints = tokens.allMap({ parseInt(base + $0.lowerBound, base + $0.upperBound) }) {
                return single ? .int(ints[0]) : .ints(ints)
            }
            if let reals = tokens.allMap({ parseDouble(base + $0.lowerBound, base + $0.upperBound) }) {
                return single ? .double(reals[0]) : .doubles(reals)
            }
            let words = tokens.map { String(decoding: buffer[$0], as: UTF8.self) }
            if let flags = words.allMap(extxyzBool) { return single ? .bool(flags[0]) : .bools(flags) }
            return bracketed ? .strings(words) : .string(text())
        }
    }

    /// Types a value given as text (see `init(extxyzValue:bracketed:)` for bytes).
    init(extxyzValue text: String, bracketed: Bool = false) {
        self.init(extxyzValue: Array(text.utf8), bracketed: bracketed)
    }
}

/// An extxyz logical: T, F, True, False, true, false, TRUE or FALSE.
func extxyzBool(_ s: String) -> Bool? {
    switch s {
    case "T", "True", "true", "TRUE": return true
    case "F", "False", "false", "FALSE": return false
    default: return nil
    }
}

extension Array {
    /// `transform` of every element, or nil if any element gives nil.
    func allMap<T>(_ transform: (Element) -> T?) -> [T]? {
        var out = [T]()
        out.reserveCapacity(count)
        for x in self {
            guard let y = transform(x) else { return nil }
            out.append(y)
        }
        return out
    }
}
