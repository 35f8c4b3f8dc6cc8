"""Each pairwise constraint's vectorised mask against a per-pair oracle."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.constraints import pairwise
from rmatch.constraints.base import PairContext
from rmatch.jit import is_compiled
from rmatch.model.arrays import build_arrays
from rmatch.model.languages import LEVELS
from tests.strategies import org_charts, sides


def _mask(juniors: list[rm.Participant], seniors: list[rm.Participant],
          con: rm.Constraint, org: rm.OrgChart | None = None,
          ref: date | None = None) -> list[list[bool]]:
    sm = rm.score(juniors, seniors, rm.Program(constraints=[con], reference_date=ref), org=org)
    out: list[list[bool]] = sm.feasible.tolist()
    return out


@settings(max_examples=30)
@given(sides(4, 4), st.sampled_from([None, *LEVELS]))
def test_shared_language_at_a_level(people: tuple[list[rm.Participant], list[rm.Participant]],
                                    min_level: str | None) -> None:
    js, ss = people
    order = [None, *LEVELS]

    def good(p: rm.Participant) -> set[str]:
        """Languages spoken at min_level or better; a level unsaid is enough."""
        return {lang for lang in p.languages if min_level is None
                or p.language_levels.get(lang) is None
                or order.index(p.language_levels[lang]) >= order.index(min_level)}

    for unknown in ("forbid", "allow"):
        rule = rm.SharedLanguage(unknown=unknown, min_level=min_level)
        expected = [[bool(good(j) & good(s)) or (unknown == "allow"
                                                  and (not j.languages or not s.languages))
                     for s in ss] for j in js]
        assert _mask(js, ss, rule) == expected


@settings(max_examples=15)
@given(sides(4, 4))
def test_shared_language(people: tuple[list[rm.Participant], list[rm.Participant]]) -> None:
    js, ss = people
    expected = [[bool(j.languages & s.languages) for s in ss] for j in js]
    assert _mask(js, ss, rm.SharedLanguage()) == expected


@settings(max_examples=30)
@given(st.integers(1, 150), st.data(), st.sampled_from(["forbid", "allow"]))
def test_shared_language_with_many_languages(n_lang: int, data: st.DataObject,
                                             unknown: str) -> None:
    """Bits of one integer up to 64 languages, a matrix product beyond: the same answer."""
    langs = [f"l{k}" for k in range(n_lang)]
    pick = st.sets(st.sampled_from(langs), max_size=10)  # 12 people: up to 120 in use
    js = [rm.Participant(id=f"j{i}", languages=data.draw(pick)) for i in range(6)]
    ss = [rm.Participant(id=f"s{k}", languages=data.draw(pick)) for k in range(6)]
    expected = [[bool(j.languages & s.languages) or (unknown == "allow" and not (
        j.languages and s.languages)) for s in ss] for j in js]
    assert _mask(js, ss, rm.SharedLanguage(unknown=unknown)) == expected


def test_shared_language_beyond_64_languages() -> None:
    js = [rm.Participant(id=f"j{i}", languages={f"l{10 * i + k}" for k in range(10)})
          for i in range(7)]  # 70 languages: the matrix-product branch
    ss = [rm.Participant(id="s0", languages={"l69"}), rm.Participant(id="s1", languages={"l3"}),
          rm.Participant(id="s2", languages={"xx"})]
    expected = [[bool(j.languages & s.languages) for s in ss] for j in js]
    assert sum(map(sum, expected)) == 2
    assert _mask(js, ss, rm.SharedLanguage()) == expected


def _senior_enough(j: rm.Participant, s: rm.Participant) -> bool:
    if j.level is not None and s.level is not None and j.level >= s.level:
        return False  # an unknown level allows the pair
    if j.birth_year is None or s.birth_year is None:
        return True
    return j.birth_year > s.birth_year


@settings(max_examples=15)
@given(sides(4, 4))
def test_seniority_direction(people: tuple[list[rm.Participant], list[rm.Participant]]) -> None:
    js, ss = people
    assert _mask(js, ss, rm.SeniorityDirection()) == [[_senior_enough(j, s) for s in ss]
                                                       for j in js]


@pytest.mark.parametrize("seed", range(4))
def test_seniority_direction_with_many_juniors_and_few_seniors(seed: int) -> None:
    """More than four juniors a senior (a scan's narrow block) are compared transposed."""
    rng = np.random.default_rng(seed)

    def person(pid: str) -> rm.Participant:
        level, year = int(rng.integers(0, 4)), int(rng.integers(1960, 1964))
        return rm.Participant(id=pid, level=None if rng.random() < 0.2 else level,
                              birth_year=None if rng.random() < 0.2 else year)

    js = [person(f"j{i}") for i in range(13)]
    ss = [person(f"s{k}") for k in range(int(rng.integers(1, 3)))]
    want = [[_senior_enough(j, s) for s in ss] for j in js]
    assert 0 < sum(map(sum, want)) < len(js) * len(ss)  # both answers met
    assert _mask(js, ss, rm.SeniorityDirection()) == want


@settings(max_examples=40)
@given(sides(6, 7), st.sampled_from([None, *LEVELS]), st.sampled_from(["forbid", "allow"]),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_the_compiled_checks_give_the_rules_answer(
        people: tuple[list[rm.Participant], list[rm.Participant]], min_level: str | None,
        unknown: str, equal: bool, seed: int) -> None:
    """Large blocks' compiled loops (forced here on small ones) clear what the mask rules out.

    Each starts from pairs already ruled out by another rule, which must stay out.
    """
    rng = np.random.default_rng(seed)

    def person(pid: str) -> rm.Participant:  # levels and years that often tie
        level, year = int(rng.integers(0, 3)), int(rng.integers(1960, 1963))
        return rm.Participant(id=pid, level=None if rng.random() < 0.2 else level,
                              birth_year=None if rng.random() < 0.2 else year)

    cases = [(people, rm.SharedLanguage(unknown=unknown, min_level=min_level)),
             (([person(f"j{i}") for i in range(9)], [person(f"s{k}") for k in range(5)]),
              rm.SeniorityDirection(allow_equal=equal))]
    saved = pairwise.CHECKS_FROM_PAIRS
    try:
        pairwise.CHECKS_FROM_PAIRS = 0
        for (js, ss), rule in cases:
            ja, sa = build_arrays(js, ss)
            ctx = PairContext(ja, sa, np.zeros((len(js), len(ss)), np.float32))
            before = rng.random((len(js), len(ss))) < 0.8
            allowed = before.copy()
            rule.restrict(ctx, allowed)
            assert (allowed == (before & rule.mask(ctx))).all(), rule.label()
    finally:
        pairwise.CHECKS_FROM_PAIRS = saved
    assert is_compiled(pairwise._and_below)
    assert is_compiled(pairwise._and_shared) or not any(p.languages for p in people[0] + people[1])


def _offset(zone: str, day: date) -> float:
    off = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(zone)).utcoffset()
    assert off is not None
    return off.total_seconds() / 3600


@settings(max_examples=15)
@given(sides(4, 4), st.sampled_from([0.0, 1.0, 4.5, 9.0]),
       st.sampled_from(["forbid", "allow"]), st.none() | st.dates(date(2020, 1, 1)))
def test_max_timezone_gap(people: tuple[list[rm.Participant], list[rm.Participant]],
                          hours: float, missing: str, ref: date | None) -> None:
    js, ss = people
    days = [ref] if ref else [date(2026, 1, 15), date(2026, 7, 15)]

    def ok(j: rm.Participant, s: rm.Participant) -> bool:
        if j.timezone is None or s.timezone is None:
            return missing == "allow"
        return max(abs(_offset(j.timezone, d) - _offset(s.timezone, d)) for d in days) <= hours

    con = rm.MaxTimezoneGap.model_validate({"hours": hours, "missing": missing})
    assert _mask(js, ss, con, ref=ref) == [[ok(j, s) for s in ss] for j in js]


def test_timezone_gap_respects_daylight_saving_at_the_reference_date() -> None:
    j = [rm.Participant(id="j", timezone="Europe/London")]
    s = [rm.Participant(id="s", timezone="America/New_York")]
    con = rm.MaxTimezoneGap(hours=4)
    # 2026-03-20: New York is on summer time, London not yet -> 4 h apart.
    assert _mask(j, s, con, ref=date(2026, 3, 20)) == [[True]]
    assert _mask(j, s, con, ref=date(2026, 1, 20)) == [[False]]
    assert _mask(j, s, con) == [[False]]  # default: the larger of winter and summer gaps


@settings(max_examples=12)
@given(sides(4, 4), st.floats(0, 1))
def test_min_score(people: tuple[list[rm.Participant], list[rm.Participant]],
                   value: float) -> None:
    js, ss = people
    sm = rm.score(js, ss)
    con = rm.MinScore(value=value)
    got = _mask(js, ss, con)
    assert got == (sm.total >= value).tolist()


def test_no_repeat_uses_either_sides_record() -> None:
    js = [rm.Participant(id="j1", previous_partners={"s1"}), rm.Participant(id="j2")]
    ss = [rm.Participant(id="s1"), rm.Participant(id="s2", previous_partners={"j2", "x"})]
    assert _mask(js, ss, rm.NoRepeat()) == [[False, True], [True, False]]


def test_forbid_and_unknown_ids() -> None:
    js = [rm.Participant(id="j1"), rm.Participant(id="j2")]
    ss = [rm.Participant(id="s1")]
    assert _mask(js, ss, rm.Forbid(pairs=[("j2", "s1")])) == [[True], [False]]
    with pytest.raises(rm.InputError, match="Forbid pair 1: 'jx' is not a junior"):
        _mask(js, ss, rm.Forbid(pairs=[("jx", "s1")]))
    with pytest.raises(rm.InputError, match="Require pair 1: 's9' is not a senior"):
        _mask(js, ss, rm.Require(pairs=[("j1", "s9")]))
    with pytest.raises(rm.InputError, match=r"Forbid pair 1: 's1' is a senior of this "
                                            r"programme, not a junior \(are the two"):
        _mask(js, ss, rm.Forbid(pairs=[("s1", "j1")]))
    with pytest.raises(rm.InputError, match=r"'J1' is not a junior of this programme "
                                            r"\(did you mean 'j1'\?"):
        _mask(js, ss, rm.Forbid(pairs=[("J1", "s1")]))


def test_a_pair_list_changed_in_the_middle_is_read_again() -> None:
    # The index of a rule's pairs is kept per list; a list changed anywhere (a rule is
    # frozen, its list is not) must not answer from the old one.
    js = [rm.Participant(id=f"j{i}") for i in range(3)]
    ss = [rm.Participant(id=f"s{i}") for i in range(3)]
    pairs = [("j0", "s0"), ("j1", "s1"), ("j2", "s2")]
    rule = rm.Forbid(pairs=pairs)
    assert _mask(js, ss, rule)[1] == [True, False, True]
    rule.pairs[1] = ("j1", "s2")  # same list, same length, same ends
    assert _mask(js, ss, rule)[1] == [True, True, False]


@settings(max_examples=40)
@given(st.integers(1, 12), st.integers(1, 12), st.data())
def test_forbid_and_require_on_a_block_are_the_whole_programmes_rows_and_columns(
        n_j: int, n_s: int, data: st.DataObject) -> None:
    # A block finds its own pairs by its ids (an index kept per pair list): the
    # reasons of people left out ask one row at a time, and the candidate path
    # block after block. Oracle: the whole programme's mask, sliced.
    juniors = [rm.Participant(id=f"Jos\u0065\u0301{i}") for i in range(n_j)]  # decomposed é
    seniors = [rm.Participant(id=f"s{k}") for k in range(n_s)]
    cells = st.tuples(st.integers(0, n_j - 1), st.integers(0, n_s - 1))
    chosen = data.draw(st.lists(cells, max_size=30))
    pairs = [(f"Jos\u00e9{i}", f"s{k}") for i, k in chosen]  # written composed
    forbid, require = rm.Forbid(pairs=pairs), rm.Require(pairs=pairs)
    sm = rm.score(juniors, seniors, rm.Program(constraints=[]))
    whole = forbid.mask(sm.context())
    assert not whole[tuple(np.array(chosen, dtype=int).T)].any() if chosen else whole.all()
    assert whole.sum() == n_j * n_s - len(set(chosen))
    rows = data.draw(st.lists(st.integers(0, n_j - 1), min_size=1, max_size=n_j, unique=True))
    cols = data.draw(st.lists(st.integers(0, n_s - 1), min_size=1, max_size=n_s, unique=True))
    block = sm.context(rows=rows, cols=cols)
    assert forbid.mask(block).tolist() == whole[np.ix_(rows, cols)].tolist()
    got = set(zip(*(a.tolist() for a in require.indices(block)), strict=True))
    assert got == {(rows.index(i), cols.index(k)) for i, k in chosen if i in rows and k in cols}
    # A rule's list changed in place at an end is indexed again, not read stale.
    if pairs:
        forbid.pairs[-1] = ("Jos\u00e90", "s0")
        again = forbid.mask(sm.context())
        assert not again[0, 0]



@settings(max_examples=15)
@given(org_charts(25, min_size=2), st.data(), st.none() | st.integers(1, 3))
def test_no_reporting_line(managers: dict[str, str | None], data: st.DataObject,
                           depth: int | None) -> None:
    org = rm.OrgChart(managers=managers)
    ids = list(managers)
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=2, max_size=10))
    cut = data.draw(st.integers(1, len(chosen) - 1))
    js = [rm.Participant(id=e, manager_id=managers[e]) for e in chosen[:cut]]
    ss = [rm.Participant(id=e, manager_id=managers[e]) for e in chosen[cut:]]
    expected = [[not (org.in_chain(s.id, j.id, depth) or org.in_chain(j.id, s.id, depth))
                 for s in ss] for j in js]
    assert _mask(js, ss, rm.NoReportingLine(depth=depth), org=org) == expected


