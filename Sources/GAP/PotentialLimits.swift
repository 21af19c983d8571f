/// What a potential file may state beyond the descriptor's own limits (`DescriptorLimits`, which bound
/// n_max, l_max and the cutoff): wide enough for every real GAP, narrow enough that a damaged or hostile file
/// cannot make the reader allocate more than the file holds.
enum PotentialLimits {
    /// Most density channels (species).
    static let species = 16
    /// Most 2- and 3-body terms (a 4-species model with every angle_3b combination has 40).
    static let terms = 1000
    /// Most sparse points of one element or term.
    static let sparsePoints = 1_000_000
}
