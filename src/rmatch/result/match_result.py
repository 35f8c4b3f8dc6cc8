"""The result of a match: the pairs, who is left and why, and the methods that act on it."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from rmatch.errors import RmatchError
from rmatch.model.text import counted
from rmatch.result.html import html_table
from rmatch.result.pairs import Explanation, Optimum, Pair, Violation

if TYPE_CHECKING:
    import pandas as pd

    from rmatch.analysis.stability import LeastBlocking, StabilityReport
    from rmatch.report.briefs import PairBrief
    from rmatch.report.summary import Report
    from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["MatchResult", "pair_indices", "proven"]

# The result is data, a layer below the stages that act on it (solving again,
# explanations, reports, stability). Its convenience methods import the stage
# they need inside the method, visibly: the only imports in the package that
# point upward (tests/test_layers.py lists them), made when the method runs.


def _gap(objective: float, bound: float) -> float:
    return max(bound - objective, 0.0) / max(abs(bound), 1e-9)


def proven(status: str, solver: str, objective: float, bound: float,
           optimum: tuple[float, float] | tuple[()] | None = None) -> str:
    """Say what a result is proven to be, from its status, solver, objective and bound.

    The words of :meth:`MatchResult.summary`, for tools that hold a result as
    JSON (the service's pages). A stable matching is not the highest total
    score: it is stable, and the best stable matching for the side that
    proposed (or, under ``best_stable``, the highest total among stable ones).
    ``optimum``, for a matching judged by :func:`rmatch.evaluate`: the
    optimum's ``(objective, bound)`` (its ``optimum`` field), ``()`` when it
    has none (no matching meets the rules); other results ignore it. A
    matching that breaks rules can total more than the optimum, so its own
    ``bound`` (at least its total) is not the optimum's: without ``optimum``
    the bound is said.

    Examples
    --------
    >>> proven("optimal", "flow", 3.0, 3.0)
    'proven the best possible under the rules (optimal)'
    >>> print(proven("feasible", "evaluated", 1.5, 2.0).split("; ")[1])
    the best under the rules totals 2.0000, and this matching 25.00% less
    >>> print(proven("feasible", "evaluated", 1.5, 1.5, optimum=(1.0, 1.0)).split("; ")[1])
    the best under the rules totals 1.0000
    >>> print(proven("optimal", "deferred acceptance (seniors proposing)", 2.5, 2.5)
    ...       .split(", ")[-1])
    the best stable matching for the seniors
    """
    from rmatch.result.reasons import EVALUATED, STABLE

    gap = _gap(objective, bound)
    if solver == EVALUATED:  # rm.evaluate: pairs made by hand or by another tool
        said = "pairs made by hand or elsewhere, judged (not solved)"
        if optimum == ():
            return f"{said}; no matching meets every rule, so there is no optimum to compare with"
        best, at_most = optimum if optimum else (bound, bound)
        gap = _gap(objective, best)
        # A share of the optimum's total ("94% higher" once said of a total 17 times this one).
        less = f", and this matching {gap:.2%} less" if gap > 0 else ""
        unproven = f" (the best possible at most {at_most:.4f})" if _gap(best, at_most) > 0 \
            else ""
        return f"{said}; the best under the rules totals {best:.4f}{unproven}{less}"
    if solver.startswith(STABLE):
        said = "stable (no junior and senior would both rather be together)"
        side = next((s for s in ("juniors", "seniors") if f"{s} proposing" in solver), None)
        if side is not None:
            return f"{said}, the best stable matching for the {side}"
        if status == "optimal":
            return f"{said}, proven the highest total score of all stable matchings"
        return (f"{said}; the highest total score of a stable matching is at most "
                f"{bound:.4f} (bound), this one within {gap:.2%} of it")
    if status == "optimal":
        return "proven the best possible under the rules (optimal)"
    return (f"the best found by this solver; the best possible is at most {bound:.4f} "
            f"(bound), this total within {gap:.2%} of it")


class MatchResult(BaseModel):
    """The pairs chosen by :func:`rmatch.match`, with who is left and why.

    ``objective`` is the sum of pair scores and ``bound`` a proven upper bound
    on it (equal when ``status`` is ``"optimal"``). Dump with
    ``model_dump_json()`` or :meth:`to_json`.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j", birth_year=2000)],
    ...                [rm.Participant(id="s", birth_year=1970, level=2)])
    >>> [(p.junior_id, p.senior_id) for p in res.pairs], res.status
    ([('j', 's')], 'optimal')
    """

    model_config = ConfigDict(frozen=True)

    pairs: list[Pair]
    unmatched_juniors: list[str]
    unmatched_seniors: list[str]
    unmatched_reasons: dict[str, str] = Field(default_factory=dict)
    objective: float
    bound: float
    status: Literal["optimal", "feasible"]
    solver: str
    wall_time_s: float
    violations: list[Violation] = Field(default_factory=list)
    """Rules the pairs break: empty for every matching rmatch makes; filled by
    :func:`rmatch.evaluate` for a matching made elsewhere."""
    optimum: Optimum | None = None
    """For a matching judged by :func:`rmatch.evaluate`: the best one under the same
    programme (None when it could not be solved)."""
    data_gaps: list[str] = Field(default_factory=list)
    """The gaps in the data that change this result, as :func:`rmatch.data_gaps` says
    them and :func:`rmatch.match` warns with them (counts, never a person's values)."""
    _scores: ScoreMatrix | None = PrivateAttr(default=None)
    # How to score the programme again when the matrices were left behind
    # (a result sent back from another process): (juniors, seniors, program, org).
    _recipe: tuple[Any, ...] | None = PrivateAttr(default=None)
    # The optimum's priced residual network, kept by the explanations that price
    # forced pairs with it (rmatch.analysis.explain._priced), with the pairs it is for.
    _forcing: tuple[Any, ...] | None = PrivateAttr(default=None)

    def __repr__(self) -> str:
        return (
            f"MatchResult(pairs={len(self.pairs)}, unmatched_juniors="
            f"{len(self.unmatched_juniors)}, unmatched_seniors={len(self.unmatched_seniors)}, "
            f"objective={self.objective:.4f}, bound={self.bound:.4f}, status={self.status!r}, "
            f"solver={self.solver!r}, wall_time_s={self.wall_time_s:.3f})"
        )

    __str__ = __repr__

    @classmethod
    def solved_on(cls, scores: ScoreMatrix, **fields: Any) -> MatchResult:
        """Build a result that keeps the score matrix it was solved on (for the solve stage).

        Examples
        --------
        >>> import rmatch as rm
        >>> sm = rm.score([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res = MatchResult.solved_on(sm, pairs=[], unmatched_juniors=["j"],
        ...     unmatched_seniors=["s"], objective=0.0, bound=0.0, status="optimal",
        ...     solver="none", wall_time_s=0.0)
        >>> res.scores is sm
        True
        """
        result = cls(**fields)
        result._scores = scores  # part of construction: nobody holds the result yet
        return result

    def without_scores(self, *, rescore_from: tuple[Any, ...] | None = None) -> MatchResult:
        """Return a copy that leaves the score matrices behind (to send to another process).

        With ``rescore_from=(juniors, seniors, program, org)`` the copy scores
        the programme again, identically, the first time :attr:`scores` is asked for.

        Examples
        --------
        >>> import rmatch as rm
        >>> js, ss = [rm.Participant(id="j")], [rm.Participant(id="s")]
        >>> light = rm.match(js, ss).without_scores(rescore_from=(js, ss, rm.Program(), None))
        >>> light.scores.shape
        (1, 1)
        """
        copy = self.model_copy()
        copy._scores = None
        copy._forcing = None  # it holds the score matrix too
        copy._recipe = rescore_from
        return copy

    @property
    def scores(self) -> ScoreMatrix:
        """The score matrix the result was solved on (not part of the JSON dump).

        Examples
        --------
        >>> import rmatch as rm
        >>> rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).scores.shape
        (1, 1)
        """
        if self._scores is None and self._recipe is not None:
            from rmatch.scoring.matrix import score

            juniors, seniors, program, org = self._recipe
            # A cache, not a change: scoring is deterministic, so the matrix is
            # the one the result was solved on.
            self._scores = score(juniors, seniors, program, org=org)
        if self._scores is None:
            raise RmatchError("this result was loaded from JSON and has no score matrix")
        return self._scores

    def summary(self) -> str:
        """One paragraph: pairs, coverage, objective, status and solver.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> print(res.summary())  # doctest: +ELLIPSIS
        1 pair; unmatched: 0 juniors, 0 seniors
        total score 0.0000 (mean 0.000 per pair): proven the best possible under the rules (optimal)
        solver hungarian, ... s
        """
        mean = self.objective / len(self.pairs) if self.pairs else 0.0
        best = self.optimum
        quality = proven(self.status, self.solver, self.objective, self.bound,
                         () if best is None else (best.objective, best.bound))
        return (
            f"{counted(len(self.pairs), 'pair')}; unmatched: "
            f"{counted(len(self.unmatched_juniors), 'junior')}, "
            f"{counted(len(self.unmatched_seniors), 'senior')}\n"
            f"total score {self.objective:.4f} (mean {mean:.3f} per pair): {quality}\n"
            f"solver {self.solver}, {self.wall_time_s:.3f} s"
        )

    @property
    def gap(self) -> float:
        """How far the bound lies above the objective, as a share of the bound (0 when optimal).

        Examples
        --------
        >>> import rmatch as rm
        >>> rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).gap
        0.0
        """
        return _gap(self.objective, self.bound)

    def to_frame(self, *, names: bool = False) -> pd.DataFrame:
        """Return the pairs as a pandas DataFrame, one row per pair, ids only unless asked.

        ``names=True`` adds ``junior_name``, ``junior_email``, ``senior_name``
        and ``senior_email`` (personal data: only when asked).

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j", name="Ana")], [rm.Participant(id="s")])
        >>> res.to_frame().columns[:3].tolist()
        ['junior_id', 'senior_id', 'score']
        >>> res.to_frame(names=True)["junior_name"].tolist()
        ['Ana']
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise RmatchError("to_frame() needs pandas: pip install 'rmatch[pandas]'") from None
        parts = sorted({k for p in self.pairs for k in p.components})
        records: list[dict[str, Any]] = [
            {"junior_id": p.junior_id, "senior_id": p.senior_id, "score": p.score,
             **{k: p.components.get(k) for k in parts}}
            for p in self.pairs
        ]
        columns = ["junior_id", "senior_id", "score", *parts]
        if names:
            sm = self.scores
            who = {p.id: p for side in (sm.juniors.people, sm.seniors.people) for p in side}
            for r in records:
                for side in ("junior", "senior"):
                    person = who[r[f"{side}_id"]]
                    r[f"{side}_name"], r[f"{side}_email"] = person.name, person.email
            columns += ["junior_name", "junior_email", "senior_name", "senior_email"]
        frame: pd.DataFrame = pd.DataFrame(records, columns=columns)
        return frame

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """Dump the result as JSON text, and write it to ``path`` if given.

        Examples
        --------
        >>> import json, rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> json.loads(res.to_json())["status"]
        'optimal'
        """
        text = self.model_dump_json(indent=indent)
        if path is not None:
            from rmatch.io.files import write_atomic

            write_atomic(path, text + "\n")
        return text

    def partners_of(self, participant_id: str) -> list[str]:
        """Return the ids paired with a participant.

        Examples
        --------
        >>> import rmatch as rm
        >>> rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).partners_of("s")
        ['j']
        """
        return [p.senior_id if p.junior_id == participant_id else p.junior_id
                for p in self.pairs if participant_id in (p.junior_id, p.senior_id)]

    def explain(self, participant_id: str, *, alternatives: int = 3,
                costs: bool = True, side: Literal["junior", "senior"] | None = None
                ) -> Explanation:
        """Explain a participant's pairing: partner, components, best alternatives.

        Each alternative says why it was not chosen: ruled out by which
        constraint, or what forcing it would cost the programme. The cost is
        exact: ``cost`` is the drop in total score of the best assignment with
        that pair required, ``pairs_lost`` the drop in pairs. It is read from
        the optimum's residual network when the programme has no
        programme-wide rules or minimums (:mod:`rmatch.solvers.forcing`:
        milliseconds an explanation), and otherwise found by solving again
        with the pair required (see :meth:`force`); pass ``costs=False`` to
        skip those re-solves on very large programmes. A person with role
        ``"both"`` is explained as a junior unless ``side="senior"``.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j", birth_year=2000)],
        ...                [rm.Participant(id="s1", birth_year=1970),
        ...                 rm.Participant(id="s2", birth_year=1990)])
        >>> e = res.explain("j")
        >>> e.partners[0].senior_id, e.alternatives[0].partner_id
        ('s1', 's2')
        """
        from rmatch.analysis.explain import explain

        return explain(self, participant_id, alternatives, costs=costs, as_side=side)

    def stability(self, by: Literal["score", "wishes"] | None = None) -> StabilityReport:
        """Report the pairs of people who would both rather be together, and a stable price.

        See :mod:`rmatch.analysis.stability`: blocking pairs by score (or by stated
        wishes; by default as the programme's stable objective prefers), the
        people they touch, and the total of a stable assignment against this one.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.stability().people_touched
        0
        """
        from rmatch.analysis.stability import stability

        return stability(self, by)

    def least_blocking(self, time_limit_s: float | None = None,
                       by: Literal["score", "wishes"] = "score") -> LeastBlocking:
        """Among assignments as good as this one, find one with the fewest blocking pairs.

        Same number of pairs, same total score; see
        :func:`rmatch.analysis.stability.least_blocking` for the exact model.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.least_blocking().result.objective == res.objective
        True
        """
        from rmatch.analysis.stability import least_blocking

        return least_blocking(self, time_limit_s, by)

    def force(self, pairs: Sequence[tuple[str, str]], *, solver: str | None = None
              ) -> MatchResult:
        """Solve the programme again with these (junior id, senior id) pairs required.

        Answers "what if?": compare ``objective`` and ``len(pairs)`` with this
        result to see what forcing the pairs costs. Raises
        :class:`~rmatch.errors.InfeasibleError` when the pairs cannot all hold.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j", birth_year=2000)],
        ...                [rm.Participant(id="s1", birth_year=1970),
        ...                 rm.Participant(id="s2", birth_year=1990)])
        >>> forced = res.force([("j", "s2")])
        >>> forced.partners_of("j"), round(res.objective - forced.objective, 3)
        (['s2'], 0.2)
        """
        from dataclasses import replace

        from rmatch.constraints.pairwise import Require
        from rmatch.solvers.match import solve

        sm = self.scores
        program = sm.program.model_copy(update={
            "constraints": [*sm.program.constraints, Require(pairs=list(pairs))]})
        if solver is None:
            # A greedy result has no optimum to compare with: force against the exact one.
            solver = "auto" if self.solver == "greedy" else sm.program.solver
        return solve(replace(sm, program=program), solver=solver)

    def check(self) -> None:
        """Recompute capacities and constraints from the raw data; raise if any fail.

        Examples
        --------
        >>> import rmatch as rm
        >>> rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).check()
        """
        from rmatch.analysis.explain import check

        check(self)

    def brief(self, junior_id: str, senior_id: str, *, names: bool = False) -> PairBrief:
        """Talking points for one pair's kick-off (see :class:`rmatch.report.briefs.PairBrief`).

        Names appear only with ``names=True``; sensitive attributes never do.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j", skills={"genai": 1.0})],
        ...                [rm.Participant(id="s", goals={"genai": 0.5})])
        >>> res.brief("j", "s").junior_teaches[0].skill
        'genai'
        """
        from rmatch.report.briefs import brief

        return brief(self, junior_id, senior_id, names=names)

    def briefs(self, *, names: bool = False) -> list[PairBrief]:
        """Return the brief of every pair, in the order of :attr:`pairs`.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> print(res.briefs()[0].to_markdown().splitlines()[0])
        # Reverse-mentoring pair: j (junior mentor) and s (senior mentee)
        """
        from rmatch.report.briefs import briefs

        return briefs(self, names=names)

    def report(self, *, groups: Sequence[str] | None = None,
               min_group_size: int = 5) -> Report:
        """Report on the programme: coverage, scores, gaps, shares, balance, rules, solve.

        Parameters
        ----------
        groups
            Fields to show match quality by (``department``, ``location`` or
            attribute keys); by default those two and every non-sensitive
            attribute key. A sensitive attribute is shown only when named
            here, and then groups under ``min_group_size`` people are withheld.
        min_group_size
            Smallest group of a sensitive attribute whose numbers are shown.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> rep = res.report()
        >>> rep.pairs, rep.to_markdown().startswith("# Reverse-mentoring programme report")
        (1, True)
        """
        from rmatch.report.summary import report

        return report(self, groups=groups, min_group_size=min_group_size)

    def _repr_html_(self) -> str:
        # Notebooks: the summary and the first pairs as tables.
        head = ["junior", "senior", "score"]
        rows = [[p.junior_id, p.senior_id, f"{p.score:.3f}"] for p in self.pairs[:20]]
        more = f"<p>... {counted(len(self.pairs) - 20, 'more pair')}</p>" \
            if len(self.pairs) > 20 else ""
        summary = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        return f"<div><p>{summary}</p>{html_table(head, rows)}{more}</div>"

    def pair_counts(self) -> tuple[Counter[str], Counter[str]]:
        """Return how many pairs each junior and each senior is in.

        Examples
        --------
        >>> import rmatch as rm
        >>> js, ss = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).pair_counts()
        >>> js["j"], ss["s"]
        (1, 1)
        """
        return (Counter(p.junior_id for p in self.pairs),
                Counter(p.senior_id for p in self.pairs))


def pair_indices(result: MatchResult) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Row (junior) and column (senior) indices of the result's pairs in its score matrix.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> [a.tolist() for a in pair_indices(res)]
    [[0], [0]]
    """
    sm = result.scores
    rows = np.array([sm.juniors.index(p.junior_id) for p in result.pairs], dtype=np.int64)
    cols = np.array([sm.seniors.index(p.senior_id) for p in result.pairs], dtype=np.int64)
    return rows, cols
