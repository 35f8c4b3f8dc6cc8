"""Rotation rounds: exact against brute force over every plan, and every plan valid."""

from __future__ import annotations

import csv
import itertools
import runpy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.cli import main
from rmatch.lifecycle.rounds import split_rounds

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT.parent / "shared" / "peers" / "mentor-match"


def _brute_force(total: np.ndarray, feasible: np.ndarray, cap_j: np.ndarray,
                 cap_s: np.ndarray, rounds: int, *, score_only: bool = False
                 ) -> tuple[int, int, float]:
    """Best (people covered, pairs, score) over every way to put pairs in rounds.

    ``score_only``: the best score alone (``objective="max_score"``), as (0, 0, score).
    """
    rows, cols = np.nonzero(feasible)
    best = (0, 0, 0.0)
    n, m = feasible.shape
    for choice in itertools.product(range(rounds + 1), repeat=len(rows)):
        ok = True
        for r in range(1, rounds + 1):
            pick = np.array(choice) == r
            if (np.bincount(rows[pick], minlength=n) > cap_j).any() or \
                    (np.bincount(cols[pick], minlength=m) > cap_s).any():
                ok = False
                break
        if not ok:
            continue
        used = np.array(choice) > 0
        covered = len(set(rows[used].tolist())) + len(set(cols[used].tolist()))
        key = (covered, int(used.sum()), float(total[rows[used], cols[used]].sum()))
        if score_only:
            key = (0, 0, key[2])
        if key[:2] > best[:2] or (key[:2] == best[:2] and key[2] > best[2] + 1e-9):
            best = key
    return best


