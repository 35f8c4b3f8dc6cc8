"""EvenLoad and min_partners: loads as even as possible, lower bounds, against brute force."""

from __future__ import annotations

import itertools
import json
import re
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


def _brute(sm: rm.ScoreMatrix, side: Side | None, cover: Side | None,
           objective: str = "max_pairs") -> tuple[int, list[int], float] | None:
    """The best (pairs, sorted loads high to low, score) over every assignment that meets the
    minimums and covers the side a MatchAll names (None: none does). ``side`` None: no
    EvenLoad; ``objective="max_score"``: the score alone."""
    cap_j = np.minimum(sm.juniors.capacity, len(sm.senior_ids))
    cap_s = np.minimum(sm.seniors.capacity, len(sm.junior_ids))
    min_j = np.array([p.min_partners for p in sm.juniors.people])
    min_s = np.array([p.min_partners for p in sm.seniors.people])
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
            if (lj < min_j).any() or (ls < min_s).any():
                continue
            if cover == "juniors" and (lj == 0).any():
                continue
            if cover == "seniors" and (ls == 0).any():
                continue
            loads = (sorted((ls if side == "seniors" else lj).tolist(), reverse=True)
                     if side else [])
            score = float(sm.total[rows, cols].astype(np.float64).sum())
            if objective == "max_score":
                if best is None or score > best[2]:
                    best = (size, loads, score)
                continue
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
    # Known from the document alone (the service refuses such rules when they are set),
    # except the solver, which rm.match(solver=...) may choose.
    why = program.conflict()
    if "solver" in extra:
        assert why is None
    else:
        assert why is not None
        assert re.search(words, why)


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


@pytest.mark.parametrize("seed", range(40))
def test_min_partners_is_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    juniors, seniors = _people(rng, n, m, max_cap=3)
    # Some people need more than one partner (and some a partner at all).
    seniors = [s.model_copy(update={"min_partners": int(rng.integers(0, s.capacity + 1))})
               for s in seniors]
    juniors = [j.model_copy(update={"min_partners": int(rng.random() < 0.3)})
               for j in juniors]
    forbid = [(j.id, s.id) for j in juniors for s in seniors if rng.random() < 0.25]
    even: Side | None = "seniors" if seed % 3 == 0 else None
    objective = "max_score" if seed % 4 == 1 and not even else "max_pairs"
    rules: list[rm.Constraint] = [rm.Forbid(pairs=forbid)]
    if even:
        rules.append(rm.EvenLoad(side=even))
    program = rm.Program(constraints=rules, objective=objective)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = rm.score(juniors, seniors, program)
        if len(np.flatnonzero(sm.feasible)) > 12:
            pytest.skip("too many feasible pairs to enumerate")
        expected = _brute(sm, even, None, objective)
        if expected is None:
            with pytest.raises(rm.InfeasibleError) as caught:
                rm.match(juniors, seniors, program)
            assert caught.value.reasons  # each names who, and why
            assert all("min_partners" in r or "minimums" in r for r in caught.value.reasons)
            return
        result = rm.match(juniors, seniors, program)
    if objective == "max_pairs":
        assert len(result.pairs) == expected[0]
    if even:
        assert _loads(result, seniors, "seniors") == expected[1]
    assert result.objective == pytest.approx(expected[2], abs=1e-5)
    result.check()  # raises when a minimum, a capacity or a rule is broken


