"""The compiled scoring pass against numpy broadcasts of the same formulas, bit for bit.

The references are written the plain way (one numpy pass per operation, as
rmatch scored before the kernel): generation and diversity must agree in
every bit, skills with a float32 sum in the same order, and the total is
exactly the float32 weighted sum of the components the kernel returns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints.pairwise import SeniorityDirection
from rmatch.model.arrays import ParticipantArrays
from rmatch.scoring.blocks import ProgrammeSource
from rmatch.scoring.builtin import BUILTIN_COMPONENTS, _diversity_groups, _skills_factors
from rmatch.scoring.kernel import TILE, builtin_total
from rmatch.scoring.plan import plan_scores
from tests.strategies import sides

F32 = npt.NDArray[np.float32]


@pytest.fixture(autouse=True)
def _the_kernel_scores_every_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small blocks are scored by numpy passes: these tests are about the kernel."""
    monkeypatch.setattr("rmatch.scoring.builtin.KERNEL_FROM_PAIRS", 0)


def ref_generation(js: ParticipantArrays, ss: ParticipantArrays,
                   opt: rm.ScoringOptions) -> F32:
    bj, bs = js.birth_year.astype(np.float32), ss.birth_year.astype(np.float32)
    a = np.subtract.outer(bj, bs)
    with np.errstate(invalid="ignore"):
        older = a < 0
    a /= np.float32(opt.age_span_years)
    np.clip(a, 0, 1, out=a)
    v = np.subtract.outer(js.level.astype(np.float32), ss.level.astype(np.float32))
    v /= np.float32(-opt.level_span)
    np.clip(v, 0, 1, out=v)
    mix = (a - v) * np.float32(1 - opt.level_share) + v
    no_level, no_age = np.isnan(v), np.isnan(bj)[:, None] | np.isnan(bs)[None, :]
    # one part alone where the other is unknown, nothing where both are
    out = np.where(no_level, a, np.where(no_age, v, mix))
    out[no_level & no_age] = 0
    out[older] = 0
    return np.asarray(out, dtype=np.float32)


def ref_diversity(js: ParticipantArrays, ss: ParticipantArrays, opt: rm.ScoringOptions) -> F32:
    names, starts, weights = _diversity_groups(js, ss, opt)
    out = np.zeros((len(js), len(ss)), dtype=np.float32)
    for g, w in enumerate(weights):
        count = np.zeros(out.shape, dtype=np.int32)
        for name in names[starts[g]:starts[g + 1]]:
            cj, cs = js.attribute(name)[:, None], ss.attribute(name)[None, :]
            count += (cj != cs) & (cj >= 0) & (cs >= 0)
        if g == 0:
            out = count.astype(np.float32) * w
        else:
            out += count.astype(np.float32) * w
    return np.clip(out, 0, 1)


def ref_skills(js: ParticipantArrays, ss: ParticipantArrays, opt: rm.ScoringOptions) -> F32:
    left, right = _skills_factors(js, ss, opt)
    out = np.zeros((len(js), len(ss)), dtype=np.float32)
    for t in range(left.shape[1]):  # float32, term after term, as the kernel adds them
        out += left[:, t:t + 1] * right[t][None, :]
    return np.clip(out, 0, 1)


options = st.builds(
    rm.ScoringOptions,
    age_span_years=st.floats(1, 60), level_span=st.integers(1, 8),
    level_share=st.floats(0, 1), mutual_share=st.floats(0, 1),
    diversity_fields=st.none() | st.dictionaries(
        st.sampled_from(["department", "location", "gender", "background"]),
        st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=1))
weights = st.builds(rm.Weights, generation=st.floats(0, 3), skills=st.floats(0, 3),
                    diversity=st.floats(0.01, 3))


@settings(max_examples=40, deadline=None)
@given(sides(7, 7), options, weights)
def test_components_and_total_have_the_bits_of_the_plain_formulas(
    people: tuple[list[rm.Participant], list[rm.Participant]], opt: rm.ScoringOptions,
    w: rm.Weights,
) -> None:
    juniors, seniors = people
    sm = rm.score(juniors, seniors, rm.Program(scoring=opt, weights=w, constraints=[]))
    assert_plain_bits(sm, opt, w)