def test_no_reporting_line_without_org_names_the_missing_manager() -> None:
    js = [rm.Participant(id="j", manager_id="boss")]
    ss = [rm.Participant(id="s")]
    with pytest.raises(rm.InputError, match=r"NoReportingLine needs every manager.*'boss'"):
        _mask(js, ss, rm.NoReportingLine())
    # With the participants forming the chart themselves, no org is needed.
    js2 = [rm.Participant(id="j", manager_id="s")]
    assert _mask(js2, ss, rm.NoReportingLine()) == [[False]]


def test_ruled_out_by_names_every_violated_constraint() -> None:
    js = [rm.Participant(id="j", languages={"en"}, level=5, manager_id="s")]
    ss = [rm.Participant(id="s", languages={"de"}, level=3)]
    prog = rm.Program(constraints=[rm.SharedLanguage(), rm.SeniorityDirection(),
                                   rm.NoReportingLine(depth=1)])
    sm = rm.score(js, ss, prog)
    assert sm.ruled_out_by("j", "s") == ["SharedLanguage", "SeniorityDirection",
                                         "NoReportingLine(depth=1)"]


@settings(max_examples=15)
@given(org_charts(60, min_size=30), st.data(), st.none() | st.integers(1, 3), st.booleans())
def test_no_reporting_line_few_against_many(managers: dict[str, str | None],
                                            data: st.DataObject, depth: int | None,
                                            few_juniors: bool) -> None:
    """A few people against a whole side: managers looked up among the side's kept ones."""
    org = rm.OrgChart(managers=managers)
    chosen = data.draw(st.lists(st.sampled_from(list(managers)), unique=True, min_size=30,
                                max_size=60))
    cut = data.draw(st.integers(1, 3)) if few_juniors else len(chosen) - data.draw(
        st.integers(1, 3))
    js = [rm.Participant(id=e, manager_id=managers[e]) for e in chosen[:cut]]
    ss = [rm.Participant(id=e, manager_id=managers[e]) for e in chosen[cut:]]
    expected = [[not (org.in_chain(s.id, j.id, depth) or org.in_chain(j.id, s.id, depth))
                 for s in ss] for j in js]
    assert _mask(js, ss, rm.NoReportingLine(depth=depth), org=org) == expected


