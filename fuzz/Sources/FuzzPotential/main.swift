import Archive
import Atoms
import Evaluation
import FuzzDriver
import GAP

/// One fuzz input: a potential file, read from memory all the way to a `GAPPotential` or a typed error.
/// Inputs starting with "PK" are whole archives. Any other input is a bundle of entries, each
/// `@@ name\n` followed by the entry's bytes up to the next `\n@@ `, that is zipped (with correct CRCs)
/// before reading, so mutations reach the npy headers, the metadata and the consistency checks that
/// byte flips in a real archive would only take to the CRC check.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPotential(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let archive = input.starts(with: Array("PK".utf8)) ? Array(input) : zipped(bundle: input)
    guard var potential = try? GAPPotential.load(bytes: archive, name: "fuzz").potential else { return 0 }
    // A potential that loads must predict finite numbers for a sane structure of its elements, or say why not.
    potential.threads = 1
    let elements = potential.elements
    guard !elements.isEmpty else { return 0 }
    let positions: [SIMD3<Double>] = [.zero, SIMD3(2.3, 0, 0), SIMD3(1.15, 2.0, 0), SIMD3(1.15, 0.66, 1.9)]
    let structure = Structure(
        atomicNumbers: positions.indices.map { elements[$0 % elements.count] }, positions: positions, cell: .empty,
        pbc: .none)
    guard let result = try? potential.calculate(structure) else { return 0 }
    if result.flattened.contains(where: { !$0.isFinite }) { fatalError("a loaded potential predicts non-finite numbers") }
    return 0
}

/// The archive of the entries of a bundle.
private func zipped(bundle: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    let marker = Array("\n@@ ".utf8)
    var npz = NPZWriter()
    var pieces = [ArraySlice<UInt8>]()
    var start = 0, k = 0
    let bytes = Array(bundle)
    while k + marker.count <= bytes.count {
        if bytes[k..<(k + marker.count)].elementsEqual(marker) {
            pieces.append(bytes[start..<k])
            start = k + marker.count
            k = start
        } else {
            k += 1
        }
    }
    pieces.append(bytes[start...])
    for piece in pieces.dropFirst() {
        let name = piece.prefix { $0 != UInt8(ascii: "\n") }
        npz.add(String(decoding: name, as: UTF8.self), npy: Array(piece.dropFirst(name.count + 1)))
    }
    return npz.bytes()
}

@_cdecl("FuzzPotential_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPotential)
}
