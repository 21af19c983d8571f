/// The stored entries of a zip archive, through its central directory (ZIP64 included). Every size and
/// offset is checked against the archive's bytes before it is used, and every entry's CRC is checked.
enum ZipEntries {
    /// The smallest central directory record (no name, extra field or comment).
    private static let centralRecordSize = 46

    /// Calls `body` with each entry's name and bytes, in directory order.
    static func forEach(
        in view: ByteView, _ body: (String, UnsafeRawBufferPointer) throws(NPZError) -> Void
    ) throws(NPZError) {
        var (entries, cursor) = try directory(view)
        guard entries <= (view.count - cursor) / centralRecordSize else {
            throw view.fail("claims \(entries) entries, more than the central directory's \(view.count - cursor) bytes can hold")
        }
        while entries > 0 {
            entries -= 1
            guard try view.u32(cursor) == 0x0201_4B50 else {
                throw view.fail("has a corrupt central directory (no record signature at offset \(cursor))")
            }
            let method = try view.u16(cursor + 10), crc = UInt32(try view.u32(cursor + 16))
            var stored = try view.u32(cursor + 20), size = try view.u32(cursor + 24)
            let nameLength = try view.u16(cursor + 28), extraLength = try view.u16(cursor + 30)
            let commentLength = try view.u16(cursor + 32)
            var local = try view.u32(cursor + 42)
            let name = String(decoding: try view.slice(cursor + 46, nameLength, "entry name"), as: UTF8.self)
            let extra = cursor + 46 + nameLength
            try zip64Fields(view, extra, extraLength, entry: name, size: &size, stored: &stored, local: &local)
            cursor = extra + extraLength + commentLength
            guard method == 0 else {
                throw view.fail("is compressed (method \(method)); only stored archives (numpy.savez) are supported", entry: name)
            }
            guard stored == size else { throw view.fail("has a stored size \(stored) unlike its size \(size)", entry: name) }
            _ = try view.bounded(size, "size", entry: name)
            guard try view.u32(try view.bounded(local, "local header offset", entry: name), entry: name) == 0x0403_4B50 else {
                throw view.fail("has a corrupt local header at offset \(local)", entry: name)
            }
            let start = local + 30 + (try view.u16(local + 26, entry: name)) + (try view.u16(local + 28, entry: name))
            let bytes = try view.slice(start, size, "data", entry: name)
            var check = CRC32()
            check.update(bytes)
            guard check.value == crc else {
                throw view.fail("is corrupt (checksum \(check.value), the directory says \(crc))", entry: name)
            }
            try body(name, bytes)
        }
    }

    /// The entry count and the offset of the central directory, from the end record (and its ZIP64 record).
    private static func directory(_ view: ByteView) throws(NPZError) -> (entries: Int, offset: Int) {
        // End of central directory: the last signature 0x06054b50 within the final 64 kB.
        var eocd = -1
        var at = view.count - 22
        while at >= max(0, view.count - 65_557) {
            if try view.u32(at) == 0x0605_4B50 {
                eocd = at
                break
            }
            at -= 1
        }
        guard eocd >= 0 else { throw view.fail("is not a zip archive (no end record; truncated or corrupt)") }
        let entries = try view.u16(eocd + 10), offset = try view.u32(eocd + 16)
        guard entries == 0xFFFF || offset == 0xFFFF_FFFF else {
            return (entries, try view.bounded(offset, "central directory offset"))
        }
        // ZIP64 end record, through its locator just before the end record.
        guard eocd >= 20, try view.u32(eocd - 20) == 0x0706_4B50 else { throw view.fail("has a damaged ZIP64 locator") }
        let record = try view.offset64(eocd - 12, "ZIP64 end record offset")
        guard try view.u32(record) == 0x0606_4B50 else { throw view.fail("has a damaged ZIP64 end record at offset \(record)") }
        return (
            try view.offset64(record + 32, "ZIP64 entry count"), try view.offset64(record + 48, "ZIP64 central directory offset")
        )
    }

    /// Reads the ZIP64 extra field (id 1) among the `length` extra bytes at `start`: the sizes and the
    /// offset that did not fit in 32 bits, in that order, each present only when its 32-bit field is 0xFFFFFFFF.
    private static func zip64Fields(
        _ view: ByteView, _ start: Int, _ length: Int, entry: String, size: inout Int, stored: inout Int, local: inout Int
    ) throws(NPZError) {
        _ = try view.slice(start, length, "extra field", entry: entry)
        var field = start
        let end = start + length
        while field + 4 <= end {
            let id = try view.u16(field, entry: entry), fieldLength = try view.u16(field + 2, entry: entry)
            let fieldEnd = field + 4 + fieldLength
            guard fieldEnd <= end else { throw view.fail("has an extra field of \(fieldLength) bytes past its end", entry: entry) }
            if id == 0x0001 {
                var at = field + 4
                func next(_ what: String) throws(NPZError) -> Int {
                    guard at + 8 <= fieldEnd else {
                        throw view.fail("has a ZIP64 extra field too short for its \(what)", entry: entry)
                    }
                    defer { at += 8 }
                    return try view.offset64(at, "ZIP64 \(what)", entry: entry)
                }
                if size == 0xFFFF_FFFF { size = try next("size") }
                if stored == 0xFFFF_FFFF { stored = try next("stored size") }
                if local == 0xFFFF_FFFF { local = try next("local header offset") }
            }
            field = fieldEnd
        }
    }
}
