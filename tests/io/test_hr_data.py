"""HR data as it really arrives: each case a new user met, with the reader's answer."""

from __future__ import annotations

import io
import json
import re
import runpy
import shutil
import subprocess
import warnings
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.cli import main
from rmatch.scoring.builtin import SELF_PAIR
from tests.oracle import brute_force
from tests.strategies import participants

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "examples" / "hris_export.csv"
PEERS = ROOT.parent / "shared" / "peers" / "mentor-match"
GRADES = {"L3": 3, "L4": 4, "L5": 5, "L6": 6, "L7": 7, "L8": 8, "L9": 9, "Director": 10}


def _read(text: str, **kw: Any) -> list[rm.Participant]:
    return rm.read_participants(io.StringIO(text), **kw)


# --- 1. delimiters, encodings, sources -------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_any_common_delimiter_is_found_from_the_header(sep: str) -> None:
    text = sep.join(["id", "role", "languages"]) + "\n" + sep.join(["a", "junior", "en"]) + "\n"
    assert _read(text) == [rm.Participant(id="a", role="junior", languages={"en"})]


def test_bom_crlf_bytes_and_utf16_read_the_same(tmp_path: Path) -> None:
    text = "id;name;languages\r\ne1;Zoë;EN\r\n"
    expected = [rm.Participant(id="e1", name="Zoë", languages={"en"})]
    assert rm.read_participants(io.BytesIO(("\ufeff" + text).encode("utf-8"))) == expected
    assert rm.read_participants(io.BytesIO(text.encode("utf-16"))) == expected
    path = tmp_path / "r.csv"
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    assert rm.read_participants(path) == expected
    with path.open(encoding="utf-8-sig") as fh:
        assert rm.read_participants(fh) == expected


