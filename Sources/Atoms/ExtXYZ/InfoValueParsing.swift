extension InfoValue {
    /// Types an extxyz comment-line value as ASE does: integers, then reals, then logicals
    /// (T/F/True/False/true/false/TRUE/FALSE), one value or a list split on spaces and commas;
    /// `_JSON …` values stay raw JSON text; anything else is a string. A value written in […]
    /// stays a list even with one element.
    init(extxyzValue text: String, bracketed: Bool = false) {
        if text.hasPrefix("_JSON ") {
            self = .json(String(text.dropFirst(6)))
            return
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }).map(String.init)
        let single = parts.count == 1 && !bracketed
        if parts.isEmpty {
            self = bracketed ? .doubles([]) : .string(text)
        } else if let ints = parts.allMap(\.extxyzInt) {
            self = single ? .int(ints[0]) : .ints(ints)
        } else if let reals = parts.allMap(\.extxyzDouble) {
            self = single ? .double(reals[0]) : .doubles(reals)
        } else if let flags = parts.allMap(extxyzBool) {
            self = single ? .bool(flags[0]) : .bools(flags)
        } else if bracketed {
            self = .strings(parts)
        } else {
            self = .string(text)
        }
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
