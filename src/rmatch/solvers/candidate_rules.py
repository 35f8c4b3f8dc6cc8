"""Programme-wide rules on candidate pairs: met already, priced in, or handed back.

The candidate path (:mod:`rmatch.solvers.sparse`) first solves without the
programme-wide rules and proves that optimum for every pair. Then:

- if it meets every rule it is the optimum under them too (the rules only
  remove assignments), proven like any candidate solve;
- ``MatchAll`` on a side where everyone takes one partner: covering that
  side means matching all of it, which is the most pairs there can be; the
  proven optimum (most pairs, then most score) covers it, or nothing does
  (:class:`~rmatch.errors.InfeasibleError` names who is left);
- ``MinShare``: the Lagrangian path of the dense solver
  (:func:`rmatch.solvers.lagrange.search_multiplier`) on the candidate
  pairs, each ``L(lam)`` a cheap solve of the candidates; then ``L`` at the
  best multiplier is proven for every pair by a certified solve of the
  priced scores (:class:`PricedSource`), which also brings in any pair the
  candidates missed (and the search repeats with them). The answer meets
  the share rules with the most pairs, with that proven ``L`` as its bound;
  a gap left is closed by the core search on the pairs whose reduced cost
  fits in it (:mod:`rmatch.solvers.candidate_core`);
- ``GroupBalance`` alone broken by the optimum: exchanges of juniors between
  the best- and worst-served groups give a start
  (:func:`rmatch.solvers.candidate_core.exchange_start`), the optimum
  without the rules the bound, and the core search closes the gap when the
  pairs that could do better fit in its pool;
- ``EvenLoad`` ranks every assignment by its loads: handed back at once;
- anything else (a balance broken with another rule, or that the core
  search could not settle, ``MatchAll`` uncovered where people take several
  partners, share rules no assignment with the most pairs can meet) returns
  None with the reason: the caller solves densely where the matrix fits, or
  says why it cannot.

Examples
--------
>>> import numpy as np
>>> from fractions import Fraction
>>> from rmatch.constraints.compiled import PairShare
>>> from rmatch.solvers.certificate import DenseSource, certify_and_solve
>>> total = np.array([[0.9, 0.2], [0.3, 0.8]], np.float32)
>>> source, ones = DenseSource(total, np.ones((2, 2), bool)), np.ones(2, np.int64)
>>> relaxed = certify_and_solve(source, ones, ones, "max_pairs")
>>> share = PairShare("MinShare(x)", np.array([0, 1]), np.array([0, 1]), same=False,
...                   share=Fraction(1, 2), at_most=False)
>>> out = meet_rules(source, relaxed, (share,), ones, ones, "max_pairs")
>>> out.rows.tolist(), out.cols.tolist(), out.status  # the diagonal shares nothing different
([0, 1], [1, 0], 'optimal')
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from rmatch.constraints.compiled import (
    SCALE,
    BalanceRule,
    BlockRule,
    CoverRule,
    LoadRule,
    PairShare,
)
from rmatch.solvers.candidate_core import broken_rules, close_on_candidates, pair_help
from rmatch.solvers.certificate import Certified, certify_and_solve, pair_totals
from rmatch.solvers.lagrange import TOP, Point, search_multiplier
from rmatch.solvers.problem import Step, StepFn
from rmatch.solvers.scan import BlockSource
from rmatch.solvers.sparse import choose_candidates

__all__ = ["PricedSource", "RulesOutcome", "broken_rules", "meet_rules"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Objective = Literal["max_pairs", "max_score"]

CERTIFIED_ROUNDS = 3
"""Most certified solves of priced scores (each scores the whole programme once)."""

SparseRule = BlockRule


class PricedSource:
    """A :class:`~rmatch.solvers.scan.BlockSource` whose totals carry the share prices.

    ``(total + lam * sum(h)) * scale``, with ``h`` each share rule's
    :meth:`PairShare.help`, in float32 like any source (the rounding is
    counted in the bound); ``scale`` keeps large bonuses in range.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from rmatch.solvers.certificate import DenseSource
    >>> rule = PairShare("r", np.array([0]), np.array([1]), same=False,
    ...                  share=Fraction(1, 2), at_most=False)
    >>> base = DenseSource(np.full((1, 1), 0.5, np.float32), np.ones((1, 1), bool))
    >>> float(PricedSource(base, (rule,), 0.2).totals(slice(None), slice(None))[0][0, 0])
    0.6000000238418579
    """

    def __init__(self, base: BlockSource, shares: tuple[PairShare, ...], lam: float,
                 scale: float = 1.0) -> None:
        self.base, self.shares, self.lam, self.scale = base, shares, lam, scale
        self.shape, self.block_rows = base.shape, base.block_rows

    def totals(self, rows: IntArray | slice, cols: IntArray | slice) -> tuple[F32, BoolArray]:
        """Return the priced block and its feasibility."""
        total, feasible = self.base.totals(rows, cols)
        n, m = self.shape
        r = np.arange(n)[rows] if isinstance(rows, slice) else np.asarray(rows, np.int64)
        c = np.arange(m)[cols] if isinstance(cols, slice) else np.asarray(cols, np.int64)
        help_ = pair_help(self.shares, r[:, None], c[None, :])
        return ((total + self.lam * help_) * self.scale).astype(np.float32), feasible


@dataclass(frozen=True)
class RulesOutcome:
    """Pairs (required ones excluded) meeting the rules, or why the candidate path cannot.

    ``status`` "optimal" (``bound`` None) or "feasible" with ``bound``, an
    upper bound on the score of the best assignment under the rules without
    the required pairs' part; ``unsupported`` non-empty means the rest is void.
    """

    rows: IntArray
    cols: IntArray
    status: Literal["optimal", "feasible"]
    bound: float | None = None
    unsupported: str = ""
    uncovered: tuple[tuple[CoverRule, IntArray], ...] = ()


def meet_rules(source: BlockSource, relaxed: Certified, rules: tuple[SparseRule, ...],
               cap_j: IntArray, cap_s: IntArray, objective: Objective, *,
               fixed: tuple[IntArray, IntArray] | None = None, seed: int = 0,
               deadline: float = float("inf"),
               report: StepFn | None = None) -> RulesOutcome:
    """Meet the programme-wide rules from the proven optimum without them.

    ``source`` serves the scores with the required pairs (``fixed``) taken
    out, ``cap_j``/``cap_s`` are the capacities they leave, and ``relaxed``
    is the certified solve of that source under ``objective``. Every rule
    counts the required pairs too.
    """
    loads = [r for r in rules if isinstance(r, LoadRule)]
    if loads:  # it ranks every assignment by its loads: the dense flow does that
        return _unsupported(f"{loads[0].label} ranks the assignments by their loads; the "
                            "dense min-cost flow does that")
    n, m = source.shape
    empty = np.zeros(0, np.int64)
    f_rows, f_cols = fixed if fixed is not None else (empty, empty)
    f_tot = pair_totals(source, f_rows, f_cols)

    def check(rows: IntArray, cols: IntArray, tot: F32) -> list[SparseRule]:
        return broken_rules(rules, np.concatenate([f_rows, rows]), np.concatenate([f_cols, cols]),
                            np.concatenate([f_tot, tot]), (n, m))

    pick = relaxed.chosen
    rows, cols, tot = relaxed.rows[pick], relaxed.cols[pick], relaxed.totals[pick]
    broken = check(rows, cols, tot)
    if not broken:
        return RulesOutcome(rows, cols, "optimal")
    covers = [r for r in rules if isinstance(r, CoverRule)]
    single = {r.label: _single(r, cap_j, cap_s, f_rows, f_cols) for r in covers}
    if objective == "max_score" and covers and all(single.values()):
        # Covering a side of single partners means matching all of it: the
        # most pairs (then the most score) is the optimum under the rule.
        relaxed = certify_and_solve(source, cap_j, cap_s, "max_pairs", seed=seed, report=report)
        return meet_rules(source, relaxed, rules, cap_j, cap_s, "max_pairs", fixed=fixed,
                          seed=seed, deadline=deadline, report=report)
    uncovered: list[tuple[CoverRule, IntArray]] = []
    for rule in broken:
        if isinstance(rule, CoverRule):
            if not single[rule.label]:
                return _unsupported(f"{rule.label} leaves people out of the optimum without it, "
                                    "and people on that side take several partners")
            caps, people, taken = ((cap_j, rows, f_rows) if rule.side == "juniors"
                                   else (cap_s, cols, f_cols))
            count = np.bincount(people, minlength=len(caps)) + np.bincount(taken,
                                                                          minlength=len(caps))
            uncovered.append((rule, np.flatnonzero(count == 0)))
    if uncovered:  # no assignment has more pairs: no assignment covers them
        return RulesOutcome(rows, cols, "feasible", uncovered=tuple(uncovered))
    # Covers are settled above and shares are priced below; any other rule the
    # optimum breaks (GroupBalance, or a new rule) needs the dense solver.
    other = [r for r in broken if not isinstance(r, (CoverRule, PairShare))]
    if other and len(other) == len(broken) and objective == "max_pairs" and all(
            isinstance(r, BalanceRule) for r in other):
        # Only balances broken: exchanges give a start and the optimum
        # without the rules the bound of the core search.
        closed = close_on_candidates(
            source, relaxed.rows * m + relaxed.cols, relaxed.totals.astype(np.float64), (),
            rules, 0.0, cap_j, cap_s, (f_rows, f_cols, f_tot.astype(np.float64)), None,
            deadline)
        if closed is not None:
            return RulesOutcome(closed.rows, closed.cols, closed.status, closed.bound)
    if other:
        return _unsupported(f"{other[0].label} is broken by the optimum without it; "
                            "meeting it needs the dense solver")
    shares = tuple(r for r in rules if isinstance(r, PairShare))
    return _price(source, relaxed, shares, rules, check, cap_j, cap_s, objective,
                  (f_rows, f_cols, f_tot), seed, deadline, report)


def _single(rule: CoverRule, cap_j: IntArray, cap_s: IntArray, f_rows: IntArray,
            f_cols: IntArray) -> bool:
    """Whether everyone on the rule's side takes at most one partner (required ones counted)."""
    caps, taken = (cap_j, f_rows) if rule.side == "juniors" else (cap_s, f_cols)
    return bool((np.bincount(taken, minlength=len(caps)) + caps).max(initial=0) <= 1)