def test_other_encodings_fail_naming_the_file_row_and_how_to_resave(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,name\ne1,Ana\ne2,Zoë\n".encode("cp1252"))
    with pytest.raises(rm.InputError, match=r"latin\.csv: row 3: the file is not UTF-8.*"
                                            r"encoding='cp1252'.*CSV UTF-8") as err:
        rm.read_participants(path)
    problem = err.value.problems[0]
    assert isinstance(problem, rm.Problem)
    assert problem.kind == "encoding"
    assert rm.read_participants(path, encoding="cp1252")[1].name == "Zoë"


def test_json_and_jsonl_streams_are_found_from_their_content() -> None:
    assert rm.read_participants(io.StringIO('[{"id": "a"}]')) == [rm.Participant(id="a")]
    assert rm.read_participants(io.StringIO('{"id": "a"}\n{"id": "b"}\n'))[1].id == "b"


# --- 2. column maps and unknown columns ------------------------------------------------


def test_headers_match_whatever_their_case_and_spacing() -> None:
    with pytest.warns(rm.InputWarning, match="previous partner\\(s\\) not in this roster"):
        [p] = _read("ID,Department,Birth Year,MANAGER-ID,previous partners\n"
                    "a,Eng,1990,,x\n", check_managers=False, unknown_columns="error")
    assert (p.department, p.birth_year, p.previous_partners) == ("Eng", 1990, frozenset({"x"}))


def test_a_column_map_names_fields_attributes_and_columns_to_leave_out() -> None:
    text = "Employee ID,First,Last,Gender,Biography\ne1,Ana,Silva,F,long text\n"
    cols = {"Employee ID": "id", "first": "name", "LAST": "name", "Gender": "attributes.gender",
            "Biography": None}
    [p] = _read(text, columns=cols, unknown_columns="error")
    assert (p.id, p.name, p.attributes) == ("e1", "Ana Silva", {"gender": "F"})
    with pytest.raises(rm.InputError, match="'age' is not a field"):
        _read(text, columns={"Employee ID": "age"})


def test_unknown_columns_are_left_out_with_one_warning_naming_them() -> None:
    with pytest.warns(rm.InputWarning) as seen:
        [p] = _read("id,Job Title,biography\ne1,Analyst,hi\n")
    assert p == rm.Participant(id="e1")
    assert len(seen) == 1
    assert "'Job Title', 'biography'" in str(seen[0].message)


def test_duplicate_headers_and_two_columns_for_one_field_are_errors() -> None:
    with pytest.raises(rm.InputError) as info:
        _read("id,level,Level,grade\na,1,2,3\n", columns={"grade": "level"})
    text = "\n".join(info.value.problems)
    assert "column 'Level' appears twice" in text
    assert "columns 'level' and 'grade' both give 'level'" in text


def test_suggested_map_covers_every_header_and_the_cli_prints_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proposal = rm.suggest_columns(EXPORT)
    assert list(proposal) == rm.read_participants.__globals__["_read"].load_table(
        EXPORT, None, None, None).headers
    assert proposal["Employee ID"] == "id"
    assert proposal["Date of Birth"] == "birth_year"
    assert proposal["Gender"] == "attributes.gender"
    assert proposal["Job Title"] is None
    assert main(["columns", str(EXPORT)]) == 0
    assert json.loads(capsys.readouterr().out) == proposal
    out = tmp_path / "map.json"
    assert main(["columns", str(EXPORT), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == proposal
    assert main(["columns", str(EXPORT), "-o", str(out)]) == 1  # never overwritten silently


@pytest.mark.parametrize("expected", [
    # ADP, Oracle HCM, BambooHR, Workday and SuccessFactors export headers as
    # written. "Grade Name", "Location Name" and "Person Number" were suggested
    # as name (joined into everyone's name), "Employee #" too, "Reporting to"
    # left out: a first reading with grades and places in the names.
    {"Associate ID": "id", "Legal First Name": "name", "Reports To Associate ID": "manager_id",
     "Home Department Description": "department", "Location Description": "location"},
    {"Person Number": "id", "Display Name": "name", "Manager Person Number": "manager_id",
     "Grade Name": "level", "Business Unit Name": "department", "Location Name": "location",
     "Work Email Address": "email"},
    {"Employee #": "id", "First Name": "name", "Last Name": "name", "Reporting to": "manager_id",
     "Job Title": None, "Work Email": "email"},
    {"Worker ID": "id", "Worker": "name", "Manager - ID": "manager_id",
     "Supervisory Organization": "department", "Management Level": "level"},
    {"Person ID External": "id", "Manager User Sys ID": "manager_id", "Division": "department",
     "Location Name": "location", "Pay Grade": "level", "Time Zone Name": "timezone"},
    # A sign-up form's questions (Microsoft Forms): the manager, vetoes and wishes
    # were left out.
    {"Email": "id", "Name": "name", "What is your role in the programme?": "role",
     "Your line manager's email": "manager_id",
     "Anyone you would prefer not to be matched with?": "avoid",
     "Who would you like as a mentor? (up to 3)": "wishes",
     "What would you like to learn?": "goals"},
    # Entra ID's users: the principal name left out (no id at all), "Preferred
    # language" as a year of birth, "Usage location" too ("age" inside them).
    {"Display name": "name", "User principal name": "id", "Department": "department",
     "Office location": "location", "Preferred language": "languages",
     "Usage location": None, "Job title": None},
    # Forms that keep birth dates private; a pay band ("Wage band" read as an age band).
    {"Email": "id", "Age": "birth_year", "Wage band": "level"},
    {"Email": "id", "Generation": "birth_year", "Gender": "attributes.gender"},
])
def test_hr_systems_headers_are_suggested_their_fields(expected: dict[str, str | None]) -> None:
    from rmatch.io.columns import suggest

    assert suggest(list(expected)) == expected


def test_only_name_columns_are_joined_into_the_name() -> None:
    # Columns of the name are joined; a column a fuzzy guess calls a name is
    # not: an emergency contact's name (another person's data) and the cost
    # centre were joined into everyone's name, in the briefs and the pairs.
    from rmatch.io.columns import suggest

    assert suggest(["Employee ID", "First Name", "Middle Name", "Last Name",
                    "Emergency Contact Name", "Cost Center Name", "Company Name"]) == {
        "Employee ID": "id", "First Name": "name", "Middle Name": "name", "Last Name": "name",
        "Emergency Contact Name": None, "Cost Center Name": None, "Company Name": None}
    # Alone, the closest is still proposed (to check), never two of them.
    assert suggest(["Employee ID", "Preferred Name Shown", "Company Name"]) == {
        "Employee ID": "id", "Preferred Name Shown": "name", "Company Name": None}
    text = "Employee ID,First Name,Last Name,Emergency Contact Name\ne1,Ann,Lee,Bob Lee\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        columns = rm.suggest_columns(io.StringIO(text))
        assert rm.read_participants(io.StringIO(text), columns=columns)[0].name == "Ann Lee"


@pytest.mark.parametrize(("headers", "cells", "name"), [
    # Found trying an SAP-style export: "Last Name, First Name" was read "Lima Ana",
    # in the briefs and for every wish or manager written "Ana Lima".
    ("Last Name,First Name", "Lima,Ana", "Ana Lima"),
    ("Surname,Middle Name,Forename", "Lima,Maria,Ana", "Ana Maria Lima"),
    ("Legal Name - Last Name,Legal Name - First Name", "Lima,Ana", "Ana Lima"),
    ("Nachname,Vorname", "Lima,Ana", "Ana Lima"),
    ("Apellidos,Nombre", "Lima Souza,Ana", "Ana Lima Souza"),
    ("First Name,Last Name", "Ana,Lima", "Ana Lima"),
    # A script that writes the family name first keeps the file's order.
    ("姓,名", "山田,花子", "山田 花子"),
])
def test_a_name_in_columns_of_its_own_is_read_given_name_first(headers: str, cells: str,
                                                                 name: str) -> None:
    text = f"Employee ID,{headers},Role\ne1,{cells},junior\n"
    columns = {**dict.fromkeys(headers.split(","), "name"), "Employee ID": "id", "Role": "role"}
    assert rm.read_participants(io.StringIO(text), columns=columns)[0].name == name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        suggested = rm.suggest_columns(io.StringIO(text))
    parts = headers.split(",")
    if [suggested.get(h) for h in parts] == ["name"] * len(parts):  # suggested: the same
        assert rm.read_participants(io.StringIO(text), columns=suggested)[0].name == name


def test_an_hr_apis_name_object_is_read_given_name_first() -> None:
    # {"name": {"last": ..., "first": ...}} read "Lima Ana" (paths in the object's order).
    records = [{"id": "e1", "role": "senior", "name": {"last": "Lima", "first": "Ana"}},
               {"id": "e2", "role": "junior",
                "legalName": {"familyName": "Chen", "middleName": "Li", "givenName": "Bo"}}]
    text = json.dumps(records)
    columns = rm.suggest_columns(io.StringIO(text), format="json")
    people = rm.read_participants(io.StringIO(text), format="json", columns=columns)
    assert [p.name for p in people] == ["Ana Lima", "Bo Li Chen"]


@pytest.mark.parametrize(("header", "target"), [
    ("Mgr. ID", "manager_id"), ("Mgr. Email", "manager_id"), ("Line Mgr", "manager_id"),
    ("Mgr Name", "manager_name"), ("Supervisor Email", "manager_id")])
def test_abbreviated_manager_headers_are_the_managers(header: str, target: str) -> None:
    # "Mgr. ID" was suggested as the participant's own id and "Mgr. Email" as
    # their e-mail: a map that reads everyone's manager as themselves.
    assert rm.suggest_columns(io.StringIO(f"Employee ID,Email,{header}\ne-1,a@x,m-1\n"))[
        header] == target


@pytest.mark.parametrize("header", ["Manager Emp No", "Mgr Emp No", "Supervisor Emp No",
                                    "Reports To Emp No", "Manager Personnel No",
                                    "Line Manager Staff No"])
def test_the_managers_own_number_is_the_manager_id(header: str) -> None:
    # The person's key ("Emp No") inside a header about the manager tied with
    # manager_id; 'id' being taken, the column was left out and every manager lost.
    text = (f"Emp No,Role,Is a people manager?,{header}\n101,junior,No,201\n"
            "102,junior,no,201\n201,senior,Yes,\n")
    columns = rm.suggest_columns(io.StringIO(text))
    # The yes-or-no question about managing people, first, names nobody's manager.
    assert columns == {"Emp No": "id", "Role": "role", "Is a people manager?": None,
                       header: "manager_id"}
    people = rm.read_participants(io.StringIO(text), columns=columns)
    assert [p.manager_id for p in people] == ["201", "201", None]


_PARTS = st.sampled_from(["work", "reportsTo", "manager", "id", "email", "name", "department",
                          "site", "birthDate", "value", "", " ", "Gender", "x", "."]) | st.text(
    max_size=6)


@settings(max_examples=60)
@given(headers=st.lists(st.lists(_PARTS, min_size=1, max_size=4).map(".".join), min_size=1,
                        max_size=8, unique=True))
def test_a_suggested_map_names_each_header_once_with_a_target_it_may_have(
        headers: list[str]) -> None:
    # Any headers, JSON paths among them ("work.reportsTo.id", "..", "a. .b"):
    # one entry each, each a target a map may name, no field twice but lists.
    from rmatch.io.columns import COMBINABLE, suggest, valid_target

    # As a CSV's headers, and as a JSON file's paths (the objects they lie under).
    objects = {h for h in headers if any(o.startswith(f"{h}.") for o in headers)}
    for proposal in (suggest(headers), suggest(headers, objects=objects)):
        assert list(proposal) == headers
        targets = [t for t in proposal.values() if t is not None]
        assert all(valid_target(t) for t in targets)
        single = [t for t in targets if t not in COMBINABLE and not t.startswith("attributes.")]
        assert len(single) == len(set(single))
    # An object is proposed only for a map (its paths stand for it otherwise).
    assert all(proposal[h] in (None, "skills", "goals", "language_levels", "attributes")
               for h in objects)


# --- 3. values as HR systems write them --------------------------------------------------


def test_list_cells_split_on_any_separator_and_languages_become_iso_codes() -> None:
    people = _read("id,languages\na,\"ES, EN\"\nb,English\nc,en-GB|Deutsch\nd,Spanish/French\n")
    assert [sorted(p.languages) for p in people] == [["en", "es"], ["en"], ["de", "en"],
                                                     ["es", "fr"]]


def test_english_written_two_ways_still_counts_as_a_shared_language() -> None:
    j = rm.Participant(id="j", languages={"English"}, birth_year=2000)
    s = rm.Participant(id="s", languages={"en"}, birth_year=1970, level=3)
    res = rm.match([j], [s], rm.Program(constraints=[rm.SharedLanguage()]))
    assert [(p.junior_id, p.senior_id) for p in res.pairs] == [("j", "s")]


def test_unknown_languages_are_kept_and_named_in_a_warning() -> None:
    with pytest.warns(rm.InputWarning, match="'klingon' \\(row 2\\)"):
        [p] = _read("id,languages\na,Klingon; EN\n")
    assert p.languages == {"klingon", "en"}


@pytest.mark.parametrize(("cell", "year"), [("14/02/1962", 1962), ("1962-02-14", 1962),
                                             ("02.14.1962", 1962), ("1985-07-30 00:00:00", 1985),
                                             ("1999", 1999), ("1999.0", 1999),
                                             # SAP's and Oracle's digits; a spreadsheet's CSV
                                             # with a 12-hour time (both refused before)
                                             ("19620214", 1962), ("2/3/1990 12:00:00 AM", 1990),
                                             ("2/3/1990 9:30 p.m.", 1990)])
def test_dates_of_birth_become_birth_years(cell: str, year: int) -> None:
    assert _read(f"id,date of birth\na,{cell}\n", columns={"date of birth": "birth_year"}
                 )[0].birth_year == year


def test_unreadable_dates_say_so_and_two_digit_years_read_as_an_adult() -> None:
    with pytest.raises(rm.InputError) as info:
        _read("id,birth_year\nb,31/31/1970\nc,last spring\nd,February\n")
    reasons = [p.reason for p in info.value.problems if isinstance(p, rm.Problem)]
    assert "not a valid date" in reasons[0]
    assert "neither a year nor a date" in reasons[1]
    assert "the date gives no year" in reasons[2]
    # A two-digit year is the latest year up to 2008 that ends so, with or
    # without a date_format written for the other dates.
    people = _read("id,birth_year\na,14/02/62\nb,01/01/05\nc,03.05.99\nd,1.1.08\ne,1.1.09\n")
    assert [p.birth_year for p in people] == [1962, 2005, 1999, 2008, 1909]
    assert [p.birth_year for p in _read("id,birth_year\na,14.02.1962\nb,03.05.99\n",
                                        date_format="%d.%m.%Y")] == [1962, 1999]
    # Month names, as "Feb 14, 1962" or "14 February 1962".
    assert [p.birth_year for p in _read('id,birth_year\na,"Feb 14, 1962"\nb,14 February 1970\n'
                                        )] == [1962, 1970]
    with pytest.raises(rm.InputError, match="does not match date_format"):
        _read("id,birth_year\na,1962-02-14\n", date_format="%d/%m/%Y")
    # A month name with a two-digit year takes the same pivot ("03-May-61" was
    # read as 2061 by dateutil, silently); a month and a year alone give the
    # year; a date cell exported with its time reads as the date.
    cells = ["03-May-61", "03-May-05", "05/1961", "1961-05", "03.05.1961 00:00",
             "14/02/62 00:00:00"]
    assert [p.birth_year for p in _read("id,birth_year\n" + "".join(
        f"p{k},{c}\n" for k, c in enumerate(cells)))] == [1961, 2005, 1961, 1961, 1961, 1962]
    with pytest.raises(rm.InputError, match="not a valid date"):
        _read("id,birth_year\na,13/1961\n")


@pytest.mark.parametrize("year", [1961, 1999])
def test_dates_with_month_names_of_other_languages_and_cjk_dates(year: int) -> None:
    # A German, French, Spanish, Portuguese, Italian or Dutch export writes the
    # month in its language: "give date_format '%d %B %Y'" could not help (%B is
    # English), so such a file could not be read at all.
    yy = year % 100
    cells = [f"3. März {year}", f"3 avril {year}", f"3 de abril de {year}", f"03-avr-{year}",
             f"1er février {year}", f"3 aprile {year}", f"3 maart {year}", f"12 dez. {year}",
             f"{year}年4月3日", f"{year}년 4월 3일", f"3 de set. de {year}", f"3 avril {yy:02d}",
             f"3e avril {year}", f"1º de abril de {year}",
             f"Dezember {year}"]
    people = _read("id,birth_year\n" + "".join(f'p{k},"{c}"\n' for k, c in enumerate(cells)))
    assert [p.birth_year for p in people] == [year] * len(cells)
    # A day that no month has is still refused, and a month alone gives no year.
    with pytest.raises(rm.InputError, match="row 2"):
        _read(f"id,birth_year\na,31 février {year}\n")
    with pytest.raises(rm.InputError, match="gives no year"):
        _read("id,birth_year\na,avril\n")


def test_decimal_commas_read_as_numbers_where_they_are_whole() -> None:
    people = _read("id;capacity\na;2,0\nb;1\n")
    assert [p.capacity for p in people] == [2, 1]
    with pytest.raises(rm.InputError) as info:
        _read("id;capacity\na;2,5\nb;2,000\n")
    reasons = [p.reason for p in info.value.problems if isinstance(p, rm.Problem)]
    assert "'2,5' is not a whole number" in reasons[0]
    assert "'2,000' is ambiguous" in reasons[1]


def test_grades_go_through_level_map_in_any_case_and_without_one_the_error_suggests_it(
        ) -> None:
    [p] = _read("id,grade\na,director\n", columns={"grade": "level"},
                level_map={"Director": 9})
    assert p.level == 9
    with pytest.raises(rm.InputError) as info:
        _read("id,level\na,L7\nb,L8\nc,3\n")
    problems = info.value.problems
    assert problems[0].endswith("field 'level': grade 'L7' is not a number; give a level_map "
                                "that turns grade names into numbers (higher is more senior)")
    assert '{"L7": 7, "L8": 8}' in problems[-1]
    with pytest.raises(rm.InputError, match="grade 'L9' is not in level_map"):
        _read("id,level\na,L9\n", level_map={"L7": 7})


def test_a_column_of_grade_names_only_is_one_problem_not_one_a_row() -> None:
    rows = "".join(f"p{i},L{3 + i % 7},{'' if i % 10 == 0 else 1990}\n" for i in range(2000))
    with pytest.raises(rm.InputError) as info:
        _read("id,Grade,birth_year\n" + rows, columns={"Grade": "level"})
    problems = [p for p in info.value.problems if isinstance(p, rm.Problem)]
    assert [p.field for p in problems] == ["level", None]  # the column's problem, the hint
    assert problems[0].row is None
    assert problems[0].reason.startswith("column 'Grade' holds grade names on all 2000 rows "
                                         "with a level (L3, L4, L5, L6, L7, L8, L9)")
    assert '{"L3": 3, "L4": 4, "L5": 5, "L6": 6, "L7": 7, "L8": 8, "L9": 9}' in \
        problems[1].reason
    # Another problem of a row is still that row's.
    with pytest.raises(rm.InputError) as info:
        _read("id,Grade,birth_year\na,L3,1990\nb,L4,1890x\n", columns={"Grade": "level"})
    problems = [p for p in info.value.problems if isinstance(p, rm.Problem)]
    assert [(p.row, p.field) for p in problems] == [(None, "level"), (3, "birth_year"),
                                                    (None, None)]


def test_grades_of_a_known_scheme_get_its_order_proposed_never_applied() -> None:
    # The UK Civil Service's grades (a peer network's survey): the hint proposes
    # the public order, Grade 7 below Grade 6, as a map to check; the file is
    # still refused until a level_map is given. Unknown grades: a number each.
    text = "id,grade\na,HEO\nb,Grade 7\nc,grade 6\nd,SCS Pay Band 1\ne,AA\n"
    with pytest.raises(rm.InputError) as info:
        _read(text, columns={"grade": "level"})
    hint = info.value.problems[-1]
    proposal = json.loads(hint[hint.index("{"):])
    assert "the UK Civil Service's grades" in hint
    assert list(proposal) == ["AA", "HEO", "Grade 7", "grade 6", "SCS Pay Band 1"]
    assert proposal["grade 6"] > proposal["Grade 7"] > proposal["HEO"] > proposal["AA"]
    assert [p.level for p in _read(text, columns={"grade": "level"}, level_map=proposal)] == [
        proposal[g] for g in ("HEO", "Grade 7", "grade 6", "SCS Pay Band 1", "AA")]
    with pytest.raises(rm.InputError) as info:
        _read(text + "f,Band B\n", columns={"grade": "level"})
    assert '"Band B": 0' in info.value.problems[-1]
    # rmatch columns proposes the same order as a value map; a grade given
    # another level by the level map as well is an error, not one map winning.
    assert rm.suggest_values(io.StringIO(text), columns={"grade": "level"}) == {
        "level": proposal}
    with pytest.raises(rm.InputError, match=r"the value map and the level map give the "
                                            r"grade\(s\) 'heo' 4 and 3: give each grade"):
        _read(text, columns={"grade": "level"}, values={"level": proposal},
              level_map={"HEO": 3})
    assert _read(text, columns={"grade": "level"}, values={"level": proposal},
                 level_map={"heo": 4})[0].level == 4  # the same level twice: no conflict


@pytest.mark.parametrize(("grades", "order"), [
    # German public-sector pay groups: E 15 Ü above E 15, written four ways.
    (["E12", "EG 4", "Entgeltgruppe 9", "E15Ü", "e 15"],
     ["EG 4", "Entgeltgruppe 9", "E12", "e 15", "E15Ü"]),
    # The US General Schedule: GS-09 as OPM writes it, the SES above GS-15.
    (["GS-13", "GS-09", "SES", "GS 15", "gs7"], ["gs7", "GS-09", "GS-13", "GS 15", "SES"]),
])
def test_public_pay_schemes_get_their_order_proposed(grades: list[str], order: list[str]
                                                     ) -> None:
    text = "id,grade\n" + "".join(f"p{k},{g}\n" for k, g in enumerate(grades))
    proposal = rm.suggest_values(io.StringIO(text), columns={"grade": "level"})["level"]
    assert sorted(proposal, key=proposal.__getitem__) == order
    assert len(set(proposal.values())) == len(grades)  # no two grades one level


@pytest.mark.parametrize(("grades", "proposed"), [
    (["L2", "L10", "L1", "L3"], {"L1": 1, "L2": 2, "L3": 3, "L10": 10}),
    (["Band 3", "band 5", "Band-4"], {"Band 3": 3, "Band-4": 4, "band 5": 5}),
    (["L2", "M3"], None),  # two prefixes: no order to propose, a template to fill
    (["L1", "L9", "Director", "L2"], {"L1": 1, "L2": 2, "L9": 9}),  # 'Director' named
    (["L1", "VP", "Director"], None),  # mostly words: a template to fill
    # With the grade's title after it, as HR systems write it (a template before).
    (["L1 - Analyst", "L5 - Director", "L2 (Associate)", "L10: Fellow"],
     {"L1 - Analyst": 1, "L2 (Associate)": 2, "L5 - Director": 5, "L10: Fellow": 10}),
    (["2021-03-04", "2020-01-01"], None),  # dates are no grades
])
def test_numbered_grades_get_their_numbers_proposed_in_order(
        grades: list[str], proposed: dict[str, int] | None) -> None:
    # "L10" sorted after "L1" and the hint proposed 0 for every grade.
    text = "id,role,grade\n" + "".join(f"p{k},junior,{g}\n" for k, g in enumerate(grades))
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(text), columns={"grade": "level"})
    hint = err.value.problems[-1]
    said = json.loads(hint[hint.index("{"):])
    if proposed is None:
        assert said == dict.fromkeys(sorted(grades), 0)
        return
    assert list(said.items()) == list(proposed.items())  # the numbers' order
    assert "turn them round" in hint
    rest = sorted(set(grades) - set(proposed))
    assert ("with a number of your own for " + ", ".join(map(repr, rest))) in hint if rest \
        else "of your own" not in hint
    given = {**said, **dict.fromkeys(rest, 20)}  # the user places the grade without a number
    people = rm.read_participants(io.StringIO(text), columns={"grade": "level"}, level_map=given)
    assert [p.level for p in people] == [given[g] for g in grades]


@pytest.mark.parametrize(("written", "zone"), [
    ("europe/london", "Europe/London"), ("(GMT+01:00) Paris", "Europe/Paris"),
    ("GMT-08:00 Pacific Time", "America/Los_Angeles"),
    ("(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"),
    ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
    ("W. Europe Standard Time", "Europe/Berlin"), ("Tokyo Standard Time", "Asia/Tokyo"),
    ("EST", "America/New_York"), ("CET", "Europe/Paris"), ("UTC", "UTC"), ("JST", "Asia/Tokyo"),
    # German and French exports, and cities with their accents
    ("MEZ", "Europe/Berlin"), ("MESZ", "Europe/Berlin"),
    ("Mitteleuropäische Zeit", "Europe/Berlin"),
    ("Heure d’Europe centrale", "Europe/Paris"), ("São Paulo", "America/Sao_Paulo"),
    ("Bogotá", "America/Bogota"), ("(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien",
                                   "Europe/Amsterdam"),
    # Offices the IANA database names by another city (were "not a time zone").
    ("Bangalore", "Asia/Kolkata"), ("Bengaluru, India", "Asia/Kolkata"),
    ("San Francisco", "America/Los_Angeles"), ("München", "Europe/Berlin"),
    ("Washington, D.C.", "America/New_York"), ("Kraków", "Europe/Warsaw"),
    ("Beijing", "Asia/Shanghai"), ("Rio de Janeiro", "America/Sao_Paulo"),
    # A country or a state beside the city, in brackets or after a dash; and
    # beside a name two places share, it says which (those were refused).
    ("Munich (Germany)", "Europe/Berlin"), ("Paris (France)", "Europe/Paris"),
    ("Bangalore - India", "Asia/Kolkata"), ("Hyderabad, India", "Asia/Kolkata"),
    ("Hyderabad, Telangana, India", "Asia/Kolkata"), ("Hyderabad (Pakistan)", "Asia/Karachi"),
    ("Portland, OR", "America/Los_Angeles"), ("Portland, Maine", "America/New_York"),
    ("Valencia, Spain", "Europe/Madrid"), ("Valencia, Venezuela", "America/Caracas"),
    ("San Jose, CA", "America/Los_Angeles"), ("San José, Costa Rica", "America/Costa_Rica"),
    ("Washington, DC", "America/New_York"), ("IST (India)", "Asia/Kolkata"),
    ("CST, China", "Asia/Shanghai"), ("BST - UK", "Europe/London"),
    # A city or an offset beside an abbreviation of several zones says which; an
    # IANA name with a note or a space for its underscore; two abbreviations of
    # one zone (each was "not a time zone" or ambiguous).
    ("Mumbai (IST)", "Asia/Kolkata"), ("IST (UTC+5:30)", "Asia/Kolkata"),
    ("IST (UTC+02:00)", "Asia/Jerusalem"), ("CST (UTC+8)", "Asia/Shanghai"),
    ("IST (UTC+1)", "Europe/Dublin"), ("IST, Tel Aviv", "Asia/Jerusalem"),
    ("Europe/London (GMT)", "Europe/London"), ("America/New York", "America/New_York"),
    ("CET/CEST", "Europe/Paris"),
])
def test_time_zones_as_hr_systems_write_them(written: str, zone: str) -> None:
    [p] = _read(f'id,timezone\na,"{written}"\n')
    assert p.timezone == zone
    # The same offsets as the label says, in winter or in summer.
    label = re.search(r"([+-]\d\d):(\d\d)", written)
    if label:
        hours, minutes = int(label.group(1)), int(label.group(2))
        want = timedelta(hours=hours, minutes=minutes if hours >= 0 else -minutes)
        assert any(ZoneInfo(zone).utcoffset(datetime(2026, m, 15)) == want for m in (1, 7))


def test_the_business_cities_table_adds_only_what_the_database_lacks() -> None:
    from rmatch.model.timezones import _business_cities, _cities, is_iana_zone

    table = _business_cities()
    assert len(table) > 200
    assert all(is_iana_zone(zone) for zone in table.values())
    assert not [city for city in table if city in _cities()]  # the database's own first
    # A name two places share says so.
    for city in ("Hyderabad", "Washington", "Portland", "San Jose", "Valencia",
                 # a country that does not tell them apart, or two that contradict
                 "Portland - USA", "Hyderabad (India) Pakistan", "IST (UTC+4)",
                 "IST (Mumbai, Tel Aviv)"):
        with pytest.raises(rm.InputError, match=f"'{re.escape(city)}' names several time "
                                                "zones"):
            _read(f'id,timezone\na,"{city}"\n')


def test_ambiguous_or_offset_only_time_zones_are_said() -> None:
    with pytest.raises(rm.InputError) as info:
        _read("id,timezone\na,IST\nb,CST\nc,(GMT+01:00) Tokyo\n")
    reasons = [p.reason for p in info.value.problems if isinstance(p, rm.Problem)]
    assert "'IST' names several time zones (India (Asia/Kolkata), Israel" in reasons[0]
    assert "values={'timezone': {'IST': 'Asia/Kolkata'}}" in reasons[0]
    assert "'CST' names several time zones" in reasons[1]
    assert "is not Asia/Tokyo's in winter or summer" in reasons[2]
    # A value map says which; an offset alone is a fixed zone, with a warning.
    [p] = _read("id,timezone\na,IST\n", values={"timezone": {"ist": "Asia/Kolkata"}})
    assert p.timezone == "Asia/Kolkata"
    with pytest.warns(rm.InputWarning, match="only as a UTC offset, read as a fixed UTC "
                      "offset, without daylight saving: 'GMT\\+1' \\(row 2\\)"):
        [p] = _read("id,timezone\na,GMT+1\n")
    assert p.timezone == "Etc/GMT-1"
    # GMT alone is UTC, as written; UK staff mean London's time by it (summer
    # time included), so it is said the same way.
    with pytest.warns(rm.InputWarning, match="without daylight saving: 'GMT' \\(row 2\\)"):
        [p] = _read("id,timezone\na,GMT\n")
    assert p.timezone == "UTC"
    # A near miss of an IANA name says which it may be.
    with pytest.raises(rm.InputError, match="'Europe/Londn' is not a time zone rmatch knows "
                                            "\\(did you mean 'Europe/London'\\?\\)"):
        _read("id,timezone\na,Europe/Londn\n")


@pytest.mark.parametrize("minutes", [330, 345, 270, 390, 570, 525, 210, -570])
def test_an_offset_of_a_part_hour_is_read_as_the_zone_that_keeps_it_all_year(
        minutes: int) -> None:
    # "GMT+05:30", as many Indian HR exports write Kolkata's zone, was refused: no
    # IANA Etc/ zone has a half hour.
    sign, whole = ("+" if minutes > 0 else "-"), abs(minutes)
    written = f"GMT{sign}{whole // 60:02d}:{whole % 60:02d}"
    with pytest.warns(rm.InputWarning, match="read as a fixed UTC offset, without daylight"):
        [p] = _read(f"id,timezone\na,{written}\n")
    assert p.timezone is not None
    zone = ZoneInfo(p.timezone)
    offsets = {zone.utcoffset(datetime(2026, 1, 1) + timedelta(days=d)) for d in range(0, 366, 5)}
    assert offsets == {timedelta(minutes=minutes)}  # that offset, every day of the year
    # An offset whose zones move in summer (Newfoundland's -03:30) is still refused.
    if minutes == 330:
        with pytest.raises(rm.InputError, match="'GMT-03:30' gives only a UTC offset that no "
                                                "fixed zone has"):
            _read("id,timezone\na,GMT-03:30\n")


def test_skills_with_decimal_commas_percentages_and_bare_names() -> None:
    [p] = _read("id;skills;goals\na;GenAI:0,8, Cloud:50%;Python, SQL\n")
    assert p.skills == {"genai": 0.8, "cloud": 0.5}
    assert p.goals == {"python": 1.0, "sql": 1.0}


def test_a_leading_apostrophe_in_real_data_stays_and_rmatchs_escape_goes() -> None:
    people = _read("id,location,name\na,'s-Hertogenbosch,'=cmd\n")
    assert (people[0].location, people[0].name) == ("'s-Hertogenbosch", "=cmd")


# --- 4. every problem at once ---------------------------------------------------------


def test_every_problem_of_a_file_is_reported_at_once_with_row_id_and_field() -> None:
    text = ("id,manager_id,level,birth_year,previous_partners\n"
            "a,,1,1990,\n"
            "b,zz,x,1990,\n"      # unknown manager and a bad level
            "a,,1,1990,\n"        # duplicate id
            "c,,1,14/14/1990,c\n"  # bad date and oneself as a previous partner
            "d,c,1,1990,\n")
    with pytest.raises(rm.InputError) as info:
        _read(text)
    found = {(p.row, p.id, p.field) for p in info.value.problems
             if isinstance(p, rm.Problem) and p.row is not None}
    # Two problems in one row are both named; d's manager 'c' is a row of the
    # file, so it is no problem even though c's row is bad.
    assert found == {(3, "b", "level"), (4, "a", "id"), (5, "c", "birth_year"),
                     (5, "c", "previous_partners"), (3, "b", "manager_id")}
    assert any(p.endswith("row 5 (id 'c'), field 'previous_partners': participant 'c' lists "
                          "themself as a previous partner") for p in info.value.problems)


def test_rows_with_too_many_or_too_few_cells_or_a_stray_quote_are_errors() -> None:
    with pytest.raises(rm.InputError) as info:
        _read('id,name,role\nj1,Ann,junior\nj2,"Bob,junior\nj3,Cy,senior\nj4,Di\n')
    [problem] = info.value.problems
    assert "row 3" in problem
    assert "stray quote" in problem
    with pytest.raises(rm.InputError) as info:
        _read("id,name,role\nj1,Ann,junior,extra\nj2,Bob\n")
    assert [p.row for p in info.value.problems if isinstance(p, rm.Problem)] == [2, 3]


def test_validate_lists_every_problem_and_the_suggested_map(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXPORT)]) == 1
    err = capsys.readouterr().err
    assert "no column gives the participant 'id'" in err
    assert '"Employee ID": "id"' in err
    assert err.strip().endswith("problem(s) found")


