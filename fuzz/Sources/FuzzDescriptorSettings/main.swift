import CAPI
import FuzzDriver

/// One fuzz input: the JSON settings a C caller gives `swiftgap_descriptor_new` (the Python package's
/// DScribe-style descriptors). Any bytes must end in a descriptor handle or an error status with text, never a
/// trap; a descriptor made must compute finite rows and derivatives of water, as a molecule and in a small periodic
/// cell, into the caller's arrays (or fail with a status and text).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDescriptorSettings(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The settings as a C string: bytes up to the first NUL.
    var text = Array(UnsafeBufferPointer(start: data, count: size).prefix { $0 != 0 }).map { CChar(bitPattern: $0) }
    text.append(0)
    var error = [CChar](repeating: 0, count: 1024)
    var handle: UnsafeMutableRawPointer?
    let status = swiftgapDescriptorNew(text, &handle, &error, 1024)
    guard status == 0 else {
        guard handle == nil, error[0] != 0 else { fatalError("a failed call must leave no handle and say why") }
        return 0
    }
    defer { swiftgapFree(handle) }
    let features = swiftgapDescriptorFeatures(handle)
    guard features > 0 else { fatalError("a descriptor with \(features) features") }
    // Water, as a molecule and in a periodic cell narrower than most cutoffs, with a point center and an atom
    // center for SOAP (the Coulomb matrix takes no centers), centers fixed and moving with their atoms.
    let numbers: [Int32] = [8, 1, 1], positions = [0, 0, 0.12, 0, 0.76, -0.48, 0, -0.76, -0.48]
    let local = swiftgapDescriptorIsLocal(handle) == 1
    for periodic in [false, true] {
        let cells = periodic ? [2.8, 0, 0, 0, 2.9, 0, 0.3, 0, 3] : [Double](repeating: 0, count: 9)
        let pbc = [UInt8](repeating: periodic ? 1 : 0, count: 3)
        for centers in [nil, [Int64(2)]] as [[Int64]?] {
            for attach: Int32 in [0, 1] {
                // The rows the caller expects: a row per center (every atom without centers) or one per structure.
                let rowCount = Int64(local ? (centers == nil ? 3 : 2) : 1)
                var rows = [Double](repeating: 0, count: Int(rowCount * features))
                // Not zeroed: with fill, the call writes every block.
                let dense = UnsafeMutableBufferPointer<Double>.allocate(capacity: Int(rowCount * 3 * 3 * features))
                dense.initialize(repeating: .nan)
                defer { dense.deallocate() }
                // Site weights with attach (for settings that pool by them; an error for the others), none without.
                let weights: [Double]? = attach == 1 ? [1, 0.5, 2] : nil
                let computed = swiftgapDescriptorDerivatives(
                    handle, 1, [3], numbers, positions, cells, pbc, centers, [0, -1], [0, 0, 0, 0.1, 0.2, 0.3], weights,
                    attach, 1, 1, [rowCount], &rows, [0, 1, 2], [3], [dense.baseAddress], &error, 1024)
                guard computed == 0 || error[0] != 0 else { fatalError("a failed call must say why") }
                if computed == 0 && rows.contains(where: { !$0.isFinite }) { fatalError("rows that are not finite") }
                if computed == 0 && dense.contains(where: { !$0.isFinite }) {
                    fatalError("derivatives that are not finite")
                }
            }
        }
    }
    return 0
}

@_cdecl("FuzzDescriptorSettings_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzDescriptorSettings)
}
