"""Programme-wide rules as the solvers see them, each checking itself in exact arithmetic.

A programme-wide rule of the programme document (:class:`~rmatch.constraints.MinShare`,
:class:`~rmatch.constraints.GroupBalance`, :class:`~rmatch.constraints.MatchAll`)
compiles to one of these: on a dense programme (``compile``, with the
juniors x seniors matrix of pairs it counts) or on blocks of it (``compile_blocks``,
with per-person codes only). Each compiled rule says whether a set of pairs
meets it (``holds``, in the exact integer arithmetic every backend shares) and
what it measured, in words (``measure``). The backends encode them
(:mod:`rmatch.solvers.cpsat`, :mod:`rmatch.solvers.lagrange`,
:mod:`rmatch.solvers.candidate_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations_with_replacement
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix, vstack

from rmatch.constraints.linear import LinearRows, PairModel, per_person, share_row
from rmatch.model.text import counted

__all__ = ["SCALE", "BalanceRule", "BlockRule", "CompiledRule", "CoverRule", "CpsatModel",
           "DenseRule", "LoadRule", "MinRule", "PairShare", "ShareRule",
           "balance_holds", "covers", "exact_share", "share_fraction", "share_holds"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]

SCALE = 2**30
"""Scores become integer weights ``rint(score * SCALE)`` in every exact backend:
integer arithmetic keeps the solvers and the checks of the rules in agreement."""


class CpsatModel(Protocol):
    """The CP-SAT model a dense rule writes itself into (built by :mod:`rmatch.solvers.cpsat`).

    One literal ``x[e]`` per feasible pair ``e`` (``rows[e]``, ``cols[e]``, in
    row-major order), its integer weight ``weights[e]`` (score x ``SCALE``), the
    pairs of each junior (``by_row``) and senior (``by_col``), the capacities,
    and ``count``, the number of pairs when the search fixes it. A rule that
    cannot be written linearly sets ``linear_balance`` to False (the search
    then cannot lean on the LP relaxation).
    """

    model: cp_model.CpModel
    x: list[Any]
    rows: IntArray
    cols: IntArray
    weights: IntArray
    by_row: list[IntArray]
    by_col: list[IntArray]
    cap_j: IntArray
    cap_s: IntArray
    count: int | None
    linear_balance: bool


def _sum(x: list[Any], edges: IntArray) -> Any:
    return cp_model.LinearExpr.sum([x[e] for e in edges.tolist()])


def exact_share(share: float) -> Fraction:
    """Return a share as the exact fraction every check of it uses.

    Examples
    --------
    >>> exact_share(0.7)
    Fraction(7, 10)
    """
    return Fraction(share).limit_denominator(10**6)


def share_holds(share: Fraction, at_most: bool, qualifying: int, pairs: int) -> bool:
    """Whether ``qualifying`` of ``pairs`` meet a share, in exact integers.

    Examples
    --------
    >>> share_holds(Fraction(1, 2), False, 2, 4), share_holds(Fraction(1, 2), True, 3, 4)
    (True, False)
    """
    lhs = share.denominator * qualifying - share.numerator * pairs
    return lhs <= 0 if at_most else lhs >= 0


@dataclass(frozen=True)
class ShareRule:
    """``qualifies`` pairs make up at least (or at most) ``share`` of all pairs.

    Examples
    --------
    >>> rule = ShareRule("r", np.array([[True, False]]), 0.5, at_most=False)
    >>> rule.holds(np.array([0]), np.array([0]), np.zeros(1, np.int64), (1, 2))
    True
    """

    label: str
    qualifies: BoolArray
    share: float
    at_most: bool

    def holds(self, rows: IntArray, cols: IntArray, weights: IntArray,
              shape: tuple[int, int]) -> bool:
        """Whether the pairs meet the share, in exact integers."""
        return share_holds(exact_share(self.share), self.at_most,
                           int(self.qualifies[rows, cols].sum()), len(rows))

    def measure(self, rows: IntArray, cols: IntArray, scores: F64, shape: tuple[int, int],
                *, min_group_size: int = 0) -> tuple[bool, str]:
        """Whether the rule holds, and how many pairs qualify, in words."""
        hits, need = int(self.qualifies[rows, cols].sum()), self.share * len(rows)
        ok = (hits <= need + 1e-9) if self.at_most else (hits >= need - 1e-9)
        return bool(ok), f"{hits} of {len(rows)} pairs qualify"

    def encode(self, m: CpsatModel) -> list[Any]:
        """Write ``den * qualifying - num * pairs`` >= 0 (or <= 0) into the model."""
        frac = share_fraction(self)
        q = self.qualifies[m.rows, m.cols]
        coef = (frac.denominator * q.astype(np.int64) - frac.numerator).tolist()
        expr = cp_model.LinearExpr.weighted_sum(m.x, coef)
        return [m.model.add(expr <= 0) if self.at_most else m.model.add(expr >= 0)]

    def linear(self, m: PairModel) -> LinearRows:
        """Write the same row for a linear programme (``lo <= A x <= hi``)."""
        return share_row(share_fraction(self), self.at_most, self.qualifies[m.rows, m.cols])

    def repair_order(self, rows: IntArray, cols: IntArray, keep: BoolArray,
                     movable: BoolArray, scores: F64) -> IntArray | None:
        """Pairs to drop so the share holds, lowest scores first, all it needs at once.

        At least: ``k`` with ``den * hits >= num * (count - k)``; at most: ``k``
        with ``den * (hits - k) <= num * (count - k)``. All but the last of the
        ``k`` are dropped here (``keep`` is updated); the last is returned first.
        """
        q = self.qualifies[rows, cols]
        pick = movable & (q if self.at_most else ~q)
        order = np.flatnonzero(pick)[np.argsort(scores[pick], kind="stable")]
        frac = share_fraction(self)
        num, den = frac.numerator, frac.denominator
        hits, count = int(q[keep].sum()), int(keep.sum())
        if self.at_most:
            need = -(-(den * hits - num * count) // (den - num)) if den > num else len(order)
        else:
            need = -(-(num * count - den * hits) // num) if num else 0
        if len(order) and need > 1:
            keep[order[:max(1, min(need, len(order))) - 1]] = False
            order = order[max(1, min(need, len(order))) - 1:]
        return order


def share_fraction(rule: ShareRule | PairShare) -> Fraction:
    """Return a share rule's share as an exact fraction (the model and the checks must agree)."""
    return rule.share if isinstance(rule.share, Fraction) else exact_share(rule.share)


