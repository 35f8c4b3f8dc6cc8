"""Gaps in the data that change the result are said before a match, once each."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pytest

import rmatch as rm
from rmatch import synth
from rmatch.program.gaps import short_forms
from tests.helpers import run_cli


def _form() -> tuple[list[rm.Participant], list[rm.Participant]]:
    """A sign-up form: names and skills, no birth years, levels, managers or languages."""
    juniors = [rm.Participant(id=f"j{i}", name=f"Junior {i}", skills={"genai": 1.0})
               for i in range(3)]
    seniors = [rm.Participant(id=f"s{i}", name=f"Senior {i}", goals={"genai": 1.0})
               for i in range(2)]
    return juniors, seniors


def test_a_form_without_hr_facts_gets_one_line_per_gap() -> None:
    juniors, seniors = _form()
    lines = rm.data_gaps(juniors, seniors)
    assert len(lines) == 4
    assert "generation scores 0 for every pair" in lines[0]
    assert lines[1].startswith("no participant has a level: SeniorityDirection")
    assert lines[2].startswith("5 of 5 participants have no known manager: NoReportingLine")
    assert lines[3].startswith("5 of 5 participants give no language: SharedLanguage")
    # Counts, never a person's name or id.
    assert not any(p.id in line or str(p.name) in line for line in lines
                   for p in [*juniors, *seniors])


def test_a_side_with_nobody_has_no_pair_to_miss_anything() -> None:
    juniors, seniors = _form()
    assert rm.data_gaps(juniors, seniors)  # the same people with both sides: four gaps
    assert rm.data_gaps(juniors, []) == []
    assert rm.data_gaps([], seniors) == []


def test_someone_on_both_sides_is_counted_once() -> None:
    # A roster of 7 people, one of them on both sides, said "8 of 8 participants".
    juniors, seniors = _form()
    both = rm.Participant(id="b", role="both")
    lines = rm.data_gaps([*juniors, both], [*seniors, both])
    assert any(line.startswith("6 of 6 participants give no language") for line in lines)
    assert any(line.startswith("6 of 6 participants have no known manager") for line in lines)


def test_match_warns_with_the_same_lines_once_each() -> None:
    juniors, seniors = _form()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rm.match(juniors, seniors)
    gaps = [str(w.message) for w in caught if issubclass(w.category, rm.DataGapWarning)]
    assert gaps == rm.data_gaps(juniors, seniors)


def test_only_the_gaps_the_rules_and_weights_read_are_said() -> None:
    juniors, seniors = _form()
    program = rm.Program(constraints=[], weights={"generation": 0})
    assert rm.data_gaps(juniors, seniors, program) == []
    # Levels known on both sides: generation still compares them.
    leveled = ([j.model_copy(update={"level": 1}) for j in juniors],
               [s.model_copy(update={"level": 5}) for s in seniors])
    lines = rm.data_gaps(*leveled, rm.Program(constraints=[]))
    assert lines == ["no pair has both birth years: generation compares levels only"]
    # Some birth years missing: how many, and what it means.
    some = [juniors[0].model_copy(update={"birth_year": 2000}), *juniors[1:]]
    seniors_born = [s.model_copy(update={"birth_year": 1970}) for s in seniors]
    lines = rm.data_gaps(some, seniors_born, rm.Program(constraints=[]))
    assert lines == ["2 of 5 participants have no birth year: their pairs' generation "
                     "compares levels only"]


def test_a_full_org_chart_leaves_only_the_top_without_a_manager() -> None:
    org = synth.generate(300, seed=2)
    juniors, seniors = synth.cohort(org, 20, 10, seed=2)
    chart = org.org_chart()
    lines = rm.data_gaps(juniors, seniors, rm.Program(), org=chart)
    assert not any("manager" in line for line in lines)
    # Without the chart, the seniors whose managers are not in the cohort
    # still have a manager_id: only people without one count.
    cut = [j.model_copy(update={"manager_id": None}) for j in juniors[:4]]
    lines = rm.data_gaps([*cut, *juniors[4:]], seniors, rm.Program())
    counted = [line for line in lines if "no known manager" in line]
    top = sum(s.manager_id is None for s in seniors)
    assert counted == [f"{4 + top} of 30 participants have no known manager: "
                       "NoReportingLine(depth=2) cannot keep them from being paired within "
                       "their own reporting line"]


def test_a_chart_missing_people_counts_them_and_its_top() -> None:
    """Given a chart, the people it lacks count as having no known manager, as its top does."""
    chart = rm.OrgChart(managers={"a": None, "b": "a", "s0": "a"})
    juniors = [rm.Participant(id=i, manager_id="a") for i in ("b", "c", "d")]
    lines = rm.data_gaps(juniors, [rm.Participant(id="s0"), rm.Participant(id="a")],
                         rm.Program(), org=chart)
    # c and d are not in the chart (their manager_id is not read), a is its top.
    assert [line for line in lines if "manager" in line] == [
        "3 of 5 participants have no known manager: NoReportingLine(depth=2) cannot keep "
        "them from being paired within their own reporting line"]


def test_validate_prints_the_gaps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "form.csv"
    roster.write_text("id,role,skills,goals\nj1,junior,genai,\nj2,junior,cloud,\n"
                      "s1,senior,,genai\ns2,senior,,cloud\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "validate", str(roster))
    assert code == 0
    juniors, seniors, _ = rm.split_roles(rm.read_participants(roster))
    for line in rm.data_gaps(juniors, seniors):
        assert f"warning: {line}" in out


def test_slots_without_a_time_zone_point_to_a_default() -> None:
    juniors = [rm.Participant(id="j", availability={"Mon AM"})]
    seniors = [rm.Participant(id="s", availability={"Mon AM"}, timezone="UTC"),
               rm.Participant(id="t")]
    program = rm.Program(constraints=[rm.SharedTime()], weights={"generation": 0})
    (line,) = rm.data_gaps(juniors, seniors, program)
    assert line.startswith("2 of 3 participants give no availability or no time zone")
    assert "(1 gives slots but no time zone: a file without a time-zone column takes one " \
           "for everyone with defaults={'timezone': ...}" in line
    zoned = [j.model_copy(update={"timezone": "UTC"}) for j in juniors]
    (line,) = rm.data_gaps(zoned, seniors, program)
    assert "defaults=" not in line  # 't' gives no slots: a default zone would not help
    # An office that names a city is the zone to read (a form's "Where are you based?").
    officed = [j.model_copy(update={"location": "Lisbon"}) for j in juniors]
    (line,) = rm.data_gaps(officed, seniors, program)
    assert "(1 gives slots but no time zone: 1 of them gives an office that names a time " \
           "zone: the office column read as the time zone too gives it" in line


@pytest.mark.parametrize("missing", ["allow", "forbid"])
def test_a_time_zone_limit_on_people_without_one_is_said(missing: str) -> None:
    # Found trying an export with offices and no time-zone column under the rules
    # page's time-zone limit: nobody was paired, each unmatched as "MaxTimezoneGap
    # rules out 2", and no line said that no one's time zone was known.
    juniors = [rm.Participant(id="j1", location="Remote"), rm.Participant(id="j2")]
    seniors = [rm.Participant(id="s1", timezone="Europe/London"), rm.Participant(id="s2")]
    rule = rm.MaxTimezoneGap(hours=3, missing=missing)
    program = rm.Program(constraints=[rule], weights={"generation": 0})
    (line,) = rm.data_gaps(juniors, seniors, program)
    effect = "pairs them with anyone" if missing == "allow" else "leaves them without a partner"
    assert line == (f"3 of 4 participants give no time zone: {rule.label()} {effect} (a file "
                    "without a time-zone column takes one for everyone with defaults="
                    "{'timezone': ...} (CLI: --default timezone=...))")
    # Offices that are cities name the time zones: the line says how to read them.
    offices = [p.model_copy(update={"location": city})
               for p, city in zip(juniors, ["Lisbon", "New York"], strict=True)]
    (line,) = rm.data_gaps(offices, seniors, program)
    assert line.endswith(f"{effect} (2 of them give an office that names a time zone: the "
                         "office column read as the time zone too gives it (a column map such "
                         "as {'Office': ['location', 'timezone']}; on the columns screen, "
                         "'location and timezone'))")
    # Beside an office that names none ("Remote"), those that do are counted.
    offices[1] = offices[1].model_copy(update={"location": "Remote"})
    (line,) = rm.data_gaps(offices, seniors, program)
    assert line.endswith(f"{effect} (1 of them gives an office that names a time zone: the "
                         "office column read as the time zone too gives it (a column map such "
                         "as {'Office': ['location', 'timezone']}; on the columns screen, "
                         "'location and timezone'))")
    # And what it says is what the match does.
    result = rm.match(juniors, seniors, program.model_copy(update={"constraints": [rule]}))
    assert len(result.pairs) == (2 if missing == "allow" else 0)
    zoned = [p.model_copy(update={"timezone": "UTC"}) for p in juniors]
    assert rm.data_gaps(zoned, [s.model_copy(update={"timezone": "UTC"}) for s in seniors],
                        program) == []


@pytest.mark.parametrize(("rule", "blank"), [
    (rm.DifferentValue(field="department", missing="forbid"), "2 of 4 participants give no "
                                                             "department"),
    (rm.SameValue(field="attributes.gender", missing="forbid"), "3 of 4 participants give no "
                                                               "gender"),
    (rm.LevelGap(min=1, missing="forbid"), "2 of 4 participants give no level"),
    (rm.AgeGap(min_years=10, missing="forbid"), "2 of 4 participants give no birth year"),
])
def test_a_rule_that_forbids_blanks_says_who_it_leaves_without_a_partner(
        rule: rm.Constraint, blank: str) -> None:
    juniors = [rm.Participant(id="j1", department="HR", level=1, birth_year=1999),
               rm.Participant(id="j2", attributes={"gender": "F"})]
    seniors = [rm.Participant(id="s1", level=5, birth_year=1970),
               rm.Participant(id="s2", department="IT")]
    program = rm.Program(constraints=[rule], weights={"generation": 0})
    (line,) = rm.data_gaps(juniors, seniors, program)
    assert line == f"{blank}: {rule.label()} leaves them without a partner"
    # What it says is what the match does: those people stay unmatched.
    result = rm.match(juniors, seniors, program)
    paired = {pid for pair in result.pairs for pid in (pair.junior_id, pair.senior_id)}
    assert len(paired) <= 4 - int(blank.split()[0])
    # With the blanks allowed the line is not said (the level rule's own line is).
    allowed = rm.Program(constraints=[rule.model_copy(update={"missing": "allow"})],
                         weights={"generation": 0})
    assert not [g for g in rm.data_gaps(juniors, seniors, allowed) if "without a partner" in g]


@pytest.mark.parametrize("unknown", ["allow", "forbid"])
def test_the_language_line_says_what_the_rule_does(unknown: str) -> None:
    juniors, seniors = _form()
    rule = rm.SharedLanguage(unknown=unknown)
    (line,) = rm.data_gaps(juniors, seniors, rm.Program(constraints=[rule],
                                                         weights={"generation": 0}))
    assert line.endswith("pairs them with anyone" if unknown == "allow"
                         else "leaves them without a partner")


def test_wishes_and_vetoes_naming_nobody_are_counted_then_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    juniors = [rm.Participant(id="j1", wishes=["S1", "s2", "gone"]),
               rm.Participant(id="j2", wishes=["s1"], avoid={"j1"}),
               # On both sides: may wish for a junior (as a senior) and a senior.
               rm.Participant(id="b", role="both", wishes=["j1", "s1"])]
    seniors = [rm.Participant(id="s1", avoid={"J2"}), rm.Participant(id="s2"), juniors[2]]
    assert rm.program.gaps.unknown_wishes(juniors, seniors) == [
        ("j1", "wishes", "S1"), ("j1", "wishes", "gone"), ("j2", "avoid", "j1"),
        ("s1", "avoid", "J2")]
    program = rm.Program(constraints=[], weights={"generation": 0})
    assert rm.data_gaps(juniors, seniors, program) == [
        "2 wishes and 2 vetoes of 3 participants name nobody on the other side of the "
        "programme: they count for nothing (rmatch validate names them)"]
    roster = tmp_path / "form.csv"
    roster.write_text("id,role,wishes,avoid\nj1,junior,S1;s2;gone,\nj2,junior,s1,j1\n"
                      "s1,senior,,J2\ns2,senior,,\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "validate", str(roster), "--no-rules")
    assert code == 0
    assert [line for line in out.splitlines() if " of '" in line] == [
        "warning: wishes of 'j1': 'S1' is not a senior of this programme (did you mean 's1'? "
        "ids are case-sensitive)",
        "warning: wishes of 'j1': 'gone' is not a senior of this programme",
        "warning: avoid of 'j2': 'j1' is a junior of this programme, not a senior",
        "warning: avoid of 's1': 'J2' is not a junior of this programme (did you mean 'j2'? "
        "ids are case-sensitive)"]


def test_sides_read_the_other_way_round_are_said() -> None:
    # A classic programme's form (the seniors mentor) read with the reverse
    # mentoring map ("Mentor" is a junior): every level rule then ruled out
    # most pairs, and nothing said why. Levels decide; birth years otherwise.
    def side(role: str, levels: list[int | None], years: list[int | None]
             ) -> list[rm.Participant]:
        return [rm.Participant(id=f"{role}{k}", role=role, level=lv, birth_year=y)
                for k, (lv, y) in enumerate(zip(levels, years, strict=True))]

    swapped = rm.data_gaps(side("junior", [5, 6, 7], [1970, 1975, 1980]),
                           side("senior", [1, 2, 1], [1999, 2001, 2000]), rm.Program())
    assert swapped[0] == ("the juniors are more senior than the seniors (median level 6 "
                          "against 1): are the sides swapped? In reverse mentoring the junior "
                          "side mentors (a form's 'Mentor' is a junior): check the role column "
                          "and its value map")
    by_years = rm.data_gaps(side("junior", [None] * 3, [1970, 1975, 1980]),
                            side("senior", [None] * 3, [1999, 2001, 2000]))
    assert any("(median year of birth 1975 against 2000)" in line for line in by_years)
    # Two a side: said only when every junior is above every senior.
    assert any("swapped" in line for line in rm.data_gaps(side("junior", [7, 6], [None] * 2),
                                                         side("senior", [1, 2], [None] * 2)))
    # The right way round, two a side that overlap, or one: nothing.
    for juniors, seniors in ((side("junior", [1, 2, 1], [2000] * 3),
                              side("senior", [5, 6, 7], [1970] * 3)),
                             (side("junior", [3, 7], [None] * 2),
                              side("senior", [1, 5], [None] * 2)),
                             (side("junior", [7], [1970]), side("senior", [1], [2000]))):
        assert not any("swapped" in line for line in rm.data_gaps(juniors, seniors))
    # Levels the right way round decide, whatever the birth years say.
    mixed = rm.data_gaps(side("junior", [1, 2, 1], [1970] * 3),
                         side("senior", [5, 6, 7], [2000] * 3))
    assert not any("swapped" in line for line in mixed)


def _merged_systems() -> tuple[list[rm.Participant], list[rm.Participant]]:
    """Two HR systems in one export: 'HR' and 'Human Resources', 'F' and 'Female'."""
    juniors = [rm.Participant(id=f"j{i}", department=("HR", "Sales")[i % 2], level=1,
                              attributes={"gender": ("F", "Male")[i % 2]}) for i in range(4)]
    seniors = [rm.Participant(id=f"s{i}", department=("Human Resources", "Sales")[i % 2],
                              level=5, attributes={"gender": ("Female", "M")[i % 2]})
               for i in range(4)]
    return juniors, seniors


def test_a_group_written_two_ways_is_said_with_its_map() -> None:
    juniors, seniors = _merged_systems()
    program = rm.Program(sensitive_attributes={"gender"},
                         constraints=[rm.GroupBalance(attribute="gender", max_gap=0.5)])
    lines = [line for line in rm.data_gaps(juniors, seniors, program)
             if "written two ways" in line or "short form" in line]
    assert len(lines) == 2, lines
    department, gender = lines
    assert department.startswith("department 'HR' and 'Human Resources' look like one group")
    proposal = json.loads(department[department.index("{"):])
    assert proposal == {"department": {"HR": "Human Resources"}}
    # The sensitive attribute: counted, its values never said.
    assert gender.startswith("the sensitive attribute 'gender' has 2 value(s)")
    assert not any(v in gender for v in ("'F'", "Female", "'M'", "Male"))
    # The map proposed, applied when reading, gives the pairs of a file written one way.
    text = "id,role,department,level\n" + "".join(
        f"{p.id},{side},{p.department},{p.level}\n"
        for side, people in (("junior", juniors), ("senior", seniors)) for p in people)
    mapped = rm.read_participants(io.StringIO(text), values=proposal)
    one_way = [p.model_copy(update={"department": "Human Resources"})
               if p.department == "HR" else p for p in [*juniors, *seniors]]
    assert {p.id: p.department for p in mapped} == {p.id: p.department for p in one_way}
    # A programme that compares neither says nothing of them.
    quiet = rm.Program(weights=rm.Weights(diversity=0))
    assert not [line for line in rm.data_gaps(juniors, seniors, quiet)
                if "two ways" in line or "short form" in line]
    only_site = rm.Program(scoring=rm.ScoringOptions(diversity_fields={"location": 1.0}))
    assert not [line for line in rm.data_gaps(juniors, seniors, only_site)
                if "two ways" in line or "short form" in line]


def test_short_forms_find_contractions_and_initials_with_dots_not_other_names() -> None:
    merged = ["Mktg", "Marketing", "Ops", "Operations", "Mgmt", "Management", "Svcs",
              "Services", "R&D", "Research and Development", "H.R.", "Human Resources",
              "Legal", "Sales"]
    assert short_forms(merged) == {
        "Mktg": "Marketing", "Ops": "Operations", "Mgmt": "Management", "Svcs": "Services",
        "R&D": "Research and Development", "H.R.": "Human Resources"}
    # Names that only share letters are no short forms: cities, departments, genders.
    cities = ["Sao Paulo", "Santiago", "Rome", "Rotterdam", "Bern", "Berlin", "Oslo",
              "Ontario", "Nice", "Nantes", "Lima", "Lisbon", "Bath", "Basingstoke"]
    departments = ["IT", "Institute", "Tax", "Treasury", "Law", "Legal", "Risk", "Research",
                   "Data", "Design", "Audit", "Analytics", "Sales", "Services", "C", "E Commerce"]
    genders = ["Man", "Woman", "Male", "Female", "Non-binary", "None", "Prefer not to say"]
    for names in (cities, departments, genders):
        assert short_forms(names) == {}, names
    # A short form two values fit is left to the user.
    assert short_forms(["Ops", "Operations", "Opportunities"]) == {}


def test_a_department_named_in_two_languages_is_said_as_one_group() -> None:
    # Two countries' systems merged into one export: "RH" beside "HR", "Ventas" beside
    # "Sales". Said with a value map to check, never applied unasked.
    assert short_forms(["RH", "Human Resources", "Recursos Humanos", "Vendas", "Ventas",
                        "IT", "Informatique"]) == {
        "RH": "Human Resources", "Recursos Humanos": "Human Resources", "Ventas": "Vendas",
        "Informatique": "IT"}
    juniors = [rm.Participant(id=f"j{k}", department=d) for k, d in enumerate(["HR", "IT"])]
    seniors = [rm.Participant(id=f"s{k}", department=d) for k, d in enumerate(["RH", "IT"])]
    lines = [line for line in rm.data_gaps(juniors, seniors, rm.Program(constraints=[]))
             if "two ways" in line]
    assert lines == ["department 'RH' and 'HR' look like one group written two ways: as two "
                     "groups, pairs within one count as mixed and the rules count them apart; "
                     "if they are one, read the file with values= (CLI: --values FILE.json) "
                     'set to {"department": {"RH": "HR"}}']
    people = rm.read_participants(io.StringIO("id,role,department\nj0,junior,HR\n"
                                              "s0,senior,RH\n"),
                                  values={"department": {"RH": "HR"}})
    assert {p.department for p in people} == {"HR"}


def test_seniority_direction_with_birth_years_is_not_said_to_allow_every_pair() -> None:
    # Levels unknown, birth years given: the rule still compares the years
    # (here every junior is older than every senior: no pair is allowed).
    juniors = [rm.Participant(id=f"j{i}", birth_year=1965 + i) for i in range(2)]
    seniors = [rm.Participant(id=f"s{i}", birth_year=1995 + i) for i in range(2)]
    program = rm.Program(constraints=[rm.SeniorityDirection(allow_equal=True)])
    lines = [line for line in rm.data_gaps(juniors, seniors, program) if "Seniority" in line]
    assert lines == ["no participant has a level: SeniorityDirection(allow_equal=True) "
                     "compares only their birth years there (a junior born before the senior "
                     "is ruled out)"]
    assert rm.match(juniors, seniors, program).pairs == []  # what the line says
    # Without birth years on one side it compares nothing, and says so.
    no_years = [p.model_copy(update={"birth_year": None}) for p in seniors]
    lines = [line for line in rm.data_gaps(juniors, no_years, program) if "Seniority" in line]
    assert lines == ["no participant has a level: SeniorityDirection(allow_equal=True) "
                     "cannot compare their levels and allows their pairs"]


def test_skills_that_meet_no_goal_are_said_to_score_nothing() -> None:
    # A form with one skills column for both sides and no goals column.
    juniors = [rm.Participant(id=f"j{i}", birth_year=1998, skills={"python": 1.0})
               for i in range(2)]
    seniors = [rm.Participant(id=f"s{i}", birth_year=1968, skills={"strategy": 1.0})
               for i in range(2)]
    lines = [line for line in rm.data_gaps(juniors, seniors) if "skills scores 0" in line]
    assert len(lines) == 1
    assert "weights skills=0 leaves it out" in lines[0]
    result = rm.match(juniors, seniors, rm.Program())
    assert all(p.components["skills"] == 0 for p in result.pairs)  # what the line says
    # One senior's goal names a junior's skill: skills scores, no line.
    wants = [seniors[0].model_copy(update={"goals": {"python": 1.0}}), seniors[1]]
    assert not [line for line in rm.data_gaps(juniors, wants) if "skills scores 0" in line]
    assert max(p.components["skills"] for p in rm.match(juniors, wants).pairs) > 0
    # The other way round counts only while the mutual share does.
    learn = [j.model_copy(update={"goals": {"strategy": 1.0}}) for j in juniors]
    assert not [line for line in rm.data_gaps(learn, seniors) if "skills scores 0" in line]
    alone = rm.Program(scoring=rm.ScoringOptions(mutual_share=0))
    assert [line for line in rm.data_gaps(learn, seniors, alone) if "skills scores 0" in line]
    assert not [line for line in rm.data_gaps(juniors, seniors, rm.Program(
        weights=rm.Weights(skills=0))) if "skills scores 0" in line]
    # Nobody gives any (most HR exports): nothing was meant to count, nothing said.
    bare = [p.model_copy(update={"skills": {}}) for p in [*juniors, *seniors]]
    assert not [line for line in rm.data_gaps(bare[:2], bare[2:]) if "skills" in line]


def test_one_person_is_said_in_the_singular() -> None:
    juniors = [rm.Participant(id="j1", birth_year=2000, level=1, languages={"en": "C1"}),
               rm.Participant(id="j2", level=1, languages={"en": "C1"})]
    seniors = [rm.Participant(id="s1", birth_year=1970, level=5)]
    rules = rm.Program(constraints=[rm.SharedLanguage()])
    lines = rm.data_gaps(juniors, seniors, rules)
    assert "1 of 3 participants has no birth year: their pairs' generation compares levels " \
           "only" in lines
    assert any(line.startswith("1 of 3 participants gives no language: ") for line in lines)
