"""Forced pairs priced from a certificate's prices, rows scored on demand, against brute force."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmatch.solvers import forcing_rows
from rmatch.solvers.certificate import DenseSource, certify_and_solve
from rmatch.solvers.forcing_rows import RowForcing, certified_potentials, rows_of
from tests.solvers.test_forcing import _best_with, instances, random_assignment

Objective = Literal["max_pairs", "max_score"]
Case = tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], npt.NDArray[np.int64],
             npt.NDArray[np.int64]]


def _certified(case: Case, objective: Objective, k: int = 1
               ) -> tuple[RowForcing | None, set[tuple[int, int]]]:
    """Solve on candidates (``k`` a person: the scans add the rest), then price from the proof."""
    total, feasible, cap_j, cap_s = case
    n, m = total.shape
    source = DenseSource(total, feasible)
    cert = certify_and_solve(source, cap_j, cap_s, objective, k=k, price_sample=0)
    assert cert.violations[-1] == 0
    weights = np.rint(cert.totals.astype(np.float64) * 2**30).astype(np.int64)
    priced = certified_potentials(n, m, cert.duals, cert.rows, cert.cols, weights,
                                  cert.chosen, cap_j, cap_s, objective)
    rows, cols = cert.rows[cert.chosen], cert.cols[cert.chosen]
    chosen = set(zip(rows.tolist(), cols.tolist(), strict=True))
    if priced is None:
        return None, chosen
    return RowForcing.on(rows_of(source), total, cap_j, cap_s, rows, cols, *priced), chosen


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from(["max_pairs", "max_score"]), st.integers(1, 3))
def test_every_forced_pair_is_priced_as_brute_force_finds(
        case: Case, objective: Objective, k: int) -> None:
    total, feasible, cap_j, cap_s = case
    forcing, chosen = _certified(case, objective, k)
    # The certificate's prices always carry over (every check holds for a proven optimum).
    assert forcing is not None
    pairs, score = _best_with(total, feasible, cap_j, cap_s, objective, None)
    for i, s in zip(*np.nonzero(feasible), strict=True):
        if (i, s) in chosen or not (cap_j[i] and cap_s[s]):
            continue
        forced_pairs, forced_score = _best_with(total, feasible, cap_j, cap_s, objective,
                                                (int(i), int(s)))
        for change in (forcing.for_junior(int(i), [int(s)])[0],
                       forcing.for_senior(int(s), [int(i)])[0]):
            assert change.score == pytest.approx(forced_score - score, abs=1e-6)
            if objective == "max_pairs":
                assert pairs is not None
                assert forced_pairs is not None
                assert change.pairs == forced_pairs - pairs
            after = (chosen - set(change.dropped)) | set(change.added) | {(int(i), int(s))}
            assert set(change.dropped) <= chosen
            assert not set(change.added) & chosen
            assert all(feasible[a, b] for a, b in after)
            got = np.array(sorted(after), np.int64).reshape(-1, 2)
            assert (np.bincount(got[:, 0], minlength=len(cap_j)) <= cap_j).all()
            assert (np.bincount(got[:, 1], minlength=len(cap_s)) <= cap_s).all()


def test_a_far_pair_is_searched_again_with_every_arc_it_needs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the arcs within a reach are kept: a forced pair whose cheapest exchange
    # runs through farther ones is searched again, and priced the same.
    rng = np.random.default_rng(4)
    total = rng.random((7, 7)).astype(np.float32)
    feasible = rng.random((7, 7)) < 0.8
    ones = np.ones(7, np.int64)
    case = (total, feasible, ones, ones)
    near, chosen = _certified(case, "max_pairs")
    monkeypatch.setattr(forcing_rows, "_FIRST_REACH", 1)
    far, _ = _certified(case, "max_pairs")
    assert near is not None
    assert far is not None
    costs = []
    for i, s in zip(*np.nonzero(feasible), strict=True):
        if (i, s) not in chosen:
            a, b = near.for_senior(int(s), [int(i)])[0], far.for_senior(int(s), [int(i)])[0]
            assert a.pairs == b.pairs
            assert a.score == pytest.approx(b.score, abs=1e-9)
            costs.append(-a.score)
    assert far._arcs[0][0] > 1  # the reach grew
    assert max(costs) > 0.05  # some exchange beyond the first reach (0.05)


def test_a_budget_the_first_reach_would_overrun_keeps_a_shorter_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # From about 37,000 per side the pairs within 0.05 of tight overrun the budget: a
    # sample of juniors chooses a shorter first reach that fits, and prices stay exact.
    rng = np.random.default_rng(8)
    total = (rng.random((60, 60)) * 0.3).astype(np.float32)
    ones = np.ones(60, np.int64)
    case = (total, rng.random((60, 60)) < 0.9, ones, ones)
    plenty, chosen = _certified(case, "max_pairs")
    assert plenty is not None
    wanted = [(int(i), int(s)) for i, s in zip(*np.nonzero(case[1]), strict=True)
              if (i, s) not in chosen][::7]
    exact = {ij: plenty.for_senior(ij[1], [ij[0]])[0] for ij in wanted}
    near = len(plenty._arcs[0][2])  # the arcs within the first reach (0.05)
    monkeypatch.setattr(forcing_rows, "_MOST_ARCS", near)
    tight, _ = _certified(case, "max_pairs")
    assert tight is not None
    priced = 0
    for (i, s), change in exact.items():
        try:
            got = tight.for_senior(s, [i])[0]
        except ValueError as err:  # a longer exchange would need more arcs: solved again
            refused = str(err)
            assert "too many pairs" in refused
            continue
        assert got.score == pytest.approx(change.score, abs=1e-9)
        assert got.pairs == change.pairs
        priced += 1
    assert tight._first[0] < forcing_rows._FIRST_REACH  # a shorter first reach ...
    assert tight._arcs
    assert len(tight._arcs[0][2]) <= near  # ... that fits
    assert priced >= len(exact) // 2


def test_more_arcs_than_the_budget_is_an_error_not_a_wrong_price(
        monkeypatch: pytest.MonkeyPatch) -> None:
    total = np.full((3, 3), 0.5, np.float32)
    ones = np.ones(3, np.int64)
    forcing, chosen = _certified((total, np.ones((3, 3), bool), ones, ones), "max_pairs")
    assert forcing is not None
    monkeypatch.setattr(forcing_rows, "_MOST_ARCS", 0)
    i, s = next((i, s) for i in range(3) for s in range(3) if (i, s) not in chosen)
    with pytest.raises(ValueError, match="too many pairs"):
        forcing.for_junior(i, [s])
    calls = []
    monkeypatch.setattr(forcing, "row_units", lambda which: calls.append(which))
    with pytest.raises(ValueError, match="too many pairs"):  # and no second pass to say so
        forcing.for_senior(s, [i])
    assert calls == []


def test_prices_that_do_not_hold_are_refused() -> None:
    total = np.array([[0.9, 0.8], [0.7, 0.1]], np.float32)
    ones = np.ones(2, np.int64)
    forcing, _ = _certified((total, np.ones((2, 2), bool), ones, ones), "max_pairs")
    assert forcing is not None
    rows, cols = np.array([0, 1]), np.array([1, 0])  # the optimum
    assert RowForcing.on(forcing.row_units, total, ones, ones, rows, cols,
                         forcing.potential, forcing.bonus) is not None
    bad = forcing.potential.copy()
    bad[0] -= 4 * 2**30  # junior 0 four points lower: its arc to senior 0 falls below zero
    assert RowForcing.on(forcing.row_units, total, ones, ones, rows, cols, bad,
                         forcing.bonus) is None


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from(["max_pairs", "max_score"]), st.integers(0, 2**32 - 1))
def test_another_assignment_is_priced_only_when_it_is_optimal_too(
        case: Case, objective: Objective, seed: int) -> None:
    total, feasible, cap_j, cap_s = case
    forcing, _ = _certified(case, objective)
    assert forcing is not None
    r, c, optimal = random_assignment(case, objective, seed)
    moved = forcing.to(r, c, cap_j, cap_s)
    assert (moved is not None) == optimal
    if moved is not None:  # and it prices that assignment's forced pairs right
        chosen = set(zip(r.tolist(), c.tolist(), strict=True))
        best = _best_with(total, feasible, cap_j, cap_s, objective, None)
        for i, s in zip(*np.nonzero(feasible), strict=True):
            if (i, s) in chosen or not (cap_j[i] and cap_s[s]):
                continue
            change = moved.for_senior(int(s), [int(i)])[0]
            _, forced = _best_with(total, feasible, cap_j, cap_s, objective, (int(i), int(s)))
            assert change.score == pytest.approx(forced - best[1], abs=1e-6)
