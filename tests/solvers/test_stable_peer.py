"""Stable matchings against the peer library ``matching`` 1.4.3: its own examples, its issue
instance and random instances, solved by both, for either proposing side.

``matching`` (Henry Wilde, MIT licence) is a test-only dependency here: the oracle for
deferred acceptance with capacities (hospital-resident) and stable marriage.
``data/matching_issue_159.json`` is copied from its tests (tests/hospital_resident/data).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest

import rmatch as rm

matching_games = pytest.importorskip("matching.games")

Prefs = dict[str, list[str]]
Side = Literal["juniors", "seniors"]


def _rmatch(proposer: Prefs, receiver: Prefs, capacities: dict[str, int],
            proposing: Side) -> set[tuple[str, str]]:
    """rmatch's stable matching, proposers as juniors (one place each), receivers as seniors."""
    juniors = [rm.Participant(id=p, wishes=w) for p, w in proposer.items()]
    seniors = [rm.Participant(id=r, wishes=w, capacity=capacities.get(r, 1))
               for r, w in receiver.items()]
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes",
                         unranked="unacceptable", proposing=proposing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rm.match(juniors, seniors, program)
    assert result.stability().blocking_pairs == []  # stable, by rmatch's own count too
    return {(p.junior_id, p.senior_id) for p in result.pairs}


def _peer_hr(proposer: Prefs, receiver: Prefs, capacities: dict[str, int],
             optimal: str) -> set[tuple[str, str]]:
    # clean=True: the peer drops players with an empty list (without it, it fails on them:
    # IndexError), and names it in warnings; rmatch leaves them unmatched.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = matching_games.HospitalResident.create_from_dictionaries(
            proposer, receiver, capacities, clean=True)
        solved = game.solve(optimal=optimal)
    return {(str(r.name), str(h.name)) for h, rs in solved.items() for r in rs}


def _peer_sm(suitors: Prefs, reviewers: Prefs, optimal: str) -> set[tuple[str, str]]:
    game = matching_games.StableMarriage.create_from_dictionaries(suitors, reviewers)
    return {(str(s.name), str(r.name)) for s, r in game.solve(optimal=optimal).items()
            if r is not None}


def test_pride_and_prejudice_as_the_peer_solves_it() -> None:
    """matching's tests/stable_marriage/test_examples.py, with the answer its test expects."""
    suitors = {"Bingley": ["Jane", "Elizabeth", "Lydia", "Charlotte"],
               "Collins": ["Jane", "Elizabeth", "Lydia", "Charlotte"],
               "Darcy": ["Elizabeth", "Jane", "Charlotte", "Lydia"],
               "Wickham": ["Lydia", "Jane", "Elizabeth", "Charlotte"]}
    reviewers = {"Charlotte": ["Bingley", "Darcy", "Collins", "Wickham"],
                 "Elizabeth": ["Wickham", "Darcy", "Bingley", "Collins"],
                 "Jane": ["Bingley", "Wickham", "Darcy", "Collins"],
                 "Lydia": ["Bingley", "Wickham", "Darcy", "Collins"]}
    expected = {("Bingley", "Jane"), ("Collins", "Charlotte"), ("Darcy", "Elizabeth"),
                ("Wickham", "Lydia")}
    assert _rmatch(suitors, reviewers, {}, "juniors") == expected
    assert _peer_sm(suitors, reviewers, "suitor") == expected
    # The reviewers' side: as the peer finds it with optimal="reviewer".
    flipped = {(s, r) for r, s in _peer_sm(reviewers, suitors, "suitor")}
    assert _rmatch(suitors, reviewers, {}, "seniors") == flipped


def test_the_peer_readme_examples() -> None:
    """Its README's stable marriage and hospital-resident examples, with their answers."""
    suitors = {"A": ["D", "E", "F"], "B": ["D", "F", "E"], "C": ["F", "D", "E"]}
    reviewers = {"D": ["B", "C", "A"], "E": ["A", "C", "B"], "F": ["C", "B", "A"]}
    assert _rmatch(suitors, reviewers, {}, "juniors") == {("A", "E"), ("B", "D"), ("C", "F")}
    residents = {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"], "J": ["C", "G", "M"],
                 "L": ["M", "C", "G"]}
    hospitals = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"],
                 "G": ["D", "J", "L"]}
    capacities = dict.fromkeys(hospitals, 2)
    expected = {("L", "M"), ("S", "M"), ("D", "C"), ("A", "C"), ("J", "G")}
    assert _rmatch(residents, hospitals, capacities, "juniors") == expected
    assert _peer_hr(residents, hospitals, capacities, "resident") == expected


