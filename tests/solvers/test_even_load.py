"""EvenLoad: the most pairs, then loads as even as possible, then the best score, by brute force."""

from __future__ import annotations

import itertools
import json
import warnings
from typing import Literal

import numpy as np
import pytest

import rmatch as rm

Side = Literal["juniors", "seniors"]


def _people(rng: np.random.Generator, n: int, m: int, max_cap: int
            ) -> tuple[list[rm.Participant], list[rm.Participant]]:
    skills = ["genai", "video", "data"]
    juniors = [rm.Participant(id=f"j{i}", birth_year=int(rng.integers(1995, 2004)),
                              level=int(rng.integers(0, 2)),
                              skills={s: float(rng.random()) for s in skills},
                              capacity=int(rng.integers(1, max_cap + 1)))
               for i in range(n)]
    seniors = [rm.Participant(id=f"s{k}", birth_year=int(rng.integers(1960, 1980)),
                              level=int(rng.integers(3, 8)),
                              goals={s: float(rng.random()) for s in skills},
                              capacity=int(rng.integers(1, max_cap + 1)))
               for k in range(m)]
    return juniors, seniors


def _brute(sm: rm.ScoreMatrix, side: Side, cover: Side | None
           ) -> tuple[int, list[int], float] | None:
    """The best (pairs, sorted loads high to low, score) over every assignment; None if none
    covers the side a MatchAll names."""
    cap_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    cap_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    pairs = list(zip(*np.nonzero(sm.feasible), strict=True))
    best: tuple[int, list[int], float] | None = None
    for size in range(len(pairs) + 1):
        for chosen in itertools.combinations(pairs, size):
            rows = np.array([r for r, _ in chosen], dtype=np.int64)
            cols = np.array([c for _, c in chosen], dtype=np.int64)
            lj = np.bincount(rows, minlength=len(cap_j))
            ls = np.bincount(cols, minlength=len(cap_s))
            if (lj > cap_j).any() or (ls > cap_s).any():
                continue
            if cover == "juniors" and (lj == 0).any():
                continue
            if cover == "seniors" and (ls == 0).any():
                continue
            loads = sorted((ls if side == "seniors" else lj).tolist(), reverse=True)
            score = float(sm.total[rows, cols].astype(np.float64).sum())
            key = (size, [-x for x in loads], score)
            if best is None or key > (best[0], [-x for x in best[1]], best[2]):
                best = (size, loads, score)
    return best


def _loads(result: rm.MatchResult, people: list[rm.Participant], side: Side) -> list[int]:
    key = "senior_id" if side == "seniors" else "junior_id"
    return sorted((sum(getattr(p, key) == x.id for p in result.pairs) for x in people),
                  reverse=True)


@pytest.mark.parametrize("seed", range(40))
def test_even_load_is_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    juniors, seniors = _people(rng, n, m, max_cap=3)
    side: Side = "seniors" if seed % 2 else "juniors"
    forbid = [(j.id, s.id) for j in juniors for s in seniors if rng.random() < 0.3]
    cover: Side | None = "juniors" if seed % 5 == 0 else None
    rules: list[rm.Constraint] = [rm.EvenLoad(side=side), rm.Forbid(pairs=forbid)]
    if cover:
        rules.append(rm.MatchAll(side=cover))
    program = rm.Program(constraints=rules)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = rm.score(juniors, seniors, program)
        if len(np.flatnonzero(sm.feasible)) > 12:
            pytest.skip("too many feasible pairs to enumerate")
        expected = _brute(sm, side, cover)
        if expected is None:
            with pytest.raises(rm.InfeasibleError):
                rm.match(juniors, seniors, program)
            return
        result = rm.match(juniors, seniors, program)
    assert len(result.pairs) == expected[0]
    assert _loads(result, seniors if side == "seniors" else juniors, side) == expected[1]
    assert result.objective == pytest.approx(expected[2], abs=1e-5)
    assert result.status == "optimal"
    result.check()  # raises when a rule or a capacity is broken


