"""Three real-shaped HR exports read right the first time, every value against the truth.

The exports and the truth come from ``tests/io/exports.py``; the maps are the
ones docs/hr-data.md shows. Each export is read with its maps and no edit to
the file, and each match under the recommended rules keeps every junior away
from their manager and their manager's manager.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import rmatch as rm
from rmatch.model.languages import normalise_level
from rmatch.model.timezones import resolve_zone
from tests.helpers import run_cli
from tests.io.exports import (
    BY_NUMBER,
    EMPLOYEES,
    FORM_TOPICS,
    HUGO_LATER,
    MAPS,
    SF_CAPACITY,
    Employee,
    forms_text,
    write_exports,
)

pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_exports(tmp_path_factory.mktemp("exports"))


def _read(path: Path, name: str, **extra: object) -> tuple[list[rm.Participant], list[str]]:
    """Read an export with its maps; return the people and the warnings given."""
    maps = dict(MAPS[name])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        people = rm.read_participants(path, **{**maps, **extra})
    return people, [str(w.message) for w in caught]


def _word_level(level: str | None) -> str | None:
    """The level an English word in the Excel report gives back (Intermediate is B1)."""
    words = {"A2": "Basic", "B1": "Intermediate", "B2": "Intermediate", "C1": "Fluent",
             "C2": "Fluent", "native": "Native"}
    return None if level is None else normalise_level(words[level])


def _chain(e: Employee, depth: int) -> set[int]:
    out: set[int] = set()
    boss = e.manager
    while boss is not None and len(out) < depth:
        out.add(boss)
        boss = BY_NUMBER[boss].manager
    return out


def _never_two_steps_apart(result: rm.MatchResult, number_of: dict[str, int]) -> None:
    """No pair puts someone with their manager or manager's manager, either way round."""
    assert result.pairs
    for p in result.pairs:
        j, s = BY_NUMBER[number_of[p.junior_id]], BY_NUMBER[number_of[p.senior_id]]
        assert s.number not in _chain(j, 2), (j.name, s.name)
        assert j.number not in _chain(s, 2), (j.name, s.name)


def _accounted(result: rm.MatchResult, juniors: list[rm.Participant],
               seniors: list[rm.Participant]) -> None:
    """Everyone read is in a pair or unmatched with a reason."""
    paired = {p.junior_id for p in result.pairs} | {p.senior_id for p in result.pairs}
    for person in [*juniors, *seniors]:
        assert person.id in paired or result.unmatched_reasons.get(person.id), person.id


def test_workday_excel_report_reads_as_written(exports: dict[str, Path]) -> None:
    people, said = _read(exports["workday"], "workday")
    assert [p.id for p in people] == [str(e.number) for e in EMPLOYEES]  # no footer person
    for p, e in zip(people, EMPLOYEES, strict=True):
        assert (p.name, p.email, p.role) == (e.name, e.email, e.role)
        assert p.manager_id == (str(e.manager) if e.manager else None)
        assert (p.level, p.birth_year) == (e.level, e.born[0])  # a blank level is unknown
        assert (p.department, p.location) == (e.department, e.city)
        # The label's first city ("(GMT) Dublin, Edinburgh, Lisbon, London"):
        # the same offsets as the person's own zone, winter and summer.
        assert p.timezone == resolve_zone(e.windows_zone)[0]
        assert p.timezone is not None
        assert all(ZoneInfo(p.timezone).utcoffset(day) == ZoneInfo(e.zone).utcoffset(day)
                   for day in (datetime(2026, 1, 15), datetime(2026, 7, 15)))
        assert p.languages == set(e.languages)
        assert p.language_levels == {c: _word_level(v) for c, v in e.languages.items() if v}
    assert any("row(s) 1-3 above the header (row 4) were skipped" in w for w in said)
    assert any("row(s) 19-20 after the last person look like a footer" in w for w in said)
    # Two workers have a manager name and no manager id: filled, and said.
    assert any("manager ids filled in from the manager's name for 2 row(s) with a blank "
               "manager id: '1009', '1010'" in w for w in said)
    juniors, seniors, _ = rm.split_roles(people)
    result = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    _never_two_steps_apart(result, {str(e.number): e.number for e in EMPLOYEES})
    _accounted(result, juniors, seniors)
    # The chief executive is a mentee like any other senior.
    assert "1001" in {p.senior_id for p in result.pairs}