@dataclass(frozen=True)
class PairShare:
    """A ``MinShare`` rule as per-person attribute codes (no juniors x seniors matrix).

    A pair qualifies when both codes are known (>= 0) and differ (agree, with
    ``same``); ``share`` is the exact fraction every check uses.

    Examples
    --------
    >>> rule = PairShare("r", np.array([0, 1]), np.array([1, -1]), same=False,
    ...                  share=Fraction(1, 2), at_most=False)
    >>> rule.qualifies(np.array([0, 1, 0]), np.array([0, 0, 1])).tolist()
    [True, False, False]
    """

    label: str
    code_j: IntArray
    code_s: IntArray
    same: bool
    share: Fraction
    at_most: bool

    def qualifies(self, rows: IntArray, cols: IntArray) -> BoolArray:
        """Which aligned (row, column) pairs count (blocks: pass ``rows[:, None]``)."""
        a, b = self.code_j[rows], self.code_s[cols]
        return np.asarray((a >= 0) & (b >= 0) & ((a == b) if self.same else (a != b)))

    def help(self, rows: IntArray, cols: IntArray) -> F64:
        """``q - share`` per pair, negated for "at most": >= 0 in sum when the rule holds."""
        h = self.qualifies(rows, cols).astype(np.float64) - float(self.share)
        return -h if self.at_most else h

    def holds(self, rows: IntArray, cols: IntArray, weights: IntArray | None = None,
              shape: tuple[int, int] | None = None) -> bool:
        """Whether the pairs meet the rule, in exact integer arithmetic."""
        return share_holds(self.share, self.at_most, int(self.qualifies(rows, cols).sum()),
                           len(rows))

    def measure(self, rows: IntArray, cols: IntArray, scores: F64, shape: tuple[int, int],
                *, min_group_size: int = 0) -> tuple[bool, str]:
        """Whether the rule holds, and how many pairs qualify, in words."""
        hits = int(self.qualifies(rows, cols).sum())
        return self.holds(rows, cols), f"{hits} of {len(rows)} pairs qualify"

    def linear(self, m: PairModel) -> LinearRows:
        """Write ``den * qualifying - num * pairs`` >= 0 (<= 0) as a linear row."""
        return share_row(self.share, self.at_most, self.qualifies(m.rows, m.cols))


