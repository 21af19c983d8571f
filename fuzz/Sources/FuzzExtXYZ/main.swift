import Atoms
import FuzzDriver

/// One fuzz input: an extxyz file; reading it must end in frames or an `ExtXYZError`, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtXYZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let reader = ExtXYZReader(text: String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self), name: "fuzz")
    while true {
        do { guard try reader.next() != nil else { break } } catch { break }
    }
    return 0
}

@_cdecl("FuzzExtXYZ_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzExtXYZ)
}
