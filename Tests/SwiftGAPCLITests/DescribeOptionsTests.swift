import Foundation
import Testing

/// `describe` and `fit` reject bad option values while parsing, before reading any file.
@Suite("swiftgap describe options")
struct DescribeOptionsTests {
    /// A file that need not exist: parsing fails first.
    let input = "/nonexistent/never-read.xyz"

    @Test func anInvalidChoiceListsTheChoices() throws {
        let permutation = try swiftgap([
            "describe", input, "-o", "x.npz", "--descriptor", "coulomb-matrix", "--permutation", "sorted"
        ])
        #expect(permutation.status != 0)
        for value in ["none", "sorted_l2", "eigenspectrum", "random"] {
            #expect(permutation.stderr.contains(value), "\(permutation.stderr)")
        }
        let layout = try swiftgap(["describe", input, "-o", "x.npz", "--layout", "quippy"])
        #expect(layout.status != 0 && layout.stderr.contains("dscribe") && layout.stderr.contains("quip"), "\(layout.stderr)")
        let average = try swiftgap(["describe", input, "-o", "x.npz", "--average", "mean"])
        #expect(average.status != 0 && average.stderr.contains("inner") && average.stderr.contains("outer"), "\(average.stderr)")
    }

    @Test func outOfRangeValuesFailWhileParsing() throws {
        let threads = try swiftgap(["describe", input, "-o", "x.npz", "--threads", "0"])
        #expect(threads.status != 0 && threads.stderr.contains("--threads"), "\(threads.stderr)")
        let nMax = try swiftgap(["describe", input, "-o", "x.npz", "--n-max", "1000000"])
        #expect(nMax.status != 0 && nMax.stderr.contains("n_max") && nMax.stderr.contains("32"), "\(nMax.stderr)")
        let fit = try swiftgap(["fit", input, "-o", "x.gap", "--l-max", "40"])
        #expect(fit.status != 0 && fit.stderr.contains("l_max") && fit.stderr.contains("20"), "\(fit.stderr)")
        let weighting = try swiftgap(["describe", input, "-o", "x.npz", "--layout", "dscribe", "--weighting", "cos:r0=1"])
        #expect(weighting.status != 0 && weighting.stderr.contains("must be poly, pow or exp"), "\(weighting.stderr)")
        let centers = try swiftgap(["describe", input, "-o", "x.npz", "--descriptor", "coulomb-matrix", "--centers", "0"])
        #expect(centers.status != 0 && centers.stderr.contains("--centers"), "\(centers.stderr)")
        let quip = try swiftgap(["describe", input, "-o", "x.npz", "--compression", "mu2"])
        #expect(quip.status != 0 && quip.stderr.contains("--layout dscribe"), "\(quip.stderr)")
        let quipWeights = try swiftgap(["describe", input, "-o", "x.npz", "--species-weights", "H=2"])
        #expect(quipWeights.status != 0 && quipWeights.stderr.contains("--layout dscribe"), "\(quipWeights.stderr)")
        for bad in ["H=x", "H=2,H=3", "Xx=1", "H=inf", "H"] {
            let weights = try swiftgap(["describe", input, "-o", "x.npz", "--layout", "dscribe", "--species-weights", bad])
            #expect(weights.status != 0 && weights.stderr.contains("species-weights") || weights.stderr.contains("Xx"), "\(bad)")
        }
        let extraKey = try swiftgap([
            "describe", input, "-o", "x.npz", "--layout", "dscribe", "--weighting", "poly:r0=4,c=1,m=2,d=1"
        ])
        #expect(extraKey.status != 0 && extraKey.stderr.contains("takes c, r0, m only"), "\(extraKey.stderr)")
        for (bad, message) in [("poly:r0=4,c=1,m=2,m=3", "m is given twice"), ("pow:r0=4,c=1,m=2", "missing d")] {
            let result = try swiftgap(["describe", input, "-o", "x.npz", "--layout", "dscribe", "--weighting", bad])
            #expect(result.status != 0 && result.stderr.contains(message), "\(bad): \(result.stderr)")
        }
    }

    @Test func settingsAndAggregationOptionsAreCheckedWhileParsing() throws {
        let beside = try swiftgap([
            "describe", input, "-o", "x.npz", "--settings", #"{"kind": "coulomb_matrix", "n_atoms_max": 4}"#, "--n-max", "3"
        ])
        #expect(beside.status != 0 && beside.stderr.contains("--n-max") && beside.stderr.contains("--settings"), "\(beside.stderr)")
        let both = try swiftgap(["describe", input, "-o", "x.npz", "--sample-count", "3", "--sample-fraction", "0.5"])
        #expect(both.status != 0 && both.stderr.contains("not both"), "\(both.stderr)")
        let weights = try swiftgap(["describe", input, "-o", "x.npz", "--pooling", "weighted"])
        #expect(weights.status != 0 && weights.stderr.contains("--site-weights"), "\(weights.stderr)")
        let fraction = try swiftgap(["describe", input, "-o", "x.npz", "--sample-fraction", "2"])
        #expect(fraction.status != 0 && fraction.stderr.contains("(0, 1]"), "\(fraction.stderr)")
    }

    /// `--help` and `help` print the command's help and exit 0 (they once printed an internal error).
    @Test(arguments: [["--help"], ["predict", "--help"], ["gap_fit", "--help"], ["help", "fit"]])
    func helpPrintsTheOverview(_ arguments: [String]) throws {
        let run = try swiftgap(arguments)
        #expect(run.status == 0 && run.stdout.contains("OVERVIEW:") && !run.stderr.contains("CommandError"), "\(run.stderr)")
    }
}
