"""Briefs and the programme report: every number recomputed from the people."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

import rmatch as rm
from rmatch import synth
from rmatch.model.generations import generation_of
from rmatch.report.briefs import write_briefs
from tests.strategies import sides


def _programme() -> tuple[rm.MatchResult, list[rm.Participant], list[rm.Participant]]:
    org = synth.generate(1500, seed=3)
    juniors, seniors = synth.cohort(org, 30, 25, seed=3)
    program = rm.Program(
        constraints=[rm.NoReportingLine(), rm.SharedLanguage(),
                     rm.MinShare(attribute="department", share=0.5)],
        sensitive_attributes={"gender"})
    return rm.match(juniors, seniors, program, org=org.org_chart()), juniors, seniors


@settings(max_examples=12)
@given(sides(max_j=5, max_s=5, max_capacity=2, min_size=1))
def test_briefs_follow_from_the_people(people: tuple[list[rm.Participant],
                                                     list[rm.Participant]]) -> None:
    juniors, seniors = people
    has_gender = any("gender" in p.attributes for p in [*juniors, *seniors])
    res = rm.match(juniors, seniors,
                   rm.Program(sensitive_attributes={"gender"} if has_gender else set()))
    by_id = {p.id: p for p in [*juniors, *seniors]}
    briefs = res.briefs()
    assert [(b.junior_id, b.senior_id) for b in briefs] == \
        [(p.junior_id, p.senior_id) for p in res.pairs]
    for b, pair in zip(briefs, res.pairs, strict=True):
        j, s = by_id[b.junior_id], by_id[b.senior_id]
        want = {t: g * j.skills[t] for t, g in s.goals.items() if g * j.skills.get(t, 0) > 0}
        assert {t.skill: t.strength for t in b.junior_teaches} == pytest.approx(want, abs=1e-6)
        strengths = [t.strength for t in b.junior_teaches]
        assert strengths == sorted(strengths, reverse=True)
        back = {t: g * s.skills[t] for t, g in j.goals.items() if g * s.skills.get(t, 0) > 0}
        assert {t.skill: t.strength for t in b.senior_teaches} == pytest.approx(back, abs=1e-6)
        assert set(b.uncovered_goals) == {t for t, g in s.goals.items()
                                          if g > 0 and j.skills.get(t, 0) <= 0}
        if j.birth_year is None or s.birth_year is None:
            assert b.age_gap_years is None
        else:
            assert b.age_gap_years == j.birth_year - s.birth_year
        assert b.level_gap == (None if j.level is None or s.level is None
                               else s.level - j.level)
        assert set(b.shared_languages) == j.languages & s.languages
        assert b.score == pytest.approx(pair.score)
        assert "gender" not in b.differences
        for text in (b.to_markdown(), b.to_html(), b.model_dump_json()):
            assert "gender" not in text


def test_brief_names_only_on_request_and_reporting_distance() -> None:
    boss = rm.Participant(id="boss", name="Ana Boss", level=6, birth_year=1965)
    mid = rm.Participant(id="mid", name="Bo Mid", level=4, manager_id="boss",
                         birth_year=1975)
    kid = rm.Participant(id="kid", name="Cy Kid", level=0, manager_id="mid", birth_year=2001)
    org = rm.OrgChart.from_participants([boss, mid, kid])
    res = rm.match([kid], [boss], org=org)
    quiet, named = res.brief("kid", "boss"), res.brief("kid", "boss", names=True)
    assert quiet.junior_name is None
    assert "Cy Kid" not in quiet.to_markdown()
    assert named.junior_name == "Cy Kid"
    assert "Cy Kid (kid)" in named.to_markdown()
    assert quiet.reporting_distance == 2  # kid -> mid -> boss
    assert (quiet.junior_generation, quiet.senior_generation) == ("Gen Z", "Gen X")


def test_markup_in_ids_is_escaped() -> None:
    js = [rm.Participant(id="<script>|x")]
    ss = [rm.Participant(id="s*1*")]
    res = rm.match(js, ss)
    page = res.brief("<script>|x", "s*1*").to_html()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    title = res.brief("<script>|x", "s*1*").to_markdown().splitlines()[0]
    assert title == r"# Reverse-mentoring pair: \<script\>\|x (junior mentor) and s\*1\* " \
        "(senior mentee)"
    assert "-0.0" not in res.brief("<script>|x", "s*1*").to_markdown()
    lonely = rm.match(js, [rm.Participant(id="s", capacity=0)]).report().to_markdown()
    (row,) = [line for line in lonely.splitlines() if "script" in line]
    assert row.count(" | ") == 2  # the | in the id does not add a column


def test_report_numbers_match_the_pairs() -> None:
    res, juniors, seniors = _programme()
    rep = res.report()
    by_id = {p.id: p for p in [*juniors, *seniors]}
    pairs = res.pairs
    assert rep.pairs == len(pairs)
    assert rep.matched_juniors + len(res.unmatched_juniors) == rep.juniors == len(juniors)
    assert rep.matched_seniors + len(res.unmatched_seniors) == rep.seniors == len(seniors)
    assert [u.id for u in rep.unmatched] == [*res.unmatched_juniors, *res.unmatched_seniors]
    assert all(u.reason == res.unmatched_reasons[u.id] for u in rep.unmatched)
    scores = np.array([p.score for p in pairs])
    assert rep.score.mean == pytest.approx(res.objective / len(pairs))
    assert rep.score.min == pytest.approx(scores.min())
    assert sum(rep.histogram) == len(pairs)
    assert rep.histogram == np.histogram(scores, bins=10, range=(0, 1))[0].tolist()
    dept = [by_id[p.junior_id].department != by_id[p.senior_id].department for p in pairs]
    assert rep.cross_department_share == pytest.approx(np.mean(dept))
    assert (rep.cross_department_share or 0.0) >= 0.5  # the MinShare rule holds
    ages = [by_id[p.junior_id].birth_year - by_id[p.senior_id].birth_year  # type: ignore[operator]
            for p in pairs]
    assert rep.age_gap.median == pytest.approx(np.median(ages))
    want: dict[str, int] = {}
    for p in pairs:
        key = (f"{generation_of(by_id[p.junior_id].birth_year)} -> "
               f"{generation_of(by_id[p.senior_id].birth_year)}")
        want[key] = want.get(key, 0) + 1
    assert rep.generations == want
    assert list(rep.generations.values()) == sorted(want.values(), reverse=True)
    text = rep.to_markdown()  # in words in the table: Markdown escaped the arrow's ">"
    for key, count in want.items():
        assert f"| generations {key.replace(' -> ', ' to ')} | {count} |" in text
    assert "-\\>" not in text
    for bal in rep.balance:
        assert bal.attribute != "gender"  # sensitive: not shown unless asked
        for g in bal.groups:
            side = bal.side
            members = [p for p in pairs
                       if _field(by_id[p.junior_id if side == "junior" else p.senior_id],
                                 bal.attribute) == g.group]
            assert g.pairs == len(members)
            if members:
                assert g.mean_score == pytest.approx(np.mean([p.score for p in members]))
    (share,) = [c for c in rep.constraints if c.scope == "global"]
    assert share.holds is True
    assert share.detail == f"holds: {sum(dept)} of {len(pairs)} pairs qualify"
    sm = res.scores
    for con, summary in zip(sm.program.constraints, rep.constraints, strict=True):
        if summary.scope == "pairwise":
            assert summary.pairs_ruled_out == int((~con.mask(sm.context())).sum())


def _field(p: rm.Participant, name: str) -> str:
    value = getattr(p, name) if name in ("department", "location") else p.attributes.get(name)
    return value if value is not None else "(not given)"


def test_sensitive_groups_only_on_request_and_small_groups_withheld() -> None:
    res, _juniors, seniors = _programme()
    default = res.report()
    for text in (default.to_markdown(), default.to_html(plots=False),
                 default.model_dump_json()):
        assert "gender" not in text
    asked = res.report(groups=["gender"], min_group_size=5)
    counts: dict[str, int] = {}
    for p in seniors:
        key = p.attributes.get("gender", "(not given)")
        counts[key] = counts.get(key, 0) + 1
    (seniors_bal,) = [b for b in asked.balance if b.side == "senior"]
    shown = {g.group: g for g in seniors_bal.groups if not g.suppressed}
    for label, g in shown.items():
        assert counts[label] >= 5
        assert g.people == counts[label]
    withheld = set(counts) - set(shown)
    # Never exactly one withheld group: the totals minus the shown groups would give it.
    assert len(withheld) != 1
    assert not withheld or any(counts[k] < 5 for k in withheld)  # only a small group starts it
    markdown = asked.to_markdown()
    for label in withheld:
        assert f"| {label} |" not in markdown
    with pytest.raises(rm.InputError, match="'colour'"):
        res.report(groups=["colour"])


def test_report_files_and_notebook_views(tmp_path: Path) -> None:
    res, _, _ = _programme()
    rep = res.report()
    md = rep.write(tmp_path / "r.md")
    assert md.read_text(encoding="utf-8") == rep.to_markdown()
    page = rep.write(tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3  # the plots are embedded
    assert "<link" not in page
    assert "<script" not in page
    with pytest.raises(rm.InputError, match=r"must end in \.md or \.html"):
        rep.write(tmp_path / "r.pdf")
    assert res.pairs[0].junior_id in res._repr_html_()
    first = res.pairs[0]
    assert "What " in res.brief(first.junior_id, first.senior_id)._repr_html_()
    assert res.explain(first.junior_id, costs=False)._repr_html_().startswith("<pre>")
    assert "<table>" in rep._repr_html_()
    json.loads(rep.model_dump_json())
    paths = write_briefs(res, tmp_path / "briefs", fmt="html")
    assert len(paths) == len(res.pairs) == len({p.name for p in paths})
    assert all(p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") for p in paths)


def _bar_total(ax: Axes) -> float:
    return sum(p.get_height() for p in ax.patches if isinstance(p, Rectangle))


def test_plots_show_the_pairs() -> None:
    from rmatch.report import plot

    res, _, _ = _programme()
    assert _bar_total(plot.score_histogram(res).axes[0]) == len(res.pairs)
    left, right = plot.gap_distribution(res).axes[:2]
    assert _bar_total(left) == len(res.pairs)
    assert _bar_total(right) == len(res.pairs)
    image = plot.component_heatmap(res).axes[0].images[0].get_array()
    assert image is not None
    assert image.shape == (len(res.pairs), 3)
    best = max(res.pairs, key=lambda p: p.score)
    assert image[0].tolist() == pytest.approx([best.components[k] for k in sorted(
        best.components)])


def test_generation_cohorts() -> None:
    assert [generation_of(y) for y in (1946, 1964, 1965, 1980, 1981, 1996, 1997, 2012)] == [
        "Boomers", "Boomers", "Gen X", "Gen X", "Millennials", "Millennials", "Gen Z", "Gen Z"]
    assert generation_of(1900) is None


@pytest.mark.parametrize(("sizes", "expected"), [
    ({0: 3, 1: 20, 2: 9}, {0, 2}),      # one small group takes the next smallest with it
    ({0: 3, 1: 2, 2: 9}, {0, 1}),       # two small groups already hide each other
    ({0: 6, 1: 20}, set()),
    ({0: 3}, {0}),                      # alone: nothing else to subtract from
    ({0: 3, 1: 4}, {0, 1}),
])
def test_complementary_suppression_never_leaves_one_group_derivable(
        sizes: dict[int, int], expected: set[int]) -> None:
    assert rm.withheld_groups(sizes, {code: n < 5 for code, n in sizes.items()}) == expected


def test_a_withheld_group_is_not_recoverable_from_the_report() -> None:
    juniors = [rm.Participant(id=f"j{i}", birth_year=1995 + i % 5, level=1) for i in range(14)]
    genders = ["w"] * 6 + ["m"] * 6 + ["x"] * 2
    seniors = [rm.Participant(id=f"s{i}", birth_year=1965 + i % 7, level=5,
                              attributes={"gender": g}) for i, g in enumerate(genders)]
    program = rm.Program(constraints=[rm.GroupBalance(attribute="gender", max_gap=1.0)],
                         sensitive_attributes={"gender"})
    rep = rm.match(juniors, seniors, program).report(groups=["gender"])
    (bal,) = [b for b in rep.balance if b.side == "senior"]
    shown = [g.group for g in bal.groups if not g.suppressed]
    assert "x" not in shown
    assert len(shown) == 1  # 'x' (2 people) and the next smallest group are withheld
    texts = [rep.to_markdown(), rep.to_html(plots=False), rep.model_dump_json()]
    (line,) = [c.detail for c in rep.constraints if c.label.startswith("GroupBalance")]
    assert "withheld" in line
    for text in texts:
        assert "| x |" not in text
        assert "<td>x</td>" not in text
        assert '"x"' not in text


def test_a_group_report_does_not_betray_the_unmatched_or_a_single_score() -> None:
    """The review's case: 6 M and 6 F seniors, all M matched, five F in the unmatched table."""
    juniors = [rm.Participant(id=f"j{i}", birth_year=2000, skills={"genai": 1.0})
               for i in range(7)]
    seniors = ([rm.Participant(id=f"m{i}", birth_year=1970, level=5, goals={"genai": 1.0},
                               attributes={"gender": "M"}) for i in range(6)]
               + [rm.Participant(id=f"f{i}", birth_year=1970, level=5,
                                 attributes={"gender": "F"}) for i in range(6)])
    program = rm.Program(constraints=[], sensitive_attributes={"gender"})
    res = rm.match(juniors, seniors, program)
    assert {p.senior_id for p in res.pairs} >= {f"m{i}" for i in range(6)}  # the set-up holds
    assert len(res.unmatched_seniors) == 5
    rep = res.report(groups=["gender"], min_group_size=5)
    (bal,) = [b for b in rep.balance if b.side == "senior"]
    shown = [g for g in bal.groups if not g.suppressed]
    # "M: 6 people, 6 matched" would say the five unmatched are F; "F: 1 pair" would
    # give that pair's score as the group's mean.
    assert shown == []
    scores = {round(p.score, 6) for p in res.pairs}
    for text in (rep.to_markdown(), rep.model_dump_json()):
        assert "6 matched" not in text
    assert all(g.mean_score is None or round(g.mean_score, 6) not in scores
               for g in bal.groups)


