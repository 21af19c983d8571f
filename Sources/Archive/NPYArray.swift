import Foundation

/// Parses one `.npy` payload (format versions 1 to 3, C order, little-endian float64, int64 or uint8). The
/// header length, every dimension, the element count and the byte count are checked, overflow-safely,
/// against the payload before any array is made.
enum NPYArray {
    /// The longest header accepted (numpy writes under 200 bytes; its own reader refuses over 10 000).
    static let maximumHeaderLength = 65_536
    /// The most dimensions accepted (numpy's own limit is 64).
    static let maximumDimensions = 32

    /// The array in `body`, the entry `name` of the archive `view`.
    static func parse(_ body: UnsafeRawBufferPointer, name: String, view: ByteView) throws(NPZError) -> NPZReader.Array {
        func fail(_ problem: String) -> NPZError { view.fail(problem, entry: name) }
        guard body.count >= 10, body[0] == 0x93, Swift.Array(body[1..<6]) == Swift.Array("NUMPY".utf8) else {
            throw fail("is not a .npy array (no NUMPY magic)")
        }
        let major = Int(body[6])
        guard (1...3).contains(major) else { throw fail("has .npy format version \(major); versions 1 to 3 are supported") }
        let headerStart = major == 1 ? 10 : 12
        guard body.count >= headerStart else { throw fail("has a truncated header") }
        let headerLength =
            major == 1
            ? Int(body[8]) | Int(body[9]) << 8
            : Int(body[8]) | Int(body[9]) << 8 | Int(body[10]) << 16 | Int(body[11]) << 24
        guard headerLength <= maximumHeaderLength else {
            throw fail("has a header of \(headerLength) bytes, more than the \(maximumHeaderLength) accepted")
        }
        guard headerLength <= body.count - headerStart else {
            throw fail("has a header of \(headerLength) bytes, longer than the \(body.count - headerStart) bytes left")
        }
        let header = String(
            decoding: UnsafeRawBufferPointer(rebasing: body[headerStart..<(headerStart + headerLength)]), as: UTF8.self)
        guard let descr = quoted(value(of: "descr", in: header)) else { throw fail("has no readable 'descr' in its header") }
        guard let fortran = value(of: "fortran_order", in: header), fortran.hasPrefix("False") || fortran.hasPrefix("True") else {
            throw fail("has no readable 'fortran_order' in its header")
        }
        guard fortran.hasPrefix("False") else { throw fail("is Fortran-ordered; only C order is supported") }
        let shape = try self.shape(value(of: "shape", in: header), fail: fail)
        let width: Int
        switch descr {
        case "<f8", "<i8": width = 8
        case "|u1": width = 1
        default: throw fail("has dtype '\(descr)'; float64 (<f8), int64 (<i8) and uint8 (|u1) are supported")
        }
        let data = UnsafeRawBufferPointer(rebasing: body[(headerStart + headerLength)...])
        var count = 1
        for n in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= data.count else {
                throw fail("has shape \(shape), more elements than its \(data.count) data bytes can hold")
            }
            count = product
        }
        guard count * width == data.count else {
            throw fail("has shape \(shape) of \(count) \(descr) elements (\(count * width) bytes) but holds \(data.count) bytes")
        }
        switch descr {
        case "<f8":
            return .doubles(
                (0..<count).map {
                    Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
                },
                shape: shape)
        case "<i8":
            return .ints(
                (0..<count).map { Int(Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) },
                shape: shape)
        default:
            return .bytes(Swift.Array(data), shape: shape)
        }
    }

    /// The text after `'key':` in a header dictionary, leading spaces skipped.
    private static func value(of key: String, in header: String) -> Substring? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        return header[range.upperBound...].drop { $0 == " " }
    }

    /// The contents of the quoted string at the start of `text`.
    private static func quoted(_ text: Substring?) -> String? {
        guard let text, let quote = text.first, quote == "'" || quote == "\"" else { return nil }
        let body = text.dropFirst()
        guard let end = body.firstIndex(of: quote) else { return nil }
        return String(body[..<end])
    }

    /// The dimensions of the tuple at the start of `text`: `()`, `(5,)` or `(3, 4)`, each a non-negative integer.
    private static func shape(_ text: Substring?, fail: (String) -> NPZError) throws(NPZError) -> [Int] {
        guard let text, text.first == "(", let end = text.firstIndex(of: ")") else {
            throw fail("has no readable 'shape' in its header")
        }
        var parts = text[text.index(after: text.startIndex)..<end].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        if parts == [""] { parts = [] }
        guard parts.count <= maximumDimensions else {
            throw fail("has \(parts.count) dimensions, more than the \(maximumDimensions) accepted")
        }
        var shape = [Int]()
        for part in parts {
            guard let n = Int(part), n >= 0 else { throw fail("has a shape dimension '\(part)' that is not a count") }
            shape.append(n)
        }
        return shape
    }
}
