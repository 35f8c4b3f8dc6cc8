"""Parts of a side (``ParticipantArrays.take``), field by field; runs of indices (``spans``)."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmatch as rm
from rmatch.model.arrays import ParticipantArrays, build_arrays, spans


def _side() -> ParticipantArrays:
    rng = np.random.default_rng(3)
    people = [rm.Participant(id=f"p{i}", birth_year=1960 + i, level=int(rng.integers(0, 5)),
                             department=f"d{i % 3}", languages={"en", "pt"} if i % 2 else {"en"},
                             skills={"python": float(rng.random())}, goals={"sql": 1.0},
                             attributes={"site": f"s{i % 4}"})
              for i in range(12)]
    return build_arrays(people, [])[0]


def _equal(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b,
                                                                                   equal_nan=True)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _equal(a[k], b[k]) for k in a)
    return a == b


def test_a_part_is_the_sides_rows_in_every_field() -> None:
    side = _side()
    rows = np.array([7, 2, 2, 11])  # any order, repeats allowed (as numpy indexing)
    part = side.take(rows)
    assert len(part) == 4
    for f in fields(ParticipantArrays):
        whole = getattr(side, f.name)
        if f.name == "vocab":
            want: object = whole
        elif f.name in ("people", "ids"):
            want = tuple(whole[r] for r in rows)
        elif f.name == "attributes":
            want = {k: v[rows] for k, v in whole.items()}
        else:
            want = whole[rows]
        assert _equal(getattr(part, f.name), want), f.name
    # A part of a part: the rows of the whole side, composed.
    again = part.take([3, 0])
    assert again.ids == ("p11", "p7")
    assert np.array_equal(again.skills, side.skills[[11, 7]])
    assert again.derived("twice", lambda s: s.level * 2, lambda v, r: v[r]).tolist() == \
        (side.level[[11, 7]] * 2).tolist()


def test_a_part_gathers_only_the_fields_read() -> None:
    # The certificate's scans take thousands of scattered rows per block and
    # read a few fields: gathering every one cost as much as scoring them.
    part = _side().take([1, 5])
    assert part.level.tolist() == [part.people[0].level, part.people[1].level]
    assert "skills" not in part.__dict__
    assert "goals" not in part.__dict__
    assert len(part) == 2
    assert "ids" not in part.__dict__


def test_a_part_pickles_and_copies_as_plain_arrays_of_its_rows() -> None:
    side = _side()
    part = side.take([4, 9])
    back = pickle.loads(pickle.dumps(part))
    assert type(back) is ParticipantArrays
    assert back.ids == ("p4", "p9")
    assert np.array_equal(back.skills, side.skills[[4, 9]])
    assert "_parent" not in back.__dict__  # the whole side does not travel with it
    copied = copy.deepcopy(part)
    assert type(copied) is ParticipantArrays
    assert copied.ids == ("p4", "p9")


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 5)), max_size=8))
def test_spans_are_the_runs_concatenated(runs: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in runs], dtype=np.int64)
    counts = np.array([c for _, c in runs], dtype=np.int64)
    assert spans(starts, counts).tolist() == [i for s, c in runs for i in range(s, s + c)]


def test_groups_spelled_in_another_case_are_one_group() -> None:
    """'Sales', 'SALES' and 'sales ' were three departments: a pair within Sales crossed them."""
    from rmatch.synth import cohort, generate

    org = generate(400, seed=3)
    juniors, seniors = cohort(org, 40, 40, seed=3)

    def recased(people: list[rm.Participant], k: int) -> list[rm.Participant]:
        shout: list[Callable[[str], str]] = [str.upper, str.lower, lambda s: f" {s}  "]
        return [p.model_copy(update={
            "department": None if p.department is None else shout[(i + k) % 3](p.department),
            "location": None if p.location is None else shout[(i + k + 1) % 3](p.location),
            "attributes": {a: shout[(i + k) % 3](v) for a, v in p.attributes.items()}})
            for i, p in enumerate(people)]

    program = rm.Program(constraints=[rm.MinShare(attribute="department", share=0.5)])
    chart = rm.OrgChart.from_participants([*juniors, *seniors], outside="top")
    plain = rm.match(juniors, seniors, program, org=chart)
    shouted = rm.match(recased(juniors, 0), recased(seniors, 1), program, org=chart)
    assert [(p.junior_id, p.senior_id) for p in shouted.pairs] == \
        [(p.junior_id, p.senior_id) for p in plain.pairs]
    assert shouted.objective == pytest.approx(plain.objective, abs=1e-9)
    # One code per group, named by its most common spelling.
    js, _ = build_arrays(recased(juniors, 0), recased(seniors, 1))
    assert len(js.vocab["department"]) == len({p.department for p in [*juniors, *seniors]
                                               if p.department})
    assert rm.group_names(["Sales", "SALES", "Sales", None]) == {"Sales": "Sales",
                                                                 "SALES": "Sales"}
