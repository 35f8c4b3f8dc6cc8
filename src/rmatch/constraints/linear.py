"""The programme-wide rules as rows of a linear programme over the pairs.

Each compiled rule (:mod:`rmatch.constraints.compiled`) writes itself twice:
into CP-SAT (``encode``) and as linear rows (``linear``), which
:mod:`rmatch.solvers.core` hands to HiGHS. This module holds what the
second form shares.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

__all__ = ["LinearRows", "PairModel", "per_person", "share_row"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]


class PairModel(Protocol):
    """The pairs a model is over: what a rule needs to write itself as linear rows.

    ``rows``/``cols`` give each pair (row-major order), ``weights`` its
    integer weight, ``count`` the number of pairs when the search fixes it.
    A :class:`CpsatModel` is one; so is the linear model of
    :mod:`rmatch.solvers.core`.
    """

    @property
    def rows(self) -> IntArray:
        """Each pair's junior."""
        ...

    @property
    def cols(self) -> IntArray:
        """Each pair's senior."""
        ...

    @property
    def weights(self) -> IntArray:
        """Each pair's integer weight (score x ``SCALE``)."""
        ...

    @property
    def cap_j(self) -> IntArray:
        """The juniors' capacities."""
        ...

    @property
    def cap_s(self) -> IntArray:
        """The seniors' capacities."""
        ...

    @property
    def count(self) -> int | None:
        """The number of pairs, when the search fixes it."""
        ...


LinearRows = tuple[csr_matrix, F64, F64]
"""A rule as rows of a linear programme over the pairs: ``lo <= A x <= hi``."""


def per_person(people: IntArray, size: int, lo: F64, hi: F64) -> LinearRows:
    """One row per person: the number of their pairs, between ``lo`` and ``hi``."""
    k = len(people)
    matrix = csr_matrix((np.ones(k), (people, np.arange(k))), shape=(size, k))
    return matrix, lo, hi


def share_row(share: Fraction, at_most: bool, qualifies: BoolArray) -> LinearRows:
    """Write ``den * qualifying - num * pairs`` >= 0 (<= 0 for "at most") as one row.

    Examples
    --------
    >>> matrix, lo, hi = share_row(Fraction(1, 2), False, np.array([True, False]))
    >>> matrix.toarray().tolist(), lo.tolist(), hi.tolist()
    ([[1.0, -1.0]], [0.0], [inf])
    """
    coef = share.denominator * qualifies.astype(np.float64) - share.numerator
    bounds = (-np.inf, 0.0) if at_most else (0.0, np.inf)
    return csr_matrix(coef[None, :]), np.array([bounds[0]]), np.array([bounds[1]])