def test_the_rules_section_counts_block_by_block_on_candidates_too() -> None:
    # Found by the programmes fuzz: the report of a programme solved on candidate
    # pairs with MinScore raised "has no full score matrix" (the count of pairs each
    # rule rules out took the whole matrix). Now counted a block of rows at a time:
    # the same counts as on the dense matrix, each equal to its rule's own mask.
    juniors, seniors = synth.cohort(synth.generate(600, seed=3), 40, 30, seed=3)
    rules = [rm.MinScore(value=0.3), rm.SharedLanguage(), rm.Forbid(
        pairs=[(juniors[0].id, seniors[0].id)])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.DataGapWarning)
        dense = rm.match(juniors, seniors, rm.Program(constraints=rules))
        blocks = rm.match(juniors, seniors, rm.Program(constraints=rules, solver="candidates"))
    counted = [[c.pairs_ruled_out for c in r.report().constraints] for r in (dense, blocks)]
    ctx = dense.scores.context()
    assert counted[0] == counted[1] == [int((~rule.mask(ctx)).sum()) for rule in rules]
    assert dense.scores.pairs_ruled_out(rules, cells=1) == counted[0]  # one row a block


def test_the_report_says_what_the_data_cannot_tell() -> None:
    # A report circulated to HR showed the reporting-line rule, not that no one's
    # manager was known: the gaps rm.match warned about are now a table of it.
    juniors = [rm.Participant(id="j1", birth_year=2001, department="HR")]
    seniors = [rm.Participant(id="s1", birth_year=1970, department="Human Resources"),
               rm.Participant(id="s2", birth_year=1968, department="Sales")]
    program = rm.Program(constraints=[rm.NoReportingLine()])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = rm.match(juniors, seniors, program)
    warned = [str(w.message) for w in caught if issubclass(w.category, rm.DataGapWarning)]
    assert result.data_gaps == warned == rm.data_gaps(juniors, seniors, program)
    assert len(warned) == 2
    report = result.report()
    markdown, page = report.to_markdown(), report.to_html(plots=False)
    assert "## What the data cannot tell" in markdown
    assert "<h2>What the data cannot tell</h2>" in page
    assert all(line.split(":")[0] in markdown for line in warned)
    quiet = rm.match([j.model_copy(update={"department": "Sales"}) for j in juniors],
                     [s.model_copy(update={"department": "Sales", "manager_id": "s2"})
                      if s.id == "s1" else s for s in seniors], rm.Program(constraints=[]))
    assert quiet.data_gaps == []
    assert "What the data cannot tell" not in quiet.report().to_markdown()
