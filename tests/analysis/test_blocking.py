"""The compiled search for blocking pairs against numpy's and against the definition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.analysis import blocking
from rmatch.analysis.blocking import blocking_in, count_blocking


@st.composite
def _blocks(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    b, m = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    # Few distinct scores: ties with the worst partners are the cases that matter.
    total = rng.choice(np.array([0.1, 0.25, 0.5, 0.7, 0.9], np.float32), (b, m))
    feasible = rng.random((b, m)) < 0.8
    able_j, able_s = rng.random(b) < 0.9, rng.random(m) < 0.9
    levels = np.array([-np.inf, 0.1, 0.25, 0.5, 0.7, 0.9, np.inf])
    worst_j, worst_s = rng.choice(levels, b), rng.choice(levels, m)
    cells = rng.permutation(b * m)[:draw(st.integers(0, b * m))]
    return total, feasible, able_j, able_s, worst_j, worst_s, cells // m, cells % m


def _path(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """Send every block through numpy, or every block through the compiled pass."""
    if path == "numpy":
        monkeypatch.setattr(blocking, "is_compiled", lambda fn: False)
        monkeypatch.setattr(blocking, "BLOCKS_COMPILED_FROM", 10**18)
    else:
        monkeypatch.setattr(blocking, "BLOCKS_COMPILED_FROM", 1)


@pytest.mark.parametrize("path", ["numpy", "compiled"])
@settings(max_examples=200, deadline=None)
@given(case=_blocks())
def test_both_searches_find_what_the_definition_says(path: str, case: tuple[np.ndarray, ...],
                                                     ) -> None:
    total, feasible, able_j, able_s, worst_j, worst_s, rows, cols = case
    chosen = set(zip(rows.tolist(), cols.tolist(), strict=True))
    want = [(r, c) for r in range(total.shape[0]) for c in range(total.shape[1])
            if feasible[r, c] and able_j[r] and able_s[c] and (r, c) not in chosen
            and float(total[r, c]) > worst_j[r] and float(total[r, c]) > worst_s[c]]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _path(monkeypatch, path)
        got = blocking_in(total, feasible, able_j, able_s, worst_j, worst_s, (rows, cols))
    assert list(zip(*(a.tolist() for a in got), strict=True)) == want


@pytest.mark.parametrize("capacity", [1, 2])
def test_the_count_is_the_lists_length_by_either_search(
        capacity: int, monkeypatch: pytest.MonkeyPatch) -> None:
    org = rm.synth.generate(600, seed=1)
    juniors, seniors = rm.synth.cohort(org, 60, 40, seed=1)
    seniors = [s.model_copy(update={"capacity": capacity}) for s in seniors]
    res = rm.match(juniors, seniors, rm.Program(constraints=[rm.NoReportingLine()]),
                   org=org.org_chart())
    _path(monkeypatch, "numpy")
    listed = res.stability()
    assert listed.blocking_pairs  # the case is worth having: an optimum that blocks
    _path(monkeypatch, "compiled")
    counted = count_blocking(res)
    assert (counted.count, counted.people_touched, counted.cost) == (
        len(listed.blocking_pairs), listed.people_touched, listed.cost)
    assert res.stability().blocking_pairs == listed.blocking_pairs