def assert_plain_bits(sm: rm.ScoreMatrix, opt: rm.ScoringOptions, w: rm.Weights) -> None:
    """Each component as the plain formula's bits; the total their float32 weighted sum."""
    js, ss = sm.juniors, sm.seniors
    assert np.array_equal(sm.components["generation"], ref_generation(js, ss, opt))
    assert np.array_equal(sm.components["diversity"], ref_diversity(js, ss, opt))
    assert np.array_equal(sm.components["skills"], ref_skills(js, ss, opt))
    wsum = sum(w.as_dict().values())
    total = np.zeros(sm.shape, dtype=np.float32)
    for name in BUILTIN_COMPONENTS:  # in the components' order
        total += sm.components[name] * np.float32(w.as_dict()[name] / wsum)
    assert np.array_equal(sm.total, np.clip(total, 0, 1))


@settings(max_examples=20, deadline=None)
@given(sides(6, 6), st.floats(0, 1))
def test_skills_is_the_exact_coverage_to_float32_rounding(
    people: tuple[list[rm.Participant], list[rm.Participant]], mu: float
) -> None:
    juniors, seniors = people
    opt = rm.ScoringOptions(mutual_share=mu)
    sm = rm.score(juniors, seniors, rm.Program(scoring=opt, constraints=[]))
    left, right = _skills_factors(sm.juniors, sm.seniors, opt)
    exact = np.clip(left.astype(np.float64) @ right.astype(np.float64), 0, 1)
    np.testing.assert_allclose(sm.components["skills"], exact, atol=1e-6)


def test_wide_programmes_cross_tiles_and_keep_the_bits() -> None:
    # More seniors than one tile (and a partial last tile), missing birth
    # years and blank fields on both sides.
    rng = np.random.default_rng(3)
    org = rm.synth.generate(3000, seed=3)
    juniors, seniors = rm.synth.cohort(org, 40, TILE + 300, seed=3, max_junior_level=0,
                                         min_senior_level=1)
    assert len(seniors) == TILE + 300
    juniors = [p.model_copy(update={"birth_year": None} if k % 7 == 0 else {})
               for k, p in enumerate(juniors)]
    seniors = [p.model_copy(update={"birth_year": None, "department": None}
                            if rng.random() < 0.1 else {}) for p in seniors]
    opt = rm.ScoringOptions()
    w = rm.Weights(generation=0.7, skills=1.3, diversity=0.9)
    sm = rm.score(juniors, seniors, rm.Program(scoring=opt, weights=w, constraints=[]))
    assert_plain_bits(sm, opt, w)
    js, ss = sm.juniors, sm.seniors
    # A block of the programme, scored without its components, has the same total.
    plan = plan_scores(juniors, seniors, sm.program)
    src = ProgrammeSource(js, ss, plan, None)
    total, _ = src.totals(np.array([0, 13, 39]), slice(None))
    assert np.array_equal(total, sm.total[[0, 13, 39]])


def test_the_kernel_alone_on_hand_made_arrays() -> None:
    # Junior born 2000 at level 0, seniors born 1970 at level 4 and 2010 at level 1.
    total = np.empty((1, 2), np.float32)
    comps = np.empty((3, 1, 2), np.float32)
    builtin_total(
        bj=np.array([2000], np.float32), lj=np.array([0], np.float32),
        bs=np.array([1970, 2010], np.float32), ls=np.array([4, 1], np.float32),
        generation=np.array([30, -4, 0.5], np.float32),
        left=np.array([[1.0, 0.0]], np.float32), right=np.array([[0.5, 1.0], [1, 1]], np.float32),
        cj=np.array([[1, -1]], np.int32), cs=np.array([[1, 2], [0, 0]], np.int32),
        group_start=np.array([0, 2], np.int64), group_weight=np.array([0.5], np.float32),
        weights=np.array([1, 1, 1], np.float32), total=total, components=comps)
    # Older junior than the second senior: no generation; a full gap for the first.
    assert comps[0].tolist() == [[1.0, 0.0]]
    # The junior's second term is 0 (skipped): skills are the first term's values.
    assert comps[1].tolist() == [[0.5, 1.0]]
    # Field 0 differs from the second senior only; field 1 is blank for the junior.
    assert comps[2].tolist() == [[0.0, 0.5]]
    assert total.tolist() == [[1.5, 1.5]]  # not clipped unless asked


@pytest.mark.parametrize("allow_equal", [False, True])
def test_seniority_direction_treats_missing_birth_years_as_allowed(allow_equal: bool) -> None:
    people = [rm.Participant(id=f"p{k}", birth_year=y, level=lev)
              for k, (y, lev) in enumerate([(None, 0), (1990, 0), (1990, 1), (None, 2),
                                            (1980, 2), (1995, 3), (1985, None)])]
    sm = rm.score(people, [p.model_copy(update={"id": p.id + "s"}) for p in people],
                  rm.Program(constraints=[SeniorityDirection(allow_equal=allow_equal)]))
    for i, j in enumerate(people):
        for k, s in enumerate(people):
            lower = (j.level is None or s.level is None  # unknown allows
                     or (j.level <= s.level if allow_equal else j.level < s.level))
            younger = (j.birth_year is None or s.birth_year is None
                       or (j.birth_year >= s.birth_year if allow_equal
                           else j.birth_year > s.birth_year))
            assert bool(sm.feasible[i, k]) == (lower and younger), (j, s)


