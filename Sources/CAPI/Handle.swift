/// Opaque handles: a Swift object retained for a C caller, who gives it back to each call and frees it once.
enum Handle {
    /// A retained handle to `object`.
    static func make(_ object: AnyObject) -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(object).toOpaque()
    }

    /// The object behind `handle`, or a `CAPIError` when it is NULL or of another kind.
    static func object<T: AnyObject>(_ handle: UnsafeMutableRawPointer?, as type: T.Type) throws -> T {
        guard let handle else { throw CAPIError("the \(T.self) handle is NULL") }
        guard let object = Unmanaged<AnyObject>.fromOpaque(handle).takeUnretainedValue() as? T else {
            throw CAPIError("the handle is not a \(T.self)")
        }
        return object
    }

    /// Releases `handle` (NULL is ignored).
    static func release(_ handle: UnsafeMutableRawPointer?) {
        guard let handle else { return }
        Unmanaged<AnyObject>.fromOpaque(handle).release()
    }
}

/// Frees any handle the library returned (potentials, descriptors, descriptor results). NULL is ignored.
@_cdecl("swiftgap_free")
public func swiftgapFree(_ handle: UnsafeMutableRawPointer?) {
    Handle.release(handle)
}
