"""Any score matrix, solved exactly: for HR tools that score pairs their own way.

:func:`solve_matrix` takes a juniors x seniors matrix of any finite real
scores (or costs), an optional mask of allowed pairs and capacities, and
returns the optimal pairs as (row, column) indices with a proven bound. The
scores are mapped onto [0, 1] first, in a way that keeps the optimum (see
:func:`solve_matrix`), so every exact backend works in the range it was built
for.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from rmatch.errors import InputError
from rmatch.solvers import BACKENDS, run
from rmatch.solvers.problem import Problem

# A quarter of the largest float: the spread of the scores (up to twice the
# largest) and the total of the pairs must stay finite.
_LARGEST = float(np.finfo(np.float64).max) / 4

__all__ = ["MatrixSolution", "solve_matrix"]

Objective = Literal["max_pairs", "max_score"]


@dataclass(frozen=True)
class MatrixSolution:
    """The optimal pairs of a score matrix.

    Attributes
    ----------
    pairs
        ``(row, column)`` index pairs, sorted.
    objective
        The sum of the chosen scores, as given (costs when ``maximize=False``).
    bound
        A proven bound on ``objective`` over every matching with as many pairs
        (``max_pairs``) or over every matching (``max_score``): an upper bound
        when maximising, a lower bound when minimising. Equal to ``objective``
        when the backend's arithmetic is exact.
    solver
        The backend that solved it.
    status
        ``"optimal"``, or ``"feasible"`` (the greedy baseline).
    labels
        When the scores were a pandas DataFrame: the pairs by its index and
        column labels, in the order of ``pairs`` (None otherwise).

    Examples
    --------
    >>> sol = solve_matrix([[3.0, 1.0], [2.0, 5.0]])
    >>> sol.pairs, sol.objective, sol.bound
    ([(0, 0), (1, 1)], 8.0, 8.0)
    """

    pairs: list[tuple[int, int]]
    objective: float
    bound: float
    solver: str
    status: Literal["optimal", "feasible"] = "optimal"
    labels: list[tuple[Hashable, Hashable]] | None = None

    @property
    def gap(self) -> float:
        """Distance between ``objective`` and ``bound``, relative (0 when proven optimal).

        Examples
        --------
        >>> solve_matrix([[1.0]]).gap
        0.0
        """
        return abs(self.bound - self.objective) / max(abs(self.bound), 1e-12)


def _labels(frame: Any) -> tuple[list[Hashable], list[Hashable]] | None:
    """Return a DataFrame's row and column labels (None for any other matrix)."""
    index, columns = getattr(frame, "index", None), getattr(frame, "columns", None)
    if index is None or columns is None or not hasattr(frame, "to_numpy"):
        return None
    return list(index), list(columns)


def _aligned(value: Any, labels: Sequence[Hashable] | None, what: str) -> Any:
    """Return a pandas Series by the scores' labels, in their order (anything else as given).

    A capacity column indexed by name in another order than the scores would
    otherwise give each row another row's capacity, silently.
    """
    index = getattr(value, "index", None)
    if labels is None or index is None or not hasattr(value, "loc") \
            or getattr(value, "ndim", 1) != 1:
        return value
    missing = [x for x in labels if x not in set(index)]
    if missing:
        raise InputError(f"{what} has no value for {', '.join(map(repr, missing[:5]))} "
                         f"({len(missing)} of the scores' labels)")
    return value.loc[list(labels)].to_numpy()


