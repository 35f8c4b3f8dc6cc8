"""The dense score matrix: every pair's total, components and feasibility, and :func:`score`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from rmatch.constraints.base import BaseRule, PairContext
from rmatch.errors import InputError
from rmatch.model.arrays import ParticipantArrays, build_arrays
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.program.program import Program
from rmatch.scoring.builtin import (
    SELF_PAIR,
    VETO,
    BoolMatrix,
    ComponentFn,
    Matrix,
    _self_pairs,
    _vetoes,
)
from rmatch.scoring.memory import check_memory
from rmatch.scoring.plan import default_org, field_problems, plan_scores, score_arrays

__all__ = ["ScoreMatrix", "check_field_names", "score"]


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of every junior-senior pair, by component, with the feasibility mask.

    Attributes
    ----------
    junior_ids, senior_ids
        Row and column labels.
    total
        Weighted mean of the components, float32 in [0, 1].
    components
        Component name -> matrix of the same shape, in [0, 1].
    feasible
        ``True`` where every pairwise constraint allows the pair.

    Examples
    --------
    >>> sm = score([Participant(id="j", birth_year=2000)],
    ...            [Participant(id="s", birth_year=1970, level=3)])
    >>> sm.shape, sorted(sm.components)
    ((1, 1), ['diversity', 'generation', 'skills'])
    """

    junior_ids: tuple[str, ...]
    senior_ids: tuple[str, ...]
    total: Matrix
    components: dict[str, Matrix]
    feasible: BoolMatrix
    juniors: ParticipantArrays = field(repr=False)
    seniors: ParticipantArrays = field(repr=False)
    program: Program = field(repr=False)
    org: OrgChart | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of juniors, number of seniors)``."""
        return len(self.junior_ids), len(self.senior_ids)

    def row_blocks(self, rows_per_block: int | None = None
                   ) -> Iterator[tuple[int, Matrix, BoolMatrix]]:
        """Yield the whole programme as blocks of rows: ``(first row, total, feasible)``.

        Analyses that look at every pair (blocking pairs, ...) go through
        this, so they work the same on a dense matrix (views, no copy) and on
        a programme solved on candidates (each block scored on demand).

        Examples
        --------
        >>> sm = score([Participant(id="j1"), Participant(id="j2")], [Participant(id="s")])
        >>> [(start, total.shape) for start, total, _ in sm.row_blocks(1)]
        [(0, (1, 1)), (1, (1, 1))]
        """
        n = self.shape[0]
        step = max(1, rows_per_block or n)
        for start in range(0, n, step):
            yield start, self.total[start:start + step], self.feasible[start:start + step]

    def pairs_ruled_out(self, rules: Sequence[BaseRule], cells: int = 2_000_000) -> list[int]:
        """Return how many pairs each pairwise rule rules out, a block of rows at a time.

        Never a juniors x seniors mask: on a programme solved on candidates the
        blocks are scored on demand (a rule such as ``MinScore`` reads them).

        Examples
        --------
        >>> from rmatch.constraints.pairwise import Forbid
        >>> sm = score([Participant(id="j")], [Participant(id="s"), Participant(id="t")])
        >>> sm.pairs_ruled_out([Forbid(pairs=[("j", "t")])], cells=1)
        [1]
        """
        counts = [0] * len(rules)
        for start, total, _ in self.row_blocks(max(1, cells // max(self.shape[1], 1))):
            counts = [a + b for a, b in zip(counts, self.ruled_out_in(rules, start, total),
                                            strict=True)]
        return counts

    def ruled_out_in(self, rules: Sequence[BaseRule], start: int, total: Matrix) -> list[int]:
        """Return how many pairs of one block of rows (from :meth:`row_blocks`) each rule rules out.

        Examples
        --------
        >>> from rmatch.constraints.pairwise import Forbid
        >>> sm = score([Participant(id="j")], [Participant(id="s"), Participant(id="t")])
        >>> [sm.ruled_out_in([Forbid(pairs=[("j", "t")])], start, total)
        ...  for start, total, _ in sm.row_blocks()]
        [[1]]
        """
        rows = np.arange(start, start + len(total))
        ctx = PairContext(self.juniors.take(rows), self.seniors, np.asarray(total), self.org,
                          self.program.reference_date, block=len(rows) < self.shape[0])
        return [int(np.count_nonzero(~np.asarray(rule.mask(ctx), dtype=np.bool_)))
                for rule in rules]

    def context(
        self, rows: Sequence[int] | None = None, cols: Sequence[int] | None = None
    ) -> PairContext:
        """Return the constraint context, optionally for a block of rows and columns.

        Examples
        --------
        >>> sm = score([Participant(id="j")], [Participant(id="s")])
        >>> sm.context(rows=[0]).shape
        (1, 1)
        """
        js = self.juniors if rows is None else self.juniors.take(rows)
        ss = self.seniors if cols is None else self.seniors.take(cols)
        r = slice(None) if rows is None else np.asarray(rows, dtype=np.int64)
        c = slice(None) if cols is None else np.asarray(cols, dtype=np.int64)
        block = getattr(self.total, "block", None)
        if rows is None and cols is None:
            total = self.total
        elif block is not None:  # scored on demand (candidate path): just this block
            total = block(r, c)
        else:
            total = self.total[r][:, c]
        return PairContext(js, ss, total, self.org, self.program.reference_date,
                           block=rows is not None or cols is not None)

    def ruled_out_by(self, junior_id: str, senior_id: str) -> list[str]:
        """Return the labels of the constraints that forbid a pair (empty if allowed).

        Examples
        --------
        >>> from rmatch.constraints.pairwise import SharedLanguage
        >>> sm = score([Participant(id="j", languages={"en"})],
        ...            [Participant(id="s", languages={"de"})],
        ...            Program(constraints=[SharedLanguage()]))
        >>> sm.ruled_out_by("j", "s")
        ['SharedLanguage']
        """
        i, k = self.juniors.index(junior_id), self.seniors.index(senior_id)
        return self.row_violations(i, [k])[0]

    def ruled_out_why(self, junior_id: str, senior_id: str) -> list[tuple[str, str]]:
        """Return each constraint that forbids a pair with why, in words (empty if allowed).

        Examples
        --------
        >>> from rmatch.constraints.pairwise import MaxTimezoneGap
        >>> sm = score([Participant(id="j", timezone="Asia/Tokyo")],
        ...            [Participant(id="s", timezone="Europe/Lisbon")],
        ...            Program(constraints=[MaxTimezoneGap(hours=3)], reference_date="2027-01-15"))
        >>> [why for _, why in sm.ruled_out_why("j", "s")]
        ['their time zones are 9 hours apart (at most 3)']
        """
        i, k = self.juniors.index(junior_id), self.seniors.index(senior_id)
        ctx = self.context(rows=[i], cols=[k])
        said = {SELF_PAIR: "the same person on both sides",
                VETO: "one of them asked not to be paired with the other"}
        rules: list[BaseRule | None] = [*self.program.constraints, None, None]  # and those two
        return [(label, said[label] if rule is None else rule.why(ctx))
                for rule, (label, hit) in zip(rules, self._ruled_out(ctx, 0), strict=True)
                if hit[0]]

    def ruled_out_said(self, junior_id: str, senior_id: str) -> str:
        """Return :meth:`ruled_out_why` as one line: ``"Rule: why; Other: why"``.

        Examples
        --------
        >>> from rmatch.constraints.pairwise import NoRepeat
        >>> sm = score([Participant(id="j", previous_partners=["s"])], [Participant(id="s")],
        ...            Program(constraints=[NoRepeat()]))
        >>> sm.ruled_out_said("j", "s")
        'NoRepeat: they were partners before'
        """
        return "; ".join(f"{label}: {why}" for label, why in self.ruled_out_why(junior_id,
                                                                                 senior_id))

    def row_violations(self, row: int, cols: Sequence[int]) -> list[list[str]]:
        """For one junior and some seniors, the constraints forbidding each pair.

        Examples
        --------
        >>> sm = score([Participant(id="j")], [Participant(id="s")])
        >>> sm.row_violations(0, [0])
        [[]]
        """
        return _as_lists(self._ruled_out(self.context(rows=[row], cols=cols), 0), len(cols))

    def col_violations(self, col: int, rows: Sequence[int]) -> list[list[str]]:
        """For one senior and some juniors, the constraints forbidding each pair.

        Examples
        --------
        >>> sm = score([Participant(id="j")], [Participant(id="s")])
        >>> sm.col_violations(0, [0])
        [[]]
        """
        return _as_lists(self._ruled_out(self.context(rows=rows, cols=[col]), 1), len(rows))

    def ruled_out_counts(self, side: Literal["juniors", "seniors"], k: int,
                         others: Sequence[int]) -> dict[str, int]:
        """How many of person ``k``'s pairs with ``others`` each rule forbids.

        The counts of :meth:`row_violations` (``side="juniors"``) or
        :meth:`col_violations`, without a list a pair (at 100,000 per side a
        senior nobody may pair with has 100,000 juniors to count).
        Labels that forbid none are left out; the order is that of the
        first pair each forbids (then the programme's order).

        Examples
        --------
        >>> from rmatch.constraints import SharedLanguage
        >>> sm = score([Participant(id="j", languages={"en"}), Participant(id="k")],
        ...            [Participant(id="s", languages={"de"})],
        ...            Program(constraints=[SharedLanguage()]))
        >>> sm.ruled_out_counts("seniors", 0, [0, 1])
        {'SharedLanguage': 2}
        """
        if side == "juniors":
            ruled = self._ruled_out(self.context(rows=[k], cols=others), 0)
        else:
            ruled = self._ruled_out(self.context(rows=others, cols=[k]), 1)
        hits = [(int(np.argmax(out)), i, label, int(out.sum()))
                for i, (label, out) in enumerate(ruled) if out.any()]
        return {label: count for _, _, label, count in sorted(hits)}

    def _ruled_out(self, ctx: PairContext, axis: int) -> list[tuple[str, npt.NDArray[np.bool_]]]:
        """Each rule's label and the pairs it forbids, in a one-row (axis 0) or one-column ctx."""
        def line(mask: BoolMatrix) -> npt.NDArray[np.bool_]:
            return np.asarray(mask[0] if axis == 0 else mask[:, 0], dtype=np.bool_)

        # A label costs a model_dump: once a rule.
        out = [(con.label(), ~line(con.mask(ctx))) for con in self.program.constraints]
        self_pair = np.zeros(len(ctx.seniors) if axis == 0 else len(ctx.juniors), np.bool_)
        self_pair[_self_pairs(ctx.juniors, ctx.seniors)[1 - axis]] = True
        out.append((SELF_PAIR, self_pair))
        out.append((VETO, line(_vetoes(ctx.juniors, ctx.seniors))))
        return out


def _as_lists(ruled: list[tuple[str, npt.NDArray[np.bool_]]], size: int) -> list[list[str]]:
    """Each pair's labels, in the rules' order."""
    out: list[list[str]] = [[] for _ in range(size)]
    for label, hit in ruled:
        for pos in np.flatnonzero(hit).tolist():
            out[pos].append(label)
    return out


def check_field_names(sm: ScoreMatrix) -> None:
    """Raise :class:`InputError` when the programme names a field no participant has.

    A misspelt key (``gendr``) in a rule, in ``diversity_fields`` or in
    ``sensitive_attributes`` would otherwise make a rule quietly count
    nothing, or leave a sensitive attribute unprotected. :func:`rmatch.match`
    checks the whole programme this way (scoring alone does not: it also
    scores parts of a programme).

    Examples
    --------
    >>> from rmatch.constraints import MinShare
    >>> sm = score([Participant(id="j", attributes={"gender": "f"})], [Participant(id="s")],
    ...            Program(constraints=[MinShare(attribute="gendr", share=0.5)]))
    >>> check_field_names(sm)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rmatch.errors.InputError: MinShare.attribute names 'gendr', which no participant has (did ...
    """
    js, ss = sm.juniors, sm.seniors

    def given(side: ParticipantArrays) -> set[str] | None:
        if not len(side):
            return None
        return {k for k in ("department", "location", *side.attributes)
                if (side.attribute(k) >= 0).any()}

    problems = field_problems(sm.program, set(js.attributes) | set(ss.attributes),
                              given(js), given(ss))
    if problems:
        raise InputError.of(problems)


def score(
    juniors: Sequence[Participant],
    seniors: Sequence[Participant],
    program: Program | None = None,
    *,
    org: OrgChart | None = None,
    components: Mapping[str, ComponentFn] | None = None,
) -> ScoreMatrix:
    """Score every junior-senior pair and apply the pairwise constraints.

    Parameters
    ----------
    juniors, seniors
        The two sides (mentors and mentees).
    program
        Weights, scoring options and constraints; ``Program()`` by default.
    org
        The full org chart, for :class:`~rmatch.constraints.pairwise.NoReportingLine`
        when managers are not themselves participants.
    components
        Extra components by name: ``fn(juniors, seniors)`` returning a matrix
        in [0, 1]. Each takes the weight of the same name in
        ``program.weights`` (1.0 when not given).

    Returns
    -------
    ScoreMatrix

    Examples
    --------
    >>> j = Participant(id="j", birth_year=2000, skills={"genai": 1.0})
    >>> s = Participant(id="s", birth_year=1965, level=4, goals={"genai": 1.0})
    >>> sm = score([j], [s])
    >>> float(sm.components["skills"][0, 0]), float(sm.components["generation"][0, 0])
    (0.75, 1.0)
    """
    program = program or Program()
    plan = plan_scores(juniors, seniors, program, components)
    check_memory(len(juniors), len(seniors), len(plan.weights), program)
    js, ss = build_arrays(juniors, seniors)
    org = default_org(js, ss, program, org)
    mats, total, feasible = score_arrays(js, ss, plan, org)
    return ScoreMatrix(
        junior_ids=js.ids,
        senior_ids=ss.ids,
        total=total,
        components=mats,
        feasible=feasible,
        juniors=js,
        seniors=ss,
        program=program,
        org=org,
    )
