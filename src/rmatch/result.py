"""The result of a match: pairs, the unmatched with reasons, and explanations."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from rmatch.errors import RmatchError

if TYPE_CHECKING:
    import pandas as pd

    from rmatch.report import PairBrief, Report
    from rmatch.scoring import ScoreMatrix
    from rmatch.stability import LeastBlocking, StabilityReport

__all__ = ["Alternative", "Explanation", "MatchResult", "Pair", "pair_indices", "provides"]

_F = TypeVar("_F", bound=Callable[..., Any])
Stage = Literal["solve", "explain", "check", "stability", "least_blocking", "brief", "briefs",
                "report"]

# The result is a layer below the stages that act on it (solving again,
# explanations, reports, stability). They plug their functions in here as they
# are imported, and ``import rmatch`` (which any ``import rmatch.result`` runs
# first) imports them all, so this module imports none of them.
_STAGES: dict[str, Callable[..., Any]] = {}


def provides(stage: Stage) -> Callable[[_F], _F]:
    """Register the function behind a result method (a decorator for the stages above).

    Examples
    --------
    >>> import rmatch as rm
    >>> from rmatch import matching
    >>> _stage("solve") is matching.solve  # matching.solve provides "solve"
    True
    """

    def register(fn: _F) -> _F:
        _STAGES[stage] = fn
        return fn

    return register


def _stage(stage: Stage) -> Callable[..., Any]:
    try:
        return _STAGES[stage]
    except KeyError:  # only if rmatch's package __init__ was bypassed
        raise RmatchError(f"rmatch's {stage!r} stage is not loaded: import rmatch") from None


class Pair(BaseModel):
    """One junior-senior pair with its total score and component scores.

    Examples
    --------
    >>> Pair(junior_id="j", senior_id="s", score=0.7, components={"skills": 0.5}).score
    0.7
    """

    model_config = ConfigDict(frozen=True)

    junior_id: str
    senior_id: str
    score: float
    components: dict[str, float]


class Alternative(BaseModel):
    """A partner someone could have had, and why they did not get them.

    Examples
    --------
    >>> Alternative(partner_id="s2", score=0.4, components={}, feasible=True,
    ...             reason="lower total").feasible
    True
    """

    model_config = ConfigDict(frozen=True)

    partner_id: str
    score: float
    components: dict[str, float]
    feasible: bool
    ruled_out_by: list[str] = Field(default_factory=list)
    reason: str
    cost: float | None = None
    """Drop in total score if this pair were forced (re-solved with it required)."""
    pairs_lost: int | None = None
    """Pairs the programme would lose if this pair were forced."""
    cost_exact: bool = False
    """Whether ``cost`` compares two proven optima (otherwise it is the best found)."""


class Explanation(BaseModel):
    """Why a participant got their partner(s): structured, and as text via ``str()``.

    Examples
    --------
    >>> e = Explanation(participant_id="j", side="junior", partners=[], alternatives=[],
    ...                 unmatched_reason="capacity is 0")
    >>> print(e)
    junior 'j' is unmatched: capacity is 0
    """

    model_config = ConfigDict(frozen=True)

    participant_id: str
    side: Literal["junior", "senior"]
    partners: list[Pair]
    differences: dict[str, list[str]] = Field(default_factory=dict)
    alternatives: list[Alternative]
    unmatched_reason: str | None = None

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        # Notebooks: the plain-language text, kept as written.
        return f"<pre>{html.escape(self.text())}</pre>"

    def text(self) -> str:
        """Render the explanation in plain language.

        Examples
        --------
        >>> p = Pair(junior_id="j", senior_id="s", score=0.5, components={"skills": 0.5})
        >>> print(Explanation(participant_id="j", side="junior", partners=[p],
        ...                   alternatives=[]).text())
        junior 'j' is paired with 's' (score 0.500: skills 0.500)
        """
        who = f"{self.side} {self.participant_id!r}"
        lines = []
        if not self.partners:
            lines.append(f"{who} is unmatched: {self.unmatched_reason}")
        for pair in self.partners:
            other = pair.senior_id if self.side == "junior" else pair.junior_id
            parts = ", ".join(f"{k} {v:.3f}" for k, v in pair.components.items())
            lines.append(f"{who} is paired with {other!r} (score {pair.score:.3f}: {parts})")
            if self.differences.get(other):
                lines.append(f"  they differ on: {', '.join(self.differences[other])}")
        if self.alternatives:
            lines.append("best alternatives:")
            for alt in self.alternatives:
                lines.append(f"  {alt.partner_id!r} (score {alt.score:.3f}): {alt.reason}")
        return "\n".join(lines)


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
    _scores: ScoreMatrix | None = PrivateAttr(default=None)
    # How to score the programme again when the matrices were left behind
    # (a result sent back from another process): (juniors, seniors, program, org).
    _recipe: tuple[Any, ...] | None = PrivateAttr(default=None)

    def __repr__(self) -> str:
        return (
            f"MatchResult(pairs={len(self.pairs)}, unmatched_juniors="
            f"{len(self.unmatched_juniors)}, unmatched_seniors={len(self.unmatched_seniors)}, "
            f"objective={self.objective:.4f}, bound={self.bound:.4f}, status={self.status!r}, "
            f"solver={self.solver!r}, wall_time_s={self.wall_time_s:.3f})"
        )

    __str__ = __repr__

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
            from rmatch.scoring import score

            juniors, seniors, program, org = self._recipe
            self._scores = score(juniors, seniors, program, org=org)  # deterministic: the same
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
        1 pairs; unmatched: 0 juniors, 0 seniors
        total score 0.0000 (mean 0.000 per pair): proven the best possible under the rules (optimal)
        solver hungarian, ... s
        """
        mean = self.objective / len(self.pairs) if self.pairs else 0.0
        if self.status == "optimal":
            quality = "proven the best possible under the rules (optimal)"
        else:
            quality = (f"the best found by this solver; the best possible is at most "
                       f"{self.bound:.4f} (bound), {self.gap:.2%} higher")
        return (
            f"{len(self.pairs)} pairs; unmatched: {len(self.unmatched_juniors)} juniors, "
            f"{len(self.unmatched_seniors)} seniors\n"
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
        return max(self.bound - self.objective, 0.0) / max(abs(self.bound), 1e-9)

    def to_frame(self) -> pd.DataFrame:
        """Return the pairs as a pandas DataFrame, one row per pair, ids only.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.to_frame().columns[:3].tolist()
        ['junior_id', 'senior_id', 'score']
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise RmatchError("to_frame() needs pandas: pip install 'rmatch[pandas]'") from None
        names = sorted({k for p in self.pairs for k in p.components})
        records: list[dict[str, Any]] = [
            {"junior_id": p.junior_id, "senior_id": p.senior_id, "score": p.score,
             **{k: p.components.get(k) for k in names}}
            for p in self.pairs
        ]
        frame: pd.DataFrame = pd.DataFrame(
            records, columns=["junior_id", "senior_id", "score", *names]
        )
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
            from rmatch._files import write_atomic

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
        exact: the programme is solved again with that pair required (see
        :meth:`force`) and ``cost`` is the drop in total score, ``pairs_lost``
        the drop in pairs. Pass ``costs=False`` to skip those re-solves on
        very large programmes. A person with role ``"both"`` is explained as
        a junior unless ``side="senior"``.

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
        return cast("Explanation", _stage("explain")(self, participant_id, alternatives,
                                                    costs=costs, as_side=side))

    def stability(self, by: Literal["score", "wishes"] = "score") -> StabilityReport:
        """Report the pairs of people who would both rather be together, and a stable price.

        See :mod:`rmatch.stability`: blocking pairs by score (or by stated
        wishes), the people they touch, and the total of a stable assignment
        against this one.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.stability().people_touched
        0
        """
        return cast("StabilityReport", _stage("stability")(self, by))

    def least_blocking(self, time_limit_s: float | None = None) -> LeastBlocking:
        """Among assignments as good as this one, find one with the fewest blocking pairs.

        Same number of pairs, same total score; see
        :func:`rmatch.stability.least_blocking` for the exact model.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.least_blocking().result.objective == res.objective
        True
        """
        return cast("LeastBlocking", _stage("least_blocking")(self, time_limit_s))

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
        (['s2'], 0.15)
        """
        from dataclasses import replace

        from rmatch.constraints import Require

        sm = self.scores
        program = sm.program.model_copy(update={
            "constraints": [*sm.program.constraints, Require(pairs=list(pairs))]})
        if solver is None:
            # A greedy result has no optimum to compare with: force against the exact one.
            solver = "auto" if self.solver == "greedy" else sm.program.solver
        return cast("MatchResult", _stage("solve")(replace(sm, program=program), solver=solver))

    def check(self) -> None:
        """Recompute capacities and constraints from the raw data; raise if any fail.

        Examples
        --------
        >>> import rmatch as rm
        >>> rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).check()
        """
        _stage("check")(self)

    def brief(self, junior_id: str, senior_id: str, *, names: bool = False) -> PairBrief:
        """Talking points for one pair's kick-off (see :class:`rmatch.report.PairBrief`).

        Names appear only with ``names=True``; sensitive attributes never do.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j", skills={"genai": 1.0})],
        ...                [rm.Participant(id="s", goals={"genai": 0.5})])
        >>> res.brief("j", "s").junior_teaches[0].skill
        'genai'
        """
        return cast("PairBrief", _stage("brief")(self, junior_id, senior_id, names=names))

    def briefs(self, *, names: bool = False) -> list[PairBrief]:
        """Return the brief of every pair, in the order of :attr:`pairs`.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> print(res.briefs()[0].to_markdown().splitlines()[0])
        # Reverse-mentoring pair: j (junior mentor) and s (senior mentee)
        """
        return cast("list[PairBrief]", _stage("briefs")(self, names=names))

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
        return cast("Report", _stage("report")(self, groups=groups,
                                               min_group_size=min_group_size))

    def _repr_html_(self) -> str:
        # Notebooks: the summary and the first pairs as tables.
        head = ["junior", "senior", "score"]
        rows = [[p.junior_id, p.senior_id, f"{p.score:.3f}"] for p in self.pairs[:20]]
        more = f"<p>... {len(self.pairs) - 20} more pairs</p>" if len(self.pairs) > 20 else ""
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


def html_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return an HTML table, every cell escaped.

    Examples
    --------
    >>> html_table(["id"], [["<j>"]])
    '<table><thead><tr><th>id</th></tr></thead><tbody><tr><td>&lt;j&gt;</td></tr></tbody></table>'
    """
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    b = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>"
