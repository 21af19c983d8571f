/// What a potential file may state beyond the descriptor's own limits (`DescriptorLimits`, which bound
/// n_max, l_max and the cutoff): wide enough for every real GAP, narrow enough that a damaged or hostile file
/// cannot make the reader allocate more than the file holds.
enum PotentialLimits {
    /// Most density channels (species).
    static let species = 16
    /// Most sparse points of one element.
    static let sparsePoints = 1_000_000
}
