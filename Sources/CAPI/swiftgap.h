/* SwiftGAP's C ABI (libSwiftGAPC): what the Python package loads with ctypes, usable from any C caller.
 *
 * Conventions: every function that can fail returns 0 on success and 1 on failure, and then writes the error's
 * text (UTF-8, NUL-terminated, cut to fit) into `error` of `error_capacity` bytes. Objects come back as opaque
 * handles; free each once with swiftgap_free. Units: Å, eV, eV/Å; cells hold lattice vectors as rows;
 * arrays are C-contiguous (row-major). Handles may be used from several threads at once. */
#ifndef SWIFTGAP_H
#define SWIFTGAP_H
#include <stdint.h>

void swiftgap_version(char *out, int64_t capacity);
void swiftgap_free(void *handle);

/* Potentials: a .gap file or a GAP XML (read by content). */
int32_t swiftgap_potential_load(const char *path, void **potential, char *error, int64_t error_capacity);
/* JSON metadata into out; *length gets the bytes needed: call again with a larger buffer when >= capacity. */
int32_t swiftgap_potential_metadata(void *potential, char *out, int64_t capacity, int64_t *length, char *error,
                                    int64_t error_capacity);
/* Energy, forces [atoms][3], virial [3][3] (W = -V stress), per-atom energies [atoms]; variances [atoms] (eV^2)
 * when non-NULL. forces, virial, energies may be NULL. */
int32_t swiftgap_potential_compute(void *potential, int64_t atoms, const int32_t *numbers, const double *positions,
                                   const double *cell, const uint8_t *pbc, int32_t threads, double *energy,
                                   double *forces, double *virial, double *energies, double *variances, char *error,
                                   int64_t error_capacity);
/* Predictive standard deviations of the total energy (eV) and of every force component [atoms][3] (eV/Å; may be
 * NULL) under model 0 (full) or 1 (projected), scaled by the potential's stored calibration for that model. An
 * error for a potential without variance factors. */
int32_t swiftgap_potential_uncertainty(void *potential, int64_t atoms, const int32_t *numbers, const double *positions,
                                       const double *cell, const uint8_t *pbc, int32_t threads, int32_t model,
                                       double *energy_std, double *force_std, char *error, int64_t error_capacity);

/* Descriptors from JSON settings with DScribe's names and meanings (see DescriptorSettings and each kind's reader):
 * {"kind": "soap", "species", "r_cut", "n_max", "l_max", "sigma", "periodic", "average", "crossover", "weighting",
 * "w0"}, {"kind": "acsf", "species", "r_cut", "g2_params", "g3_params", "g4_params", "g5_params", "periodic"},
 * {"kind": "mbtr", "species", "geometry", "grid", "weighting", "normalize_gaussians", "normalization", "periodic"},
 * {"kind": "coulomb_matrix" | "sine_matrix", "n_atoms_max", "permutation", "sigma", "seed"} or
 * {"kind": "ewald_sum_matrix", the same and "accuracy", "w", "r_cut", "g_cut", "a"}. Unknown keys are errors.
 * A local descriptor's settings may add "pooling": "average" | "max" | "weighted" (with "site_weights": the name
 * of the per-atom array, passed as site_weights below): one row per structure, pooled from its centers' rows. */
int32_t swiftgap_descriptor_new(const char *settings, void **descriptor, char *error, int64_t error_capacity);
int64_t swiftgap_descriptor_features(void *descriptor);
/* 1 for a local descriptor (a row per center), 0 for a global one (a row per structure), -1 for a bad handle. */
int32_t swiftgap_descriptor_is_local(void *descriptor);
int32_t swiftgap_descriptor_location(void *descriptor, int32_t z1, int32_t z2, int64_t *start, int64_t *stop,
                                     char *error, int64_t error_capacity);
/* count structures: atoms[count], numbers[sum], positions[sum][3], cells[count][9], pbc[count][3]. centers:
 * center_counts NULL for all atoms, else center_counts[count] with center_atoms[total] (atom index, -1 for a
 * point) and center_points[total][3] (may be NULL without points). site_weights[sum]: each atom's weight for a
 * descriptor pooled by site weights, else NULL. row_counts[count] are the caller's expected rows per structure (its
 * centers, or 1 for a global descriptor); any other count is an error. */
/* The rows, written into out[total rows][features]. */
int32_t swiftgap_descriptor_rows(void *descriptor, int64_t count, const int64_t *atoms, const int32_t *numbers,
                                 const double *positions, const double *cells, const uint8_t *pbc,
                                 const int64_t *center_counts, const int64_t *center_atoms,
                                 const double *center_points, const double *site_weights, int32_t threads,
                                 const int64_t *row_counts, double *out, char *error, int64_t error_capacity);
/* The rows into rows[total rows][features] and, for structure k, its derivatives into derivatives[k], shaped
 * [row_counts[k]][slots[k]][3][features]: atom a of structure k goes to slot slot_of_atom[o_k + a] (o_k: the atoms
 * of the structures before k; -1 leaves it out). fill != 0: every block is written, zeros where the slot's atom
 * does not move the row (the arrays may hold anything); fill == 0: only the blocks with derivatives are written, so
 * pass zeroed arrays (calloc's fresh pages, which no block reaches, are then never touched). attach != 0: an
 * atom-index center moves with its atom; 0 keeps it where the atom was (SOAP only, an error for the others). */
int32_t swiftgap_descriptor_derivatives(void *descriptor, int64_t count, const int64_t *atoms, const int32_t *numbers,
                                        const double *positions, const double *cells, const uint8_t *pbc,
                                        const int64_t *center_counts, const int64_t *center_atoms,
                                        const double *center_points, const double *site_weights, int32_t attach,
                                        int32_t threads, int32_t fill, const int64_t *row_counts, double *rows,
                                        const int64_t *slot_of_atom, const int64_t *slots, double *const *derivatives,
                                        char *error, int64_t error_capacity);

/* Random centers for a local descriptor in large cells: per structure sample_count of them (all when it has fewer)
 * or, with sample_count 0, the fraction sample_fraction in (0, 1] (rounded, at least one), drawn without replacement
 * from seed and the structure's index. Candidates: center_counts NULL for every atom, else center_counts[count] and
 * center_atoms[total] (atom indices). Writes out_counts[count] and the kept atoms, ascending, into out_atoms (room
 * for every candidate suffices). */
int32_t swiftgap_sample_centers(int64_t count, const int64_t *atoms, const int64_t *center_counts,
                                const int64_t *center_atoms, int64_t sample_count, double sample_fraction,
                                uint64_t seed, int64_t *out_counts, int64_t *out_atoms, char *error,
                                int64_t error_capacity);

/* i-PI client: serves the potential to an i-PI-protocol server until EXIT or the server closes the connection
 * (blocking). The structure gives species, periodicity and the cell for servers that send none; unix_name
 * non-NULL: /tmp/ipi_NAME (a name with '/' is the path), else host:port. *requests: force requests answered. */
int32_t swiftgap_ipi_serve(void *potential, const char *unix_name, const char *host, int32_t port, int64_t atoms,
                           const int32_t *numbers, const double *positions, const double *cell, const uint8_t *pbc,
                           int32_t threads, int32_t variances, double timeout, double connect_wait, int32_t reconnect,
                           int64_t *requests, char *error, int64_t error_capacity);
#endif
