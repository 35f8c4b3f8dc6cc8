"""Programme-wide rules: each constrains the whole set of pairs, not single pairs.

``MinShare`` (a share of pairs that differ on an attribute), ``GroupBalance``
(mean pair score even across groups of seniors), ``MatchAll`` (everyone on
a side gets a partner) and ``EvenLoad`` (partners spread as evenly as the
capacities allow). They allow every single pair; the solve stage
enforces them (see :mod:`rmatch.solvers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from rmatch.constraints.base import (
    BaseRule,
    BoolMatrix,
    PairContext,
)
from rmatch.constraints.compiled import (
    BalanceRule,
    BlockRule,
    CoverRule,
    DenseRule,
    LoadRule,
    PairShare,
    ShareRule,
    exact_share,
)

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays

__all__ = ["GLOBAL_CONSTRAINTS", "EvenLoad", "GlobalRule", "GroupBalance", "MatchAll",
           "MinShare"]


class GlobalRule(BaseRule):
    """A rule on the whole set of pairs: it allows every single pair.

    It compiles to what the solvers work with (:mod:`rmatch.constraints.compiled`):
    :meth:`compile` on a dense programme, :meth:`compile_blocks` on one scored
    block by block (the candidate path). The compiled rule checks itself and
    says what it measured.

    Examples
    --------
    >>> from rmatch.model import Participant, build_arrays
    >>> js, ss = build_arrays([Participant(id="j")], [Participant(id="s")])
    >>> MatchAll(side="juniors").compile_blocks(js, ss).side
    'juniors'
    """

    def mask(self, ctx: PairContext) -> BoolMatrix:
        """Allow every pair: global rules are enforced by the solver."""
        return np.ones(ctx.shape, dtype=np.bool_)

    def compile(self, ctx: PairContext) -> DenseRule:  # pragma: no cover - overridden
        """Return the rule as the dense solvers take it."""
        raise NotImplementedError

    def compile_blocks(self, juniors: ParticipantArrays, seniors: ParticipantArrays
                       ) -> BlockRule:  # pragma: no cover - overridden
        """Return the rule as the candidate path takes it (no juniors x seniors matrix)."""
        raise NotImplementedError


class MinShare(GlobalRule):
    """At least (or at most) ``share`` of the pairs differ (or agree) on an attribute.

    A pair counts only when both partners give the attribute. With no pairs
    at all the rule holds. Needs the ``cpsat`` solver (``auto`` picks it).

    Attributes
    ----------
    attribute
        ``department``, ``location`` or an ``attributes`` key.
    share
        The share of pairs, in [0, 1].
    same
        Count pairs that *agree* on the attribute instead of pairs that differ.
    at_most
        Make ``share`` an upper limit instead of a lower one.

    Examples
    --------
    >>> MinShare(attribute="department", share=0.7).label()
    "MinShare(attribute='department', share=0.7, same=False, at_most=False)"
    """

    kind: Literal["min_share"] = "min_share"
    attribute: str
    share: float = Field(ge=0, le=1, allow_inf_nan=False)
    same: bool = False
    at_most: bool = False

    def qualifies(self, ctx: PairContext) -> BoolMatrix:
        """Return the juniors x seniors matrix of pairs this rule counts."""
        cj = ctx.juniors.attribute(self.attribute)[:, None]
        cs = ctx.seniors.attribute(self.attribute)[None, :]
        known = (cj >= 0) & (cs >= 0)
        return np.asarray(known & ((cj == cs) if self.same else (cj != cs)))

    def fields(self) -> dict[str, str]:
        """Return the attribute compared."""
        return {"attribute": self.attribute}

    def compile(self, ctx: PairContext) -> DenseRule:
        """Give the pairs that count, as a matrix, and the share."""
        return ShareRule(self.label(), self.qualifies(ctx), self.share, self.at_most)

    def compile_blocks(self, juniors: ParticipantArrays, seniors: ParticipantArrays
                       ) -> BlockRule:
        """Each person's attribute code, and the share as an exact fraction."""
        return PairShare(self.label(), juniors.attribute(self.attribute),
                         seniors.attribute(self.attribute), self.same,
                         exact_share(self.share), self.at_most)


