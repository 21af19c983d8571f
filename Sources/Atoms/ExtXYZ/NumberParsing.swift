#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exact powers of ten representable in a Double (10^0 … 10^22).
private let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { acc, _ in acc * 10 } }

/// Parses the decimal number in [`start`, `end`) exactly as `strtod` would (correctly rounded).
///
/// Common short decimals take an exact fast path (mantissa < 2⁵³ and a power of ten ≤ 22, where one
/// multiplication or division is exact); anything else goes to `strtod`. The byte at `end` must stop
/// `strtod` (whitespace, newline or NUL). Returns nil when the token is not entirely a number.
@inline(__always)
func parseDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
    var p = start
    let negative = skipSign(&p, end)
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var sawDigit = false
    while p < end, p.pointee &- 48 < 10 {
        if digits < 19 {
            mantissa = mantissa &* 10 &+ UInt64(p.pointee &- 48)
            if mantissa != 0 { digits += 1 }
        } else {
            exponent += 1
        }
        sawDigit = true
        p += 1
    }
    if p < end && p.pointee == UInt8(ascii: ".") {
        p += 1
        while p < end, p.pointee &- 48 < 10 {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p.pointee &- 48)
                if mantissa != 0 { digits += 1 }
                exponent -= 1
            }
            sawDigit = true
            p += 1
        }
    }
    guard sawDigit else { return slowParseDouble(start, end) }
    if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
        p += 1
        let expNegative = skipSign(&p, end)
        var e = 0
        var sawExpDigit = false
        while p < end, p.pointee &- 48 < 10 {
            if e < 100_000 { e = e * 10 + Int(p.pointee &- 48) }
            sawExpDigit = true
            p += 1
        }
        guard sawExpDigit else { return nil }
        exponent += expNegative ? -e : e
    }
    guard p == end else { return nil }
    if digits >= 19 || mantissa > (1 << 53) || exponent < -22 || exponent > 22 {
        return slowParseDouble(start, end)
    }
    var value = Double(mantissa)
    value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
    return negative ? -value : value
}

/// Steps over an optional '+' or '-'; true when it was '-'.
@inline(__always)
private func skipSign(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
    guard p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") else { return false }
    defer { p += 1 }
    return p.pointee == UInt8(ascii: "-")
}

/// `strtod` on a token, accepting it only when the whole token is consumed (also reads inf and nan).
private func slowParseDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
    guard start < end else { return nil }
    var stop: UnsafeMutablePointer<CChar>? = nil
    let value = start.withMemoryRebound(to: CChar.self, capacity: end - start) { strtod($0, &stop) }
    guard let stop, UnsafeRawPointer(stop) == UnsafeRawPointer(end) as UnsafeRawPointer else { return nil }
    return value
}

/// Parses an optionally signed decimal integer filling [`start`, `end`); nil on anything else or overflow.
@inline(__always)
func parseInt(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int? {
    var p = start
    let negative = skipSign(&p, end)
    guard p < end else { return nil }
    var value = 0
    while p < end {
        let d = p.pointee &- 48
        guard d < 10 else { return nil }
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (next, o2) = times10.addingReportingOverflow(Int(d))
        guard !o1 && !o2 else { return nil }
        value = next
        p += 1
    }
    return negative ? -value : value
}

/// An integer filling the whole buffer, or nil.
func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    return parseInt(base, base + bytes.count)
}

extension String {
    /// The text as a Double, by the same rules as extxyz atom columns.
    var extxyzDouble: Double? { withParsedBytes(parseDouble) }
    /// The text as an Int, by the same rules as extxyz atom columns.
    var extxyzInt: Int? { withParsedBytes(parseInt) }

    private func withParsedBytes<T>(_ parse: (UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> T?) -> T? {
        var bytes = Array(utf8)
        let count = bytes.count
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { b in parse(b.baseAddress!, b.baseAddress! + count) }
    }
}
