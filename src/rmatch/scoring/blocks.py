"""Large programmes without the full score matrix: candidate pairs, scored block by block.

A programme of ``n`` juniors and ``m`` seniors is scored one block of
juniors at a time (every component, the total and the pairwise rules, the
same arithmetic as :func:`rmatch.score`, so the same bits); only each
person's candidate partners are kept. :mod:`rmatch.solvers.sparse` solves
the candidates and proves the optimum for every pair. The result carries a
:class:`CandidateScores`: a :class:`~rmatch.scoring.matrix.ScoreMatrix` whose
matrices are scored on demand (a row, a column, a list of pairs), so
explanations, reasons for the unmatched, briefs and ``check()`` work as on a
dense programme; whole-matrix analyses (stability, rematching, calibration)
say they need the dense matrix.

Examples
--------
>>> import rmatch as rm
>>> juniors = [rm.Participant(id=f"j{i}", birth_year=1995 + i) for i in range(3)]
>>> seniors = [rm.Participant(id=f"s{i}", birth_year=1960 + i, level=3) for i in range(3)]
>>> res = rm.match(juniors, seniors, solver="candidates")
>>> res.solver, res.status, len(res.pairs)
('candidates', 'optimal', 3)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from rmatch.errors import RmatchError
from rmatch.model.arrays import ParticipantArrays
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.program.program import Program
from rmatch.scoring.matrix import ScoreMatrix
from rmatch.scoring.memory import BLOCK_BYTES, BYTES_PER_BLOCK_CELL
from rmatch.scoring.plan import ScorePlan, score_arrays

__all__ = ["CandidateScores", "LazyMatrix", "ProgrammeSource", "candidate_scores"]

IntArray = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]



class ProgrammeSource:
    """Score a programme one block at a time (a :class:`~rmatch.solvers.scan.BlockSource`).

    ``exclude`` lists (row, column) pairs to treat as infeasible: the
    required pairs, fixed before the solve.

    Examples
    --------
    >>> from rmatch.model.participant import Participant
    >>> src = ProgrammeSource.of([Participant(id="j1"), Participant(id="j2")],
    ...                          [Participant(id="s")])
    >>> src.totals(slice(0, 2), slice(None))[0].shape
    (2, 1)
    """

    def __init__(self, juniors: ParticipantArrays, seniors: ParticipantArrays, plan: ScorePlan,
                 org: OrgChart | None, *, block_rows: int | None = None,
                 exclude: tuple[IntArray, IntArray] | None = None,
                 block_bytes: int = BLOCK_BYTES) -> None:
        self.juniors, self.seniors, self.plan, self.org = juniors, seniors, plan, org
        n, m = len(juniors), len(seniors)
        self.shape = (n, m)
        self.block_rows = block_rows or max(1, block_bytes // (BYTES_PER_BLOCK_CELL * max(m, 1)))
        # Every column's index, made once: a first pass asks for it with each
        # block. Made for every block, with the rows' index made a side long
        # too, it cost 4% of a 13-row block's scoring at 100,000 per side
        # (1.35 ms, now 1.30).
        self._every_column = np.arange(m)
        self._every_column.setflags(write=False)
        empty = np.zeros(0, dtype=np.int64)
        self._exclude = exclude if exclude is not None else (empty, empty)
        self._lock = threading.Lock()
        self._parts: dict[tuple[int, int], ParticipantArrays] = {}
        # The last list of columns and its seniors: a pass over blocks of rows
        # against the same scattered seniors gathers their fields once.
        self._last_cols: tuple[bytes, ParticipantArrays] | None = None
        self._last_pairs: tuple[tuple[bytes, bytes], tuple[dict[str, F32], F32, BoolArray]] \
            | None = None

    def __getstate__(self) -> dict[str, Any]:
        # A result keeps its source to score on demand; pickling it (a notebook's cache,
        # a worker process) takes the people and the plan, not the lock or the caches.
        state = dict(self.__dict__)
        del state["_lock"]
        state.update(_parts={}, _last_cols=None, _last_pairs=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @classmethod
    def of(cls, juniors: Sequence[Participant], seniors: Sequence[Participant],
           program: Program | None = None, org: OrgChart | None = None) -> ProgrammeSource:
        """Return the source of a programme given as people (arrays and plan built here).

        Examples
        --------
        >>> from rmatch.model.participant import Participant
        >>> ProgrammeSource.of([Participant(id="j")], [Participant(id="s")]).shape
        (1, 1)
        """
        from rmatch.model.arrays import build_arrays
        from rmatch.scoring.plan import default_org, plan_scores

        program = program or Program()
        js, ss = build_arrays(juniors, seniors)
        return cls(js, ss, plan_scores(juniors, seniors, program),
                   default_org(js, ss, program, org))

    def _seniors(self, cols: IntArray | slice) -> tuple[ParticipantArrays, IntArray]:
        """Return the seniors of some columns (a range's arrays are kept: scanned often)."""
        m = self.shape[1]
        if isinstance(cols, slice):
            start, stop, _ = cols.indices(m)
            if (start, stop) == (0, m):
                return self.seniors, self._every_column
            with self._lock:
                part = self._parts.get((start, stop))
                if part is None:
                    part = self._parts[(start, stop)] = self.seniors.take(np.arange(start, stop))
            return part, np.arange(start, stop)
        c_idx = np.asarray(cols, np.int64)
        if len(c_idx) == m:
            return self.seniors, c_idx
        key = c_idx.tobytes()
        with self._lock:
            if self._last_cols is None or self._last_cols[0] != key:
                self._last_cols = (key, self.seniors.take(c_idx))
            return self._last_cols[1], c_idx

    def score(self, rows: IntArray | slice, cols: IntArray | slice, *, components: bool = True
              ) -> tuple[dict[str, F32], F32, BoolArray]:
        """Components (unless ``components`` is False), total and feasibility of a block.

        Examples
        --------
        >>> from rmatch.model.participant import Participant
        >>> src = ProgrammeSource.of([Participant(id="j")], [Participant(id="s")])
        >>> src.score(np.array([0]), slice(None))[1].shape
        (1, 1)
        """
        n, m = self.shape
        r_idx = np.arange(*rows.indices(n)) if isinstance(rows, slice) else \
            np.asarray(rows, np.int64)
        whole_r = len(r_idx) == n
        js = self.juniors if whole_r else self.juniors.take(r_idx)
        ss, c_idx = self._seniors(cols)
        mats, total, feasible = score_arrays(js, ss, self.plan, self.org,
                                             block=not (whole_r and len(c_idx) == m),
                                             components=components)
        ex_r, ex_c = self._exclude
        if len(ex_r):
            rpos = np.searchsorted(r_idx, ex_r) if _sorted(r_idx) else None
            cpos = np.searchsorted(c_idx, ex_c) if _sorted(c_idx) else None
            if rpos is not None and cpos is not None:
                rpos, cpos = np.minimum(rpos, len(r_idx) - 1), np.minimum(cpos, len(c_idx) - 1)
                hit = (r_idx[rpos] == ex_r) & (c_idx[cpos] == ex_c)
                feasible[rpos[hit], cpos[hit]] = False
            else:  # unsorted picks (pairs on demand): a small loop over the excluded
                for r, c in zip(ex_r.tolist(), ex_c.tolist(), strict=True):
                    feasible[np.ix_(r_idx == r, c_idx == c)] = False
        return mats, total, feasible

    def totals(self, rows: IntArray | slice, cols: IntArray | slice) -> tuple[F32, BoolArray]:
        """Total and feasibility of a block; threads may call it side by side.

        Examples
        --------
        >>> from rmatch.model.participant import Participant
        >>> src = ProgrammeSource.of([Participant(id="j")], [Participant(id="s")])
        >>> src.totals(np.array([0]), np.array([0]))[1].tolist()
        [[True]]
        """
        _, total, feasible = self.score(rows, cols, components=False)
        return total, feasible

    def pairs(self, rows: IntArray, cols: IntArray) -> tuple[dict[str, F32], F32, BoolArray]:
        """Components, total and feasibility at aligned (row, column) pairs, one value each.

        Scored a few hundred rows at a time; the last answer is kept, so a
        result reading the total and then each component scores its pairs once.

        Examples
        --------
        >>> from rmatch.model.participant import Participant
        >>> src = ProgrammeSource.of([Participant(id="j")], [Participant(id="s")])
        >>> src.pairs(np.array([0, 0]), np.array([0, 0]))[1].shape
        (2,)
        """
        key = (rows.tobytes(), cols.tobytes())
        if self._last_pairs is not None and self._last_pairs[0] == key:
            return self._last_pairs[1]
        mats: dict[str, F32] = {}
        total = np.zeros(len(rows), dtype=np.float32)
        feasible = np.zeros(len(rows), dtype=np.bool_)
        order = np.argsort(rows, kind="stable")
        for start in range(0, len(order), 256):
            pick = order[start:start + 256]
            ur, r_inv = np.unique(rows[pick], return_inverse=True)
            uc, c_inv = np.unique(cols[pick], return_inverse=True)
            b_mats, b_total, b_feasible = self.score(ur, uc)
            at = (r_inv.reshape(-1), c_inv.reshape(-1))
            for name, mat in b_mats.items():
                mats.setdefault(name, np.zeros(len(rows), dtype=np.float32))[pick] = mat[at]
            total[pick], feasible[pick] = b_total[at], b_feasible[at]
        if not len(rows):  # no pairs: empty arrays, under the components' names
            empty = np.zeros(0, dtype=np.int64)
            mats = {name: np.zeros(0, np.float32) for name in self.score(empty, empty)[0]}
        answer = (mats, total, feasible)
        self._last_pairs = (key, answer)
        return answer


def _sorted(idx: IntArray) -> bool:
    return bool(len(idx) < 2 or np.all(idx[1:] > idx[:-1]))


class LazyMatrix:
    """One matrix of a programme (a component, the total or the feasibility), scored on demand.

    Indexing works as on a numpy matrix for what explanations need: a row,
    a column, a block, or aligned lists of rows and columns (one value per
    pair). Anything that would need the whole matrix at once (``astype``,
    ``np.asarray``) raises :class:`~rmatch.errors.RmatchError` instead of
    allocating it.

    Examples
    --------
    >>> from rmatch.model.participant import Participant
    >>> src = ProgrammeSource.of([Participant(id="j")], [Participant(id="s", level=2)])
    >>> lazy = LazyMatrix(src, "total")
    >>> lazy.shape, lazy[0, 0] == src.score(np.array([0]), slice(None))[1][0, 0]
    ((1, 1), np.True_)
    """

    def __init__(self, source: ProgrammeSource, what: str, transposed: bool = False) -> None:
        self._source, self._what, self._t = source, what, transposed
        n, m = source.shape
        self.shape = (m, n) if transposed else (n, m)
        self.size = n * m
        self.ndim = 2

    @property
    def T(self) -> LazyMatrix:  # noqa: N802 - numpy's name
        """The transposed view (no scoring)."""
        return LazyMatrix(self._source, self._what, not self._t)

    def _pick(self, mats: dict[str, F32], total: F32, feasible: BoolArray) -> npt.NDArray[Any]:
        if self._what == "total":
            return total
        if self._what == "feasible":
            return feasible
        return mats[self._what]

    def __getitem__(self, key: Any) -> Any:
        rows, cols = key if isinstance(key, tuple) else (key, slice(None))
        if self._t:
            rows, cols = cols, rows
        r_arr = not isinstance(rows, (int, np.integer, slice))
        c_arr = not isinstance(cols, (int, np.integer, slice))
        if r_arr and c_arr:  # aligned pairs: one value each
            return self._pairs(np.asarray(rows, np.int64), np.asarray(cols, np.int64))
        r = np.array([rows]) if isinstance(rows, (int, np.integer)) else rows
        c = np.array([cols]) if isinstance(cols, (int, np.integer)) else cols
        out = self._pick(*self._source.score(r, c))
        if isinstance(rows, (int, np.integer)):
            out = out[0]
            if isinstance(cols, (int, np.integer)):
                return out[0]
        elif isinstance(cols, (int, np.integer)):
            out = out[:, 0]
        return out.T if self._t and out.ndim == 2 else out

    def block(self, rows: IntArray | slice, cols: IntArray | slice) -> npt.NDArray[Any]:
        """Return the dense block of some rows and columns (``np.ix_`` indexing), scored now."""
        if self._t:
            return np.asarray(self._pick(*self._source.score(cols, rows)).T)
        return self._pick(*self._source.score(rows, cols))

    def _pairs(self, rows: IntArray, cols: IntArray) -> npt.NDArray[Any]:
        """Values at aligned (row, column) pairs (scored once for every matrix)."""
        return self._pick(*self._source.pairs(rows, cols))

    def _row_blocks(self) -> Iterator[tuple[int, npt.NDArray[Any]]]:
        """Yield the whole matrix (untransposed) as consecutive blocks of rows, scored now."""
        n, _ = self._source.shape
        step = self._source.block_rows
        for start in range(0, n, step):
            rows = slice(start, min(start + step, n))
            if self._what in ("total", "feasible"):
                yield start, self._pick({}, *self._source.totals(rows, slice(None)))
            else:
                yield start, self._pick(*self._source.score(rows, slice(None)))

    def any(self, axis: int | None = None) -> Any:
        """Whether any value is true, along an axis (scans the programme once)."""
        ax = axis if not self._t or axis is None else 1 - axis
        n, m = self._source.shape
        acc = np.zeros(m if ax == 0 else n, dtype=np.bool_)
        for start, block in self._row_blocks():
            if ax == 0:
                acc |= block.any(axis=0)
            else:
                acc[start:start + len(block)] = block.any(axis=1)
        return acc if axis is not None else bool(acc.any())

    def sum(self) -> Any:
        """Sum of all values of the total or the mask (scans the programme once)."""
        if self._what not in ("total", "feasible"):
            return self._dense()
        return sum(float(block.sum()) for _, block in self._row_blocks())

    def astype(self, *_: Any, **__: Any) -> Any:
        """Refuse: the whole matrix does not exist for a programme solved on candidates."""
        return self._dense()

    def __array__(self, *_: Any, **__: Any) -> Any:
        return self._dense()

    def _dense(self) -> Any:
        n, m = self._source.shape
        raise RmatchError(
            f"this {n:,} x {m:,} programme was solved on candidate pairs and has no full "
            f"score matrix; this analysis needs one (score a smaller cohort with rm.score)")


@dataclass(frozen=True)
class CandidateScores(ScoreMatrix):
    """A :class:`~rmatch.scoring.matrix.ScoreMatrix` whose matrices are :class:`LazyMatrix` views.

    ``source`` scores any block on demand; solving again (``force``, what-if
    questions) goes back to the candidate path.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")],
    ...                solver="candidates")
    >>> type(res.scores).__name__, float(res.scores.total[0, 0]) == res.pairs[0].score
    ('CandidateScores', True)
    """

    source: ProgrammeSource = field(default=cast("ProgrammeSource", None), repr=False)

    def row_blocks(self, rows_per_block: int | None = None
                   ) -> Iterator[tuple[int, F32, BoolArray]]:
        """Yield the programme as blocks of rows, each scored now (its memory sized by the source).

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")],
        ...                solver="candidates")
        >>> [(start, total.shape) for start, total, _ in res.scores.row_blocks()]
        [(0, (1, 1))]
        """
        n = self.shape[0]
        step = max(1, min(rows_per_block or n, self.source.block_rows))
        starts = range(0, n, step)
        if len(starts) < 2:
            for start in starts:
                yield start, *self.source.totals(slice(start, min(start + step, n)), slice(None))
            return
        # The next block is scored on a second thread while the caller works on this
        # one (the scoring kernel and the analyses' kernels release the interpreter):
        # the report at 50,000 per side scores for 2.3 s and searches for 4.4 s.
        with ThreadPoolExecutor(1) as pool:
            ahead = pool.submit(self.source.totals, slice(0, min(step, n)), slice(None))
            for start in starts:
                total, feasible = ahead.result()
                if start + step < n:
                    ahead = pool.submit(self.source.totals,
                                        slice(start + step, min(start + 2 * step, n)),
                                        slice(None))
                yield start, total, feasible


def candidate_scores(source: ProgrammeSource, program: Program) -> CandidateScores:
    """Wrap a source as a :class:`CandidateScores` (no scoring happens here).

    Examples
    --------
    >>> from rmatch.model.participant import Participant
    >>> src = ProgrammeSource.of([Participant(id="j")], [Participant(id="s")])
    >>> candidate_scores(src, Program()).shape
    (1, 1)
    """
    n, m = source.shape
    # The components' names, in scoring's order: from one pair (or none).
    names: Sequence[str] = list(source.score(np.arange(min(n, 1)), np.arange(min(m, 1)))[0])
    comps = {name: cast(F32, LazyMatrix(source, name)) for name in names}
    return CandidateScores(
        junior_ids=source.juniors.ids, senior_ids=source.seniors.ids,
        total=cast(F32, LazyMatrix(source, "total")), components=comps,
        feasible=cast(BoolArray, LazyMatrix(source, "feasible")),
        juniors=source.juniors, seniors=source.seniors, program=program, org=source.org,
        source=source)
