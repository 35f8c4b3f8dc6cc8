"""Every convenience method of a result works whichever path solved it.

The candidate path has no dense matrix: its results score what a method needs
on demand. Each method's answer on a candidate result is compared with the
same method on the dense result of the same programme (same optimum, so the
same pairs when the optimum is unique; the tests pick programmes where it is).
"""

from __future__ import annotations

import types

import numpy as np
import pytest

import rmatch as rm
from rmatch import synth

PATHS = ["hungarian", "flow", "cpsat", "greedy", "candidates"]


@pytest.fixture(scope="module")
def programme() -> tuple[list[rm.Participant], list[rm.Participant], rm.OrgChart]:
    org = synth.generate(600, seed=4)
    juniors, seniors = synth.cohort(org, 40, 40, seed=4)
    return juniors, seniors, org.org_chart()


@pytest.fixture(scope="module")
def results(programme: tuple[list[rm.Participant], list[rm.Participant], rm.OrgChart]
            ) -> dict[str, rm.MatchResult]:
    juniors, seniors, org = programme
    return {name: rm.match(juniors, seniors, org=org, solver=name) for name in PATHS}


def test_every_path_gives_a_result_of_its_kind(results: dict[str, rm.MatchResult]) -> None:
    assert {name: res.solver for name, res in results.items()} == {n: n for n in PATHS}
    exact = {round(res.objective, 4) for name, res in results.items() if name != "greedy"}
    assert len(exact) == 1


@pytest.mark.parametrize("path", PATHS)
def test_every_method_runs_and_agrees_with_the_data(results: dict[str, rm.MatchResult],
                                                    path: str) -> None:
    res = results[path]
    res.check()
    first = res.pairs[0]
    explanation = res.explain(first.junior_id, costs=False)
    assert explanation.partners[0].senior_id in res.partners_of(first.junior_id)
    assert [b.senior_id for b in res.briefs()] == [p.senior_id for p in res.pairs]
    report = res.report()
    assert report.pairs == len(res.pairs)
    stable = res.stability()
    # The report's stability figures are the method's, whatever the path.
    assert report.blocking_pairs == len(stable.blocking_pairs)
    forced = res.force([(first.junior_id, first.senior_id)])
    assert (first.junior_id, first.senior_id) in {(p.junior_id, p.senior_id)
                                                  for p in forced.pairs}
    if path != "greedy":
        best = res.least_blocking()
        assert best.result.objective == pytest.approx(res.objective, abs=1e-6)
        assert len(best.result.pairs) == len(res.pairs)


def _blocking(res: rm.MatchResult) -> set[tuple[str, str]]:
    return {(b.junior_id, b.senior_id) for b in res.stability().blocking_pairs}


def test_blocking_pairs_by_blocks_equal_a_brute_force_count(
        results: dict[str, rm.MatchResult]) -> None:
    """The oracle: every pair checked one by one on the dense matrix."""
    for path in ("flow", "candidates", "greedy"):
        res = results[path]
        sm = results["hungarian"].scores  # the same programme, dense
        total, feasible = sm.total.astype(np.float64), sm.feasible
        partners: dict[str, list[float]] = {}
        for p in res.pairs:
            partners.setdefault(p.junior_id, []).append(p.score)
            partners.setdefault(p.senior_id, []).append(p.score)
        chosen = {(p.junior_id, p.senior_id) for p in res.pairs}
        expected = set()
        for i, jid in enumerate(sm.junior_ids):
            for k, sid in enumerate(sm.senior_ids):
                if not feasible[i, k] or (jid, sid) in chosen:
                    continue
                wj = min(partners[jid]) if jid in partners else -np.inf
                ws = min(partners[sid]) if sid in partners else -np.inf
                if total[i, k] > wj and total[i, k] > ws:
                    expected.add((jid, sid))
        assert _blocking(res) == expected, path


def test_the_stability_of_a_candidate_result_is_read_in_blocks(
        programme: tuple[list[rm.Participant], list[rm.Participant], rm.OrgChart]) -> None:
    juniors, seniors, org = programme
    res = rm.match(juniors, seniors, org=org, solver="candidates")
    blocks = list(res.scores.row_blocks(7))
    assert [start for start, _, _ in blocks] == list(range(0, len(juniors), 7))
    dense = rm.score(juniors, seniors, org=org)
    stacked = np.vstack([total for _, total, _ in blocks])
    assert np.array_equal(stacked, dense.total)
    # Scored a block ahead on another thread: the same blocks, in order, feasibility too.
    assert np.array_equal(np.vstack([f for _, _, f in blocks]), dense.feasible)
    ahead = res.scores.row_blocks(7)
    assert [start for start, _, _ in (next(ahead), next(ahead))] == [0, 7]
    assert isinstance(ahead, types.GeneratorType)
    ahead.close()  # a caller that stops early leaves nothing running
    assert res.stability().stable_objective is None  # not priced without a dense matrix


def test_report_and_stability_on_a_300_by_300_candidate_result() -> None:
    """The issue's case: no full matrix, and still the whole report and the blocking pairs."""
    org = synth.generate(3000, seed=1)
    juniors, seniors = synth.cohort(org, 300, 300)
    res = rm.match(juniors, seniors, org=org.org_chart(), solver="candidates")
    assert type(res.scores).__name__ == "CandidateScores"
    report = res.report()
    stable = res.stability()
    assert report.pairs == len(res.pairs) == 300
    assert report.blocking_pairs == len(stable.blocking_pairs)
    # Oracle: the same pairs judged on the dense matrix of the same programme.
    dense = rm.score(juniors, seniors, org=org.org_chart())
    total = dense.total.astype(np.float64)
    rows = np.array([dense.junior_ids.index(p.junior_id) for p in res.pairs])
    cols = np.array([dense.senior_ids.index(p.senior_id) for p in res.pairs])
    worst_j = np.full(300, -np.inf)
    worst_s = np.full(300, -np.inf)
    worst_j[rows] = total[rows, cols]  # capacity 1: one partner each
    worst_s[cols] = total[rows, cols]
    chosen = np.zeros_like(dense.feasible)
    chosen[rows, cols] = True
    blocking = (dense.feasible & ~chosen & (total > worst_j[:, None])
                & (total > worst_s[None, :]))
    expected = {(dense.junior_ids[i], dense.senior_ids[k]) for i, k in zip(*np.nonzero(blocking),
                                                                             strict=True)}
    assert {(b.junior_id, b.senior_id) for b in stable.blocking_pairs} == expected
