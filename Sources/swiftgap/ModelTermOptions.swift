import ArgumentParser
import Classical
import GAP
import Interop

/// The model's terms besides SOAP — 2- and 3-body terms in gap_fit's syntax, and a fixed core potential —
/// that `fit` and `learn` share, declared once and checked as they are parsed.
struct ModelTermOptions: ParsableArguments {
    @Flag(help: "Fit without a SOAP term (then --gap must give at least one term).") var noSoap = false
    @Option(
        help: ArgumentHelp(
            "2- and 3-body terms in gap_fit's descriptor syntax (repeatable), e.g. \"distance_2b cutoff=5 n_sparse=20 "
                + "covariance_type=ard_se delta=1 theta_uniform=0.5 sparse_method=uniform\".",
            valueName: "descriptors"))
    var gap: [String] = []
    @Option(
        help: ArgumentHelp(
            "Fit on top of the ZBL repulsion, switched off between INNER and OUTER Å as LAMMPS pair_zbl.",
            valueName: "inner:outer"))
    var coreZbl: String?
    @Option(help: "Fit on top of pair energies tabulated in a LAMMPS pair_style table file (with --core-table-pairs).")
    var coreTable: String?
    @Option(help: ArgumentHelp("The table section of each element pair, e.g. Si-Si:SISI,Si-C:SIC.", valueName: "pairs"))
    var coreTablePairs: String?

    func validate() throws {
        let terms = try geometricTerms()
        if noSoap && terms.isEmpty { throw ValidationError("--no-soap needs at least one --gap term") }
        if coreZbl != nil && coreTable != nil { throw ValidationError("give one core potential: --core-zbl or --core-table") }
        if (coreTable == nil) != (coreTablePairs == nil) {
            throw ValidationError(
                "--core-table and --core-table-pairs go together (the file, and the section of each element pair)")
        }
        if coreTable == nil { _ = try core() }
    }

    /// The core potential of --core-zbl or --core-table (the table file is read here).
    func core() throws -> CorePotential? {
        if let coreZbl {
            let parts = coreZbl.split(separator: ":").map { Double($0) }
            guard parts.count == 2, let inner = parts[0], let outer = parts[1] else {
                throw ValidationError("--core-zbl must be INNER:OUTER in Å, e.g. 1.0:2.0, found '\(coreZbl)'")
            }
            do { return .zbl(try ZBLPotential(inner: inner, outer: outer)) } catch { throw ValidationError("--core-zbl: \(error)") }
        }
        guard let coreTable, let coreTablePairs else { return nil }
        return .pairTable(try TabulatedPairPotential(path: coreTable, mapping: PairTableMapping(parsing: coreTablePairs)))
    }

    /// The --gap terms.
    func geometricTerms() throws -> [GeometricTermSettings] {
        var terms = [GeometricTermSettings]()
        for text in gap {
            do { terms += try GapFitJob.geometricTerms(in: text).terms } catch {
                throw ValidationError("--gap \"\(text)\": \(error)")
            }
        }
        return terms
    }

    /// The SOAP settings of `kernel` and `soap`, or nil with --no-soap.
    func soapSettings(_ kernel: KernelOptions, _ soap: SOAPOptions) -> SOAPSettings? {
        noSoap ? nil : kernel.soapSettings(soap)
    }
}
