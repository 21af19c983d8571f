import CAPI
import FuzzDriver

/// One fuzz input: the JSON settings a C caller gives `swiftgap_descriptor_new` (the Python package's
/// DScribe-style descriptors). Any bytes must end in a descriptor handle or an error status with text, never a
/// trap; a descriptor made must compute rows and derivatives of a small molecule (or fail with a status).
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
    // Water, with a point center and an atom center for SOAP; the Coulomb matrix takes no centers.
    let numbers: [Int32] = [8, 1, 1], positions = [0, 0, 0.12, 0, 0.76, -0.48, 0, -0.76, -0.48]
    let cells = [Double](repeating: 0, count: 9), pbc: [UInt8] = [0, 0, 0]
    for centers in [nil, [Int64(2)]] as [[Int64]?] {
        var result: UnsafeMutableRawPointer?
        let computed = swiftgapDescriptorCompute(
            handle, 1, [3], numbers, positions, cells, pbc, centers, [0, -1], [0, 0, 0, 0.1, 0.2, 0.3], 1, 0, 1, &result,
            &error, 1024)
        if computed == 0 {
            var rows: Int64 = 0
            guard swiftgapResultRows(result, &rows, &error, 1024) == 0, rows >= 1 else { fatalError("no rows") }
        }
        swiftgapFree(result)
    }
    return 0
}

@_cdecl("FuzzDescriptorSettings_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzDescriptorSettings)
}
