import Support

/// A zip archive of stored (uncompressed) entries written sequentially, with ZIP64 records when sizes or
/// offsets pass 4 GB.
struct ZipWriter<Sink: ZipSink> {
    /// Where the bytes go.
    private(set) var sink: Sink
    private var offset: UInt64 = 0
    private var central = [UInt8]()
    private var count = 0
    /// 1980-01-01 00:00 in MS-DOS format: a fixed time keeps archives reproducible.
    private let dosTime: UInt16 = 0, dosDate: UInt16 = 0x21
    /// Sizes and offsets from this value on use ZIP64 records (lowered only by tests).
    private let limit: UInt64

    init(sink: Sink, zip64Limit: UInt64 = 0xFFFF_FFFF) {
        self.sink = sink
        limit = zip64Limit
    }

    /// Hands each piece of an entry's content to `visit`, in order.
    typealias Pieces = (_ visit: (UnsafeRawBufferPointer) throws(AtomicFileError) -> Void) throws(AtomicFileError) -> Void

    /// Adds an entry whose content is `header` followed by the pieces of `body`, `bodySize` bytes in all.
    /// `body` runs twice (checksum, then write), so the pieces are never gathered into one buffer.
    mutating func addStored(name: String, header: [UInt8], bodySize: Int, body: Pieces) throws(AtomicFileError) {
        var crc = CRC32()
        header.withUnsafeBytes { crc.update($0) }
        var counted = 0
        try body { piece in
            crc.update(piece)
            counted += piece.count
        }
        precondition(counted == bodySize, "entry \(name): the pieces hold \(counted) bytes, not \(bodySize)")
        let size = UInt64(header.count + bodySize)
        let nameBytes = Array(name.utf8)
        let big = size >= limit
        var local = [UInt8]()
        local.le32(0x0403_4B50)
        local.le16(big ? 45 : 20)
        local.le16(0)  // flags
        local.le16(0)  // stored
        local.le16(dosTime)
        local.le16(dosDate)
        local.le32(crc.value)
        local.le32(big ? 0xFFFF_FFFF : UInt32(size))
        local.le32(big ? 0xFFFF_FFFF : UInt32(size))
        local.le16(UInt16(nameBytes.count))
        local.le16(big ? 20 : 0)
        local += nameBytes
        if big {
            local.le16(0x0001)
            local.le16(16)
            local.le64(size)
            local.le64(size)
        }
        let entryOffset = offset
        try sink.write(bytes: local)
        try sink.write(bytes: header)
        try body { piece throws(AtomicFileError) in try sink.write(raw: piece) }
        offset += UInt64(local.count) + size

        // Central directory record, with a ZIP64 extra field for whatever does not fit in 32 bits.
        var extra = [UInt8]()
        if big {
            extra.le64(size)
            extra.le64(size)
        }
        if entryOffset >= limit { extra.le64(entryOffset) }
        var record = [UInt8]()
        record.le32(0x0201_4B50)
        record.le16(extra.isEmpty ? 20 : 45)  // made by
        record.le16(extra.isEmpty ? 20 : 45)  // needed
        record.le16(0)
        record.le16(0)
        record.le16(dosTime)
        record.le16(dosDate)
        record.le32(crc.value)
        record.le32(big ? 0xFFFF_FFFF : UInt32(size))
        record.le32(big ? 0xFFFF_FFFF : UInt32(size))
        record.le16(UInt16(nameBytes.count))
        record.le16(extra.isEmpty ? 0 : UInt16(extra.count + 4))
        record.le16(0)  // comment
        record.le16(0)  // disk
        record.le16(0)  // internal attributes
        record.le32(0)  // external attributes
        record.le32(entryOffset >= limit ? 0xFFFF_FFFF : UInt32(entryOffset))
        record += nameBytes
        if !extra.isEmpty {
            record.le16(0x0001)
            record.le16(UInt16(extra.count))
            record += extra
        }
        central += record
        count += 1
    }

    /// Writes the central directory and the end records.
    mutating func finish() throws(AtomicFileError) {
        let centralOffset = offset
        let centralSize = UInt64(central.count)
        try sink.write(bytes: central)
        offset += centralSize
        let zip64 = centralOffset >= limit || count >= 0xFFFF
        var tail = [UInt8]()
        if zip64 {
            let recordOffset = offset
            tail.le32(0x0606_4B50)
            tail.le64(44)
            tail.le16(45)
            tail.le16(45)
            tail.le32(0)
            tail.le32(0)
            tail.le64(UInt64(count))
            tail.le64(UInt64(count))
            tail.le64(centralSize)
            tail.le64(centralOffset)
            tail.le32(0x0706_4B50)
            tail.le32(0)
            tail.le64(recordOffset)
            tail.le32(1)
        }
        tail.le32(0x0605_4B50)
        tail.le16(0)
        tail.le16(0)
        tail.le16(zip64 ? 0xFFFF : UInt16(count))
        tail.le16(zip64 ? 0xFFFF : UInt16(count))
        tail.le32(UInt32(min(centralSize, 0xFFFF_FFFF)))
        tail.le32(zip64 ? 0xFFFF_FFFF : UInt32(centralOffset))
        tail.le16(0)
        try sink.write(bytes: tail)
    }
}

/// Where a `ZipWriter` writes: a file, or bytes in memory.
protocol ZipSink {
    /// Appends `bytes`.
    mutating func write(bytes: [UInt8]) throws(AtomicFileError)
    /// Appends the bytes at `raw`.
    mutating func write(raw: UnsafeRawBufferPointer) throws(AtomicFileError)
}

extension AtomicFile: ZipSink {}

extension Array: ZipSink where Element == UInt8 {
    mutating func write(bytes: [UInt8]) { append(contentsOf: bytes) }
    mutating func write(raw: UnsafeRawBufferPointer) { append(contentsOf: raw) }
}

extension Array where Element == UInt8 {
    fileprivate mutating func le16(_ v: UInt16) { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8)]) }
    fileprivate mutating func le32(_ v: UInt32) { for k in 0..<4 { append(UInt8((v >> (8 * k)) & 0xFF)) } }
    fileprivate mutating func le64(_ v: UInt64) { for k in 0..<8 { append(UInt8((v >> (8 * k)) & 0xFF)) } }
}