# --- 5. safe defaults ---------------------------------------------------------------------


def test_without_rules_nobody_is_paired_with_their_manager_or_without_a_language() -> None:
    boss = rm.Participant(id="boss", role="senior", birth_year=1970, level=5, languages={"en"})
    other = rm.Participant(id="other", role="senior", birth_year=1971, level=5,
                           languages={"de"})
    mine = rm.Participant(id="mine", role="junior", birth_year=2000, level=1, manager_id="boss",
                          languages={"en", "de"})
    lone = rm.Participant(id="lone", role="junior", birth_year=2001, level=1, languages={"en"})
    res = rm.match([mine, lone], [boss, other])
    assert {(p.junior_id, p.senior_id) for p in res.pairs} == {("mine", "other"),
                                                              ("lone", "boss")}
    off = rm.match([mine, lone], [boss, other], rm.Program(constraints=[]))
    assert len(off.pairs) == 2
    assert rm.Program().uses_recommended_rules
    assert not rm.Program.model_validate_json('{"constraints": []}').uses_recommended_rules


def test_recommended_rules_do_not_shut_out_rosters_without_levels_or_languages() -> None:
    juniors = [rm.Participant(id=f"j{i}") for i in range(3)]
    seniors = [rm.Participant(id=f"s{i}") for i in range(3)]
    assert len(rm.match(juniors, seniors).pairs) == 3