def test_scores_without_a_writable_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import numba

    from rmatch.scoring import kernel as _kernel

    real = numba.njit

    def no_cache(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function '_tiles': no locator available")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", no_cache)
    monkeypatch.setattr(_kernel, "_compiled", None)
    juniors = [rm.Participant(id="j", birth_year=2000, skills={"genai": 1.0})]
    seniors = [rm.Participant(id="s", birth_year=1965, level=4, goals={"genai": 1.0})]
    sm = rm.score(juniors, seniors, rm.Program(constraints=[]))
    assert float(sm.components["skills"][0, 0]) == 0.75
    assert float(sm.components["generation"][0, 0]) == 1.0
    assert _kernel._compiled is not None


@pytest.mark.parametrize("seed", range(4))
def test_many_terms_and_fields_keep_the_order_of_the_sums(seed: int) -> None:
    """Juniors with 0 to 11 terms and 0 to 9 known fields (zeros, blanks), two field groups.

    The kernel adds four terms (and four fields) a pass: each pair's skills
    must still be the float32 sum term after term, diversity the count of
    differing known fields, bit for bit.
    """
    rng = np.random.default_rng(seed)
    n, m, terms, fields = 23, TILE + 77, 11, 9
    left = rng.random((n, terms)).astype(np.float32)
    left[rng.random((n, terms)) < 0.35] = 0
    left[0] = 0  # a junior with no term at all
    right = rng.random((terms, m)).astype(np.float32)
    cj = rng.integers(-1, 3, (n, fields)).astype(np.int32)
    cs = rng.integers(-1, 3, (fields, m)).astype(np.int32)
    starts, gw = np.array([0, 6, fields], np.int64), np.array([0.15, 0.3], np.float32)
    bj, bs = rng.uniform(1990, 2005, n).astype(np.float32), rng.uniform(1960, 1990, m)
    total = np.empty((n, m), np.float32)
    comps = np.empty((3, n, m), np.float32)
    builtin_total(bj=bj, lj=np.zeros(n, np.float32), bs=bs.astype(np.float32),
                  ls=np.full(m, 3, np.float32), generation=np.array([30, -4, 0.5], np.float32),
                  left=left, right=right, cj=cj, cs=cs, group_start=starts, group_weight=gw,
                  weights=np.array([1, 1, 1], np.float32), total=total, components=comps)
    skills = np.zeros((n, m), np.float32)
    for t in range(terms):  # term after term, in float32
        skills += left[:, t:t + 1] * right[t][None, :]
    assert np.array_equal(comps[1], np.clip(skills, 0, 1))
    diversity = np.zeros((n, m), np.float32)
    for g in range(2):
        a, b = cj[:, starts[g]:starts[g + 1], None], cs[None, starts[g]:starts[g + 1], :]
        count = ((a != b) & (a >= 0) & (b >= 0)).sum(axis=1).astype(np.int32)
        diversity = diversity + count.astype(np.float32) * gw[g]
    assert np.array_equal(comps[2], np.clip(diversity, 0, 1))
    # Both sums ran (values well above 0): the comparisons tested something.
    assert comps[1].max() > 0.5
    assert comps[2].max() > 0.5


@settings(max_examples=40, deadline=None)
@given(sides(7, 7), options, weights, st.booleans(), st.booleans())
def test_numpy_passes_and_the_kernel_write_the_same_bits(
    people: tuple[list[rm.Participant], list[rm.Participant]], opt: rm.ScoringOptions,
    w: rm.Weights, keep: bool, clip: bool,
) -> None:
    """Small blocks go to numpy, large ones to the kernel: a programme scores alike either way."""
    from rmatch.scoring import kernel as _kernel
    from rmatch.scoring.builtin import _builtin_scores

    juniors, seniors = people
    js, ss = rm.model.build_arrays(juniors, seniors)
    wsum = sum(w.as_dict().values())
    shares = [w.as_dict()[name] / wsum for name in BUILTIN_COMPONENTS]
    import rmatch.scoring.builtin as builtin

    # Set for each example (hypothesis runs them all in one call); the fixture restores it.
    builtin.KERNEL_FROM_PAIRS = 0
    kernel = _builtin_scores(js, ss, opt, shares, keep=keep, clip=clip)
    builtin.KERNEL_FROM_PAIRS = 10**12
    ready, passes, calls = _kernel.ready, builtin.numpy_total, []

    def counted(**kwargs: Any) -> None:
        calls.append(1)
        passes(**kwargs)

    # As in a process that never compiled the kernel (it is ready here by now).
    setattr(_kernel, "ready", lambda: False)  # noqa: B010
    setattr(builtin, "numpy_total", counted)  # noqa: B010
    try:
        plain = _builtin_scores(js, ss, opt, shares, keep=keep, clip=clip)
    finally:
        setattr(_kernel, "ready", ready)  # noqa: B010
        setattr(builtin, "numpy_total", passes)  # noqa: B010
    builtin.KERNEL_FROM_PAIRS = 0
    assert calls == [1]
    assert np.array_equal(kernel[0], plain[0])
    assert kernel[1].keys() == plain[1].keys()
    for name in kernel[1]:
        assert np.array_equal(kernel[1][name], plain[1][name]), name


