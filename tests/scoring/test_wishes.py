"""Wishes and vetoes: vetoes always hold, wishes score by rank, both survive every file format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.scoring.builtin import VETO
from tests.strategies import sides


@settings(max_examples=50)
@given(people=sides(4, 4, max_capacity=2, min_size=1), data=st.data())
def test_vetoes_always_hold_and_wishes_score_by_rank(
        people: tuple[list[rm.Participant], list[rm.Participant]], data: st.DataObject) -> None:
    juniors, seniors = people
    j_ids, s_ids = [p.id for p in juniors], [p.id for p in seniors]
    juniors = [p.model_copy(update={
        "wishes": data.draw(st.lists(st.sampled_from(s_ids), unique=True, max_size=3)),
        "avoid": frozenset(data.draw(st.lists(st.sampled_from(s_ids), max_size=2)))})
        for p in juniors]
    seniors = [p.model_copy(update={
        "wishes": data.draw(st.lists(st.sampled_from(j_ids), unique=True, max_size=3)),
        "avoid": frozenset(data.draw(st.lists(st.sampled_from(j_ids), max_size=2)))})
        for p in seniors]
    for program in (rm.Program(constraints=[]), rm.Program()):
        res = rm.match(juniors, seniors, program)
        res.check()
        by_id = {p.id: p for p in [*juniors, *seniors]}
        for pair in res.pairs:
            assert pair.senior_id not in by_id[pair.junior_id].avoid
            assert pair.junior_id not in by_id[pair.senior_id].avoid
    sm = rm.score(juniors, seniors, rm.Program(constraints=[]))
    wished = any(p.wishes for p in [*juniors, *seniors])
    assert ("wishes" in sm.components) == wished
    for i, j in enumerate(juniors):
        for k, s in enumerate(seniors):
            vetoed = s.id in j.avoid or j.id in s.avoid
            assert (VETO in sm.ruled_out_by(j.id, s.id)) == vetoed
            if wished:
                want = 0.0
                if s.id in j.wishes:
                    want += 0.5 * (1 - j.wishes.index(s.id) / len(j.wishes))
                if j.id in s.wishes:
                    want += 0.5 * (1 - s.wishes.index(j.id) / len(s.wishes))
                assert float(sm.components["wishes"][i, k]) == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx"])
def test_wishes_and_vetoes_round_trip_through_every_format(fmt: str, tmp_path: Path) -> None:
    people = [rm.Participant(id="j,1", role="junior", wishes=["s/2", "s1"], avoid={"s3"}),
              rm.Participant(id="s1", role="senior", wishes=["j,1"]),
              rm.Participant(id="s/2", role="senior"), rm.Participant(id="s3", role="senior")]
    path = tmp_path / f"r.{fmt}"
    rm.write_participants(people, path)
    assert rm.read_participants(path) == people
    assert rm.read_participants(path)[0].wishes == ["s/2", "s1"]  # the order is the rank


def test_a_wish_is_an_id_not_oneself_and_not_twice() -> None:
    with pytest.raises(ValueError, match="names themself in wishes"):
        rm.Participant(id="a", wishes=["a"])
    with pytest.raises(ValueError, match="a wish is given twice"):
        rm.Participant(id="a", wishes=["b", "b"])
    with pytest.raises(ValueError, match="must be a list of ids"):
        rm.Participant(id="a", avoid="b")


def test_wishes_pull_pairs_together() -> None:
    juniors = [rm.Participant(id="j1"), rm.Participant(id="j2", wishes=["s2"])]
    seniors = [rm.Participant(id="s1"), rm.Participant(id="s2")]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    assert ("j2", "s2") in {(p.junior_id, p.senior_id) for p in res.pairs}
    assert np.isclose(res.pairs[-1].components["wishes"], 0.5)
