import Atoms
import Evaluation
import Foundation
import FuzzDriver
import Interop

/// The folder the fuzzed XML's sparseX files are looked up in: it holds `fuzz.sparseX`, ten values, which the
/// seed inputs name (with its MD5 sum), so inputs reach past the sparse-file checks.
private let folder: String = {
    let path = NSTemporaryDirectory() + "swiftgap-fuzz-gapxml"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let values = (1...10).map { "\(2.0 + 0.25 * Double($0))\n" }.joined()
    _ = FileManager.default.createFile(atPath: path + "/fuzz.sparseX", contents: Data(values.utf8))
    return path
}()

/// One fuzz input: the bytes of a GAP XML. Reading it must give a potential or a `GapXMLError`, never a trap; a
/// potential with cutoffs of at most 6 Å must evaluate a small cell of two of its elements to finite numbers (or
/// refuse it with an error). Larger cutoffs are valid but cost too much per input in a 3 Å cell (an angle_3b term at 50 Å has
/// billions of triplets), so they are only read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGapXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let model = try GapXML.read(bytes: bytes, name: "fuzz.xml", folder: folder)
        let elements = model.potential.elements
        let cutoffs = [model.potential.soap?.settings.cutoff ?? 0] + model.potential.terms.map(\.sparse.descriptor.cutoff.cutoff)
        guard let a = elements.first, cutoffs.allSatisfy({ $0 <= 6 }) else { return 0 }
        let b = elements.last ?? a
        let s = Structure(
            atomicNumbers: [a, b, a], positions: [SIMD3(0, 0, 0), SIMD3(1.3, 1.1, 0.2), SIMD3(0.1, 1.6, 1.4)],
            cell: Cell(SIMD3(3.1, 0, 0), SIMD3(0.3, 3.0, 0), SIMD3(0, 0.2, 3.2)), pbc: Periodicity(true, true, true))
        do {
            let r = try model.potential.calculate(s)
            if r.flattened.contains(where: { !$0.isFinite }) { fatalError("a GAP XML that reads predicts non-finite numbers") }
        } catch { _ = "\(error)" }
    } catch {
        _ = error.description
    }
    return 0
}

@_cdecl("FuzzGapXML_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzGapXML)
}