def _unsupported(why: str) -> RulesOutcome:
    empty = np.zeros(0, np.int64)
    return RulesOutcome(empty, empty, "feasible", unsupported=why)


class _Search:
    """The Lagrangian search on a fixed set of candidates, and the best assignment it met."""

    def __init__(self, shape: tuple[int, int], caps: tuple[IntArray, IntArray],
                 objective: Objective, check: Callable[[IntArray, IntArray, F32],
                                                       list[SparseRule]],
                 fixed: tuple[float, float]) -> None:
        self.shape, self.caps, self.objective, self.check = shape, caps, objective, check
        self.f_score, self.f_help = fixed
        self.best: tuple[IntArray, IntArray, float] | None = None
        self.bound = float("inf")  # proven on every pair (certified solves only)

    def closed(self) -> bool:
        """Whether the best assignment meets the proven bound."""
        if self.best is None or not np.isfinite(self.bound):
            return False
        return self.bound - (self.best[2] + self.f_score) <= 1e-9 * max(1.0, abs(self.bound))

    def offer(self, rows: IntArray, cols: IntArray, totals: F32) -> bool:
        """Keep an assignment if it meets the rules and beats the best; say if it meets them."""
        if self.check(rows, cols, totals):
            return False
        score = float(totals.astype(np.float64).sum())
        if self.best is None or score > self.best[2]:
            self.best = (rows, cols, score)
        return True

    def run(self, rows: IntArray, cols: IntArray, base: F64, help_: F64,
            deadline: float, top: float) -> float:
        """Search the multiplier on these candidates; return the one of the lowest ``L``."""
        found: list[tuple[float, float]] = []  # (lam, L on the candidates)

        def visit(lam: float) -> Point:
            priced = base + lam * help_
            weights = np.rint(priced * (SCALE / max(1.0, lam))).astype(np.int64)
            chosen = choose_candidates(*self.shape, rows, cols, weights, *self.caps,
                                       self.objective)
            value = float(priced[chosen].sum()) + self.f_score + lam * self.f_help
            found.append((lam, value))
            ok = self.offer(rows[chosen], cols[chosen], base[chosen].astype(np.float32))
            return lam, value, float(help_[chosen].sum()) + self.f_help, ok, int(chosen.sum())

        search_multiplier(visit, self.closed, deadline=deadline, top=top)
        return min(found, key=lambda f: f[1])[0]