def _capacity(value: int | npt.ArrayLike, size: int, what: str) -> npt.NDArray[np.int64]:
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(size, arr)
    if arr.shape != (size,):
        raise InputError(f"{what} must be one whole number or one per "
                         f"{'row' if what.startswith('junior') else 'column'} ({size}), "
                         f"not shape {arr.shape}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise InputError(f"{what} must be whole numbers")
    if arr.dtype.kind not in "iuf" or (arr.size and arr.min() < 0):
        raise InputError(f"{what} must be whole numbers of at least 0")
    return arr.astype(np.int64)


def _mask(feasible: npt.ArrayLike, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    """Return the feasibility mask as booleans (True/False, or the 1/0 a spreadsheet writes)."""
    mask = np.asarray(feasible)
    if mask.shape != shape:
        raise ValueError(f"feasible must be a matrix of the scores' shape {shape}, "
                         f"not {mask.shape}")
    if mask.dtype == np.bool_:
        return mask
    if mask.dtype.kind not in "iuf":
        raise ValueError(f"feasible must hold True/False (or 1/0), not {mask.dtype} values")
    odd = (mask != 0) & (mask != 1)
    if odd.any():
        r, c = (int(v) for v in np.argwhere(odd)[0])
        raise ValueError(f"feasible[{r}, {c}] is {mask[r, c]}: give True/False (or 1/0) "
                         f"({int(odd.sum())} such cell(s))")
    return np.asarray(mask == 1)


def solve_matrix(scores: npt.ArrayLike, *, feasible: npt.ArrayLike | None = None,
                 junior_capacity: int | npt.ArrayLike = 1,
                 senior_capacity: int | npt.ArrayLike = 1,
                 objective: Objective = "max_pairs", maximize: bool = True,
                 solver: str = "auto") -> MatrixSolution:
    """Pair rows with columns of any score matrix: the most pairs, then the best total.

    With ``objective="max_score"``: the best total, however many pairs.

    Parameters
    ----------
    scores
        Rows (juniors) x columns (seniors) of finite real numbers: scores to
        maximise, or costs with ``maximize=False``. NaN or infinity is a
        ``ValueError`` unless ``feasible`` excludes the cell.
    feasible
        Mask of the allowed pairs, True/False or 1/0 (all by default).
    junior_capacity, senior_capacity
        The most pairs per row and per column: one number, or one per row /
        column.
    objective
        ``"max_pairs"`` (the most pairs, then the best total) or
        ``"max_score"`` (the best total: pairs that would lower it, a score
        of 0 or less when maximising, are never chosen).
    maximize
        ``False`` to minimise the total (costs).
    solver
        ``"auto"`` or one of ``"hungarian"``, ``"flow"``, ``"cpsat"``,
        ``"greedy"`` (a baseline, not optimal).

    Returns
    -------
    MatrixSolution

    Notes
    -----
    Under ``max_pairs`` every optimal matching has the same number of pairs
    ``k``, so the affine map ``(s - lowest) / spread`` onto [0, 1] changes
    every such total by the same amount and keeps the optimum. Under
    ``max_score`` only pairs of positive score can help, and scaling by the
    highest score keeps the optimum. The backends then solve in the range
    they were built for; the bound is mapped back.

    A pandas DataFrame's labels are kept (``labels``) and name its cells in
    errors; a ``feasible`` DataFrame and capacities given as Series are taken
    by those labels, whatever their order.

    Examples
    --------
    >>> import numpy as np
    >>> costs = np.array([[10, np.inf, np.inf], [np.inf, np.inf, 1], [np.inf, 7, np.inf]])
    >>> sol = solve_matrix(costs, feasible=np.isfinite(costs), maximize=False)
    >>> sol.pairs, sol.objective
    ([(0, 0), (1, 2), (2, 1)], 18.0)
    >>> import pandas as pd
    >>> frame = pd.DataFrame([[0.9, 0.2], [0.4, np.nan]], index=["ana", "rui"],
    ...                      columns=["cto", "cfo"])
    >>> solve_matrix(frame, feasible=frame.notna()).labels
    [('ana', 'cfo'), ('rui', 'cto')]
    """
    names = _labels(scores)
    if names is not None and feasible is not None and _labels(feasible) is not None:
        try:  # the mask by the scores' labels, whatever its own order
            feasible = feasible.loc[names[0], names[1]]  # type: ignore[union-attr]
        except KeyError as err:
            raise ValueError(f"feasible has no row or column {err}: give it the scores' "
                             "labels") from None
    if names is not None:
        junior_capacity = _aligned(junior_capacity, names[0], "junior_capacity")
        senior_capacity = _aligned(senior_capacity, names[1], "senior_capacity")
    try:
        raw = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as err:  # rows of different lengths, text
        raise ValueError(f"scores must be a rectangular matrix of numbers ({err})") from None
    if raw.ndim != 2:
        raise ValueError(f"scores must be a 2-D matrix (rows x columns), not {raw.ndim}-D")
    mask = np.ones(raw.shape, np.bool_) if feasible is None else _mask(feasible, raw.shape)
    bad = mask & ~np.isfinite(raw)
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        cell = f"{r}, {c}" if names is None else f"{names[0][r]!r}, {names[1][c]!r}"
        raise ValueError(f"scores[{cell}] is {raw[r, c]}: give finite scores, or exclude the "
                         f"pair with feasible ({int(bad.sum())} such cell(s))")
    if objective not in ("max_pairs", "max_score"):
        raise ValueError(f"objective {objective!r}: use 'max_pairs' or 'max_score'")
    if solver != "auto" and solver not in BACKENDS:
        raise ValueError(f"unknown solver {solver!r}; choose auto or one of {', '.join(BACKENDS)}")
    n, m = raw.shape
    cap_j = _capacity(junior_capacity, n, "junior_capacity")
    cap_s = _capacity(senior_capacity, m, "senior_capacity")
    signed = np.where(mask, raw if maximize else -raw, 0.0)
    allowed = mask.copy()
    if objective == "max_score":
        allowed &= signed > 0  # a pair of score <= 0 can only lower the total
    values = signed[allowed]
    peak = float(np.abs(values).max()) if values.size else 0.0
    most = min(int(np.minimum(cap_j, m).sum()), int(np.minimum(cap_s, n).sum()))
    if peak * most > _LARGEST:
        raise ValueError(f"scores as large as {peak:.3g}: a total of the pairs could exceed "
                         "the largest float; divide them all by one constant first")
    low = float(values.min()) if objective == "max_pairs" and values.size else 0.0
    spread = float(values.max()) - low if values.size else 0.0
    scale = spread if spread > 0 else 1.0
    unit = np.where(allowed, (signed - low) / scale, 0.0)
    problem = Problem(unit, allowed, cap_j, cap_s, objective=objective)
    used, sol = run(solver, problem)
    order = np.lexsort((sol.cols, sol.rows))
    rows, cols = sol.rows[order], sol.cols[order]
    total = float(raw[rows, cols].sum())
    if sol.bound is None:
        bound_signed = float(signed[rows, cols].sum())
    else:  # back from [0, 1]: scale, and the shift each of the k pairs took
        bound_signed = sol.bound * scale + low * len(rows)
        bound_signed = max(bound_signed, float(signed[rows, cols].sum()))
    pairs = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]
    labels = None if names is None else [(names[0][r], names[1][c]) for r, c in pairs]
    return MatrixSolution(pairs, total, bound_signed if maximize else -bound_signed, used,
                          sol.status, labels)
