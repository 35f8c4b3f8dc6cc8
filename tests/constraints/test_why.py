"""Every rule says why it rules a pair out, in words, for the pairs it rules out."""

from __future__ import annotations

import random
import warnings
from typing import Literal

import pytest

import rmatch as rm

P = rm.Participant
LANGS = ["en", "de", "fr", "pt"]
ZONES = [None, "Europe/Lisbon", "Asia/Tokyo", "America/New_York", "Europe/Berlin"]
SLOTS: list[set[str]] = [set(), {"Mon AM"}, {"Mon PM"}, {"Tue AM", "Wed PM"}]


def _person(r: random.Random, pid: str, role: str, boss: str | None) -> rm.Participant:
    langs = set(r.sample(LANGS, r.randint(0, 2)))
    levels = {k: v for k, v in r.choice([{}, {"en": "A2"}, {"de": "C1"}]).items() if k in langs}
    return P(id=pid, role=role, manager_id=boss, level=r.choice([None, 0, 1, 2, 3, 5, 8]),
             birth_year=r.choice([None, 1960, 1970, 1985, 1990, 2000]), languages=langs,
             language_levels=levels, timezone=r.choice(ZONES), availability=r.choice(SLOTS),
             department=r.choice([None, "HR", "IT"]),
             attributes={"gender": r.choice(["F", "M"])} if r.random() < .7 else {},
             previous_partners=([f"s{r.randint(0, 3)}"] if r.random() < .3 and role == "junior"
                                else []))


def _rules(r: random.Random) -> list[rm.Constraint]:
    def either() -> Literal["allow", "forbid"]:
        return "allow" if r.random() < .5 else "forbid"

    levels: list[Literal["B1"] | None] = [None, "B1"]
    return [rm.NoReportingLine(depth=r.choice([None, 1, 2])),
            rm.SharedLanguage(unknown=either(), min_level=r.choice(levels)),
            rm.SeniorityDirection(allow_equal=r.random() < .5),
            rm.MaxTimezoneGap(hours=r.choice([0, 3, 6]), missing=either()),
            rm.SharedTime(min_hours=1, missing=either()),
            rm.MinScore(value=r.choice([0.1, 0.3])), rm.NoRepeat(),
            rm.SameValue(field="gender", missing=either()),
            rm.DifferentValue(field="department"),
            rm.LevelGap(min=r.choice([None, 1]), max=r.choice([None, 3]), missing=either()),
            rm.AgeGap(min_years=r.choice([None, 5]), max_years=r.choice([None, 30]),
                      missing=either())]


@pytest.mark.parametrize("seed", range(40))
def test_each_rule_that_rules_a_pair_out_says_why_in_words(seed: int) -> None:
    r = random.Random(seed)
    juniors = [_person(r, f"j{i}", "junior", r.choice([None, "boss", "s0", "s1"]))
               for i in range(4)]
    seniors = [_person(r, f"s{i}", "senior", r.choice([None, "boss"])) for i in range(4)]
    program = rm.Program(constraints=r.sample(_rules(r), r.randint(1, 5)),
                         sensitive_attributes={"gender"})
    org = rm.OrgChart.from_participants([P(id="boss"), *juniors, *seniors])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = rm.score(juniors, seniors, program, org=org)
    ruled = 0
    for j in juniors:
        for s in seniors:
            whys = sm.ruled_out_why(j.id, s.id)
            # The same rules as the labels the masks give, in the same order.
            assert [label for label, _ in whys] == sm.ruled_out_by(j.id, s.id)
            for label, why in whys:
                assert why not in ("", "rules out this pair"), label  # every rule has its words
                assert "nan" not in why, (label, why)
                assert "inf" not in why, (label, why)
                if label.startswith("SameValue"):  # a sensitive attribute: never its values
                    assert not {"F", "M"} & set(why.replace(")", " ").split()), why
            ruled += bool(whys)
    assert ruled == int((~sm.feasible).sum())  # every pair ruled out says why, no other