def _price(source: BlockSource, relaxed: Certified, shares: tuple[PairShare, ...],
           rules: tuple[SparseRule, ...],
           check: Callable[[IntArray, IntArray, F32], list[SparseRule]], cap_j: IntArray,
           cap_s: IntArray, objective: Objective,
           fixed: tuple[IntArray, IntArray, F32], seed: int, deadline: float,
           report: StepFn | None) -> RulesOutcome:
    """Price the share rules in: search on the candidates, prove ``L`` on every pair.

    ``L(lam)`` on the candidates alone bounds nothing (a pair left out may
    score higher); the certified solve of the priced scores at the chosen
    ``lam`` does, and any pair it brings in joins the next search.
    """
    n, m = source.shape
    f_rows, f_cols, f_tot = fixed
    f_help = float(pair_help(shares, f_rows, f_cols).sum())
    f_score = float(f_tot.astype(np.float64).sum())
    search = _Search((n, m), (cap_j, cap_s), objective, check, (f_score, f_help))
    keys, base = relaxed.rows * m + relaxed.cols, relaxed.totals.astype(np.float64)
    places = min(int(cap_j.sum()), int(cap_s.sum()))
    # Scores are at most 1, and with the number of pairs fixed the share terms
    # move in whole steps: above this bonus, the most qualifying pairs come first.
    decisive = 2.0 * (places + len(f_rows) + 1)
    top, rounds = TOP, 0
    proven_at: set[float] = set()
    best_lam, proof_keys, stopped = 0.0, keys, False
    while rounds < CERTIFIED_ROUNDS:
        rows, cols = keys // m, keys % m
        help_ = pair_help(shares, rows, cols)
        lam = search.run(rows, cols, base, help_, deadline, top)
        if search.best is None:
            # Nothing on these candidates meets the rules: try the top of the
            # bracket on every pair (the pairs that would may be left out).
            lam = top
        if lam in proven_at:
            break  # the new pairs did not move the multiplier: its bound stands
        proven_at.add(lam)
        if report is not None:
            report(Step("rules", multiplier=lam))
        # Priced scores divided by the bonus (same optimum) keep the integer
        # weights far from overflow when the bonus is decisive.
        shrink = max(1.0, lam)
        proof = certify_and_solve(PricedSource(source, shares, lam, 1.0 / shrink), cap_j, cap_s,
                                  objective, seed=seed, report=report)
        pick = proof.chosen
        proof_keys = np.union1d(proof_keys, proof.rows * m + proof.cols)
        search.offer(proof.rows[pick], proof.cols[pick],
                     pair_totals(source, proof.rows[pick], proof.cols[pick]))
        # Per pair: the integer weights' rounding, and float32's on the priced score.
        ulp = ((1.0 + lam * len(shares)) / shrink * 2.0**-24 + 0.5 / SCALE) * shrink
        if proof.stopped:  # Ctrl-C: the bound of any assignment at these prices still holds
            assert proof.bound is not None
            stopped = True
            search.bound = min(search.bound, proof.bound * shrink + f_score + lam * f_help
                               + ulp * places)
            break
        weights = np.rint(proof.totals[pick].astype(np.float64) * SCALE)
        proven = float(weights.sum()) / SCALE * shrink + f_score + lam * f_help \
            + ulp * int(pick.sum())
        if proven < search.bound:
            search.bound, best_lam = proven, lam
        if search.best is None:
            if top == decisive:
                break  # no assignment with the most pairs meets the share rules
            top = decisive
        else:
            rounds += 1
        new = np.setdiff1d(proof.rows * m + proof.cols, keys)
        if search.closed() or time.perf_counter() > deadline or (
                not len(new) and search.best is not None):
            break
        # Pairs the candidates missed join them, with their plain totals.
        keys = np.concatenate([keys, new])
        base = np.concatenate([base, pair_totals(source, new // m, new % m).astype(np.float64)])
    if search.best is None:
        return _unsupported(
            "no assignment with the most pairs meets the share rules (proven on every pair "
            "with the qualifying pairs put first): meeting them takes fewer pairs, which "
            "needs the dense solver")
    b_rows, b_cols, score = search.best
    relaxed_score = float(relaxed.totals[relaxed.chosen].astype(np.float64).sum()) + f_score
    bound = min(search.bound, relaxed_score)
    if bound - (score + f_score) <= 1e-9 * max(1.0, abs(bound)):
        return RulesOutcome(b_rows, b_cols, "optimal")
    if not stopped and best_lam <= TOP and deadline - time.perf_counter() > 1.0:
        # A gap left: the pairs whose reduced cost fits in it, solved exactly.
        extra = np.setdiff1d(proof_keys, keys)
        keys = np.concatenate([keys, extra])
        base = np.concatenate([base, pair_totals(source, extra // m, extra % m)
                               .astype(np.float64)])
        closed = close_on_candidates(
            source, keys, base, shares, rules, best_lam, cap_j, cap_s,
            (f_rows, f_cols, f_tot.astype(np.float64)), (b_rows, b_cols), deadline)
        if closed is not None and (closed.status == "optimal" or float(
                pair_totals(source, closed.rows, closed.cols).astype(np.float64).sum()) > score):
            return RulesOutcome(closed.rows, closed.cols, closed.status,
                                None if closed.status == "optimal" else closed.bound)
    return RulesOutcome(b_rows, b_cols, "feasible", bound - f_score)
