import Archive
import FuzzDriver
import GAP

/// One fuzz input: a potential file (an npz archive); reading it must give a potential or a typed error.
/// TODO(helper): read from memory instead of a temporary file once NPZReader takes bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPotential(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    0
}

@_cdecl("FuzzPotential_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPotential)
}
