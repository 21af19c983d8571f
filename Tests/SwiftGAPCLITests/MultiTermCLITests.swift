import Atoms
import Foundation
import GAP
import Interop
import TestSupport
import Testing

/// `fit --gap`, `--no-soap`, `--core-zbl` and `gap_fit` on a small generated silicon set.
@Suite("swiftgap multi-term fits and gap_fit")
struct MultiTermCLITests {
    /// A generated silicon set in a fresh folder.
    static func workspace() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        let generated = try swiftgap(["generate", "si-sw", "--quick", "--seed", "3", "-o", folder.url.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        return folder
    }

    static let twoBody = "distance_2b cutoff=4 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=0.5 sparse_method=uniform"
    static let threeBody = "angle_3b cutoff=3 n_sparse=10 covariance_type=ard_se delta=0.1 theta_uniform=1"

    @Test func fitWithTwoAndThreeBodyTermsAndACore() throws {
        let folder = try Self.workspace()
        let fit = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("m.gap"), "--no-soap", "--gap",
            Self.twoBody + " : " + Self.threeBody,
            "--core-zbl", "1.0:2.0", "--e0", "average", "--threads", "2"
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("distance_2b Si–Si 10") && fit.stdout.contains("angle_3b Si–Si–Si 10"))
        let info = try swiftgap(["info", folder.path("m.gap")])
        #expect(info.stdout.contains("term 1") && info.stdout.contains("angle_3b") && info.stdout.contains("core"))
        let (gap, _) = try GAPPotential.load(path: folder.path("m.gap"))
        #expect(gap.soap == nil && gap.terms.count == 2 && gap.core != nil)
        let predict = try swiftgap(["predict", folder.path("m.gap"), folder.path("test.xyz"), "-o", folder.path("p.xyz")])
        #expect(predict.status == 0, "\(predict.stderr)")

        let soap = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("s.gap"), "--cutoff", "3.5", "--n-max", "4", "--l-max", "3",
            "--n-sparse", "20",
            "--gap", Self.twoBody, "--e0", "average"
        ])
        #expect(soap.status == 0, "\(soap.stderr)")
        #expect(soap.stdout.contains("SOAP Si 20") && soap.stdout.contains("distance_2b Si–Si 10"))

        // GAP XML both ways: the same predictions from the .gap, its XML and the .gap converted back.
        let toXML = try swiftgap(["convert", folder.path("s.gap"), "-o", folder.path("s.xml")])
        #expect(toXML.status == 0 && toXML.stdout.contains("GAP XML"), "\(toXML.stderr)")
        let xmlInfo = try swiftgap(["info", folder.path("s.xml")])
        #expect(xmlInfo.stdout.contains("GAP XML, gap_version 1596837814") && xmlInfo.stdout.contains("distance_2b Si–Si"))
        #expect(try swiftgap(["convert", folder.path("s.xml"), "-o", folder.path("s2.gap")]).status == 0)
        let (fromGap, fromXML) = (
            try GAPPotential.load(path: folder.path("s.gap")).potential, try GAPPotential.load(path: folder.path("s2.gap"))
        )
        #expect(fromXML.potential.soap == fromGap.soap && fromXML.potential.terms == fromGap.terms)
        #expect(fromXML.metadata.fit.trainingFile == folder.path("train.xyz"))
        var energies: [[Double]] = []
        for model in ["s.gap", "s.xml", "s2.gap"] {
            let run = try swiftgap([
                "predict", folder.path(model), folder.path("test.xyz"), "-o", folder.path("p-\(model).xyz"), "--no-variance"
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let reader = try ExtXYZReader(path: folder.path("p-\(model).xyz"))
            var e: [Double] = []
            while let s = try reader.next() { if case let .double(x)? = s.info["gap_energy"] { e.append(x) } }
            energies.append(e)
        }
        #expect(!energies[0].isEmpty && energies[1] == energies[0] && energies[2] == energies[0])

        // A LAMMPS-switched ZBL core has no GAP XML form: refused, nothing written.
        let lammps = try swiftgap(["convert", folder.path("m.gap"), "-o", folder.path("m.xml")])
        #expect(lammps.status != 0 && lammps.stderr.contains("pair_zbl"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("m.xml")))
        let fitXML = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("z.xml"), "--no-soap", "--gap", Self.twoBody, "--core-zbl", "1:2"
        ])
        #expect(fitXML.status != 0 && fitXML.stderr.contains("GAP XML cannot hold"))
    }

    @Test func fitRefusesBadTerms() throws {
        let folder = try Self.workspace()
        let train = folder.path("train.xyz"), out = folder.path("x.gap")
        let soapInGap = try swiftgap([
            "fit", train, "-o", out, "--gap",
            "soap cutoff=5 n_max=8 l_max=8 atom_sigma=0.5 delta=1 covariance_type=dot_product n_sparse=10"
        ])
        #expect(soapInGap.status != 0 && soapInGap.stderr.contains("--gap takes distance_2b and angle_3b"))
        let noTerm = try swiftgap(["fit", train, "-o", out, "--no-soap"])
        #expect(noTerm.status != 0 && noTerm.stderr.contains("--no-soap needs at least one --gap term"))
        let badZBL = try swiftgap(["fit", train, "-o", out, "--core-zbl", "2:1"])
        #expect(badZBL.status != 0 && badZBL.stderr.contains("--core-zbl"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func gapFitRunsACommandLine() throws {
        let folder = try Self.workspace()
        // Shell-split, as a user types it; the keys the generated set uses.
        let arguments =
            "at_file=\(folder.path("train.xyz")) gap={\(Self.twoBody) print_sparse_index=\(folder.path("idx.txt")) : soap cutoff=3.5 "
            + "n_max=4 l_max=3 atom_sigma=0.5 zeta=2 delta=1 covariance_type=dot_product n_sparse=20 sparse_method=cur_points} "
            + "default_sigma={0.002 0.05 0.05 0.0} e0_method=average energy_parameter_name=energy force_parameter_name=forces "
            + "virial_parameter_name=virial do_copy_at_file=F gp_file=\(folder.path("gf.gap"))"
        let run = try swiftgap(["gap_fit"] + arguments.split(separator: " ").map(String.init) + ["--threads", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("note: do_copy_at_file has no effect"))
        let (gap, metadata) = try GAPPotential.load(path: folder.path("gf.gap"))
        #expect(gap.soap != nil && gap.terms.count == 1 && metadata.fit.command?.hasPrefix("gap_fit at_file=") == true)
        // --estimate beside gap_fit's keys: the prediction alone, no new potential.
        try FileManager.default.removeItem(atPath: folder.path("gf.gap"))
        let estimate = try swiftgap(["gap_fit"] + arguments.split(separator: " ").map(String.init) + ["--estimate"])
        #expect(
            estimate.status == 0 && estimate.stdout.contains("estimate: M = \(gap.sparseCount),"),
            "\(estimate.stdout) \(estimate.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("gf.gap")))
        let indices = try String(contentsOfFile: folder.path("idx.txt"), encoding: .utf8)
        #expect(indices.split(separator: "\n").first?.split(separator: " ").count == 10)

        let noIsolated = try swiftgap(
            ["gap_fit"] + arguments.replacingOccurrences(of: "e0_method=average ", with: "").split(separator: " ").map(String.init))
        #expect(noIsolated.status != 0 && noIsolated.stderr.contains("e0={Si:…} or e0_method=average"))
        let unknown = try swiftgap(["gap_fit"] + arguments.split(separator: " ").map(String.init) + ["hessian_delta=0.01"])
        #expect(unknown.status != 0 && unknown.stderr.contains("hessian_delta"))
        // gp_file=….xml writes GAP XML (with its sparseX files): the same model.
        let xml = try swiftgap(
            ["gap_fit"] + arguments.replacingOccurrences(of: "gf.gap", with: "gf.xml").split(separator: " ").map(String.init))
        #expect(xml.status == 0, "\(xml.stderr)")
        let imported = try GapXML.read(path: folder.path("gf.xml"))
        #expect(imported.fitRecord.command?.hasPrefix("gap_fit at_file=") == true)
        let reader = try ExtXYZReader(path: folder.path("train.xyz"))
        let s = try #require(try reader.next())
        let (a, b) = (try gap.calculate(s), try imported.potential.calculate(s))
        #expect(abs(a.energy - b.energy) < 1e-9 * max(1, abs(a.energy)))
        #expect(zip(a.forces, b.forces).allSatisfy { (($0 - $1) * ($0 - $1)).sum() < 1e-18 })
    }
}