def balance_holds(rule: BalanceRule, cols: IntArray, weights: IntArray, gap: int) -> bool:
    """Whether the senior groups' mean integer weights lie within ``gap`` (exact integers).

    ``|S_g / N_g - S_h / N_h| <= gap`` is checked as ``|S_g N_h - S_h N_g| <= gap N_g N_h``
    in Python integers (no overflow).

    Examples
    --------
    >>> rule = BalanceRule("b", np.array([0, 1]), 0.0)
    >>> balance_holds(rule, np.array([0, 1]), np.array([5, 5]), 0)
    True
    """
    group = rule.group_of_senior[cols]
    stats = [(int(weights[group == g].sum()), int((group == g).sum())) for g in np.unique(group)]
    return all(abs(sa * nb - sb * na) <= gap * na * nb
               for a, (sa, na) in enumerate(stats) for sb, nb in stats[a + 1:])


@dataclass(frozen=True)
class BalanceRule:
    """Mean pair score per senior group (``group_of_senior``) within ``max_gap``.

    Examples
    --------
    >>> rule = BalanceRule("b", np.array([0, 1]), 0.1)
    >>> rule.measure(np.array([0, 1]), np.array([0, 1]), np.array([0.5, 0.7]), (2, 2))
    (False, 'group means 0.5000 to 0.7000')
    """

    label: str
    group_of_senior: IntArray
    max_gap: float

    def holds(self, rows: IntArray, cols: IntArray, weights: IntArray,
              shape: tuple[int, int] | None = None) -> bool:
        """Whether the groups' mean integer weights lie within the gap (exact integers)."""
        return balance_holds(self, cols, weights, int(np.floor(self.max_gap * SCALE)))

    def measure(self, rows: IntArray, cols: IntArray, scores: F64, shape: tuple[int, int],
                *, min_group_size: int = 0) -> tuple[bool, str]:
        """Whether the rule holds, and the groups' means, in words.

        The means are withheld when a group of seniors has fewer than
        ``min_group_size`` people (pass it for a sensitive attribute).
        """
        groups = self.group_of_senior[cols]
        means = [scores[groups == g].mean() for g in np.unique(groups)]
        spread = max(means) - min(means) if means else 0.0
        sizes = np.unique(self.group_of_senior, return_counts=True)[1]
        if (sizes < min_group_size).any():
            text = (f"group means withheld: a group of seniors has fewer than "
                    f"{min_group_size} people")
        else:
            text = f"group means {min(means, default=0):.4f} to {max(means, default=0):.4f}"
        return bool(spread <= self.max_gap + 1e-6), text

    def encode(self, m: CpsatModel) -> list[Any]:
        """Write every two groups' mean weights within the gap: linear when it can be.

        With the pair count fixed to the most all groups can have together,
        every group has exactly its most: the means' denominators are constants
        (:meth:`_linear`). Otherwise each group gets integer sums ``S_g`` and
        counts ``N_g`` and ``|S_a N_b - S_b N_a| <= gap N_a N_b`` uses products.
        """
        group = self.group_of_senior[m.cols]
        gap = int(np.floor(self.max_gap * SCALE))
        linear = self._linear(m, group, gap)
        if linear is not None:
            return linear
        m.linear_balance = False
        sums, counts = [], []
        cap_j_total = int(m.cap_j.sum())
        for g in np.unique(group).tolist():
            edges = np.flatnonzero(group == g)
            # Tight domains keep the products within 64 bits: a group has at
            # most as many pairs as its seniors' places (and the juniors').
            seniors_g = np.flatnonzero(self.group_of_senior == g)
            top_n = min(len(edges), int(m.cap_s[seniors_g].sum()), cap_j_total)
            top_s = top_n * int(m.weights[edges].max(initial=0))
            s_g = m.model.new_int_var(0, top_s, f"S{g}")
            n_g = m.model.new_int_var(0, top_n, f"N{g}")
            m.model.add(s_g == cp_model.LinearExpr.weighted_sum(
                [m.x[e] for e in edges.tolist()], m.weights[edges].tolist()))
            m.model.add(n_g == _sum(m.x, edges))
            sums.append((s_g, top_s))
            counts.append((n_g, top_n))
        out = []
        for a in range(len(sums)):
            for b in range(a + 1, len(sums)):
                (sa, top_a), (na, len_a) = sums[a], counts[a]
                (sb, top_b), (nb, len_b) = sums[b], counts[b]
                pab = m.model.new_int_var(0, top_a * len_b, "")
                pba = m.model.new_int_var(0, top_b * len_a, "")
                nn = m.model.new_int_var(0, len_a * len_b, "")
                m.model.add_multiplication_equality(pab, [sa, nb])
                m.model.add_multiplication_equality(pba, [sb, na])
                m.model.add_multiplication_equality(nn, [na, nb])
                out.append(m.model.add(pab - pba <= gap * nn))
                out.append(m.model.add(pba - pab <= gap * nn))
        return out

    def linear(self, m: PairModel, counts: dict[int, int] | None = None) -> LinearRows | None:
        """Write the rule as linear rows when each group's pair count is known (else None).

        Known when the pair count fills every group, or given as ``counts``
        (one of :meth:`splits`; rows then fix each group's count). Row
        ``(a, b)`` is ``N_b S_a - N_a S_b`` within ``gap N_a N_b`` either
        way, in score units (the exact check is :meth:`holds`).
        """
        group = self.group_of_senior[m.cols]
        fixed_rows: list[F64] = []
        if counts is None:
            pairs = self._full_pairs(m, group)
            if pairs is None:
                return None
        else:
            keys = sorted(g for g in counts if counts[g] > 0)
            pairs = [(a, b, counts[a], counts[b]) for i, a in enumerate(keys)
                     for b in keys[i + 1:]]
            fixed_rows = [(group == g).astype(np.float64) for g in sorted(counts)]
        score = m.weights.astype(np.float64) / SCALE
        gap = int(np.floor(self.max_gap * SCALE)) / SCALE
        coef = np.zeros((len(pairs) + len(fixed_rows), len(m.rows)))
        for i, (a, b, na, nb) in enumerate(pairs):
            coef[i] = np.where(group == a, nb * score, 0.0) - np.where(group == b, na * score, 0.0)
        room = np.array([gap * na * nb for _, _, na, nb in pairs])
        sizes = np.array([float(counts[g]) for g in sorted(counts)]) if counts else np.zeros(0)
        if fixed_rows:
            coef[len(pairs):] = np.array(fixed_rows)
        return csr_matrix(coef), np.concatenate([-room, sizes]), np.concatenate([room, sizes])

    def splits(self, m: PairModel, most: int = 6) -> list[dict[int, int]] | None:
        """Each group's pair count, in every way the fixed pair count allows (None: too many).

        With the count a few pairs short of filling every group, the ways
        to fall short are few: each is a linear programme of its own
        (:meth:`linear` with ``counts``).

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> rule = BalanceRule("b", np.array([0, 1]), 0.1)
        >>> m = SimpleNamespace(cols=np.array([0, 1]), cap_j=np.ones(1, np.int64),
        ...                     cap_s=np.ones(2, np.int64), count=1)
        >>> rule.splits(m)
        [{0: 0, 1: 1}, {0: 1, 1: 0}]
        """
        if m.count is None:
            return None
        tops = self.group_tops(m, self.group_of_senior[m.cols])
        keys = sorted(tops)
        short = sum(tops.values()) - m.count
        if short < 0:
            return []  # the groups cannot hold that many pairs
        out = []
        for combo in combinations_with_replacement(keys, short):
            take = {g: combo.count(g) for g in keys}
            if all(take[g] <= tops[g] for g in keys):
                out.append({g: tops[g] - take[g] for g in keys})
                if len(out) > most:
                    return None
        return out

    def _full_pairs(self, m: PairModel,
                    group: IntArray) -> list[tuple[int, int, int, int]] | None:
        """Every two groups ``(a, b, N_a, N_b)`` when the pair count fills every group."""
        if m.count is None:
            return None
        tops = self.group_tops(m, group)
        if sum(tops.values()) != m.count:
            return None
        keys = sorted(g for g in tops if tops[g] > 0)
        return [(a, b, tops[a], tops[b]) for i, a in enumerate(keys) for b in keys[i + 1:]]

    def group_tops(self, m: PairModel, group: IntArray) -> dict[int, int]:
        """Most pairs each group of seniors can have (its edges, places and the juniors')."""
        cap_j_total = int(m.cap_j.sum())
        tops = {}
        for g in np.unique(group).tolist():
            edges = np.flatnonzero(group == g)
            seniors_g = np.flatnonzero(self.group_of_senior == g)
            tops[g] = min(len(edges), int(m.cap_s[seniors_g].sum()), cap_j_total)
        return tops

    def _linear(self, m: CpsatModel, group: IntArray, gap: int) -> list[Any] | None:
        """Write the rule linearly when the pair count fills every group (else None).

        ``S_a / N_a - S_b / N_b <= gap`` is ``N_b S_a - N_a S_b <= gap N_a N_b``
        with the counts constant.
        """
        pairs = self._full_pairs(m, group)
        if pairs is None:
            return None
        sums = {g: cp_model.LinearExpr.weighted_sum(
            [m.x[e] for e in np.flatnonzero(group == g).tolist()],
            m.weights[group == g].tolist()) for g in {p[0] for p in pairs} | {p[1] for p in pairs}}
        out = []
        for a, b, na, nb in pairs:
            out.append(m.model.add(nb * sums[a] - na * sums[b] <= gap * na * nb))
            out.append(m.model.add(na * sums[b] - nb * sums[a] <= gap * na * nb))
        return out

    def repair_order(self, rows: IntArray, cols: IntArray, keep: BoolArray,
                     movable: BoolArray, scores: F64) -> IntArray | None:
        """Pairs to drop: the best-served group's best first, then the worst-served one's worst."""
        group = self.group_of_senior[cols]
        kept_groups = np.unique(group[keep])
        means = np.array([scores[keep & (group == g)].mean() for g in kept_groups])
        top = movable & (group == kept_groups[np.argmax(means)])
        low = movable & (group == kept_groups[np.argmin(means)])
        return np.concatenate([np.flatnonzero(top)[np.argsort(-scores[top], kind="stable")],
                               np.flatnonzero(low)[np.argsort(scores[low], kind="stable")]])


