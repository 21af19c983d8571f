// Lane shuffles of eight doubles that Swift's SIMD types cannot spell: an initializer from lanes of two vectors
// compiles to a chain of lane inserts, where clang's __builtin_shufflevector gives one shuffle instruction (AVX-512;
// two on AVX2, a few on NEON). Swift imports `swiftgap_lanes` as SIMD8<Double>; the functions are inlined into the
// Swift callers (Descriptors' 8 × 8 transposition, `SIMD8.transpose`).
#ifndef SWIFTGAP_SHUFFLES_H
#define SWIFTGAP_SHUFFLES_H

typedef double swiftgap_lanes __attribute__((ext_vector_type(8)));

/// a0 b0 a2 b2 a4 b4 a6 b6: the even lanes of a and b, interleaved.
static inline __attribute__((always_inline)) swiftgap_lanes swiftgap_interleave_even(swiftgap_lanes a, swiftgap_lanes b) {
    return __builtin_shufflevector(a, b, 0, 8, 2, 10, 4, 12, 6, 14);
}

/// a1 b1 a3 b3 a5 b5 a7 b7: the odd lanes of a and b, interleaved.
static inline __attribute__((always_inline)) swiftgap_lanes swiftgap_interleave_odd(swiftgap_lanes a, swiftgap_lanes b) {
    return __builtin_shufflevector(a, b, 1, 9, 3, 11, 5, 13, 7, 15);
}

/// a0 a1 a4 a5 b0 b1 b4 b5: the even pairs of lanes of a, then of b.
static inline __attribute__((always_inline)) swiftgap_lanes swiftgap_even_pairs(swiftgap_lanes a, swiftgap_lanes b) {
    return __builtin_shufflevector(a, b, 0, 1, 4, 5, 8, 9, 12, 13);
}

/// a2 a3 a6 a7 b2 b3 b6 b7: the odd pairs of lanes of a, then of b.
static inline __attribute__((always_inline)) swiftgap_lanes swiftgap_odd_pairs(swiftgap_lanes a, swiftgap_lanes b) {
    return __builtin_shufflevector(a, b, 2, 3, 6, 7, 10, 11, 14, 15);
}

#endif
