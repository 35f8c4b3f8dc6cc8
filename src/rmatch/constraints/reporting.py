"""The reporting-line rule: no one is paired with a manager in their own line.

Split from :mod:`rmatch.constraints.pairwise` (which re-exports it) for its
lookups in the org chart: a side's managers and sorted chart indices are kept
on the side, and a part of a side (a block of the candidate path) is looked
up through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import numpy as np
from pydantic import Field

from rmatch.constraints.base import BaseRule, BoolMatrix, IntMatrix, PairContext
from rmatch.errors import InputError
from rmatch.model.arrays import spans

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays
    from rmatch.model.orgchart import OrgChart

__all__ = ["NoReportingLine"]


class NoReportingLine(BaseRule):
    """No one is paired with a manager in their own reporting line.

    Attributes
    ----------
    depth
        How many levels up the chain count (``None``: the whole chain). Both
        directions are ruled out: the senior above the junior, and the rare
        junior above the senior.

    Examples
    --------
    >>> NoReportingLine(depth=2).label()
    'NoReportingLine(depth=2)'
    """

    kind: Literal["no_reporting_line"] = "no_reporting_line"
    depth: int | None = Field(default=None, ge=1)

    def why(self, ctx: PairContext) -> str:  # noqa: D102 - as the base class
        junior, senior = ctx.juniors.ids[0], ctx.seniors.ids[0]
        org = _chart(ctx)
        for boss, who, staff in ((senior, "senior", junior), (junior, "junior", senior)):
            chain = org.chain(staff, self.depth) if staff in org else []
            if boss in chain:
                up = chain.index(boss) + 1
                side = "junior" if who == "senior" else "senior"
                return (f"the {who} is the {side}'s manager" if up == 1 else
                        f"the {who} is {up} levels above the {side} in the reporting line")
        return "one partner manages the other"

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Rule out pairs where one partner manages the other (vectorised per level)."""
        allowed = np.ones(ctx.shape, dtype=np.bool_)
        self.restrict(ctx, allowed)
        return allowed

    def restrict(self, ctx: PairContext, allowed: BoolMatrix) -> None:  # noqa: D102 - as the base
        # The pairs in one reporting line are few: cleared in place, no matrix of their own.
        org = _chart(ctx)
        for side, other, transpose in ((ctx.juniors, ctx.seniors, False),
                                       (ctx.seniors, ctx.juniors, True)):
            rows, cols = _managed_by(side, other, org, self.depth)
            if transpose:
                allowed[cols, rows] = False
            else:
                allowed[rows, cols] = False


TALL = 8
"""A part of a side this many times the other side's size (a certificate scan's block of
thousands of juniors against one group of seniors) is looked up through its whole side's
kept arrays: making the part's own sorted chart cost 1.4 ms of a 24,000 x 98 block's 8 ms
at 100,000 per side, and the rule 2.5 ms in all."""


def _managed_by(side: ParticipantArrays, other: ParticipantArrays, org: OrgChart,
                depth: int | None) -> tuple[IntMatrix, IntMatrix]:
    """Rows of ``side`` and columns of ``other`` where the other person manages the side's one."""
    part = _sorted_part(side)
    if part is not None and len(side) > TALL * len(other):
        # The other side's few people found among the whole side's managers (kept),
        # the hits then mapped to the part's rows.
        whole, rows = part
        under = _under(whole, org, depth)
        if under is not None:  # always: a part's whole side is no part
            return _found_in(rows, _lookup(*under, *_chart_view(other, org, depth)[1]))
    other_part = _sorted_part(other)
    if other_part is not None and len(other) > TALL * len(side):
        # The side's managers searched in the whole other side, mapped to its part.
        whole, cols = other_part
        r, c = _search(_chart_view(side, org, depth)[0], *_chart_view(whole, org, depth)[1])
        at, kept = _found_in(cols, (c, r))
        return kept, at
    ancestors = _chart_view(side, org, depth)[0]
    chart_sorted, order = _chart_view(other, org, depth)[1]
    # Which managers sit on the other side, and in which row/column: each
    # manager looked up among the whole side's managers (kept) when the other
    # side is the few (a block of juniors against every senior), else each
    # person's managers among the other side.
    under = _under(side, org, depth) if 8 * len(order) < len(ancestors) else None
    if under is not None:
        return _lookup(*under, chart_sorted, order)
    return _search(ancestors, chart_sorted, order)


def _lookup(keys: IntMatrix, owner: IntMatrix, chart_sorted: IntMatrix, order: IntMatrix
            ) -> tuple[IntMatrix, IntMatrix]:
    """Pairs (owner row, other's row) where the other's chart index is among ``keys``."""
    lo = np.searchsorted(keys, chart_sorted, side="left")
    count = np.searchsorted(keys, chart_sorted, side="right") - lo
    return owner[spans(lo, count)], np.repeat(order, count)