def covers(rule: CoverRule, rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> bool:
    """Whether the pairs give everyone on the rule's side a partner.

    Examples
    --------
    >>> covers(CoverRule("c", "seniors"), np.array([0, 1]), np.array([1, 1]), (2, 2))
    False
    """
    people, size = (rows, shape[0]) if rule.side == "juniors" else (cols, shape[1])
    return bool((np.bincount(people, minlength=size) > 0).all())


@dataclass(frozen=True)
class CoverRule:
    """Everyone on ``side`` is in at least one pair.

    Examples
    --------
    >>> CoverRule("c", "juniors").measure(np.array([0]), np.array([0]), np.ones(1), (2, 1))
    (False, '1 junior unmatched')
    """

    label: str
    side: Literal["juniors", "seniors"]

    def holds(self, rows: IntArray, cols: IntArray, weights: IntArray | None,
              shape: tuple[int, int]) -> bool:
        """Whether everyone on the side is in a pair."""
        return covers(self, rows, cols, shape)

    def measure(self, rows: IntArray, cols: IntArray, scores: F64, shape: tuple[int, int],
                *, min_group_size: int = 0) -> tuple[bool, str]:
        """Whether the rule holds, and how many on the side are unmatched, in words."""
        size = shape[0] if self.side == "juniors" else shape[1]
        people = rows if self.side == "juniors" else cols
        missing = int((np.bincount(people, minlength=size) == 0).sum())
        return missing == 0, f"{counted(missing, self.side.removesuffix('s'))} unmatched"

    def encode(self, m: CpsatModel) -> list[Any]:
        """Write "at least one pair" for everyone on the side."""
        groups = m.by_row if self.side == "juniors" else m.by_col
        return [m.model.add(_sum(m.x, edges) >= 1) for edges in groups]

    def linear(self, m: PairModel) -> LinearRows:
        """Write "at least one pair" per person on the side as linear rows."""
        people, size = (m.rows, len(m.cap_j)) if self.side == "juniors" else (m.cols,
                                                                              len(m.cap_s))
        return per_person(people, size, np.ones(size), np.full(size, np.inf))

    def repair_order(self, rows: IntArray, cols: IntArray, keep: BoolArray,
                     movable: BoolArray, scores: F64) -> IntArray | None:
        """None: dropping pairs never covers anyone."""
        return None


@dataclass(frozen=True)
class LoadRule:
    """The number of partners on ``side`` as even as the capacities allow.

    It ranks assignments rather than ruling any out: among the assignments
    with the most pairs, the flow solver takes those whose loads, sorted from
    the highest, are smallest (lexicographically), then the best score. So it
    always holds; :meth:`measure` says how the loads spread.

    Examples
    --------
    >>> LoadRule("e", "seniors").measure(np.array([0, 1, 2]), np.array([0, 0, 1]),
    ...                                  np.ones(3), (3, 2))
    (True, 'seniors have 1 to 2 partners (mean 1.50)')
    """

    label: str
    side: Literal["juniors", "seniors"]

    def holds(self, rows: IntArray, cols: IntArray, weights: IntArray | None,
              shape: tuple[int, int]) -> bool:
        """Hold always: the rule ranks assignments, it forbids none."""
        return True

    def measure(self, rows: IntArray, cols: IntArray, scores: F64, shape: tuple[int, int],
                *, min_group_size: int = 0) -> tuple[bool, str]:
        """Say how many partners people on the side have, fewest to most."""
        size = shape[0] if self.side == "juniors" else shape[1]
        loads = np.bincount(rows if self.side == "juniors" else cols, minlength=size)
        if not size:
            return True, f"no {self.side}"
        return True, (f"{self.side} have {int(loads.min())} to {int(loads.max())} partners "
                      f"(mean {float(loads.mean()):.2f})")

    def encode(self, m: CpsatModel) -> list[Any]:  # pragma: no cover - refused before
        """Not a CP-SAT rule: the flow solver ranks by loads (rm.match refuses the mix)."""
        raise NotImplementedError("EvenLoad is solved by min-cost flow, not CP-SAT")

    def linear(self, m: PairModel) -> LinearRows | None:  # pragma: no cover - refused before
        """None: a ranking of assignments is no linear row."""
        return None

    def repair_order(self, rows: IntArray, cols: IntArray, keep: BoolArray,
                     movable: BoolArray, scores: F64) -> IntArray | None:
        """None: the rule is never broken."""
        return None


@dataclass(frozen=True, eq=False)
class MinRule:
    """Everyone has at least their ``min_partners`` (``Participant.min_partners``).

    Examples
    --------
    >>> rule = MinRule("min_partners", np.array([0, 1]), np.array([2]))
    >>> rule.measure(np.array([0, 1]), np.array([0, 0]), np.ones(2), (2, 1))
    (True, 'everyone has their minimum')
    """

    label: str
    min_j: IntArray
    min_s: IntArray

    def holds(self, rows: IntArray, cols: IntArray, weights: IntArray | None,
              shape: tuple[int, int]) -> bool:
        """Whether nobody has fewer partners than their minimum."""
        return self.measure(rows, cols, np.zeros(0), shape)[0]

    def measure(self, rows: IntArray, cols: IntArray, scores: F64, shape: tuple[int, int],
                *, min_group_size: int = 0) -> tuple[bool, str]:
        """Whether it holds, and how many people are below their minimum, in words."""
        short = int((np.bincount(rows, minlength=shape[0]) < self.min_j).sum()
                    + (np.bincount(cols, minlength=shape[1]) < self.min_s).sum())
        return short == 0, (f"{short} people below their min_partners" if short
                            else "everyone has their minimum")

    def encode(self, m: CpsatModel) -> list[Any]:
        """Write "at least min_partners pairs" for each person with a minimum."""
        out = []
        for groups, mins in ((m.by_row, self.min_j), (m.by_col, self.min_s)):
            for person in np.flatnonzero(mins > 0).tolist():
                out.append(m.model.add(_sum(m.x, groups[person]) >= int(mins[person])))
        return out

    def linear(self, m: PairModel) -> LinearRows:
        """Write "at least min_partners pairs" per person as linear rows."""
        a_j, lo_j, hi_j = per_person(m.rows, len(m.cap_j), self.min_j.astype(np.float64),
                                      np.full(len(m.cap_j), np.inf))
        a_s, lo_s, hi_s = per_person(m.cols, len(m.cap_s), self.min_s.astype(np.float64),
                                      np.full(len(m.cap_s), np.inf))
        return (csr_matrix(vstack([a_j, a_s])), np.concatenate([lo_j, lo_s]),
                np.concatenate([hi_j, hi_s]))

    def repair_order(self, rows: IntArray, cols: IntArray, keep: BoolArray,
                     movable: BoolArray, scores: F64) -> IntArray | None:
        """None: dropping pairs never gives anyone more partners."""
        return None


DenseRule = ShareRule | BalanceRule | CoverRule | LoadRule | MinRule
"""A programme-wide rule compiled for a dense programme (the juniors x seniors matrix)."""

BlockRule = PairShare | BalanceRule | CoverRule | LoadRule
"""A programme-wide rule compiled for the candidate path (per-person data only)."""

CompiledRule = DenseRule | BlockRule
"""Either form; each checks itself (``holds``) and says what it measured (``measure``)."""