def test_eight_mentors_loaded_unevenly_become_even() -> None:
    """The open-source platforms' case: loads 1, 6, 5, 1, 5, 2, 5, 6 among eight mentors."""
    mentors = [rm.Participant(id=f"m{k}", capacity=6, level=6, birth_year=1970)
               for k in range(8)]
    mentees = [rm.Participant(id=f"e{i}", level=1, birth_year=2000) for i in range(31)]
    # A few mentors fit much better (as a score would pick them over and over).
    favourite = {"m1", "m2", "m4", "m6", "m7"}
    mentors = [p.model_copy(update={"goals": {"genai": 1.0}}) if p.id in favourite else p
               for p in mentors]
    mentees = [p.model_copy(update={"skills": {"genai": 1.0}}) for p in mentees]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = rm.match(mentees, mentors, rm.Program(constraints=[]))
        even = rm.match(mentees, mentors, rm.Program(constraints=[rm.EvenLoad()]))
    assert len(even.pairs) == len(plain.pairs) == 31
    assert _loads(even, mentors, "seniors") == [4, 4, 4, 4, 4, 4, 4, 3]
    assert max(_loads(plain, mentors, "seniors")) > 4  # the score alone piles them up
    summary = next(c for c in even.report().constraints if c.label.startswith("EvenLoad"))
    assert "3 to 4 partners" in summary.detail


def test_required_pairs_count_in_the_loads() -> None:
    mentors = [rm.Participant(id=f"m{k}", capacity=3) for k in range(2)]
    mentees = [rm.Participant(id=f"e{i}") for i in range(4)]
    program = rm.Program(constraints=[rm.EvenLoad(), rm.Require(pairs=[("e0", "m0"),
                                                                       ("e1", "m0")])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rm.match(mentees, mentors, program)
    assert _loads(result, mentors, "seniors") == [2, 2]
    assert {("e0", "m0"), ("e1", "m0")} <= {(p.junior_id, p.senior_id) for p in result.pairs}


@pytest.mark.parametrize(("extra", "words"), [
    ({"constraints": [{"kind": "even_load"}, {"kind": "min_share", "attribute": "department",
                                             "share": 0.5}]}, "not with MinShare"),
    ({"constraints": [{"kind": "even_load"}], "objective": "max_score"}, "objective 'max_pairs'"),
    ({"constraints": [{"kind": "even_load"}], "solver": "cpsat"}, "solver 'auto' or 'flow'"),
    ({"constraints": [{"kind": "even_load"}, {"kind": "even_load", "side": "juniors"}]},
     "one EvenLoad at a time"),
    ({"constraints": [{"kind": "even_load"}], "objective": "stable"}, "pairwise rules only"),
])
def test_what_even_load_does_not_combine_with_is_refused_in_words(
        extra: dict[str, object], words: str, tmp_path: object) -> None:
    program = rm.Program.model_validate(json.loads(json.dumps(extra)))
    juniors = [rm.Participant(id=f"j{i}", department="A") for i in range(3)]
    seniors = [rm.Participant(id=f"s{k}", capacity=2, department="B") for k in range(2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(rm.InputError, match=words):
            rm.match(juniors, seniors, program)


def test_even_load_reads_from_a_programme_document_and_refuses_rounds() -> None:
    program = rm.Program.model_validate({"constraints": [{"kind": "even_load",
                                                          "side": "juniors"}]})
    assert program.constraints == [rm.EvenLoad(side="juniors")]
    juniors = [rm.Participant(id=f"j{i}", capacity=2) for i in range(2)]
    seniors = [rm.Participant(id=f"s{k}") for k in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rm.match(juniors, seniors, program)
        assert _loads(result, juniors, "juniors") == [2, 1]
        with pytest.raises(rm.InputError, match="does not support EvenLoad"):
            rm.plan_rounds(juniors, seniors, program, rounds=2)
        with pytest.raises(rm.InputError, match="EvenLoad"):
            rm.match(juniors, seniors, program, solver="candidates")