def test_recommended_rules_let_the_chief_executive_mentor_all_but_two_steps_down() -> None:
    # ceo <- vp <- dir <- lead <- analyst: the chief executive, above everyone,
    # may be paired three or more steps down, never with a report or a
    # report's report (either way round).
    chain = ["ceo", "vp", "dir", "lead", "analyst"]
    people = [rm.Participant(id=pid, manager_id=chain[k - 1] if k else None)
              for k, pid in enumerate(chain)]
    org = rm.OrgChart.from_participants(people)
    juniors, seniors = people[3:], people[:3]
    sm = rm.score(juniors, seniors, rm.Program(), org=org)
    for a, j in enumerate(juniors):
        for b, s in enumerate(seniors):
            steps = chain.index(j.id) - chain.index(s.id)
            assert bool(sm.feasible[a, b]) is (steps > 2), (j.id, s.id)
    assert sm.feasible.any()
    # The whole chain is still one rule away.
    whole = rm.score(juniors, seniors, rm.Program(constraints=[rm.NoReportingLine()]),
                     org=org)
    assert not whole.feasible.any()


# --- 6. DataFrames and round trips --------------------------------------------------------


def test_from_frame_reads_nan_none_lists_and_text() -> None:
    df = pd.DataFrame({"Employee ID": ["a", "b"], "Grade": ["L7", None],
                       "languages": [["EN", "pt"], float("nan")],
                       "DOB": pd.to_datetime(["1962-02-14", None])})
    people = rm.from_frame(df, columns={"Employee ID": "id", "Grade": "level", "DOB":
                                        "birth_year"}, level_map={"L7": 7})
    assert (people[0].level, people[0].languages, people[0].birth_year) == (
        7, frozenset({"en", "pt"}), 1962)
    # a blank level is unknown, not level 0
    assert (people[1].level, people[1].languages, people[1].birth_year) == (
        None, frozenset(), None)
    with pytest.raises(rm.InputError, match="DataFrame: row 2 \\(id 'b'\\), field 'level'"):
        rm.from_frame(pd.DataFrame({"id": ["a", "b"], "level": [1, "L9"]}))


