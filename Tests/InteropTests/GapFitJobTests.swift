import Classical
import Foundation
import GAP
import Interop
import TestSupport
import Testing

/// The text of fixture `name`.
private func fixture(_ name: String) throws -> String {
    try String(contentsOf: Fixtures.url(name), encoding: .utf8)
}

/// The job of a command line, or the error it gives.
private func job(_ text: String) -> Result<GapFitJob, GapFitSyntaxError> {
    Result { () throws(GapFitSyntaxError) in try GapFitJob(GapFitCommandLine(text: text)) }
}

/// The message of the error `text` gives, or "" when it reads.
private func message(_ text: String) -> String {
    if case let .failure(error) = job(text) { return error.description }
    return ""
}

@Suite("gap_fit command lines as SwiftGAP fits")
struct GapFitJobTests {
    static let base = "at_file=train.xyz default_sigma={0.01 0.05 0.01 1} gp_file=out.gap "

    /// Zuo et al.'s command lines: the SOAP settings, σ, jitter and e0 as gap_fit reads them; the GAP XML output kept.
    @Test(arguments: [("Cu", 4.1, 4000, -0.65), ("Si", 5.4, 1000, -0.79)])
    func zuo2020(element: String, cutoff: Double, nSparse: Int, e0: Double) throws {
        let line = try GapFitCommandLine(xmlContents: fixture("zuo2020_\(element)_command_line.xml"), name: "zuo.xml")
        let job = try GapFitJob(line)
        #expect(job.trainingFile == "train.xyz" && job.outputFile == "train.xml" && job.notes.isEmpty)
        let s = try job.settings(elements: [29, 14])
        let soap = try #require(s.soap)
        #expect(
            soap.cutoff == cutoff && soap.nMax == 8 && soap.lMax == 8 && soap.atomSigma == 0.5 && soap.cutoffTransitionWidth == 0.5)
        #expect(s.kernel == PolynomialKernel(delta: 1, zeta: 4) && s.sparseCount == nSparse && s.sparseMethod == .cur)
        #expect(s.sigmas == Sigmas(energy: 0.01, force: 0.05, virial: 0.01) && s.jitter == 1e-8 && s.e0Offset == 0)
        #expect(s.e0 == .explicit([29: e0, 14: e0]) && s.terms.isEmpty)
        #expect(s.keys.energy == "dft_energy" && s.keys.forces == "dft_force" && s.keys.virial == "virial")
    }

    /// QUIP's regression line: distance_2b (ard_se, θ 0.1, uniform) + SOAP (cur_points), e0_offset, rnd_seed;
    /// do_copy_atoms_file and condition_number_norm only shape gap_fit's own output and are reported.
    @Test func quipTwoDescriptors() throws {
        let text = try fixture("quip_Si.two_descriptors.config.txt").replacingOccurrences(of: "gp.xml", with: "gp.gap")
        let job = try GapFitJob(GapFitCommandLine(text: text))
        #expect(job.notes.contains { $0.hasPrefix("do_copy_at_file has no effect") })
        #expect(job.sparseIndexFiles == ["sparse_index.out", "sparse_index.out"] && job.termKinds == [.geometric, .soap])
        let s = try job.settings(elements: [14])
        let term = try #require(s.terms.first)
        #expect(term.descriptor == .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 6, width: 0.5))))
        #expect(
            term.kernel == SquaredExponentialKernel(delta: 1, theta: [0.1]) && term.sparseCount == 20
                && term.sparseMethod == .uniform)
        #expect(term.addSpecies && s.soap?.cutoffTransitionWidth == 1 && s.kernel.delta == 3 && s.sparseCount == 100)
        #expect(s.e0 == .isolated && s.e0Offset == 2 && s.seed == 1 && s.jitter == 1e-3)
        #expect(s.sigmas == Sigmas(energy: 0.01, force: 1, virial: 0.5) && s.keys.configType == "config_type")
    }

    /// `central_reference_all_species` reaches the SOAP settings (default F, QUIP's since gap_version 1426512068).
    @Test(arguments: [("", false), (" central_reference_all_species=T", true), (" central_reference_all_species=F", false)])
    func centralReferenceAllSpecies(key: String, expected: Bool) throws {
        let text =
            "at_file=train.xyz gap={soap cutoff=4 n_max=4 l_max=3 atom_sigma=0.5 delta=1 zeta=2 n_sparse=10"
            + " covariance_type=dot_product sparse_method=cur_points\(key)} default_sigma={0.01 0.1 0.1 0} gp_file=gp.gap"
        let s = try GapFitJob(GapFitCommandLine(text: text)).settings(elements: [14])
        #expect(s.soap?.centralReferenceAllSpecies == expected)
    }

    /// angle_3b with its centre alias, gap_fit's defaults (transition 0.5, add_species) and θ per dimension.
    @Test func angle3bAndAddSpeciesOverride() throws {
        let job = try GapFitJob(
            GapFitCommandLine(
                text: Self.base
                    + "gap={angle_3b cutoff=3.5 n_sparse=20 covariance_type=ard_se delta=0.2 theta_uniform=1.0 Z_center=14 Z1=6}"))
        #expect(job.notes.contains { $0.contains("overridden by add_species=T") })
        let term = try #require(try job.settings(elements: [14, 6]).terms.first)
        #expect(term.descriptor == .angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3.5, width: 0.5))))
        #expect(term.kernel.theta == [1, 1, 1] && term.sparseMethod == .random)
        let kept = try GapFitJob(
            GapFitCommandLine(
                text: Self.base
                    + "gap={angle_3b cutoff=3.5 n_sparse=20 covariance_type=ard_se delta=0.2 theta_uniform=1.0 Z=14 Z1=6 add_species=F}"
            ))
        #expect(try kept.settings(elements: [14, 6]).terms.first?.descriptor.species == [14, 6, 0])
    }

    /// e0 as gap_fit reads it: one number for every element, or listed elements with the others at 0.
    @Test func e0ForEveryElement() throws {
        let gap = "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=0.5} "
        let all = try GapFitJob(GapFitCommandLine(text: Self.base + gap + "e0=-1.5"))
        #expect(try all.settings(elements: [14, 6]).e0 == .explicit([14: -1.5, 6: -1.5]))
        let listed = try GapFitJob(GapFitCommandLine(text: Self.base + gap + "e0={Si:-158.5} e0_method=average"))
        #expect(try listed.settings(elements: [14, 6]).e0 == .explicit([14: -158.5, 6: 0]))
        #expect(listed.notes.contains { $0.contains("e0_method has no effect") })
        let average = try GapFitJob(GapFitCommandLine(text: Self.base + gap + "e0_method=AVERAGE"))
        #expect(try average.settings(elements: [14]).e0 == .average)
    }

    /// Sparse files: SOAP indices (1-based) and 2-body points (cutoff weight, then the distance).
    @Test func sparseFiles() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-gapfit")
        let indices = folder.path("indices"), points = folder.path("points")
        try "3\n1\n\n7\n".write(toFile: indices, atomically: true, encoding: .utf8)
        try "1.0 2.35\n0.5 4.9\n".write(toFile: points, atomically: true, encoding: .utf8)
        let job = try GapFitJob(
            GapFitCommandLine(
                text: Self.base + "gap={soap cutoff=4 n_max=4 l_max=3 atom_sigma=0.5 delta=1 covariance_type=dot_product "
                    + "sparse_method=index_file sparse_file=\(indices) : distance_2b cutoff=5 covariance_type=ard_se delta=1 "
                    + "theta_uniform=0.5 sparse_method=file sparse_file=\(points)}"))
        let s = try job.settings(elements: [14])
        #expect(s.sparseIndices == [14: [2, 0, 6]] && s.sparseMethod == .indices([]))
        #expect(s.terms.first?.givenPoints == .init(values: [[2.35], [4.9]], cutoffs: [1, 0.5]))
        try "1.0 2.35 7\n".write(toFile: points, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { _ = try job.settings(elements: [14]) }
        do { _ = try job.settings(elements: [14]) } catch { #expect("\(error)".contains("points:1: expected a cutoff weight")) }
    }

    /// Keys SwiftGAP does not support are errors that name them and say what to do; missing required keys too.
    @Test func unsupportedAndMissingKeys() {
        let d2b = "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=0.5} "
        #expect(message(Self.base + d2b + "local_property0=1").contains("local_property0"))
        #expect(message(Self.base + d2b + "sigma_per_atom=F").contains("σ are always per atom"))
        #expect(message(Self.base + d2b + "core_ip_args={IP Glue} core_param_file=glue.xml").contains("core_ip_args"))
        #expect(
            message(Self.base + "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_file=t.txt}")
                .contains("theta_uniform"))
        #expect(
            message(
                Self.base + "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=1 theta_fac=0.5}"
            )
            .contains("not both"))
        #expect(
            message(Self.base + "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=dot_product delta=1 theta_uniform=1}")
                .contains("ard_se"))
        #expect(
            message(
                Self.base
                    + "gap={soap cutoff=5 n_max=8 l_max=8 atom_sigma=0.5 delta=1 covariance_type=dot_product n_sparse=10 average=T}"
            ).contains("average"))
        #expect(message(Self.base + "gap={soap_turbo l_max=8}").contains("soap_turbo"))
        #expect(
            message(Self.base + "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se theta_uniform=1}").contains(
                "needs delta=…"))
        #expect(message("default_sigma={0.01 0.05 0.01 1} " + d2b).contains("needs at_file=…"))
        #expect(message("at_file=a.xyz " + d2b).contains("needs default_sigma=…"))
        #expect(message(Self.base + d2b + "e0_method=fit").contains("isolated or average"))
        #expect(
            message(
                Self.base
                    + "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=0.5 mark_sparse_atoms=T}"
            ).contains("mark_sparse_atoms"))
    }

    /// `fit --gap`: 2- and 3-body terms only.
    @Test func geometricTermsForFit() throws {
        let (terms, _) = try GapFitJob.geometricTerms(
            in: "distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=0.5 : "
                + "angle_3b cutoff=3 n_sparse=5 covariance_type=ard_se delta=0.1 theta_uniform=1")
        #expect(terms.map(\.descriptor.name) == ["distance_2b", "angle_3b"])
        #expect(throws: GapFitSyntaxError.self) {
            _ = try GapFitJob.geometricTerms(
                in: "soap cutoff=5 n_max=8 l_max=8 atom_sigma=0.5 delta=1 covariance_type=dot_product n_sparse=10")
        }
    }

    /// `core_ip_args={IP ZBL …}` is QUIP's ZBL under the model; GAP-18's `{IP Glue}` is refused, naming it.
    @Test func corePotentials() throws {
        let d2b = "gap={distance_2b cutoff=5 n_sparse=10 covariance_type=ard_se delta=1 theta_uniform=0.5} "
        let job = try GapFitJob(
            GapFitCommandLine(text: Self.base + d2b + "core_ip_args={IP ZBL cutoff=2.5 cutoff_width=0.5} core_param_file=q.xml"))
        #expect(try job.settings(elements: [14]).core == .zbl(try ZBLPotential(quipCutoff: 2.5, width: 0.5)))
        #expect(job.notes.contains { $0.contains("core_param_file has no effect") })
        #expect(message(Self.base + d2b + "core_ip_args={IP ZBL}").contains("cutoff > 0"))
        #expect(message(Self.base + d2b + "core_ip_args={IP ZBL cutoff=2 E_scale=2}").contains("e_scale=1.0"))
        #expect(message(Self.base + d2b + "core_ip_args={IP ZBL cutoff=2 wiggle=3}").contains("wiggle"))
        let gap18 = try GapFitCommandLine(xmlContents: fixture("gap18_command_line.xml"), name: "gap18.xml")
        let refusal = message(gap18.text.replacingOccurrences(of: "sparse9k.xml", with: "sparse9k.gap"))
        #expect(refusal.contains("core_ip_args") && refusal.contains("Glue is not supported"))
    }

    /// theta_fac: one factor (or one per dimension), θ fixed from the data at fit time.
    @Test func lengthScaleFactors() throws {
        let job = try GapFitJob(
            GapFitCommandLine(
                text: Self.base + "gap={angle_3b cutoff=3.5 n_sparse=20 covariance_type=ard_se delta=0.2 theta_fac='0.5 0.5 1'}"))
        #expect(try job.settings(elements: [14]).terms.first?.thetaFactor == [0.5, 0.5, 1])
        #expect(
            message(Self.base + "gap={angle_3b cutoff=3.5 n_sparse=20 covariance_type=ard_se delta=0.2 theta_fac='0.5 1'}")
                .contains("one positive factor or 3"))
    }
}
