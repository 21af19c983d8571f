import Support

extension Communicator {
    /// `body` on every rank, with the ranks agreeing on its outcome (`Communicator.agree`): when it fails on any
    /// rank, every rank throws `GAPError.distributed` with that rank's message. On one rank its own error passes
    /// through unchanged.
    func agreeing<T>(_ body: () throws(GAPError) -> T) throws(GAPError) -> T {
        guard size > 1 else { return try body() }
        do { return try agree { () throws(GAPError) -> T in try body() } } catch { throw .distributed(error) }
    }

    /// Runs `body` (a collective: every rank calls it) and turns its transport errors into `GAPError.distributed`.
    func collective<T>(_ body: () throws(DistributedError) -> T) throws(GAPError) -> T {
        do { return try body() } catch { throw .distributed(error) }
    }
}