@pytest.mark.parametrize("seed", range(60))
def test_plans_agree_with_brute_force_and_are_valid(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    # More rounds than juniors x seniors are refused (tested apart), fewer may be empty.
    rounds = min(int(rng.integers(1, 4)), n * m)
    juniors = [rm.Participant(id=f"j{i}", capacity=int(rng.integers(0, 3)),
                              birth_year=int(rng.integers(1994, 2003)),
                              skills={"genai": float(rng.random())},
                              previous_partners={f"s{k}" for k in range(m)
                                                 if rng.random() < 0.15}) for i in range(n)]
    seniors = [rm.Participant(id=f"s{k}", capacity=int(rng.integers(0, 3)), level=3,
                              birth_year=int(rng.integers(1960, 1980)),
                              goals={"genai": float(rng.random())}) for k in range(m)]
    forbid = [(f"j{i}", f"s{k}") for i in range(n) for k in range(m) if rng.random() < 0.3]
    program = rm.Program(constraints=[rm.Forbid(pairs=forbid)])
    plan = rm.plan_rounds(juniors, seniors, program, rounds=rounds)
    sm = rm.score(juniors, seniors, program)
    allowed = sm.feasible.copy()
    for i, p in enumerate(juniors):
        for k, s in enumerate(seniors):
            if s.id in p.previous_partners:
                allowed[i, k] = False
    if allowed.sum() > 8:
        return
    covered, count, best = _brute_force(sm.total, allowed, sm.juniors.capacity,
                                        sm.seniors.capacity, rounds)
    # The same programme with objective="max_score": the best total, however many pairs.
    top = rm.plan_rounds(juniors, seniors, program.model_copy(update={"objective": "max_score"}),
                         rounds=rounds)
    assert top.objective == pytest.approx(_brute_force(
        sm.total, allowed, sm.juniors.capacity, sm.seniors.capacity, rounds,
        score_only=True)[2], abs=1e-5)
    assert top.objective >= plan.objective - 1e-6
    _check_plan(top, juniors, seniors, rounds)
    # Each says the order it is best in: max_score's may leave out people max_pairs covers.
    assert (plan.goal, top.goal) == ("max_pairs", "max_score")
    assert "the most people covered, then the most pairs" in plan.summary()
    assert "the most people covered" not in top.summary()
    assert "the highest total score (objective max_score" in top.summary()
    got_covered = (len(juniors) - len(plan.uncovered_juniors)
                   + len(seniors) - len(plan.uncovered_seniors))
    assert (got_covered, plan.pairs) == (covered, count)
    assert plan.objective == pytest.approx(best, abs=1e-5)
    _check_plan(plan, juniors, seniors, rounds)


def _check_plan(plan: rm.RoundsPlan, juniors: list[rm.Participant],
                seniors: list[rm.Participant], rounds: int) -> None:
    assert len(plan.rounds) == rounds
    seen: set[tuple[str, str]] = set()
    cap = {p.id: p.capacity for p in [*juniors, *seniors]}
    previous = {(j.id, s) for j in juniors for s in j.previous_partners}
    for result in plan.rounds:
        result.check()  # capacities and rules within the round
        for pair in result.pairs:
            key = (pair.junior_id, pair.senior_id)
            assert key not in seen, f"{key} is formed twice"
            assert key not in previous
            seen.add(key)
        counts_j, counts_s = result.pair_counts()
        assert all(counts_j[pid] <= cap[pid] for pid in counts_j)
        assert all(counts_s[pid] <= cap[pid] for pid in counts_s)
    sizes = [len(r.pairs) for r in plan.rounds]
    assert max(sizes) - min(sizes) <= 1  # as even as possible
    assert plan.pairs == len(seen)
    assert plan.objective == pytest.approx(sum(r.objective for r in plan.rounds))


@settings(max_examples=40)
@given(data=st.data())
def test_any_union_splits_into_even_rounds_within_capacity(data: st.DataObject) -> None:
    n, m = data.draw(st.integers(1, 7)), data.draw(st.integers(1, 7))
    rounds = data.draw(st.integers(1, 4))
    cap_j = np.array(data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    cap_s = np.array(data.draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)))
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)),
                               unique=True, max_size=n * m))
    # Keep pairs while every person stays within capacity x rounds.
    deg_j, deg_s, kept = np.zeros(n, int), np.zeros(m, int), []
    for i, k in pairs:
        if deg_j[i] < cap_j[i] * rounds and deg_s[k] < cap_s[k] * rounds:
            kept.append((i, k))
            deg_j[i] += 1
            deg_s[k] += 1
    rows = np.array([i for i, _ in kept], dtype=np.int64)
    cols = np.array([k for _, k in kept], dtype=np.int64)
    split = split_rounds(rows, cols, cap_j, cap_s, rounds)
    got = sorted((i, k) for r, c in split for i, k in zip(r.tolist(), c.tolist(), strict=True))
    assert got == sorted(kept)
    for r, c in split:
        assert (np.bincount(r, minlength=n) <= cap_j).all()
        assert (np.bincount(c, minlength=m) <= cap_s).all()
    sizes = [len(r) for r, _ in split]
    assert max(sizes) - min(sizes) <= 1


def test_match_all_over_the_rounds_is_a_hard_rule() -> None:
    juniors = [rm.Participant(id="j", capacity=1)]
    seniors = [rm.Participant(id="s1"), rm.Participant(id="s2"), rm.Participant(id="s3")]
    program = rm.Program(constraints=[rm.MatchAll(side="seniors")])
    assert rm.plan_rounds(juniors, seniors, program, rounds=3).uncovered_seniors == []
    with pytest.raises(rm.InfeasibleError, match="has no partner in any round"):
        rm.plan_rounds(juniors, seniors, program, rounds=2)
    with pytest.raises(rm.InputError, match="does not support MinShare"):
        rm.plan_rounds(juniors, seniors, rm.Program(constraints=[
            rm.MinShare(attribute="department", share=0.5)]), rounds=2)


