"""What every solver takes and returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    """A capacitated assignment problem: maximise pairs, then the sum of ``total``.

    ``total`` and ``feasible`` are juniors x seniors; a pair may be chosen at
    most once, junior ``i`` in at most ``cap_j[i]`` pairs, senior ``k`` in at
    most ``cap_s[k]``.
    """

    total: npt.NDArray[np.float32]
    feasible: npt.NDArray[np.bool_]
    cap_j: IntArray
    cap_s: IntArray
    time_limit_s: float = 60.0
    seed: int = 0


@dataclass(frozen=True)
class Solution:
    """Chosen pairs as (row, column) index arrays, with a status and a proven bound."""

    rows: IntArray
    cols: IntArray
    status: Literal["optimal", "feasible"]
    bound: float | None = None  # None: the objective itself (optimal)


def objective(problem: Problem, rows: IntArray, cols: IntArray) -> float:
    """Sum of ``total`` over the chosen pairs, in float64."""
    return float(problem.total[rows, cols].astype(np.float64).sum())
