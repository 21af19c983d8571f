import Foundation
import Interop
import TestSupport
import Testing

/// The text of fixture `name`.
private func fixture(_ name: String) throws -> String {
    try String(contentsOf: Fixtures.url(name), encoding: .utf8)
}

@Suite("gap_fit command lines from real fits parse")
struct GapFitFixtureTests {
    @Test(arguments: [("Cu", 4.1, 4000, -0.65), ("Li", 4.8, 4000, -0.21), ("Ni", 3.9, 4000, -0.97), ("Si", 5.4, 1000, -0.79)])
    func zuo2020(element: String, cutoff: Double, nSparse: Int, e0: Double) throws {
        var line = try GapFitCommandLine(xmlContents: fixture("zuo2020_\(element)_command_line.xml"), name: "zuo.xml")
        #expect(
            line.parameters.entries.map(\.key) == [
                "at_file", "gap", "sparse_jitter", "e0", "e0_offset", "default_sigma", "energy_parameter_name",
                "force_parameter_name", "gp_file"
            ])
        #expect(line.descriptors.count == 1)
        var soap = try #require(line.descriptors.first)
        #expect(soap.type == "soap")
        #expect(try soap.int("l_max") == 8)
        #expect(try soap.int("n_max") == 8)
        #expect(try soap.double("cutoff") == cutoff)
        #expect(try soap.int("n_sparse") == nSparse)
        #expect(try soap.string("covariance_type") == "dot_product")
        #expect(soap.parameters.entries.count == 11)
        #expect(try line.speciesValues("e0") == .all(e0))
        #expect(try line.double("sparse_jitter") == 1e-8)
        #expect(try line.sigmas() == GapFitSigmas(energy: 0.01, force: 0.05, virial: 0.01, hessian: 1))
        #expect(try line.string("at_file") == "train.xyz")
    }

    @Test func gap18() throws {
        var line = try GapFitCommandLine(xmlContents: fixture("gap18_command_line.xml"), name: "gap18.xml")
        #expect(line.parameters.entries.count == 13)
        #expect(line.descriptors.map(\.type) == ["soap"])
        var soap = line.descriptors[0]
        #expect(try soap.int("l_max") == 12)
        #expect(try soap.int("n_sparse") == 9000)
        #expect(try soap.double("delta") == 3.0)
        let groups = try #require(try line.configTypeSigmas())
        #expect(groups.map(\.configType) == ["liq", "amorph", "sp"])
        #expect(groups[0].sigmas == GapFitSigmas(energy: 0.003, force: 0.15, virial: 0.2, hessian: 0.0))
        #expect(groups[1].sigmas.force == 0.2)
        #expect(try line.sigmas() == GapFitSigmas(energy: 0.001, force: 0.1, virial: 0.05, hessian: 0.0))
        #expect(try line.string("core_ip_args") == "IP Glue")
        #expect(try line.string("core_param_file") == "glue.xml")
        #expect(try line.double("e0_offset") == 2.0)
        #expect(line.text.hasPrefix(" at_file=si_iter6_database.xyz"))
    }

    @Test func quipTwoDescriptors() throws {
        var line = try GapFitCommandLine(text: fixture("quip_Si.two_descriptors.config.txt"))
        #expect(line.descriptors.map(\.type) == ["distance_2b", "soap"])
        var twoBody = line.descriptors[0]
        #expect(twoBody.parameters.entries.count == 7)
        #expect(try twoBody.double("theta_uniform") == 0.1)
        #expect(try twoBody.string("sparse_method") == "uniform")
        #expect(try twoBody.double("cutoff") == 6.0)
        var soap = line.descriptors[1]
        #expect(soap.parameters.entries.count == 12)
        #expect(try soap.int("n_sparse") == 100)
        #expect(try line.bool("do_copy_atoms_file") == false)
        #expect(try line.int("rnd_seed") == 1)
        #expect(try line.double("sparse_jitter") == 1.0e-3)
        #expect(try line.sigmas() == GapFitSigmas(energy: 0.01, force: 1.0, virial: 0.5, hessian: 0.0))
    }

    @Test(arguments: ["quip_Si.distance_2b.uniform.config.txt", "quip_SiC.distance_2b.uniform.config.txt"])
    func quipDistance2b(name: String) throws {
        var line = try GapFitCommandLine(text: fixture(name))
        #expect(line.descriptors.map(\.type) == ["distance_2b"])
        #expect(try line.descriptors[0].int("n_sparse") == 20)
        #expect(try line.descriptors[0].string("covariance_type") == "ard_se")
        #expect(try line.string("at_file") == (name.hasPrefix("quip_SiC") ? "SiC.np1.xyz" : "Si.np1.xyz"))
    }

    @Test func quipSoapCurPoints() throws {
        var line = try GapFitCommandLine(text: fixture("quip_Si.soap.cur_points.config.txt"))
        #expect(line.descriptors.map(\.type) == ["soap"])
        #expect(try line.descriptors[0].string("sparse_method") == "cur_points")
        #expect(try line.string("condition_number_norm") == "I")
        #expect(line.parameters.entries.count == 13)
    }

    @Test func quipLegacy2021() throws {
        var line = try GapFitCommandLine(text: fixture("quip_legacy_2021_si_gap_fit.config.txt"))
        #expect(line.descriptors.count == 1)
        var soap = line.descriptors[0]
        #expect(soap.parameters.entries.count == 13)
        #expect(try soap.int("n_sparse") == 500)
        #expect(try soap.string("sparse_file") == "sparse_file")
        #expect(try line.sigmas() == GapFitSigmas(energy: 0.001, force: 0.1, virial: 0.05, hessian: 0.0))
    }

    /// Each fixture split at spaces, as a shell passes it, parses as the one string does.
    @Test(arguments: [
        "quip_Si.two_descriptors.config.txt", "quip_Si.soap.cur_points.config.txt",
        "quip_legacy_2021_si_gap_fit.config.txt"
    ])
    func shellSplitArgvMatchesString(name: String) throws {
        let text = try fixture(name)
        let argv = text.split(separator: " ").map(String.init)
        let fromArgv = try GapFitCommandLine(arguments: argv)
        let fromText = try GapFitCommandLine(text: argv.joined(separator: " "))
        #expect(fromArgv == fromText)
        let original = try GapFitCommandLine(text: text)
        #expect(fromArgv.descriptors.map(\.text) == original.descriptors.map(\.text))
        #expect(fromArgv.parameters.entries.map(\.value) == original.parameters.entries.map(\.value))
    }

    /// The mapping layer's contract: every key read, or an error naming the first one that was not.
    @Test func unreadKeysAreRefused() throws {
        var line = try GapFitCommandLine(xmlContents: fixture("gap18_command_line.xml"), name: "gap18.xml")
        _ = try line.string("at_file", alias: "atoms_filename")
        #expect(line.unreadKeys().first == "default_sigma")
        let error = #expect(throws: GapFitSyntaxError.self) {
            try line.rejectUnread(hints: ["default_sigma": "use --sigma-energy and --sigma-force instead"])
        }
        #expect(error?.description.contains("'default_sigma' is not supported; use --sigma-energy") == true)
        #expect(error?.description.contains("gap18.xml:1:") == true)
    }
}