def test_the_workday_report_suggests_its_own_maps(exports: dict[str, Path]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        columns = rm.suggest_columns(exports["workday"])
        values = rm.suggest_values(exports["workday"])
    assert columns == MAPS["workday"]["columns"]  # the hidden column is never suggested
    assert values == {"role": {"Mentee": "senior", "Mentor (junior)": "junior"}}


def test_forms_signup_keeps_the_last_submission_and_whole_options(
        exports: dict[str, Path]) -> None:
    people, said = _read(exports["forms"], "forms")
    assert len(people) == len(FORM_TOPICS)
    by_email = {p.id.casefold(): p for p in people}
    for number, (share, learn) in FORM_TOPICS.items():
        e = BY_NUMBER[number]
        p = by_email[e.email]
        if number == 1004:
            share, learn = HUGO_LATER
            assert p.id == "Hugo.ramos@Acme.com"  # the later row, as typed
        assert (p.name, p.role) == (e.name, e.role)
        assert p.languages == set(e.languages)
        want_skills = {t.casefold() for t in share.split(";") if t}
        want_goals = {t.casefold() for t in learn.split(";") if t}
        assert {k.casefold() for k in p.skills} == want_skills
        assert {k.casefold() for k in p.goals} == want_goals
    assert any("kept row 11 of rows 5, 11" in w for w in said)
    assert "podcasts, newsletters & personal brand" in {
        k.casefold() for p in people for k in p.goals}


def test_forms_duplicates_are_an_error_by_default_naming_both_rows(
        exports: dict[str, Path]) -> None:
    maps = {k: v for k, v in MAPS["forms"].items() if k != "duplicates"}
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(exports["forms"], **maps)
    [problem] = [p for p in info.value.problems if isinstance(p, rm.Problem)]
    assert problem.row == 11
    assert "differs only in case from 'hugo.ramos@acme.com' in row 5" in problem.reason
    # Forms' own ID column counts responses; suggesting it as the id would be wrong.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        suggested = rm.suggest_columns(exports["forms"])
    assert suggested == MAPS["forms"]["columns"]
    assert rm.suggest_values(exports["forms"]) == {"role": MAPS["forms"]["values"]["role"]}


def test_rows_are_numbered_as_the_spreadsheet_shows_them(tmp_path: Path) -> None:
    # Multi-line answers span several lines of the file: a problem names the
    # record (header = row 1), the row Excel shows, not the file line.
    records = list(csv.reader(io.StringIO(forms_text(), newline="")))
    role = records[0].index("Which role would you like?")
    records[8][role] = "Observer"  # the 8th answer: Excel's row 9
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(records)
    text = out.getvalue()
    assert text[:text.index("Observer")].count("\n") + 1 > 9  # its file line is further on
    path = tmp_path / "form.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)  # Hugo's resubmission
        with pytest.raises(rm.InputError) as info:
            rm.read_participants(path, **MAPS["forms"])
    [problem] = [p for p in info.value.problems if isinstance(p, rm.Problem)]
    assert problem.row == 9
    assert "role 'Observer' is not junior, senior or both" in problem.reason
    assert '{"role": {"Observer": "junior"}}' in problem.reason


def test_forms_joined_with_the_hr_report_fill_the_hr_facts(exports: dict[str, Path]) -> None:
    form, _ = _read(exports["forms"], "forms")
    employees, _ = _read(exports["workday"], "workday_for_forms")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        joined = rm.enrich(form, employees)
    assert not [w for w in caught if "no HR record" in str(w.message)]
    for p in joined:
        e = next(x for x in EMPLOYEES if x.email == p.id)  # the HR spelling of the id
        assert (p.level, p.birth_year, p.department) == (e.level, e.born[0], e.department)
        assert p.manager_id == (BY_NUMBER[e.manager].email if e.manager else None)
        assert p.languages == set(e.languages)  # the form says these
    juniors, seniors, _ = rm.split_roles(joined)
    result = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(employees))
    _never_two_steps_apart(result, {e.email: e.number for e in EMPLOYEES})
    _accounted(result, juniors, seniors)


