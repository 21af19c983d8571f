/// What a potential file may state. Wide enough for every real GAP (QUIP's SOAP models use n_max up to 16,
/// l_max up to 12 and a handful of species), narrow enough that a damaged or hostile file cannot make the
/// reader build an absurd descriptor or allocate more than the file holds.
enum PotentialLimits {
    /// Largest n_max.
    static let nMax = 32
    /// Largest l_max (also SOAP's own bound).
    static let lMax = 20
    /// Most density channels (species).
    static let species = 16
    /// Largest cutoff, Å.
    static let cutoff = 50.0
    /// Most sparse points of one element.
    static let sparsePoints = 1_000_000
}