@settings(max_examples=25)
@given(org_charts(80, min_size=40), st.data(), st.none() | st.integers(1, 3))
def test_no_reporting_line_on_parts_of_the_sides(managers: dict[str, str | None],
                                                 data: st.DataObject, depth: int | None) -> None:
    """A scan's parts (many rows of one side against a few of the other) clear what the mask does.

    Tall parts are looked up through their whole side's kept arrays; parts taken
    out of order, and parts of both sides, the direct way: each against the
    whole programme's mask.
    """
    org = rm.OrgChart(managers=managers)
    ids = list(managers)
    cut = data.draw(st.integers(10, len(ids) - 10))
    js = [rm.Participant(id=e, manager_id=managers[e]) for e in ids[:cut]]
    ss = [rm.Participant(id=e, manager_id=managers[e]) for e in ids[cut:]]
    rule = rm.NoReportingLine(depth=depth)
    want = np.array(_mask(js, ss, rule, org=org))
    ja, sa = build_arrays(js, ss)
    # Parts of whole sides, one of them many times the other (the lookups through
    # the whole side), sorted or not, and a whole side against a part.
    many_j = np.array(sorted(data.draw(st.sets(st.integers(0, len(js) - 1), min_size=9))))
    few_s = np.array(data.draw(st.lists(st.integers(0, len(ss) - 1), min_size=1, max_size=1)))
    many_s = np.array(sorted(data.draw(st.sets(st.integers(0, len(ss) - 1), min_size=9))))
    few_j = np.array(data.draw(st.lists(st.integers(0, len(js) - 1), min_size=1, max_size=1)))
    shuffled = np.array(data.draw(st.permutations(list(range(len(js))))))
    for r, c in ((many_j, few_s), (few_j, many_s), (shuffled, few_s), (many_j, many_s),
                 (np.arange(len(js)), few_s), (few_j, np.arange(len(ss)))):
        part_j = ja.take(r) if len(r) < len(js) or r is shuffled else ja
        part_s = sa.take(c) if len(c) < len(ss) else sa
        allowed = np.ones((len(r), len(c)), np.bool_)
        rule.restrict(PairContext(part_j, part_s, np.zeros((len(r), len(c)), np.float32), org,
                                  block=True), allowed)
        assert (allowed == want[np.ix_(r, c)]).all()
