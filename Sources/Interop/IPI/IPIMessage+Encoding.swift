import Atoms

extension IPIMessage {
    /// The message's bytes on the wire: its header, then its payload.
    public var encoded: [UInt8] {
        var out = header.bytes
        switch self {
        case .status, .ready, .needInit, .haveData, .getForce, .exit:
            break
        case let .initialize(i):
            out.appendInt32(i.bead)
            out.appendInt32(Int32(truncatingIfNeeded: i.parameters.count))
            out += i.parameters
        case let .positions(p):
            out.appendDoubles(p.cell.rowMajor)
            out.appendDoubles(p.inverseCell.rowMajor)
            out.appendInt32(Int32(truncatingIfNeeded: p.positions.count))
            for r in p.positions { out.appendDoubles([r.x, r.y, r.z]) }
        case let .forceReady(f):
            out.appendDoubles([f.energy])
            out.appendInt32(Int32(truncatingIfNeeded: f.forces.count))
            for g in f.forces { out.appendDoubles([g.x, g.y, g.z]) }
            out.appendDoubles(f.virial.rowMajor)
            out.appendInt32(Int32(truncatingIfNeeded: f.extra.count))
            out += f.extra
        }
        return out
    }
}

extension [UInt8] {
    /// Appends `x` as 4 little-endian bytes.
    mutating func appendInt32(_ x: Int32) {
        Swift.withUnsafeBytes(of: x.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends each value as 8 little-endian bytes (IEEE 754 binary64).
    mutating func appendDoubles(_ values: [Double]) {
        for x in values { Swift.withUnsafeBytes(of: x.bitPattern.littleEndian) { append(contentsOf: $0) } }
    }
}
