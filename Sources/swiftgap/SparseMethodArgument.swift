import ArgumentParser

/// The value of `fit --sparse-method`: how sparse points are chosen.
enum SparseMethodArgument: String, ExpressibleByArgument, CaseIterable {
    /// CUR decomposition of the descriptor matrix.
    case cur
    /// Uniformly at random.
    case random
    /// Farthest-point sampling.
    case fps
    /// Indices read from `--sparse-file`.
    case file
}
