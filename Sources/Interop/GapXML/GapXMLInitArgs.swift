import GAP

/// The `init_args` of a GAP XML's `<Potential>`: `IP GAP label=…`, or `Sum init_args_pot1={…}
/// init_args_pot2={…}` of a GAP and a core potential SwiftGAP has (QUIP's `IP ZBL`), as gap_fit writes them.
struct GapXMLInitArgs: Equatable {
    /// The label of the `<GAP_params>` to use (empty: the first).
    let label: String
    /// The core potential added to the GAP.
    let core: CorePotential?

    /// Reads `text`, the `init_args` at `line` of `file`.
    /// - Throws: `GapXMLError.unsupported` for potentials other than a GAP alone or summed with ZBL,
    ///   `.descriptor` for text that does not read.
    init(_ text: String, file: String, line: Int) throws(GapXMLError) {
        do {
            // The leading words name the potential; `GAP` cannot go through the command-line parser, whose `gap`
            // key holds descriptors.
            let tokens = text.split(whereSeparator: \.isWhitespace)
            let words = tokens.prefix { !$0.contains("=") && !$0.contains("{") }.map { $0.lowercased() }
            var args = try GapFitCommandLine(text: tokens.dropFirst(words.count).joined(separator: " "))
            if words == ["sum"] {
                guard let first = try args.string("init_args_pot1"), let second = try args.string("init_args_pot2") else {
                    throw GapXMLError.missing(file: file, line: line, what: "init_args_pot1 or init_args_pot2 of the Sum potential")
                }
                try args.rejectUnread(hints: [:])
                let isGAP = { (t: String) in t.lowercased().split(separator: " ").prefix(2) == ["ip", "gap"] }
                guard isGAP(first) != isGAP(second) else {
                    throw GapXMLError.unsupported(
                        file: file, line: line, what: "the potential '\(text)'",
                        hint: "SwiftGAP evaluates one GAP, alone or summed with a core potential (IP ZBL)")
                }
                let gap = try Self(isGAP(first) ? first : second, file: file, line: line)
                let coreText = isGAP(first) ? second : first
                do {
                    core = try GapFitJob.core(coreText, line: args)
                } catch {
                    throw GapXMLError.unsupported(
                        file: file, line: line, what: "the core potential '\(coreText)'",
                        hint: "SwiftGAP's GAP XML cores are QUIP's IP ZBL (cutoff=… cutoff_width=…)")
                }
                label = gap.label
                return
            }
            guard words == ["ip", "gap"] else {
                throw GapXMLError.unsupported(
                    file: file, line: line, what: "the potential '\(text)'",
                    hint: "SwiftGAP evaluates IP GAP, alone or in a Sum with IP ZBL")
            }
            label = try args.string("label") ?? ""
            if let scale = try args.double("e_scale"), scale != 1 {
                throw GapXMLError.unsupported(
                    file: file, line: line, what: "E_scale=\(scale)", hint: "rescale the model's energies instead")
            }
            // Only QUIP's predictive variance reads it; SwiftGAP computes no variance for imported models.
            _ = try args.double("gap_variance_regularisation")
            try args.rejectUnread(hints: [:])
            core = nil
        } catch let error as GapXMLError {
            throw error
        } catch let error as GapFitSyntaxError {
            throw .descriptor(file: file, line: line, error)
        } catch {
            throw .unreadable(file: file, reason: "\(error)")
        }
    }
}