def _search(ancestors: IntMatrix, chart_sorted: IntMatrix, order: IntMatrix
            ) -> tuple[IntMatrix, IntMatrix]:
    """Pairs (row, other's row) where one of the row's ``ancestors`` is the other person."""
    pos = np.minimum(np.searchsorted(chart_sorted, ancestors), max(len(chart_sorted) - 1, 0))
    found = (ancestors >= 0) & (chart_sorted[pos] == ancestors) if len(order) \
        else np.zeros(ancestors.shape, dtype=np.bool_)
    rows, level = np.nonzero(found)
    return rows, order[pos[rows, level]]


def _sorted_part(people: ParticipantArrays) -> tuple[ParticipantArrays, IntMatrix] | None:
    """Return the whole side and the rows of a part taken in increasing order (else None)."""
    parent = people.__dict__.get("_parent")
    if parent is None or not bool(np.all(parent[1][1:] > parent[1][:-1])):
        return None
    return cast("tuple[ParticipantArrays, IntMatrix]", parent)


def _found_in(rows: IntMatrix, pairs: tuple[IntMatrix, IntMatrix]
              ) -> tuple[IntMatrix, IntMatrix]:
    """Pairs of whole-side rows mapped to positions in the sorted ``rows`` (others dropped)."""
    whole_rows, other = pairs
    if not len(rows):
        return whole_rows[:0], other[:0]
    at = np.minimum(np.searchsorted(rows, whole_rows), len(rows) - 1)
    hit = rows[at] == whole_rows
    return at[hit], other[hit]


def _chart(ctx: PairContext) -> OrgChart:
    """Return the org chart a reporting-line rule reads: the given one, or the managers."""
    from rmatch.model.orgchart import OrgChart

    if ctx.org is not None:
        return ctx.org
    try:
        return OrgChart.from_participants([*ctx.juniors.people, *ctx.seniors.people])
    except InputError as err:
        raise InputError(
            "NoReportingLine needs every manager in the org chart; pass the full "
            f"chart as org= (CLI: --org FILE): {err}",
            err.problems,
        ) from None


def _chart_view(people: ParticipantArrays, org: OrgChart, depth: int | None
                ) -> tuple[IntMatrix, tuple[IntMatrix, IntMatrix]]:
    """Return a side's managers (chart indices) and its chart indices sorted, kept on it.

    Returns ``(ancestors, (sorted chart indices, their rows))``. A side
    scored block after block (the candidate path) looks its people up in the
    chart once, not once per block: on a 700,000-person chart that was most
    of a block's time.
    """
    def build(side: ParticipantArrays
              ) -> tuple[OrgChart, IntMatrix, tuple[IntMatrix, IntMatrix], IntMatrix]:
        return _view(org, org.ancestors(side.ids, depth), org.indices(side.ids))

    kept = people.derived(("chart", id(org), depth), build,
                          lambda v, idx: _view(v[0], v[1][idx], v[3][idx]))
    if kept[0] is not org:  # another chart under a recycled id: look up again
        kept = build(people)
    return kept[1], kept[2]


def _under(people: ParticipantArrays, org: OrgChart, depth: int | None
           ) -> tuple[IntMatrix, IntMatrix] | None:
    """Return a whole side's managers (chart indices, sorted) and whose each is, kept on it.

    ``None`` for a part of a side: its own managers are looked up directly, or,
    for a part :data:`TALL` times the other side, through its whole side's
    (:func:`_managed_by`).
    """
    if people.__dict__.get("_parent") is not None:
        return None

    def build(side: ParticipantArrays) -> tuple[OrgChart, IntMatrix, IntMatrix]:
        ancestors = _chart_view(side, org, depth)[0]
        rows, level = np.nonzero(ancestors >= 0)
        keys = ancestors[rows, level]
        order = np.argsort(keys, kind="stable")
        return org, keys[order], rows[order].astype(np.int64)

    def never(value: tuple[OrgChart, IntMatrix, IntMatrix], rows: IntMatrix
              ) -> tuple[OrgChart, IntMatrix, IntMatrix]:
        raise AssertionError("kept on whole sides only")  # pragma: no cover

    kept = people.derived(("under", id(org), depth), build, never)
    if kept[0] is not org:  # another chart under a recycled id: look up again
        kept = build(people)
    return kept[1], kept[2]


def _view(org: OrgChart, ancestors: IntMatrix, rows: IntMatrix
          ) -> tuple[OrgChart, IntMatrix, tuple[IntMatrix, IntMatrix], IntMatrix]:
    order = np.argsort(rows, kind="stable")
    return org, ancestors, (rows[order], order.astype(np.int64)), rows