def test_cli_rounds_writes_one_row_per_pair_and_round(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.csv"
    roster = ROOT / "examples" / "roster.csv"
    assert main(["rounds", str(roster), "--rounds", "3", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 rounds" in printed
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["round"] for r in rows} <= {"1", "2", "3"}
    assert len({(r["junior_id"], r["senior_id"]) for r in rows}) == len(rows)
    people = rm.read_participants(roster)
    juniors, seniors, _ = rm.split_roles(people)
    plan = rm.plan_rounds(juniors, seniors, org=rm.OrgChart.from_participants(people), rounds=3)
    assert len(rows) == plan.pairs


@pytest.mark.skipif(not PEERS.exists(), reason="the peer's sample data is not beside the repo")
def test_three_rounds_on_the_peers_sample_beat_its_own_three_rounds() -> None:
    """mentor-match 7.0.1, three rounds with its bonus: 1,448 pairs, everyone covered,
    33,994 points (shared/peers/mentor-match/README.md)."""
    read_survey = runpy.run_path(str(ROOT / "examples" / "peer_survey.py"))["read_survey"]
    juniors, seniors, _ = rm.split_roles(read_survey(PEERS / "large"))
    program = rm.load_program(ROOT / "examples" / "mentor_match_programme.json")
    assert program.objective == "max_score"  # as the peer's programme file says
    covering = program.model_copy(update={"objective": "max_pairs"})
    plan = rm.plan_rounds(juniors, seniors, covering, rounds=3)
    assert (plan.uncovered_juniors, plan.uncovered_seniors) == ([], [])
    assert plan.pairs >= 1_448
    assert plan.objective * 28 >= 33_994
    _check_plan(plan, juniors, seniors, 3)
    # The programme's own objective is honoured: the best score, however many pairs.
    top = rm.plan_rounds(juniors, seniors, program, rounds=3)
    assert top.objective >= plan.objective
    assert top.objective * 28 >= 33_994
    _check_plan(top, juniors, seniors, 3)


def test_the_plans_report_has_a_page_per_round(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    roster = ROOT / "examples" / "roster.csv"
    assert main(["rounds", str(roster), "--rounds", "2", "--report",
                 str(tmp_path / "plan.html")]) == 0
    page = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert page.count("<h2>Round ") == 2
    assert "Stability" in page
    people = rm.read_participants(roster)
    juniors, seniors, _ = rm.split_roles(people)
    plan = rm.plan_rounds(juniors, seniors, org=rm.OrgChart.from_participants(people), rounds=2)
    text = plan.write_report(tmp_path / "plan.md").read_text(encoding="utf-8")
    assert text.count("## Round ") == 2
    for result in plan.rounds:
        for pair in result.pairs:
            assert f"| {pair.junior_id} | {pair.senior_id} |" in text.replace("\\-", "-")


@pytest.mark.parametrize("rounds", [2.5, "3", True, None])
def test_rounds_that_are_not_a_whole_number_are_refused(rounds: object) -> None:
    js, ss = [rm.Participant(id="j")], [rm.Participant(id="s")]
    with pytest.raises(rm.InputError, match="whole number"):
        rm.plan_rounds(js, ss, rounds=rounds)  # type: ignore[arg-type]


def test_more_rounds_than_pairs_are_refused_before_any_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    js = [rm.Participant(id=f"j{k}") for k in range(8)]
    ss = [rm.Participant(id=f"s{k}") for k in range(8)]

    def no_scoring(*_: object, **__: object) -> None:
        raise AssertionError("scored a programme that was to be refused")

    monkeypatch.setattr("rmatch.lifecycle.rounds.score", no_scoring)
    with pytest.raises(rm.InputError, match="only 64 juniors x seniors"):
        rm.plan_rounds(js, ss, rm.Program(constraints=[]), rounds=1_000_000)
    monkeypatch.undo()
    assert len(rm.plan_rounds(js, ss, rm.Program(constraints=[]), rounds=64).rounds) == 64


def test_each_round_keeps_what_the_data_cannot_tell() -> None:
    juniors = [rm.Participant(id=f"j{i}", level=1) for i in range(2)]
    seniors = [rm.Participant(id=f"s{i}", level=6) for i in range(2)]
    program = rm.Program(constraints=[rm.NoReportingLine()])
    plan = rm.plan_rounds(juniors, seniors, program, rounds=2)
    expected = rm.data_gaps(juniors, seniors, program)
    assert any("no known manager" in line for line in expected)
    assert [r.data_gaps for r in plan.rounds] == [expected, expected]
