/// The SIMD vector the descriptor loops work in: eight doubles (one AVX-512 register, two AVX2 ones). Loops that
/// take neighbors or pairs a vector at a time pad their rows to a whole number of these.
typealias Lanes = SIMD8<Double>
