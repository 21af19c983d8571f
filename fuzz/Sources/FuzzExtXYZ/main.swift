import Atoms
import FuzzDriver

/// One fuzz input: the bytes of an extxyz file. Reading it must end in frames or an `ExtXYZError`, never
/// a trap; every frame that parses is written and read back, and must keep its atoms.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtXYZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let reader = ExtXYZReader(bytes: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz")
    while true {
        do {
            guard let frame = try reader.next() else { break }
            roundTrip(frame)
        } catch {
            break
        }
    }
    return 0
}

/// Writes `frame` and reads it back; a writer error (a string the format cannot hold) is fine, a frame
/// that does not read back with the same species and positions is a bug.
private func roundTrip(_ frame: Structure) {
    guard let text = try? ExtXYZWriter.format(frame) else { return }
    do {
        guard let back = try ExtXYZReader(text: text, name: "round trip").next(),
            back.atomicNumbers == frame.atomicNumbers, back.positions == frame.positions,
            back.cell == frame.cell, back.pbc == frame.pbc
        else { fatalError("frame changed in a write-read round trip:\n\(text)") }
    } catch {
        fatalError("written frame does not read back: \(error)\n\(text)")
    }
}

@_cdecl("FuzzExtXYZ_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzExtXYZ)
}
