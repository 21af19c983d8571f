import ArgumentParser
import Foundation
import GAP

/// `swiftgap convert MODEL -o OUT`: between SwiftGAP's `.gap` files and QUIP's GAP XML, both ways.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Convert a potential between SwiftGAP's .gap format and QUIP's GAP XML (gap_fit, quippy, LAMMPS pair_style quip).",
        discussion: """
            The input is read by its content (a .gap file or a GAP XML with its sparseX files beside it); the output \
            format follows the name: .xml writes GAP XML with one sparseX file per term beside it, anything else a \
            .gap file. Predictions of the converted potential are those of the input.
            """)

    @Argument(help: "The potential: a .gap file or a GAP XML (gap_fit's output, or a published model).")
    var potential: String

    @Option(name: [.short, .long], help: "The converted potential (.xml for GAP XML, otherwise .gap); written atomically.")
    var output: String

    func run() throws {
        try OutputPaths(files: [("-o", output)], inputs: [("the potential", potential)]).check()
        let (gap, metadata, _) = try PotentialFiles.load(potential, variances: true)
        try PotentialFiles.write(gap, to: output, fit: metadata.fit)
        print(
            "wrote \(output) (\(PotentialFiles.writesGapXML(output) ? "GAP XML" : "SwiftGAP .gap")): "
                + FitRun.sparseSummary(gap))
        if PotentialFiles.writesGapXML(output) && gap.variance != nil {
            print("note: GAP XML holds no variance factors; keep the .gap file for predictive variances")
        }
    }
}
