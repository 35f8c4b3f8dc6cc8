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
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["SCALE", "BalanceRule", "BlockRule", "CompiledRule", "CoverRule", "DenseRule",
           "PairShare", "ShareRule",
           "balance_holds", "covers", "exact_share", "share_fraction", "share_holds"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]

SCALE = 2**30
"""Scores become integer weights ``rint(score * SCALE)`` in every exact backend:
integer arithmetic keeps the solvers and the checks of the rules in agreement."""


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
    (False, '1 juniors unmatched')
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
        return missing == 0, f"{missing} {self.side} unmatched"


DenseRule = ShareRule | BalanceRule | CoverRule
"""A programme-wide rule compiled for a dense programme (the juniors x seniors matrix)."""

BlockRule = PairShare | BalanceRule | CoverRule
"""A programme-wide rule compiled for the candidate path (per-person data only)."""

CompiledRule = DenseRule | BlockRule
"""Either form; each checks itself (``holds``) and says what it measured (``measure``)."""
