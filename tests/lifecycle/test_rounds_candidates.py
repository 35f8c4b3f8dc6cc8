"""plan_rounds on candidate pairs: the same plan as the dense flow, or the dense flow itself."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import rmatch as rm
from rmatch.lifecycle import rounds


@pytest.mark.parametrize("seed", range(12))
def test_the_certified_union_is_the_dense_flows_optimum(seed: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    org = rm.synth.generate(int(rng.integers(120, 220)), seed=seed)
    roles = rm.synth.cohort_roles(org, int(rng.integers(20, 40)), int(rng.integers(8, 30)),
                                  seed=seed, max_junior_level=0, min_senior_level=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        juniors = org.participants([r for r, v in roles.items() if v == "junior"], "junior")
        seniors = org.participants([r for r, v in roles.items() if v == "senior"], "senior")
        # Some seniors take two partners a round; some people are ruled out of every pair.
        seniors = [s.model_copy(update={"capacity": 1 + int(rng.random() < 0.3)})
                   for s in seniors]
        program = rm.Program(objective="max_score" if seed % 3 == 2 else "max_pairs")
        chart = org.org_chart()
        n_rounds = int(rng.integers(2, 5))
        monkeypatch.setattr(rounds, "CANDIDATE_PAIRS", 10**12)
        dense = rm.plan_rounds(juniors, seniors, program, rounds=n_rounds, org=chart)
        monkeypatch.setattr(rounds, "CANDIDATE_PAIRS", 0)  # every plan on candidates first
        fast = rm.plan_rounds(juniors, seniors, program, rounds=n_rounds, org=chart)
    assert fast.pairs == dense.pairs
    assert fast.objective == pytest.approx(dense.objective, abs=1e-6)
    assert fast.uncovered_juniors == dense.uncovered_juniors
    assert fast.uncovered_seniors == dense.uncovered_seniors
    assert fast.status == "optimal"
    union = [(p.junior_id, p.senior_id) for r in fast.rounds for p in r.pairs]
    assert len(union) == len(set(union))  # no pair twice over the rounds
    for r in fast.rounds:
        r.check()  # each round within capacities and the rules