def test_small_blocks_use_the_kernel_once_it_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large programme compiled it: the blocks a scan scores below the cut-off use it too."""
    from rmatch.scoring import builtin
    from rmatch.scoring import kernel as _kernel

    js, ss = rm.model.build_arrays([rm.Participant(id="j", birth_year=2000)],
                                   [rm.Participant(id="s", birth_year=1970, level=3)])
    opt, shares = rm.ScoringOptions(), [1 / 3] * 3
    builtin._builtin_scores(js, ss, opt, shares, keep=False, clip=True)  # compiles (KERNEL_FROM 0)
    assert _kernel.ready()
    monkeypatch.setattr(builtin, "KERNEL_FROM_PAIRS", 10**12)
    calls: list[int] = []
    monkeypatch.setattr(builtin, "numpy_total", lambda **_: calls.append(1))
    total, _ = builtin._builtin_scores(js, ss, opt, shares, keep=False, clip=True)
    assert calls == []
    assert 0 < float(total[0, 0]) <= 1


@pytest.mark.parametrize(("seed", "n_groups"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 1)])
def test_the_total_alone_has_the_bits_of_the_total_with_components(seed: int,
                                                                   n_groups: int) -> None:
    """Without components the total is computed in a pass of its own: the same bits.

    Juniors with 0 to 11 terms and known fields in 0 to 3 groups, missing
    birth years and levels (NaN), juniors older than some seniors, clipped
    and not: the kept components are checked against the plain formulas
    above, so the total with them is the reference.
    """
    rng = np.random.default_rng(seed)
    n, m, terms, fields = 31, TILE + 45, 11, 9
    left = rng.random((n, terms)).astype(np.float32)
    left[rng.random((n, terms)) < 0.4] = 0
    left[0] = 0
    right = rng.random((terms, m)).astype(np.float32)
    cj = rng.integers(-1, 3, (n, fields)).astype(np.int32)
    cs = rng.integers(-1, 3, (fields, m)).astype(np.int32)
    starts = np.sort(np.r_[0, rng.choice(np.arange(1, fields), n_groups - 1, replace=False),
                           fields]).astype(np.int64) if n_groups else np.zeros(1, np.int64)
    gw = rng.uniform(0.05, 0.4, n_groups).astype(np.float32)
    bj = rng.uniform(1960, 2005, n).astype(np.float32)
    bs = rng.uniform(1950, 2000, m).astype(np.float32)
    lj = rng.integers(0, 3, n).astype(np.float32)
    ls = rng.integers(0, 8, m).astype(np.float32)
    for arr in (bj, bs, lj, ls):
        arr[rng.random(len(arr)) < 0.2] = np.nan
    for clip in (False, True):
        args: dict[str, Any] = {
            "bj": bj, "lj": lj, "bs": bs, "ls": ls,
            "generation": np.array([30, -4, 0.6], np.float32), "left": left, "right": right,
            "cj": cj, "cs": cs, "group_start": starts, "group_weight": gw,
            "weights": np.array([0.7, 0.9, 1.3], np.float32), "clip": clip}
        alone, kept = np.empty((n, m), np.float32), np.empty((n, m), np.float32)
        comps = np.empty((3, n, m), np.float32)
        builtin_total(**args, total=alone)
        builtin_total(**args, total=kept, components=comps)
        assert np.array_equal(alone.view(np.int32), kept.view(np.int32))
        # Every part of the formula took part: some pairs of each kind.
        assert (comps[0] == 0).any()
        assert (comps[0] > 0).any()
        assert (comps[2] > 0).any() == (n_groups > 0)
        assert (kept > 1).any() != clip
