/// A LAPACK character argument ('L', 'N', 'V', …) as the C `char` LAPACKE expects.
func lapackChar(_ c: Unicode.Scalar) -> CChar { CChar(truncatingIfNeeded: c.value) }