@st.composite
def rosters(draw: st.DrawFn) -> list[rm.Participant]:
    n = draw(st.integers(0, 5))
    people = [draw(participants(f"p{i}")) for i in range(n)]
    return [p.model_copy(update={
        "role": draw(st.sampled_from([None, "junior", "senior", "both"])),
        "name": draw(st.none() | st.sampled_from(["Ana", "Zoë O'Brien", "=1+1"])),
        "manager_id": draw(st.none() | st.sampled_from([q.id for q in people if q.id != p.id]
                                                       or [""])) or None,
        "previous_partners": frozenset(draw(st.lists(st.sampled_from(["p0", "p1", "a,b"]),
                                                     max_size=2))) - {p.id},
    }) for p in people]


@settings(max_examples=25)
@given(people=rosters(), fmt=st.sampled_from(["csv", "json", "jsonl", "xlsx"]))
def test_file_participants_and_frame_round_trip(people: list[rm.Participant], fmt: str,
                                                tmp_path_factory: pytest.TempPathFactory
                                                ) -> None:
    people = [rm.Participant.model_validate(p.model_dump()) for p in people]
    frame = rm.to_frame(people)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)  # partners outside the roster
        assert rm.from_frame(frame) == people
        path = tmp_path_factory.mktemp("rt") / f"r.{fmt}"
        rm.write_participants(people, path)
        back = rm.read_participants(path)
    assert back == people
    assert rm.to_frame(back).equals(frame)


