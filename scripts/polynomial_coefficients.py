"""Coefficients of the short polynomials in Sources/Descriptors/Math/PolynomialElementary.swift.

Each is a Taylor series economized on its range (Chebyshev economization): the series to a high power (where its
own truncation is far below double precision), re-expanded in the Chebyshev polynomials of the range, cut after the
power wanted, and expanded back into powers of the variable. The terms cut are bounded by the sum of their Chebyshev
coefficients' magnitudes, which this script prints. Everything is exact rational arithmetic (fractions), so only the
final rounding of each coefficient to a double is inexact.

Run:  python3 scripts/polynomial_coefficients.py
It prints, per function, its range, the power kept, the bound of the terms cut, and the coefficients from the highest
power down (the order of the Swift code's Horner steps), each the shortest decimal that reads back as the same double.
It needs only Python's standard library.
"""
from __future__ import annotations

from fractions import Fraction
from math import comb, factorial

# The Taylor series to this power before economizing: the terms past it are below 1e-60 on every range here.
SERIES_POWER = 40


def series(kind: str) -> list[Fraction]:
    """Taylor coefficients, lowest power first, of the functions the Swift code evaluates."""
    if kind == "cos of root":  # cos √u = Σ (−1)^k u^k / (2k)!
        return [Fraction((-1) ** k, factorial(2 * k)) for k in range(SERIES_POWER + 1)]
    if kind == "sinc of root":  # sin √u / √u = Σ (−1)^k u^k / (2k + 1)!
        return [Fraction((-1) ** k, factorial(2 * k + 1)) for k in range(SERIES_POWER + 1)]
    if kind == "exp":  # e^x = Σ x^k / k!
        return [Fraction(1, factorial(k)) for k in range(SERIES_POWER + 1)]
    raise ValueError(kind)


def shifted(a: list[Fraction], middle: Fraction, half: Fraction) -> list[Fraction]:
    """Coefficients in t of Σ a_k (middle + half · t)^k: the range mapped onto t in [−1, 1]."""
    b = [Fraction(0)] * len(a)
    for k, ak in enumerate(a):
        for j in range(k + 1):
            b[j] += ak * comb(k, j) * middle ** (k - j) * half ** j
    return b


def unshifted(b: list[Fraction], middle: Fraction, half: Fraction) -> list[Fraction]:
    """Coefficients in u of Σ b_j ((u − middle) / half)^j."""
    a = [Fraction(0)] * len(b)
    for j, bj in enumerate(b):
        for k in range(j + 1):
            a[k] += bj * comb(j, k) * (-middle) ** (j - k) / half ** j
    return a


def chebyshev(b: list[Fraction]) -> list[Fraction]:
    """Σ b_k t^k as Σ c_n T_n(t), from t^k = 2^(1−k) Σ_j C(k, j) T_(k−2j) (the T_0 term halved)."""
    c = [Fraction(0)] * len(b)
    for k, bk in enumerate(b):
        for j in range(k // 2 + 1):
            weight = Fraction(1) if k == 0 else Fraction(comb(k, j), 2 ** (k - 1))
            if k > 0 and k == 2 * j:
                weight /= 2
            c[k - 2 * j] += bk * weight
    return c


def powers(c: list[Fraction]) -> list[Fraction]:
    """Σ c_n T_n(t) as powers of t (T_0 = 1, T_1 = t, T_(n+1) = 2t T_n − T_(n−1))."""
    polynomials = [[Fraction(1)], [Fraction(0), Fraction(1)]]
    while len(polynomials) < len(c):
        previous, current = polynomials[-2], polynomials[-1]
        doubled = [Fraction(0)] + [2 * x for x in current]
        polynomials.append([x - (previous[i] if i < len(previous) else 0) for i, x in enumerate(doubled)])
    out = [Fraction(0)] * len(c)
    for n, cn in enumerate(c):
        for i, x in enumerate(polynomials[n]):
            out[i] += cn * x
    return out


def economized(kind: str, low: Fraction, high: Fraction, power: int) -> tuple[list[Fraction], float]:
    """The economized coefficients in the original variable, lowest power first, and the bound of the terms cut."""
    middle, half = (low + high) / 2, (high - low) / 2
    c = chebyshev(shifted(series(kind), middle, half))
    cut = float(sum(abs(x) for x in c[power + 1:]))
    return unshifted(powers(c[: power + 1]), middle, half), cut


# (the Swift function, the series, its range (rational bounds at least as wide as the true one), the power kept)
POLYNOMIALS = [
    ("cosine (sin √v / √v of v = (x − π/2)², v ≤ (π/2)²)", "sinc of root", Fraction(0), Fraction(24675, 10000), 8),
    ("cosineOfRoot (u ≤ π²)", "cos of root", Fraction(0), Fraction(98697, 10000), 10),
    ("sincOfRoot (u ≤ π²)", "sinc of root", Fraction(0), Fraction(98697, 10000), 10),
    ("exponentialNearZero (|x| ≤ 0.36)", "exp", Fraction(-36, 100), Fraction(36, 100), 11),
]


def main() -> None:
    for name, kind, low, high, power in POLYNOMIALS:
        coefficients, cut = economized(kind, low, high, power)
        print(f"{name}: [{float(low)}, {float(high)}], to the power {power}, terms cut below {cut:.1e}")
        for c in reversed(coefficients):
            print(f"    {float(c)!r}")


if __name__ == "__main__":
    main()
