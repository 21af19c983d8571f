import Dynamics

/// The SVG plot of `md --plot`: potential, kinetic and total energy per atom relative to the start against time.
enum EnergyPlot {
    /// The plot of `samples` of a run of `atoms` atoms.
    static func svg(_ samples: [EnergyRecorder.Sample], atoms: Int) -> String {
        let n = Double(max(atoms, 1))
        func series(_ name: String, _ color: String, _ pick: (EnergyRecorder.Sample) -> Double) -> SVGPlot.Series {
            let start = samples.first.map(pick) ?? 0
            return SVGPlot.Series(name: name, points: samples.map { ($0.time / 1000, 1000 * (pick($0) - start) / n) }, color: color)
        }
        guard !samples.isEmpty else { return SVGPlot(title: "Energy", xLabel: "", yLabel: "", series: [], kind: .lines).svg }
        return SVGPlot(
            title: "Energies relative to the start", xLabel: "time (ps)", yLabel: "meV/atom",
            series: [
                series("potential", "#1f77b4", \.potential), series("kinetic", "#d62728", \.kinetic),
                series("total", "#000000", \.total)
            ], kind: .lines
        ).svg
    }
}