# --- 7. base install: report without matplotlib, README without extras -------------------


@pytest.mark.usefixtures("no_extras")
def test_report_without_matplotlib_lists_the_pairs_and_says_how_to_add_plots(
        tmp_path: Path) -> None:
    from rmatch.report.render import PLOTS_OMITTED

    people = rm.read_participants(ROOT / "examples" / "roster.csv")
    juniors, seniors, _ = rm.split_roles(people)
    res = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    page = res.report().write(tmp_path / "report.html").read_text(encoding="utf-8")
    assert PLOTS_OMITTED.split(":")[0] in page
    assert "<img" not in page
    for pair in res.pairs:
        assert f"<td>{pair.junior_id}</td><td>{pair.senior_id}</td>" in page


def test_what_the_readme_examples_write_is_git_ignored() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    outputs = {line.split(flag, 1)[1].split()[0]
               for line in text.splitlines() if line.startswith("$ rmatch")
               for flag in (" -o ", " --briefs ") if flag in line}
    outputs.add("report.html")  # the notebook snippet's
    assert outputs
    for name in sorted(outputs):
        status = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert status.returncode == 0, f"{name} is written by a README example but not ignored"


# --- 8. people on both sides -------------------------------------------------------------


@settings(max_examples=40)
@given(data=st.data())
def test_people_on_both_sides_never_pair_with_themselves_and_the_rest_is_optimal(
        data: st.DataObject) -> None:
    base = [data.draw(participants(f"p{i}", max_capacity=2)) for i in range(4)]
    roles = data.draw(st.lists(st.sampled_from(["junior", "senior", "both"]), min_size=4,
                               max_size=4))
    people = [p.model_copy(update={"role": r}) for p, r in zip(base, roles, strict=True)]
    juniors, seniors, _ = rm.split_roles(people)
    if not juniors or not seniors:
        return
    program = rm.Program(constraints=[])
    res = rm.match(juniors, seniors, program)
    res.check()
    assert all(p.junior_id != p.senior_id for p in res.pairs)
    sm = res.scores
    same = np.array([[j == s for s in sm.senior_ids] for j in sm.junior_ids])
    if int((~same).sum()) <= 16:
        best = brute_force(sm.total, ~same, sm.juniors.capacity, sm.seniors.capacity)
        assert len(res.pairs) == best[0]
        assert res.objective == pytest.approx(best[1], abs=1e-5)
    for pid in {p.id for p in people if p.role == "both"}:
        assert SELF_PAIR in sm.ruled_out_by(pid, pid)
        assert res.explain(pid, side="senior", costs=False).side == "senior"


def test_merge_sides_makes_people_on_both_sheets_both_and_names_clashes() -> None:
    mentees = _read("email,grade,identity\nA@x.org,2,lgbt\nb@x.org,1,\n",
                    columns={"email": "id", "grade": "level", "identity": "attributes.identity"})
    mentors = _read("email,grade,org\nA@x.org,2,Home Office\nc@x.org,5,DfE\n",
                    columns={"email": "id", "grade": "level", "org": "department"})
    people = rm.merge_sides(mentees, mentors)
    assert [(p.id, p.role) for p in people] == [("A@x.org", "both"), ("b@x.org", "junior"),
                                                ("c@x.org", "senior")]
    assert (people[0].department, people[0].attributes) == ("Home Office", {"identity": "lgbt"})
    juniors, seniors, _ = rm.split_roles(people)
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    assert ("A@x.org", "A@x.org") not in {(p.junior_id, p.senior_id) for p in res.pairs}
    clash = _read("email,grade\nA@x.org,3\n", columns={"email": "id", "grade": "level"})
    with pytest.raises(rm.InputError, match=r"'A@x\.org' is on both sheets with different "
                                            r"'level': 2 and 3"):
        rm.merge_sides(mentees, clash)


# --- the messy export and the peer's survey, end to end -----------------------------------


def test_the_messy_hris_export_reads_in_one_call_with_a_map() -> None:
    columns = rm.suggest_columns(EXPORT)
    people = rm.read_participants(EXPORT, columns=columns, level_map=GRADES)
    assert len(people) == 40
    by_id = {p.id: p for p in people}
    assert by_id["E1000"].level == 10
    assert by_id["E1003"].location == "'s-Hertogenbosch"
    assert by_id["E1002"].timezone == "Europe/London"
    assert by_id["E1001"].languages == {"es"}  # 'español'
    assert sum(p.role == "both" for p in people) == 1
    juniors, seniors, _ = rm.split_roles(people)
    res = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    res.check()
    for pair in res.pairs:
        assert by_id[pair.junior_id].manager_id != pair.senior_id


def test_the_messy_export_without_a_map_lists_every_problem_at_once() -> None:
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(EXPORT)
    problems = info.value.problems
    assert problems[0].endswith("no column gives the participant 'id' (map one, e.g. "
                                "columns={'Employee ID': 'id'})")
    assert "hint: a column map" in problems[-1]
    assert json.loads(problems[-1].split(": ", 2)[2].split("writes it): ", 1)[1]) == \
        rm.suggest_columns(EXPORT)
    # The same map as a front end's value, with the kind that says what it is.
    hints = [p for p in problems if isinstance(p, rm.Problem) and p.kind == "column_map"]
    assert hints == [problems[-1]]
    assert json.loads(hints[0].value or "") == rm.suggest_columns(EXPORT)
    # The file's own problem says why no row has an id: not once more a row.
    assert not [p for p in problems if "field 'id'" in str(p)]
    # A row's other problems are still named (a time zone nobody has, row 3).
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(io.StringIO("Employee ID,timezone\ne1,Europe/Lisbon\n"
                                         "e2,Mars/Base\n"))
    assert [(p.row, p.field) for p in info.value.problems if isinstance(p, rm.Problem)
            and p.row is not None] == [(3, "timezone")]


