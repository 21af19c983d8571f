/// Size limits the descriptors check when they are set up, before allocating anything, so that an absurd
/// setting (a mistyped option, a corrupt potential file with n_max = 1000000) fails with
/// `DescriptorError.invalidSetting` instead of exhausting memory. Every published model fits well inside.
public enum DescriptorLimits {
    /// Most features in one descriptor row: 4 000 000 (32 MB per row, 96 MB per derivative block).
    public static let features = 4_000_000
    /// Largest SOAP n_max: 32 (QUIP models use at most 16).
    public static let soapNMax = 32
    /// Largest SOAP l_max: 20 (QUIP models use at most 12).
    public static let soapLMax = 20
    /// Most SOAP density channels (species × n_max): 1024; each worker holds (l_max + 1) channel² products.
    public static let soapChannels = 1024
    /// Largest cutoff of any descriptor (SOAP, 2- and 3-body): 50 Å (published models use at most about 12 Å).
    public static let cutoff = 50.0
    /// Largest SOAP atom σ: 10 Å (published models use at most about 1 Å).
    public static let soapAtomSigma = 10.0
    /// Largest table of SOAP's radial functions: 128 MB (published settings need a few MB). A table past the limit
    /// comes from an atom σ far below the cutoff's scale, or from functions that never reach the accuracy asked for,
    /// and takes seconds to build.
    public static let radialTableBytes = 128 << 20
    /// Largest n_atoms_max of the matrix descriptors (Coulomb, sine and Ewald sum matrices): 2000
    /// (2000² = 4 000 000 features).
    public static let coulombAtoms = 2000
    /// Most reciprocal-lattice vectors (G and −G counted once) in one structure's Ewald sum: 200 000.
    public static let ewaldReciprocalVectors = 200_000
    /// Most atom pairs (periodic images included, each pair once) within one structure's Ewald real-space
    /// cutoff, as estimated from the density before the neighbor list is built: 20 000 000.
    public static let ewaldRealSpacePairs = 20_000_000

    /// Throws unless a row of `count` features is within `features`.
    static func checkFeatures(_ count: Int, settings: String) throws(DescriptorError) {
        guard count <= features else {
            throw .invalidSetting(
                name: "number of features", value: "\(count) (\(settings))",
                hint: "at most \(features) features per row; lower n_max, l_max or the species")
        }
    }
}
