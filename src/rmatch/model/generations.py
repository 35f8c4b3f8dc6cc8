"""Generational cohorts by birth year: one table for synthetic data, briefs and reports."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["GENERATIONS", "generation_codes", "generation_of"]

IntArray = npt.NDArray[np.int64]

GENERATIONS: tuple[tuple[str, int, int], ...] = (
    # Birth-year cohorts (Pew Research Center); rmatch.synth draws from four of them.
    ("Silent Generation", 1928, 1945),
    ("Boomers", 1946, 1964),
    ("Gen X", 1965, 1980),
    ("Millennials", 1981, 1996),
    ("Gen Z", 1997, 2012),
    ("Gen Alpha", 2013, 2030),
)


def generation_of(birth_year: float | None) -> str | None:
    """Name the generational cohort of a birth year (None when unknown).

    Examples
    --------
    >>> generation_of(1999), generation_of(1970), generation_of(None)
    ('Gen Z', 'Gen X', None)
    """
    if birth_year is None or np.isnan(birth_year):
        return None
    for name, first, last in GENERATIONS:
        if first <= birth_year <= last:
            return name
    return None


def generation_codes(birth_years: npt.NDArray[np.float64]) -> IntArray:
    """Index into GENERATIONS for each birth year, -1 when unknown or outside them.

    Examples
    --------
    >>> generation_codes(np.array([1999.0, np.nan, 1900.0])).tolist()
    [4, -1, -1]
    """
    firsts = np.array([first for _, first, _ in GENERATIONS], dtype=np.float64)
    code = np.searchsorted(firsts, birth_years, side="right") - 1
    last = GENERATIONS[-1][2]
    out: IntArray = np.where(np.isnan(birth_years) | (code < 0) | (birth_years > last), -1,
                             code).astype(np.int64)
    return out