class GroupBalance(GlobalRule):
    """Every group of seniors gets matches of similar quality.

    Seniors are grouped by ``attribute`` (blank: a group of its own); the
    mean pair score of each group with at least one pair must lie within
    ``max_gap`` of every other such group. Needs the ``cpsat`` solver.

    Examples
    --------
    >>> GroupBalance(attribute="gender", max_gap=0.05).max_gap
    0.05
    """

    kind: Literal["group_balance"] = "group_balance"
    attribute: str
    max_gap: float = Field(ge=0, le=1, allow_inf_nan=False)

    def fields(self) -> dict[str, str]:
        """Return the attribute the seniors are grouped by."""
        return {"attribute": self.attribute}

    def compile(self, ctx: PairContext) -> DenseRule:
        """Give each senior's group (seniors without the attribute form a group of their own)."""
        return BalanceRule(self.label(), ctx.seniors.attribute(self.attribute), self.max_gap)

    def compile_blocks(self, juniors: ParticipantArrays, seniors: ParticipantArrays
                       ) -> BlockRule:
        """Give the same on the candidate path: the groups are per senior already."""
        return BalanceRule(self.label(), seniors.attribute(self.attribute), self.max_gap)


class MatchAll(GlobalRule):
    """Everyone on one side is in at least one pair, or the programme is infeasible.

    Examples
    --------
    >>> MatchAll(side="seniors").side
    'seniors'
    """

    kind: Literal["match_all"] = "match_all"
    side: Literal["juniors", "seniors"]

    def compile(self, ctx: PairContext) -> DenseRule:
        """Give the side to cover."""
        return CoverRule(self.label(), self.side)

    def compile_blocks(self, juniors: ParticipantArrays, seniors: ParticipantArrays
                       ) -> BlockRule:
        """Give the side to cover."""
        return CoverRule(self.label(), self.side)


class EvenLoad(GlobalRule):
    """The most pairs, then each person's number of partners on one side as even as possible.

    Among the assignments with the most pairs, the loads on ``side`` (how
    many partners each person there has), sorted from the highest, are the
    smallest the capacities and rules allow, compared one by one
    (lexicographically: the highest load first, then how many have it, ...);
    then the best total score. Exact, by one min-cost flow whose cost of a
    person's k-th partner grows with k. It ranks assignments rather than
    forbidding any, so a matching made elsewhere never breaks it (its report
    shows the spread of the loads). It combines with ``MatchAll`` and every
    pairwise rule; not with ``MinShare`` or ``GroupBalance``, nor with
    ``objective="max_score"`` (it puts the most pairs first).

    Examples
    --------
    >>> import rmatch as rm
    >>> js = [rm.Participant(id=f"j{i}") for i in range(4)]
    >>> ss = [rm.Participant(id="s1", capacity=4), rm.Participant(id="s2", capacity=4)]
    >>> res = rm.match(js, ss, rm.Program(constraints=[rm.EvenLoad(side="seniors")]))
    >>> sorted(sum(p.senior_id == s.id for p in res.pairs) for s in ss)
    [2, 2]
    """

    kind: Literal["even_load"] = "even_load"
    side: Literal["juniors", "seniors"] = "seniors"

    def compile(self, ctx: PairContext) -> DenseRule:
        """Give the side whose loads to even out."""
        return LoadRule(self.label(), self.side)

    def compile_blocks(self, juniors: ParticipantArrays, seniors: ParticipantArrays
                       ) -> BlockRule:
        """Give the side whose loads to even out (the candidate path hands it back)."""
        return LoadRule(self.label(), self.side)


GLOBAL_CONSTRAINTS = (MinShare, GroupBalance, MatchAll, EvenLoad)
"""The constraints on the whole set of pairs (the ``cpsat`` solver handles them)."""