def test_successfactors_utf16_export_reads_as_written(exports: dict[str, Path]) -> None:
    zones = {"Europe/Paris": "Europe/Paris", "Europe/London": "Europe/London",
             "Europe/Lisbon": "Europe/Lisbon", "Asia/Singapore": "Asia/Singapore",
             "Asia/Kolkata": "Asia/Kolkata", "Europe/Berlin": "Europe/Paris",
             "Asia/Tokyo": "Asia/Tokyo", "America/New_York": "America/New_York"}
    people, _ = _read(exports["successfactors"], "successfactors")
    assert [p.id for p in people] == [f"u{e.number}" for e in EMPLOYEES]
    for p, e in zip(people, EMPLOYEES, strict=True):
        assert (p.name, p.email.casefold() if p.email else None) == (e.name, e.email)
        assert p.manager_id == (f"u{e.manager}" if e.manager else None)
        assert (p.level, p.birth_year, p.role) == (e.level, e.born[0], e.role)
        assert p.capacity == int(SF_CAPACITY.get(e.number, "1,0").split(",")[0])
        assert p.timezone == zones[e.zone]
        assert p.languages == set(e.languages)
        assert p.language_levels == {c: v for c, v in e.languages.items() if v}
    juniors, seniors, _ = rm.split_roles(people)
    result = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    _never_two_steps_apart(result, {f"u{e.number}": e.number for e in EMPLOYEES})
    _accounted(result, juniors, seniors)


def test_successfactors_without_a_value_map_names_every_row_to_fix(
        exports: dict[str, Path]) -> None:
    maps = {k: v for k, v in MAPS["successfactors"].items() if k != "values"}
    # London's staff wrote GMT: read as UTC, said (no summer time) before the problems.
    with pytest.raises(rm.InputError) as info, pytest.warns(
            rm.InputWarning, match=r"without daylight saving: 'GMT' \(rows 3, 10\)"):
        rm.read_participants(exports["successfactors"], **maps)
    problems = [p for p in info.value.problems if isinstance(p, rm.Problem)]
    ist = [p for p in problems if p.field == "timezone"]
    assert [p.row for p in ist] == [7]  # Ravi, the one IST
    assert "values={'timezone': {'IST': 'Asia/Kolkata'}}" in ist[0].reason
    roles = [p for p in problems if p.field == "role"]
    assert {p.row for p in roles} == set(range(2, 2 + len(EMPLOYEES)))  # every role needs a map
    # Each says the map that fixes it, with the side the words mean.
    assert '{"role": {"Mentee": "senior"}}' in roles[0].reason
    assert '{"role": {"Reverse Mentor": "junior"}}' in roles[-2].reason
    managers = [p for p in problems if p.field == "manager_id"]
    assert [p.row for p in managers] == [2]
    assert "'NO_MANAGER'" in managers[0].reason


@pytest.mark.parametrize("name", ["workday", "successfactors"])
def test_the_cli_reads_each_export_with_its_map_files(
        name: str, exports: dict[str, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    columns, values = tmp_path / "columns.json", tmp_path / "values.json"
    columns.write_text(json.dumps(MAPS[name]["columns"]), encoding="utf-8")
    values.write_text(json.dumps(MAPS[name]["values"]), encoding="utf-8")
    out = tmp_path / "pairs.csv"
    extra = ["--date-format", MAPS[name]["date_format"]] if "date_format" in MAPS[name] else []
    code, printed, err = run_cli(capsys, "match", str(exports[name]), "--columns", str(columns),
                                 "--values", str(values), "-o", str(out), "--names", *extra)
    assert code == 0, err
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == ("junior_id,senior_id,score,diversity,generation,skills,junior_name,"
                       "junior_email,senior_name,senior_email")
    scores = [r.split(",")[2] for r in rows[1:]]
    assert scores
    assert all(len(s.split(".")[1]) == 4 for s in scores)  # rounded for people
    assert "pairs" in printed


def test_the_cli_joins_the_form_with_the_hr_report(
        exports: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    maps = tmp_path / "maps"
    write_exports(maps)  # the map files beside the exports
    code, _, err = run_cli(
        capsys, "match", str(exports["forms"]), "--columns", str(maps / "forms_columns.json"),
        "--values", str(maps / "forms_values.json"), "--duplicates", "keep_last",
        "--hr-data", str(exports["workday"]),
        "--hr-columns", str(maps / "workday_for_forms_columns.json"))
    assert code == 0, err
    assert "rmatch: error" not in err
    assert "no known manager" not in err  # the HR report gave everyone's manager


def test_the_examples_are_the_exports_the_tests_read(exports: dict[str, Path]) -> None:
    folder = Path(__file__).resolve().parents[2] / "examples" / "exports"
    fresh = exports["forms"].parent
    for path in fresh.iterdir():
        kept = folder / path.name
        assert kept.exists(), f"run: python -m tests.io.exports examples/exports ({path.name})"
        if path.suffix != ".xlsx":  # a workbook stores the time it was saved
            assert kept.read_bytes() == path.read_bytes(), path.name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        assert rm.read_participants(folder / "workday_workers.xlsx", **MAPS["workday"]) == \
            rm.read_participants(exports["workday"], **MAPS["workday"])
