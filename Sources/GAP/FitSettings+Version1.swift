import Atoms

/// Settings from a format-1 fit record, which kept them flat and as the command line gave them:
/// `sigma` {energy, force, virial}, `config_type_sigma` ["TYPE:E:F:V"], `n_sparse` (500 or "500,O=900"),
/// `sparse_method`, `e0_method` (as `--e0`), `jitter`, `seed`, `virials` and `keys` ("auto" for searched).
/// The SOAP, kernel and variance settings were not recorded; `PotentialMetadata` fills them in from the file.
extension FitSettings {
    private enum Version1Keys: String, CodingKey {
        case sigma, configTypeSigma = "config_type_sigma", nSparse = "n_sparse", sparseMethod = "sparse_method"
        case e0Method = "e0_method", jitter, seed, virials, keys
    }

    private struct Version1ReferenceKeys: Decodable {
        let energy, forces, virial, stress: String?
        let configType: String?

        enum CodingKeys: String, CodingKey { case energy, forces, virial, stress, configType = "config_type" }

        /// The keys, "auto" meaning searched.
        var keys: ReferenceKeys {
            func given(_ key: String?) -> String? { key == "auto" ? nil : key }
            return ReferenceKeys(
                energy: given(energy), forces: given(forces), virial: given(virial), stress: given(stress),
                configType: configType ?? "config_type")
        }
    }

    /// The settings a format-1 record holds; unreadable or absent ones keep their defaults.
    init(version1 decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Version1Keys.self)
        self.init()
        sigmas = (try? c.decodeIfPresent(Sigmas.self, forKey: .sigma)) ?? sigmas
        for item in (try? c.decodeIfPresent([String].self, forKey: .configTypeSigma)) ?? [] {
            let parts = item.split(separator: ":").map(String.init)
            if parts.count == 4, let e = Double(parts[1]), let f = Double(parts[2]), let v = Double(parts[3]) {
                configTypeSigmas[parts[0]] = Sigmas(energy: e, force: f, virial: v)
            }
        }
        if let count = try? c.decodeIfPresent(Int.self, forKey: .nSparse) {
            sparseCount = count
        } else if let text = try? c.decodeIfPresent(String.self, forKey: .nSparse) {
            for item in text.split(separator: ",") {
                let kv = item.split(separator: "=").map(String.init)
                if kv.count == 1, let n = Int(kv[0]) { sparseCount = n }
                if kv.count == 2, let z = Element.atomicNumber(kv[0]), let n = Int(kv[1]) { sparseCountByElement[z] = n }
            }
        }
        sparseMethod = (try? c.decodeIfPresent(SparseMethod.self, forKey: .sparseMethod)) ?? sparseMethod
        e0 = (try? c.decodeIfPresent(E0Mode.self, forKey: .e0Method)) ?? e0
        jitter = (try? c.decodeIfPresent(Double.self, forKey: .jitter)) ?? jitter
        seed = (try? c.decodeIfPresent(UInt64.self, forKey: .seed)) ?? seed
        useVirials = (try? c.decodeIfPresent(Bool.self, forKey: .virials)) ?? useVirials
        keys = (try? c.decodeIfPresent(Version1ReferenceKeys.self, forKey: .keys))?.keys ?? keys
    }
}
