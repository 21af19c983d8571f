/// Something that watches a molecular-dynamics run. Attached to an `MDRun` with an interval N (as ASE's
/// `dyn.attach(observer, interval=N)`), it sees the starting state (step 0) and every N-th step, and is
/// told at the end of the run which state the run ended with.
public protocol MDObserver: AnyObject {
    /// Sees the state after `step` steps of the run (0 is the starting state).
    func observe(step: Int, state: MDState) throws
    /// The run ended after `step` good steps in `state`; `stopped` is true when a step failed (then `state`
    /// is the last good state). Called once, after the last `observe`.
    func finish(step: Int, state: MDState, stopped: Bool) throws
}

extension MDObserver {
    /// Nothing to finish.
    public func finish(step: Int, state: MDState, stopped: Bool) throws {}
}