@pytest.mark.parametrize(("residents", "hospitals", "capacities", "expected"), [
    # Issue 67: topics (hospitals) and groups (residents).
    ({"Group 1": ["Intellectual property", "Privacy"], "Group 2": ["Privacy", "Fairness in AI"],
      "Group 3": ["Privacy", "Social media"]},
     {"Fairness in AI": ["Group 2"], "Intellectual property": ["Group 1"],
      "Privacy": ["Group 3", "Group 2", "Group 1"], "Social media": ["Group 3"]},
     dict.fromkeys(["Fairness in AI", "Intellectual property", "Privacy", "Social media"], 2),
     {("Group 1", "Intellectual property"), ("Group 3", "Privacy"), ("Group 2", "Privacy")}),
    # A resident whom no hospital they rank ranks back loses all preferences.
    ({"A": ["X"], "B": ["X", "Y"]}, {"X": ["B", "A"], "Y": ["B"]}, {"X": 1, "Y": 1},
     {("B", "X")}),
])
def test_the_peer_issue_examples(residents: Prefs, hospitals: Prefs,
                                 capacities: dict[str, int],
                                 expected: set[tuple[str, str]]) -> None:
    assert _rmatch(residents, hospitals, capacities, "juniors") == expected
    assert _peer_hr(residents, hospitals, capacities, "resident") == expected


@pytest.mark.parametrize("optimal", ["resident", "hospital"])
def test_the_peer_issue_159_instance(optimal: str) -> None:
    """A hundred residents and hospitals with inconsistent lists (the peer cleans them)."""
    data = json.loads((Path(__file__).parent / "data" / "matching_issue_159.json").read_text())
    # Residents and hospitals share numbers there: an rmatch id names one person.
    residents = {f"r{k}": [f"h{x}" for x in v] for k, v in data["residents"].items()}
    hospitals = {f"h{k}": [f"r{x}" for x in v] for k, v in data["hospitals"].items()}
    capacities = dict.fromkeys(hospitals, 1)
    peer = _peer_hr(residents, hospitals, capacities, optimal)
    side: Side = "juniors" if optimal == "resident" else "seniors"
    assert _rmatch(residents, hospitals, capacities, side) == peer
    assert len(peer) > 10


def _random_hr(rng: np.random.Generator) -> tuple[Prefs, Prefs, dict[str, int]]:
    """Residents and hospitals with consistent lists: each orders its acceptable partners."""
    n, m = int(rng.integers(2, 13)), int(rng.integers(1, 6))
    acceptable = rng.random((n, m)) < rng.uniform(0.3, 1.0)
    residents = {f"r{i}": [f"h{k}" for k in rng.permutation(np.flatnonzero(acceptable[i]))]
                 for i in range(n)}
    hospitals = {f"h{k}": [f"r{i}" for i in rng.permutation(np.flatnonzero(acceptable[:, k]))]
                 for k in range(m)}
    capacities = {h: int(rng.integers(1, 4)) for h in hospitals}
    return residents, hospitals, capacities


@pytest.mark.parametrize("seed", range(60))
def test_random_hospital_resident_instances_as_the_peer_solves_them(seed: int) -> None:
    residents, hospitals, capacities = _random_hr(np.random.default_rng(seed))
    sides: tuple[tuple[str, Side], ...] = (("resident", "juniors"), ("hospital", "seniors"))
    for optimal, side in sides:
        assert _rmatch(residents, hospitals, capacities, side) == _peer_hr(
            residents, hospitals, capacities, optimal), optimal


@pytest.mark.parametrize("seed", range(40))
def test_random_stable_marriages_as_the_peer_solves_them(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(2, 9))
    suitors: dict[str, Any] = {f"s{i}": [f"w{k}" for k in rng.permutation(n)] for i in range(n)}
    reviewers: dict[str, Any] = {f"w{k}": [f"s{i}" for i in rng.permutation(n)]
                                 for k in range(n)}
    assert _rmatch(suitors, reviewers, {}, "juniors") == _peer_sm(suitors, reviewers, "suitor")
    assert _rmatch(suitors, reviewers, {}, "seniors") == _peer_sm(suitors, reviewers,
                                                                  "reviewer")