def test_who_cannot_have_their_minimum_is_named_with_why() -> None:
    juniors = [rm.Participant(id=f"j{i}") for i in range(3)]
    seniors = [rm.Participant(id="s1", capacity=2, min_partners=2),
               rm.Participant(id="s2", capacity=2, min_partners=2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(rm.InfeasibleError) as caught:
            rm.match(juniors, seniors, rm.Program(constraints=[]))
        # Three juniors for four minimum places: one senior falls short, said so.
        assert len(caught.value.reasons) == 1
        assert "needs at least 2 partners" in caught.value.reasons[0]
        assert "needed by others" in caught.value.reasons[0]
        alone = [rm.Participant(id="s1", capacity=3, min_partners=3)]
        with pytest.raises(rm.InfeasibleError, match="min") as few:
            rm.match(juniors, alone, rm.Program(constraints=[rm.Forbid(pairs=[("j0", "s1")])]))
        assert few.value.reasons == ["'s1' needs at least 3 partners (min_partners) but the "
                                     "rules allow 2 juniors with places"]


def test_a_matching_below_someones_minimum_is_a_violation() -> None:
    juniors = [rm.Participant(id=f"j{i}") for i in range(2)]
    seniors = [rm.Participant(id="s1", capacity=2, min_partners=2), rm.Participant(id="s2")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        judged = rm.evaluate([("j0", "s1"), ("j1", "s2")], juniors, seniors,
                             rm.Program(constraints=[]))
        best = rm.match(juniors, seniors, rm.Program(constraints=[]))
    assert [(v.rule, v.senior_id) for v in judged.violations] == [("min_partners", "s1")]
    assert {(p.junior_id, p.senior_id) for p in best.pairs} == {("j0", "s1"), ("j1", "s1")}
    with pytest.raises(ValueError, match="min_partners"):
        rm.Participant(id="x", capacity=1, min_partners=2)


def test_what_min_partners_does_not_combine_with_is_refused() -> None:
    juniors = [rm.Participant(id=f"j{i}", department="A") for i in range(3)]
    seniors = [rm.Participant(id="s", capacity=3, min_partners=2, department="B")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(rm.InputError, match="cannot promise min_partners"):
            rm.match(juniors, seniors, rm.Program(constraints=[], objective="stable"))
        with pytest.raises(rm.InputError, match="min_partners"):
            rm.match(juniors, seniors, rm.Program(constraints=[]), solver="hungarian")
        with pytest.raises(rm.InputError, match="min_partners"):
            rm.plan_rounds(juniors, seniors, rm.Program(constraints=[]), rounds=2)


@pytest.mark.parametrize("seed", range(30))
def test_min_partners_with_a_quota_is_the_brute_force_optimum(seed: int) -> None:
    """With MinShare the minimums go to CP-SAT (as a rule written into its model)."""
    rng = np.random.default_rng(500 + seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    juniors, seniors = _people(rng, n, m, max_cap=2)
    juniors = [j.model_copy(update={"department": "AB"[int(rng.integers(0, 2))]})
               for j in juniors]
    seniors = [s.model_copy(update={"department": "AB"[int(rng.integers(0, 2))],
                                    "min_partners": int(rng.integers(0, s.capacity + 1))})
               for s in seniors]
    program = rm.Program(constraints=[rm.MinShare(attribute="department", share=0.5)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = rm.score(juniors, seniors, program)
        if len(np.flatnonzero(sm.feasible)) > 12:
            pytest.skip("too many feasible pairs to enumerate")
        dept_j = [j.department for j in juniors]
        dept_s = [s.department for s in seniors]
        best: tuple[int, float] | None = None
        cap_j = np.minimum(sm.juniors.capacity, len(seniors))
        cap_s = np.minimum(sm.seniors.capacity, len(juniors))
        mins = np.array([s.min_partners for s in seniors])
        pairs = list(zip(*np.nonzero(sm.feasible), strict=True))
        for size in range(len(pairs) + 1):
            for chosen in itertools.combinations(pairs, size):
                rows = np.array([r for r, _ in chosen], dtype=np.int64)
                cols = np.array([c for _, c in chosen], dtype=np.int64)
                ls = np.bincount(cols, minlength=len(seniors))
                if (np.bincount(rows, minlength=len(juniors)) > cap_j).any() \
                        or (ls > cap_s).any() or (ls < mins).any():
                    continue
                cross = sum(dept_j[r] != dept_s[c] for r, c in chosen)
                if 2 * cross < size:
                    continue
                score = float(sm.total[rows, cols].astype(np.float64).sum())
                if best is None or (size, score) > best:
                    best = (size, score)
        if best is None:
            with pytest.raises(rm.InfeasibleError):
                rm.match(juniors, seniors, program)
            return
        result = rm.match(juniors, seniors, program)
    assert len(result.pairs) == best[0]
    assert result.objective == pytest.approx(best[1], abs=1e-5)
    assert result.solver == "cpsat"
    result.check()