def test_cli_reads_the_export_with_map_files(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    cols, levels = tmp_path / "columns.json", tmp_path / "levels.json"
    cols.write_text(json.dumps(rm.suggest_columns(EXPORT)), encoding="utf-8")
    levels.write_text(json.dumps(GRADES), encoding="utf-8")
    out = tmp_path / "people.csv"
    assert main(["match", str(EXPORT), "--columns", str(cols), "--level-map", str(levels),
                 "-o", str(out), "--per-person"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("rules: the recommended HR rules")
    assert "proven the best possible" in printed
    rows = out.read_text(encoding="utf-8").splitlines()
    people = rm.read_participants(EXPORT, columns=rm.suggest_columns(EXPORT), level_map=GRADES)
    juniors, seniors, _ = rm.split_roles(people)
    assert len(rows) == 1 + len(juniors) + len(seniors)  # one row per person and side


@pytest.mark.skipif(not PEERS.exists(), reason="the peer's sample data is not beside the repo")
@pytest.mark.parametrize("size", ["small", "large"])
def test_the_peer_survey_sheets_read_into_one_roster(size: str) -> None:
    example = runpy.run_path(str(ROOT / "examples" / "peer_survey.py"))
    people = example["read_survey"](PEERS / size)
    n = 50 if size == "small" else 500
    assert sum(p.role == "junior" for p in people) == n
    assert sum(p.role == "senior" for p in people) == n
    assert all("@" in p.id for p in people)
    grades = {p.level for p in people}
    assert grades <= set(range(11))
    assert all(p.name and " " in p.name for p in people)  # first and last name joined


def test_control_characters_in_ids_are_rejected_and_ids_are_nfc() -> None:
    with pytest.raises(rm.InputError, match="U\\+001B"):
        _read("id\n\x1b[2J\n")
    decomposed, composed = "Mu\u0308ller", "M\u00fcller"
    assert _read(f"id\n{decomposed}\n")[0].id == composed
    with pytest.raises(rm.InputError, match="duplicate id"):
        _read(f"id\n{decomposed}\n{composed}\n")


def test_the_same_person_explained_on_each_side() -> None:
    a = rm.Participant(id="a", role="both", level=3, birth_year=1980)
    j = rm.Participant(id="j", level=1, birth_year=2000)
    s = rm.Participant(id="s", level=6, birth_year=1960)
    res = rm.match([j, a], [a, s])
    assert {(p.junior_id, p.senior_id) for p in res.pairs} == {("j", "a"), ("a", "s")}
    assert [p.senior_id for p in res.explain("a").partners] == ["s"]
    assert [p.junior_id for p in res.explain("a", side="senior").partners] == ["j"]
    lonely = rm.match([a], [a, s], rm.Program(constraints=[rm.Forbid(pairs=[("a", "s")])]))
    assert lonely.unmatched_reasons["a"].startswith("as junior: ")
    assert "; as senior: " in lonely.unmatched_reasons["a"]
    assert "a" in lonely.unmatched_juniors
    assert "a" in lonely.unmatched_seniors


def test_names_written_with_the_persons_id_in_brackets_read_as_the_name_and_the_id() -> None:
    # Some HR reports write "Ana Lima (E1)", the manager and the wishes too: the
    # briefs and mail merges said "Dear Ana Lima (E1)", and a wish so written
    # named nobody. The id in brackets is read as such; other brackets stay.
    roster = ("id,name,email,manager_name,role,wishes\n"
              "E1,Ana Lima (E1),,,senior,\n"
              "E2,Bo Chen (bo@x.org),bo@x.org,Ana Lima (e1),junior,Cy Diaz (E3)\n"
              "E3,Cy Diaz (E3),,Ana Lima (E1),senior,\n"
              "E4,Di Eng (she/her),,Cy Diaz (E3),junior,\n")
    with pytest.warns(rm.InputWarning) as said:
        people = {p.id: p for p in rm.read_participants(io.StringIO(roster))}
    assert {pid: p.name for pid, p in people.items()} == {
        "E1": "Ana Lima", "E2": "Bo Chen", "E3": "Cy Diaz", "E4": "Di Eng (she/her)"}
    assert {pid: p.manager_id for pid, p in people.items()} == {
        "E1": None, "E2": "E1", "E3": "E1", "E4": "E3"}
    assert people["E2"].wishes == ["E3"]
    shown = " ".join(str(w.message) for w in said)
    assert ("3 name(s) written with the person's own id in brackets read without it; 3 "
            "manager(s) named with their id in brackets read as that id") in shown
    assert "Lima" not in shown  # names are personal data
    # A cell of thousands of spaces inside a bracket (a pattern that backtracked
    # took minutes on 4,000) is read as written, at once.
    long = "Ana (" + " " * 20_000 + "x"
    assert rm.read_participants(io.StringIO(f'id,name\nE1,"{long}"\n'))[0].name == long
    # A bracket that is no one's id is part of the name: nothing read, nothing said.
    plain = "id,name,role\nE1,Ana Lima (Finance),senior\nE2,Bo Chen (E9),junior\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [p.name for p in rm.read_participants(io.StringIO(plain))] == [
            "Ana Lima (Finance)", "Bo Chen (E9)"]


@pytest.mark.parametrize(("headers", "kept"), [
    (["Legal Name", "Preferred Name"], ["Preferred Name"]),
    (["Full Name", "First Name", "Last Name"], ["First Name", "Last Name"]),
    (["First Name", "Last Name", "Preferred Name"], ["First Name", "Last Name"]),
    (["Name", "Legal Name"], ["Name"]),
    (["First Name", "Middle Name", "Last Name"], ["First Name", "Middle Name", "Last Name"]),
])
def test_one_whole_name_is_proposed_and_its_parts_joined(headers: list[str],
                                                         kept: list[str]) -> None:
    # A Workday export's "Legal Name" and "Preferred Name" were both proposed and
    # joined: "Ana Maria Lima Ana Lima" in every brief and mail merge.
    cells = {"Legal Name": "Ana Maria Lima", "Preferred Name": "Ana Lima",
             "Full Name": "Ana Lima", "Name": "Ana Lima", "First Name": "Ana",
             "Middle Name": "Maria", "Last Name": "Lima"}
    text = ",".join(["Employee ID", *headers]) + "\n" + ",".join(
        ["E1", *(cells[h] for h in headers)]) + "\n"
    columns = rm.suggest_columns(io.StringIO(text))
    assert [h for h, t in columns.items() if t == "name"] == kept
    [person] = rm.read_participants(io.StringIO(text), columns=columns)
    assert person.name == " ".join(cells[h] for h in kept)


def test_a_bamboohr_export_reads_first_and_last_names_and_managers_by_them() -> None:
    # BambooHR: "First Name", "Last Name", a "Preferred Name" most leave blank (a first
    # name), and "Reporting to" holding the manager's name. The preferred name was
    # proposed alone (most people nameless), and the managers' names were ids.
    text = ("Employee #,First Name,Last Name,Preferred Name,Reporting to,Mentoring\n"
            "1,Helena,Marques,,,\n2,Rui,Almeida,,Helena Marques,Mentee\n"
            "3,Ana,Lima,Ana,Rui Almeida,Reverse mentor\n"
            "4,Margaret,Hill,Maggie,Helena Marques,Mentee\n"
            "5,Bo,Chen,,Margaret Hill,Reverse mentor\n")
    columns = rm.suggest_columns(io.StringIO(text))
    assert (columns["First Name"], columns["Last Name"], columns["Preferred Name"]) == (
        "name", "name", None)
    assert columns["Reporting to"] == "manager_name"
    values = rm.suggest_values(io.StringIO(text), columns=columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        people = rm.read_participants(io.StringIO(text), columns=columns, values=values)
    assert [(p.name, p.manager_id) for p in people] == [
        ("Helena Marques", None), ("Rui Almeida", "1"), ("Ana Lima", "2"),
        ("Margaret Hill", "1"), ("Bo Chen", "4")]


def test_a_supervisor_column_of_names_with_ids_is_read_as_the_ids() -> None:
    # A SuccessFactors-style export: the supervisor written "Ana Lima (E40)" and
    # mapped as the manager id was "manager 'Ana Lima (E40)' is not in this
    # roster" on every row, a name in every message.
    roster = ("Person ID,Full Name,Supervisor,Role\n"
              "E40,Ana Lima,,senior\n"
              "E41,Bo Chen,Ana Lima (E40),senior\n"
              "E42,Cy Diaz,Bo Chen (e41),junior\n")
    columns = {"Person ID": "id", "Full Name": "name", "Supervisor": "manager_id",
               "Role": "role"}
    with pytest.warns(rm.InputWarning) as said:
        people = rm.read_participants(io.StringIO(roster), columns=columns)
    assert [p.manager_id for p in people] == [None, "E40", "E41"]
    shown = " ".join(str(w.message) for w in said)
    assert "2 manager(s) named with their id in brackets read as that id" in shown
    assert "Lima" not in shown  # names are personal data
    # Ids whose zeros a spreadsheet dropped from the id column's numbers (10040 for
    # 0010040): said by the id, never taken, and never by the name.
    numbers = "id,name,manager_id,role\n10040,Ana Lima,,senior\n" \
        "10041,Bo Chen,Ana Lima (0010040),junior\n"
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(numbers))
    [line] = [str(p) for p in err.value.problems]
    assert "manager '0010040' is not in this roster (did you mean '10040'? a spreadsheet " \
        "drops an id's leading zeros" in line
    assert "Lima" not in line


def test_skills_with_their_level_in_words_or_a_rating_meet_the_goals_they_name() -> None:
    # Found trying a sign-up form: "Python (advanced)" was a skill named
    # "python (advanced)" that no senior's goal "Python" met (skills scored 0).
    text = ("id,role,skills,goals\n"
            "j1,junior,\"Python (advanced); Excel (basic); SQL: 4/5\",\n"
            "j2,junior,\"Python (pandas); Figma (Fortgeschritten)\",\n"
            "s1,senior,,\"Python; SQL; Figma\"\n"
            "s2,senior,,\"GenAI (high priority); Cloud (low priority)\"\n"
            "s3,senior,,\"Data (Must-have); Design (nice to have); AI (top priority)\"\n")
    people = {p.id: p for p in _read(text)}
    assert people["j1"].skills == {"python": 0.75, "excel": 0.25, "sql": 0.8}
    # Words in brackets that are no level stay part of the name.
    assert people["j2"].skills == {"python (pandas)": 1.0, "figma": 0.75}
    assert people["s2"].goals == {"genai": 0.75, "cloud": 0.25}  # a goal's priority
    assert people["s3"].goals == {"data": 1.0, "design": 0.5, "ai": 1.0}  # MoSCoW and "top"
    juniors, seniors, _ = rm.split_roles(list(people.values()))
    scores = rm.score(juniors, seniors, rm.Program(constraints=[]))
    plain = rm.score([people["j1"].model_copy(update={"skills": {"python": 0.75, "sql": 0.8,
                                                                 "excel": 0.25}})],
                     seniors, rm.Program(constraints=[]))
    skills = scores.components["skills"]
    s1 = [p.id for p in seniors].index("s1")
    assert skills[0, s1] == plain.components["skills"][0, s1] > 0
    # A rating above 1 and a word that is no level are refused by row, with the scale.
    with pytest.raises(rm.InputError, match=r"'python' has value '4', above 1: .* is 4/5"):
        _read("id,role,skills\nj1,junior,python:4\n")
    with pytest.raises(rm.InputError, match="not a number nor a level word"):
        _read("id,role,skills\nj1,junior,SQL: so-so\n")


def test_a_yes_or_no_question_about_mentoring_is_the_role_to_map() -> None:
    # Found trying a sign-up form: "Would you like to be a reverse mentor?" answered
    # Yes or No was left out, and everyone was read without a side (no warning;
    # the match found 0 juniors and 0 seniors, and `rmatch columns` proposed nothing).
    text = ("Email Address,Full name,Would you like to be a reverse mentor?,Year you were born\n"
            "ana@acme.com,Ana Lima,No,1968\nbo@acme.com,Bo Chen,Yes,2001\n"
            "cy@acme.com,Cy Diaz,yes,1999\n")
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns["Would you like to be a reverse mentor?"] == "role"
    # Which side "Yes" means only the question says: every row asks for the map.
    with pytest.raises(rm.InputError) as refused:
        rm.read_participants(io.StringIO(text), columns=columns)
    assert len(refused.value.problems) == 3
    # The example names the file's own word (an Excel export writes TRUE and FALSE).
    words = ["No", "Yes", "yes"]
    assert all(f'{{"role": {{"{word}": "junior"}}}} or "senior"' in p
               and "as the question asked" in p
               for word, p in zip(words, refused.value.problems, strict=True))
    text_excel = text.replace(",No,", ",FALSE,").replace(",Yes,", ",TRUE,").replace(
        ",yes,", ",TRUE,")
    with pytest.raises(rm.InputError, match='"FALSE": "junior"'):
        rm.read_participants(io.StringIO(text_excel), columns=columns)
    assert [p.role for p in rm.read_participants(
        io.StringIO(text_excel), columns=columns,
        values={"role": {"TRUE": "junior", "FALSE": "senior"}})] == ["senior", "junior", "junior"]
    people = rm.read_participants(io.StringIO(text), columns=columns,
                                  values={"role": {"Yes": "junior", "No": "senior"}})
    assert [(p.id, p.role) for p in people] == [
        ("ana@acme.com", "senior"), ("bo@acme.com", "junior"), ("cy@acme.com", "junior")]
    # The question says which side "Yes" is, so "Yes" is proposed by it (a reverse
    # mentor is the junior; whoever wants one the senior); "No" never: outside the
    # programme or the other side, the user says.
    for question, side in (("Would you like to be a reverse mentor?", "junior"),
                           ("Would you like a reverse mentor?", "senior"),
                           ("Möchten Sie Mentee werden?", "senior")):
        form = text.replace("Would you like to be a reverse mentor?", question)
        proposed = {"role": {"Yes": side, "yes": side}}
        assert rm.suggest_values(io.StringIO(form)) == proposed
        assert rm.survey_table(io.StringIO(form)).values == proposed
    assert rm.suggest_values(io.StringIO(text_excel)) == {"role": {"TRUE": "junior"}}
    # A question about the past says no side: nothing proposed.
    past = text.replace("Would you like to be a reverse mentor?", "Have you had a mentor before?")
    assert rm.suggest_values(io.StringIO(past)) == {}
    # Nor is it the side column when no other column says the side: left out, and said.
    assert rm.suggest_columns(io.StringIO(past))["Have you had a mentor before?"] is None
    # Beside a column that says the side, a yes-or-no question stays out.
    text = ("id,I am a,Have you had a mentor before?\n1a,Mentor (early career),No\n"
            "2b,Mentee (executive),Yes\n")
    columns = rm.suggest_columns(io.StringIO(text))
    assert (columns["I am a"], columns["Have you had a mentor before?"]) == ("role", None)


def test_a_small_teams_counting_numbers_stay_its_ids_without_an_email() -> None:
    # 1, 2, 3 looks like a form's response number, but with no e-mail to be the
    # id instead it is the only key: it was left out and every row refused.
    text = "Emp No,Role\n" + "".join(f"{k},{'junior' if k < 4 else 'senior'}\n"
                                     for k in range(1, 7))
    assert rm.suggest_columns(io.StringIO(text))["Emp No"] == "id"
    people = rm.read_participants(io.StringIO(text), columns=rm.suggest_columns(
        io.StringIO(text)))
    assert [p.id for p in people] == [str(k) for k in range(1, 7)]
    with_mail = "ID,Email,Role\n1,a@x.org,junior\n2,b@x.org,senior\n3,c@x.org,senior\n"
    assert rm.suggest_columns(io.StringIO(with_mail)) == {"ID": None, "Email": "id",
                                                          "Role": "role"}


@pytest.mark.parametrize("question", ["Where are you based?", "Where are you located?",
                                      "Which office are you based in?", "Your location",
                                      "Where do you work?"])
def test_a_forms_question_about_where_someone_works_is_the_location(question: str) -> None:
    # "Where are you based?" was left out (its best guesses wishes and avoid, at 86).
    text = f"Email,{question}\na@x.org,Lisbon\nb@x.org,Berlin\n"
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns[question] == "location"
    people = rm.read_participants(io.StringIO(text), columns=columns)
    assert [p.location for p in people] == ["Lisbon", "Berlin"]
