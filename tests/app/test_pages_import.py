"""A sign-up form and the HR export joined on the mapping screen, in the browser."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.app.browsing import check_page, new_programme
from tests.app.conftest import MENTEES_SHEET, MENTORS_SHEET, ROOT, SIDE_COLUMNS, Service

import rmatch as rm
from rmatch.app.pages.imports import PENDING_DAYS
from rmatch.app.store import PendingUpload, now

pytest.importorskip("playwright")
pytest.importorskip("openpyxl")
from playwright.sync_api import Browser, Page, expect

E = ROOT / "examples" / "exports"


def _json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((E / name).read_text("utf-8"))
    return loaded


def _choose(page: Page, prefix: str, path: Path, columns: dict[str, Any],
            sheet: str | None = None) -> None:
    """Choose each column's target on the page, as a person does with the lists."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        headers = list(rm.suggest_columns(path, sheet=sheet))
    for k, header in enumerate(headers, start=1):
        page.select_option(f"#{prefix}-{k}", columns.get(header) or "")


def _read_with_choices(page: Page, site: Service, said: str) -> list[dict[str, Any]]:
    """Read the file as chosen on the mapping screen; return the people the API has stored."""
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(said)
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("checker", "admin")).get(f"/api/v1/programmes/{pid}/people")
    people: list[dict[str, Any]] = stored.json()
    return people


def test_sign_ups_joined_with_the_hr_export_on_the_mapping_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    page = new_programme(browser, site, "Forms and Workday")
    # The example's sign-ups, and one from someone the HR export does not know (yet).
    forms, workday = tmp_path / "forms_signup.csv", E / "workday_workers.xlsx"
    forms.write_bytes((E / "forms_signup.csv").read_bytes().rstrip(b"\r\n") + (
        b"\r\n99,11/9/26 9:00:00,11/9/26 9:05:00,new.joiner@acme.com,New Joiner,"
        b"Reverse mentor (I'm early in my career),GenAI tools;,,English;,\r\n"))
    page.set_input_files("#mapfile", str(forms))
    page.set_input_files("#hrfile", str(workday))
    page.click("button:has-text('Check the columns')")
    expect(page.locator("#hr-h")).to_contain_text("workday_workers.xlsx")
    check_page(page, tmp_path / "shots", "mapping-with-hr")

    # The maps a person sets on the page (the same as the example's JSON files).
    _choose(page, "col", forms, _json("forms_columns.json"))
    _choose(page, "hcol", workday, _json("workday_for_forms_columns.json"))
    page.fill("#values", json.dumps(_json("forms_values.json")))
    page.fill("#hr_values", "")
    page.click("button:has-text('Check these choices first')")
    # A form sent twice by one person: the join waits until the duplicates are settled.
    expect(page.locator(".join")).to_contain_text("once both files read with these choices; "
                                                  "1 problem now")
    expect(page.locator(".join li")).to_contain_text("Hugo.ramos@Acme.com")
    page.select_option("#duplicates", "keep_last")
    page.click("button:has-text('Check these choices first')")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        signups = rm.read_participants(forms, columns=_json("forms_columns.json"),
                                       values=_json("forms_values.json"),
                                       duplicates="keep_last", check_managers=False)
        employees = rm.read_participants(workday,
                                         columns=_json("workday_for_forms_columns.json"))
        joined = rm.enrich(signups, employees)
    known = {p.id.casefold() for p in employees}
    found = sum(p.id.casefold() in known for p in signups)
    assert 0 < found < len(signups)  # the example has sign-ups HR does not know
    join = page.locator(".join")
    expect(join).to_contain_text(f"{found} of {len(signups)} sign-ups have an HR record")
    for p in signups:
        if p.id.casefold() not in known:
            expect(join).to_contain_text(p.id)
    expect(join).to_contain_text(f"{len(employees) - found} other people of the HR export")
    check_page(page, tmp_path / "shots", "join")
    # The choices survive the check: the page still shows them.
    assert page.locator("#duplicates").input_value() == "keep_last"

    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("h1")).to_have_text("Forms and Workday")
    signed = {p.id for p in joined}
    everyone = joined + [p for p in employees if p.id not in signed]
    juniors, seniors, _ = rm.split_roles(joined)
    expect(page.locator("#people-h + p")).to_contain_text(
        f"{len(everyone)} people read from forms_signup.csv: {len(juniors)} juniors and "
        f"{len(seniors)} seniors (the others give the reporting lines)")


def test_an_hr_apis_nested_json_is_mapped_by_its_paths_on_the_mapping_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """HiBob-like records: columns by path, guessed, read; one record lacks the manager."""
    # With rmatch's own lists and maps beside them (the preview and the values to
    # check read a list's items: both were an internal error).
    people = [{"id": f"{k}", "displayName": f"Person {k}", "role": role,
               "work": {"department": dept, "reportsTo": {"id": boss} if boss else None},
               "personal": {"birthDate": born}, "languages": ["English", "Français"],
               "skills": {"python": 0.5}}
              for k, role, dept, boss, born in [
                  ("1", "junior", "R&D", "3", "1998-05-06"), ("2", "junior", "Sales", "4",
                                                              "1997-01-02"),
                  ("3", "senior", "Board", None, "1965-01-02"),
                  ("4", "senior", "Finance", "3", "1968-01-02")]]
    path = tmp_path / "bob.json"
    path.write_text(json.dumps({"employees": people}), encoding="utf-8")
    page = new_programme(browser, site, "Nested JSON")
    page.set_input_files("#mapfile", str(path))
    page.click("button:has-text('Check the columns')")  # an internal error before
    expect(page.locator("h1")).to_have_text("What the columns of bob.json mean")
    check_page(page, tmp_path / "shots", "nested-json")
    expect(page.locator("table.mapping")).to_contain_text("English; Français")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proposal = rm.suggest_columns(path)
    assert proposal["work.reportsTo.id"] == "manager_id"
    for header, target in proposal.items():
        assert page.locator(f'select[name="col:{header}"]').input_value() == (target or "")
    # The objects whose paths are read come last: their text is wide, their paths first.
    shown = page.locator("table.mapping thead th").all_inner_texts()
    assert shown[-3:] == ["work", "work.reportsTo", "personal"]
    assert sorted(shown) == sorted(proposal)
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "4 people read from bob.json: 2 juniors and 2 seniors")
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("checker", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert {p["id"]: (p.get("department"), p.get("manager_id")) for p in stored.json()} == {
        "1": ("R&D", "3"), "2": ("Sales", "4"), "3": ("Board", None), "4": ("Finance", "3")}
    assert all(sorted(p["languages"]) == ["en", "fr"] and p["skills"] == {"python": 0.5}
               for p in stored.json())


def test_an_older_windows_export_is_read_with_the_encoding_chosen_on_the_page(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """An Excel "CSV (Comma delimited)" from Windows is cp1252: the pages offer it."""
    export = tmp_path / "hris_cp1252.csv"
    text = (ROOT / "examples" / "hris_export.csv").read_text("utf-8-sig")
    assert "García" in text  # a name that only reads right in the right encoding
    export.write_bytes(text.encode("cp1252"))
    levels = (ROOT / "examples" / "hris_levels.json").read_text("utf-8")
    page = new_programme(browser, site, "Windows export")

    # Read as UTF-8 (the default): every problem, nothing stored, and what to choose.
    page.set_input_files("#file", str(export))
    page.click("button:has-text('Read the file')")
    expect(page.locator(".error")).to_contain_text("not UTF-8 text")
    expect(page.locator(".error")).to_contain_text("Its letters read right as Windows (cp1252)")
    assert page.locator("#encoding").input_value() == "cp1252"  # chosen for the next read
    assert page.locator("#mapencoding").input_value() == "cp1252"  # in both forms
    check_page(page, tmp_path / "shots", "not-utf8")

    # Its columns checked with cp1252 chosen: the preview reads the name right, the
    # choice stays on the mapping screen, and the file is read with it.
    page.set_input_files("#mapfile", str(export))
    page.select_option("#mapencoding", "cp1252")
    page.click("button:has-text('Check the columns')")
    expect(page.locator("table.mapping")).to_contain_text("García")
    assert page.locator("#encoding").input_value() == "cp1252"
    check_page(page, tmp_path / "shots", "cp1252-columns")
    page.fill("#level_map", levels)
    page.click("button:has-text('Check these choices first')")
    assert page.locator("#encoding").input_value() == "cp1252"  # kept through a check
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("h1")).to_have_text("Windows export")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        people = rm.read_participants(export, encoding="cp1252",
                                      columns=rm.suggest_columns(export, encoding="cp1252"),
                                      level_map=json.loads(levels))
    juniors, seniors, _ = rm.split_roles(people)
    expect(page.locator("#people-h + p")).to_contain_text(
        f"{len(people)} people read from hris_cp1252.csv: {len(juniors)} juniors and "
        f"{len(seniors)} seniors")
    assert any(p.name == "Ana García" for p in people)

    # The same file read at once, with its maps typed and cp1252 chosen: a second import,
    # from the forms folded under the people now read.
    page.click("summary:has-text('Read another file (it replaces these')")
    page.set_input_files("#file", str(export))
    page.select_option("#encoding", "cp1252")
    page.click("summary:has-text('Column and value maps')")
    page.fill("#columns", json.dumps(rm.suggest_columns(export, encoding="cp1252")))
    page.click("button:has-text('Read the file')")
    # No level map: one problem for the grade column (not one a row), and the map to fill.
    expect(page.locator(".error")).to_contain_text("column 'Grade' holds grade names on all")
    expect(page.locator(".error tbody tr")).to_have_count(2)
    expect(page.locator(".error")).not_to_contain_text("not UTF-8")


GRADES = {"1": "AO", "2": "EO", "3": "HEO", "6": "Grade 6", "7": "SCS1"}
LEVELS = {word: int(n) for n, word in GRADES.items()}
# The same grades in the UK Civil Service's public order (AA 1 ... SCS4 11),
# which the mapping screen proposes in its value map.
CIVIL = {"AO": 2, "EO": 3, "HEO": 4, "Grade 6": 7, "SCS1": 8}


def worded(sheet: str) -> str:
    """A survey sheet with its grades as words (the fourth column)."""
    rows = [line.split(",") for line in sheet.splitlines()]
    return "".join(",".join([*r[:3], GRADES.get(r[3], r[3]), *r[4:]]) + "\n" for r in rows)


def two_sheets(folder: Path) -> tuple[Path, Path]:
    """Write the survey's two sheets (grades as words); return the mentees', the mentors'."""
    mentees, mentors = folder / "mentees.csv", folder / "mentors.csv"
    mentees.write_text(worded(MENTEES_SHEET), encoding="utf-8")
    mentors.write_text(worded(MENTORS_SHEET), encoding="utf-8")
    return mentees, mentors


def merged(mentees: Path, mentors: Path, columns: dict[str, Any],
           levels: dict[str, int] = LEVELS) -> list[rm.Participant]:
    """The oracle: the library reads each sheet with the map and joins them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rm.merge_sides(*(rm.read_participants(path, columns=columns, level_map=levels,
                                                     check_managers=False)
                                for path in (mentees, mentors)))


def test_one_file_per_side_read_in_the_browser(browser: Browser, site: Service,
                                              tmp_path: Path) -> None:
    """A survey's two sheets (mentees, mentors) read with one column map, as merge_sides joins."""
    # Grades as the survey writes them: words, with a level map typed on the form.
    mentees, mentors = two_sheets(tmp_path)
    page = new_programme(browser, site, "Two sheets")
    page.set_input_files("#file", str(mentees))
    page.set_input_files("#seniorsfile", str(mentors))
    page.click("summary:has-text('Column and value maps')")
    page.fill("#columns", json.dumps(SIDE_COLUMNS))
    page.fill("#levels", json.dumps(LEVELS))
    page.fill("#everyone", json.dumps({"timezone": "Europe/London"}))
    page.click("button:has-text('Read the file')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "5 people read from mentees.csv + mentors.csv: 3 juniors and 3 seniors")
    check_page(page, tmp_path / "shots", "two-sheets")
    expected = merged(mentees, mentors, SIDE_COLUMNS)
    assert {p.id: p.level for p in expected} == {
        "ana@gov.uk": 1, "kim@gov.uk": 3, "rui@gov.uk": 2, "cto@gov.uk": 6, "cfo@gov.uk": 7}
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("reader", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert {p["id"]: p.get("level") for p in stored.json()} == {
        p.id: p.level for p in expected}
    assert {p.get("timezone") for p in stored.json()} == {"Europe/London"}
    # Without the seniors' file the same form reads one file, as before: no role
    # column here, so no sides, said as a problem and nothing stored.
    page.click("summary:has-text('Read another file')")
    page.set_input_files("#file", str(mentees))
    page.click("summary:has-text('Column and value maps')")
    page.fill("#columns", json.dumps(SIDE_COLUMNS))
    page.fill("#levels", json.dumps(LEVELS))
    page.click("button:has-text('Read the file')")
    expect(page.locator(".error")).to_contain_text("found 0 juniors and 0 seniors")


def test_a_workbook_whose_people_are_on_another_sheet(browser: Browser, site: Service,
                                                      tmp_path: Path) -> None:
    """A "Read me" first sheet: the problem names the other sheets; both forms choose one."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Read me"
    first.append(["Sign-ups for the 2027 programme. Do not edit the People sheet."])
    people_sheet = book.create_sheet("People")
    rows = ROOT.joinpath("examples", "roster.csv").read_text("utf-8").splitlines()
    for line in rows:
        people_sheet.append(line.split(","))
    path = tmp_path / "signups.xlsx"
    book.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = rm.read_participants(path, sheet="People")
    juniors, seniors, _ = rm.split_roles(expected)
    summary = (f"{len(expected)} people read from signups.xlsx: {len(juniors)} juniors and "
               f"{len(seniors)} seniors")
    page = new_programme(browser, site, "Second sheet")
    page.set_input_files("#file", str(path))
    page.click("button:has-text('Read the file')")
    expect(page.locator(".error")).to_contain_text(
        "hint: this is the sheet 'Read me'; the workbook also has 'People'")
    page.set_input_files("#file", str(path))
    page.fill("#sheet", "People")
    page.click("button:has-text('Read the file')")
    expect(page.locator("#people-h + p")).to_contain_text(summary)
    check_page(page, tmp_path / "shots", "second-sheet")
    # On the mapping screen: the first sheet's one header, then the tab chosen there
    # (by its number) shows the people's headers, suggested afresh, and reads them.
    page.click("summary:has-text('Read another file')")
    page.set_input_files("#mapfile", str(path))
    page.click("button:has-text('Check the columns')")
    expect(page.locator("table.mapping")).to_contain_text("Sign-ups for the 2027 programme")
    page.fill("#sheet", "2")
    page.click("button:has-text('Check these choices first')")
    expect(page.locator("table.mapping")).not_to_contain_text("Sign-ups for the 2027")
    assert page.locator("#sheet").input_value() == "2"
    page.fill("#defaults", json.dumps({"attributes.cohort": "2027"}))  # for everyone
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(summary)
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("checker", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert {(p.get("attributes") or {}).get("cohort") for p in stored.json()} == {"2027"}


def test_one_file_per_side_on_the_mapping_screen(browser: Browser, site: Service,
                                                 tmp_path: Path) -> None:
    """Each file's columns chosen on the screen; read as merge_sides joins the two."""
    mentees, mentors = two_sheets(tmp_path)
    page = new_programme(browser, site, "Two sheets mapped")
    page.set_input_files("#mapfile", str(mentees))
    page.set_input_files("#mapseniors", str(mentors))
    page.click("button:has-text('Check the columns')")
    expect(page.locator("#seniors-h")).to_have_text("The seniors' file: mentors.csv")
    check_page(page, tmp_path / "shots", "two-sheets-mapping")
    # Each file's own columns: the mentors' 'characteristics' is theirs alone. The
    # screen names an attribute after its header.
    on_page = {h: "attributes" if t.startswith("attributes.") else t
               for h, t in SIDE_COLUMNS.items()}
    columns = {h: f"attributes.{h}" if t == "attributes" else t for h, t in on_page.items()}
    _choose(page, "col", mentees, on_page)
    _choose(page, "scol", mentors, on_page)
    # The value map proposes the grades' public order, from both files; a level
    # map typed beside it that says otherwise is a conflict, said, not one winning.
    assert json.loads(page.locator("#values").input_value()) == {"level": CIVIL}
    page.fill("#level_map", json.dumps(LEVELS))
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator(".error")).to_contain_text(
        "the value map and the level map give the grade(s) 'ao' 2 and 1")
    page.fill("#level_map", "")
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "5 people read from mentees.csv + mentors.csv: 3 juniors and 3 seniors")
    expected = merged(mentees, mentors, columns, CIVIL)
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("mapper", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert {p["id"]: rm.Participant.model_validate(p) for p in stored.json()} == {
        p.id: p for p in expected}
    assert any(p.attributes.get("characteristics") for p in expected)  # the mentors' own


def test_one_workbook_with_a_sheet_per_side_in_the_browser(browser: Browser, site: Service,
                                                           tmp_path: Path) -> None:
    """The same workbook as both files, each side's sheet chosen on both forms."""
    from openpyxl import Workbook

    book = Workbook()
    for k, (title, text) in enumerate((("Mentees", MENTEES_SHEET), ("Mentors", MENTORS_SHEET))):
        sheet = book.active if k == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        for line in worded(text).splitlines():
            sheet.append(line.split(","))
    path = tmp_path / "survey.xlsx"
    book.save(path)
    on_page = {h: "attributes" if t.startswith("attributes.") else t
               for h, t in SIDE_COLUMNS.items()}
    columns = {h: f"attributes.{h}" if t == "attributes" else t for h, t in on_page.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = rm.read_sides(path, path, columns=columns, level_map=LEVELS,
                                 sheet="Mentees", seniors_sheet="Mentors")
    page = new_programme(browser, site, "One workbook")
    # The people form: the seniors' sheet left empty reads the first sheet twice,
    # refused; named, the two sheets are read as the library reads them.
    for seniors_sheet in ("", "Mentors"):
        page.set_input_files("#file", str(path))
        page.set_input_files("#seniorsfile", str(path))
        page.fill("#sheet", "Mentees")
        page.fill("#seniorssheet", seniors_sheet)
        page.click("summary:has-text('Column and value maps')")
        page.fill("#columns", json.dumps(columns))
        page.fill("#levels", json.dumps(LEVELS))
        page.click("button:has-text('Read the file')")
        if not seniors_sheet:
            expect(page.locator(".error")).to_contain_text(
                "survey.xlsx (sheets 'Mentees' and the first): the same 3 people on both sides")
    expect(page.locator("#people-h + p")).to_contain_text(
        "5 people read from survey.xlsx + survey.xlsx: 3 juniors and 3 seniors")
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    reader = site.client(site.user("sheets", "admin"))
    stored = reader.get(f"/api/v1/programmes/{pid}/people").json()
    assert {p["id"]: rm.Participant.model_validate(p) for p in stored} == {
        p.id: p for p in expected}
    # The mapping screen: the seniors' table shows the first sheet's columns until
    # the seniors' sheet is chosen there; then the mentors' own, suggested afresh.
    page.click("summary:has-text('Read another file')")
    page.set_input_files("#mapfile", str(path))
    page.set_input_files("#mapseniors", str(path))
    page.fill("#mapsheet", "Mentees")
    page.click("button:has-text('Check the columns')")
    seniors_table = page.locator("#seniors-h ~ table.mapping").first
    expect(seniors_table).to_contain_text("identity to match")
    page.fill("#seniors_sheet", "2")
    page.click("button:has-text('Check these choices first')")
    expect(seniors_table).to_contain_text("characteristics")
    expect(seniors_table).not_to_contain_text("identity to match")
    assert page.locator("#seniors_sheet").input_value() == "2"
    check_page(page, tmp_path / "shots", "workbook-sheet-per-side")
    _choose(page, "col", path, on_page, "Mentees")
    _choose(page, "scol", path, on_page, "Mentors")
    # The network's own grade order rather than the public one the screen proposes.
    assert json.loads(page.locator("#values").input_value()) == {"level": CIVIL}
    page.fill("#values", "")
    page.fill("#level_map", json.dumps(LEVELS))
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "5 people read from survey.xlsx + survey.xlsx: 3 juniors and 3 seniors")
    stored = reader.get(f"/api/v1/programmes/{pid}/people").json()
    assert {p["id"]: rm.Participant.model_validate(p) for p in stored} == {
        p.id: p for p in expected}



def test_managers_in_no_file_read_as_outside_the_programme_on_the_mapping_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """A sign-up form's line managers are not in it: refused by row, or ticked as outside."""
    signups = tmp_path / "signups.csv"
    signups.write_text("id,role,manager_id,level\nj1,junior,m9,1\nj2,junior,s1,1\n"
                       "s1,senior,m8,5\ns2,senior,,5\n", encoding="utf-8")
    page = new_programme(browser, site, "Line managers")
    page.set_input_files("#mapfile", str(signups))
    page.click("button:has-text('Check the columns')")
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator(".error")).to_contain_text("manager 'm9' is in no file")
    # The service's own way out, in its own words (not the library's option).
    expect(page.locator(".error")).to_contain_text("Not read yet: 2 problems.")
    expect(page.locator(".error")).to_contain_text("the upload option managers_outside")
    expect(page.locator(".error")).not_to_contain_text("check_managers")
    check_page(page, tmp_path / "shots", "managers-outside-refused")
    page.check("#managers_outside")
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "6 people read from signups.csv: 2 juniors and 2 seniors")
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("lines", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert {p["id"]: p.get("role") for p in stored.json()} == {
        "j1": "junior", "j2": "junior", "s1": "senior", "s2": "senior", "m8": None, "m9": None}


def test_the_proposed_value_map_is_shown_as_written_and_harmless(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """A role answer with an apostrophe read "I\\u0027d" in the box; markup stays text."""
    form = tmp_path / "form.csv"
    hostile = "</textarea><b>Mentee</b>"
    form.write_text("Email,Which best describes you?\n"
                    "a@x.org,Early career (I'd like to mentor a leader)\n"
                    f"b@x.org,{hostile}\n", encoding="utf-8")
    page = new_programme(browser, site, "Apostrophes")
    page.set_input_files("#mapfile", str(form))
    page.click("button:has-text('Check the columns')")
    shown = page.locator("#values").input_value()
    assert "I'd like to mentor" in shown
    assert "\\u0027" not in shown
    assert json.loads(shown)["role"] == {
        "Early career (I'd like to mentor a leader)": "junior", hostile: "senior"}
    expect(page.locator("b:has-text('Mentee')")).to_have_count(0)  # shown, never markup
    check_page(page, tmp_path / "shots", "apostrophes")


def test_a_survey_of_thousands_of_columns_lists_the_first_on_the_mapping_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """2,000 columns made a page of 2.3 MB; those not listed are read as suggested."""
    from rmatch.app.pages.mapping import SHOWN_COLUMNS

    n = 2_000
    headers = ["Email", "I am a", *(f"Q{k}" for k in range(n))]
    headers[SHOWN_COLUMNS + 100] = "level"  # a field by its own name, not listed
    rows = [["a@x.org", "junior", *(["x"] * n)], ["b@x.org", "senior", *(["y"] * n)]]
    rows[0][SHOWN_COLUMNS + 100], rows[1][SHOWN_COLUMNS + 100] = "1", "6"
    wide = tmp_path / "wide.csv"
    wide.write_text("\n".join(",".join(r) for r in [headers, *rows]) + "\n", encoding="utf-8")
    page = new_programme(browser, site, "Wide survey")
    page.set_input_files("#mapfile", str(wide))
    page.click("button:has-text('Check the columns')")
    expect(page.locator("table.mapping thead select")).to_have_count(SHOWN_COLUMNS)
    expect(page.locator(".more-columns")).to_contain_text(
        f"And {len(headers) - SHOWN_COLUMNS} more columns, not listed here")
    assert len(page.content()) < 1_000_000
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "2 people read from wide.csv: 1 junior and 1 senior")
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("wide", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert {p["id"]: p.get("level") for p in stored.json()} == {"a@x.org": 1, "b@x.org": 6}


def test_the_header_row_chosen_on_the_mapping_screen(browser: Browser, site: Service,
                                                     tmp_path: Path) -> None:
    """Report parameters above a header of words rmatch does not know: the reader takes the
    parameters for the header; the row typed on the page shows the real headers, and reads."""
    path = tmp_path / "stufen.csv"
    path.write_text("Bericht,Personal,Stand,30.11.2026\nKennung,Vollname,Seite,Stufe\n"
                    "E1,Ana Lima,senior,5\nE2,Bo Chen,junior,1\nE3,Cy Diaz,junior,2\n", "utf-8")
    columns = {"Kennung": "id", "Vollname": "name", "Seite": "role", "Stufe": "level"}
    expected = rm.read_participants(path, header_row=2, columns=columns)
    page = new_programme(browser, site, "Header row")
    page.set_input_files("#mapfile", str(path))
    page.click("button:has-text('Check the columns')")
    expect(page.locator("table.mapping thead")).to_contain_text("Bericht")
    assert page.locator("#header_row").input_value() == ""
    # Each choice is labelled with the option name the library's messages use.
    for option in ("values", "level_map", "defaults", "encoding", "duplicates", "sheet",
                   "header_row"):
        expect(page.locator(f"label[for={option}]")).to_contain_text(f"({option})")
    page.fill("#header_row", "2")
    page.click("button:has-text('Check these choices first')")
    expect(page.locator("table.mapping thead")).to_contain_text("Vollname")
    expect(page.locator("table.mapping tbody")).not_to_contain_text("Vollname")
    expect(page.locator(".notes")).to_have_count(0)  # the row above skipped, as told
    assert page.locator("#header_row").input_value() == "2"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        headers = list(rm.suggest_columns(path, header_row=2))
    for k, header in enumerate(headers, start=1):
        page.select_option(f"#col-{k}", columns[header])
    check_page(page, tmp_path / "shots", "header-row")
    stored = _read_with_choices(page, site, "3 people read from stufen.csv")
    assert sorted((p["id"], p["name"], p["level"]) for p in stored) == sorted(
        (p.id, p.name, p.level) for p in expected)


def test_managers_in_no_file_ticked_as_outside_in_the_quick_form(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """Read at once, a sign-up form whose line managers are not in it: the refusal counts the
    people and managers and points to the box beside the file, which reads it."""
    signups = tmp_path / "signups.csv"
    signups.write_text("id,role,manager_id,level\nj1,junior,m9,1\nj2,junior,m9,1\n"
                       "s1,senior,m8,5\ns2,senior,,5\n", encoding="utf-8")
    page = new_programme(browser, site, "Quick line managers")
    page.set_input_files("#file", str(signups))
    page.click("button:has-text('Read the file')")
    expect(page.locator(".error")).to_contain_text(
        "3 people name a manager who is in no file (2 managers)")
    expect(page.locator(".error")).not_to_contain_text("mapping screen, its box")
    check_page(page, tmp_path / "shots", "quick-managers-outside")
    page.set_input_files("#file", str(signups))
    page.check("#outside")
    page.click("button:has-text('Read the file')")
    expect(page.locator("#people-h + p")).to_contain_text(
        "6 people read from signups.csv: 2 juniors and 2 seniors")


def test_a_quick_read_whose_headers_need_a_map_goes_on_to_the_columns_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """An export's own headers, read at once: the refusal shows the suggested map and leads
    to the columns screen with the same file (no second upload), which reads it; a file kept
    for that screen longer than PENDING_DAYS is deleted when another is kept, and the same
    file refused twice is kept once."""
    path = tmp_path / "headcount.csv"
    path.write_text("Headcount report\n\nEmployee ID,Full name,Mentoring role,Year of birth\n"
                    "E1,Ana Lima,senior,1968\nE2,Bo Chen,junior,1999\nE3,Cy Diaz,junior,2001\n",
                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        suggested = rm.suggest_columns(path)
        expected = rm.read_participants(path, columns=suggested)
    page = new_programme(browser, site, "Quick headers")
    pid = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    with site.db() as db:  # a file left on the columns screen long ago
        db.add(PendingUpload(programme_id=pid, filename="old.csv", content=b"id\nx\n",
                             created_at=now() - dt.timedelta(days=PENDING_DAYS, hours=1)))
        db.add(PendingUpload(programme_id=pid, filename="recent.csv", content=b"id\nx\n",
                             created_at=now() - dt.timedelta(days=PENDING_DAYS - 1)))
        db.commit()
    for _ in range(2):  # refused twice: the same file is kept once
        page.set_input_files("#file", str(path))
        page.click("button:has-text('Read the file')")
        error = page.locator(".error")
        expect(error).to_contain_text("to check on the columns screen: " + json.dumps(suggested))
    expect(error).not_to_contain_text("pass as columns=")
    check_page(page, tmp_path / "shots", "quick-needs-a-map")
    with site.db() as db:
        kept = sorted(p.filename for p in db.scalars(
            select(PendingUpload).where(PendingUpload.programme_id == pid)))
    assert kept == ["headcount.csv", "recent.csv"]
    error.get_by_role("link", name="check its columns").click()
    expect(page.locator("table.mapping thead")).to_contain_text("Mentoring role")
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("#people-h + p")).to_contain_text("3 people read from headcount.csv")
    stored = site.client(site.user("checker", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert sorted((p["id"], p["name"], p["birth_year"]) for p in stored.json()) == sorted(
        (p.id, p.name, p.birth_year) for p in expected)


def test_an_office_read_as_location_and_time_zone_on_the_mapping_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    """An export of offices and no time-zone column: the office is chosen as both on the
    screen, and the people stored have the time zones their offices name."""
    path = tmp_path / "offices.csv"
    path.write_text("Employee ID,Role,Office\nj1,junior,Lisbon\nj2,junior,Bangalore\n"
                    "s1,senior,Lisbon\ns2,senior,New York\n", "utf-8")
    columns = {"Employee ID": "id", "Role": "role", "Office": ["location", "timezone"]}
    expected = rm.read_participants(path, columns=columns)
    page = new_programme(browser, site, "Offices")
    page.set_input_files("#mapfile", str(path))
    page.click("button:has-text('Check the columns')")
    page.select_option("#col-3", "location+timezone")
    page.click("button:has-text('Check these choices first')")
    # Checked again, the choice stays, and the office's words are listed as both fields'.
    assert page.locator("#col-3").input_value() == "location+timezone"
    expect(page.locator("main")).to_contain_text("Office (location and timezone)")
    check_page(page, tmp_path / "shots", "office-both")
    stored = _read_with_choices(page, site, "4 people read from offices.csv")
    assert sorted((p["id"], p["location"], p["timezone"]) for p in stored) == sorted(
        (p.id, p.location, p.timezone) for p in expected)
    assert {p.timezone for p in expected} == {"Europe/Lisbon", "Asia/Kolkata",
                                              "America/New_York"}


def test_a_file_far_over_the_limit_is_told_on_a_page(browser: Browser, site: Service,
                                                     tmp_path: Path) -> None:
    # The service answers such an upload before any route reads it (the test service
    # allows 2 MB): a person in a browser reads a page that says so, not JSON.
    page = new_programme(browser, site, "Too big")
    big = b"id,role\n" + b"someone,junior\n" * 400_000  # 6 MB
    page.set_input_files("#file", files={"name": "export.csv", "mimeType": "text/csv",
                                         "buffer": big})
    page.click("button:has-text('Read the file')")
    expect(page.locator("h1")).to_have_text("The file is too large")
    expect(page.locator("main")).to_contain_text("larger than the 2 MB allowed")
    check_page(page, tmp_path / "shots", "too-large")
    page.go_back()
    pid = page.url.rstrip("/").rsplit("/", 1)[-1]
    stored = site.client(site.user("checker", "admin")).get(f"/api/v1/programmes/{pid}/people")
    assert stored.json() == []


def test_the_file_forms_fold_away_once_people_are_read(browser: Browser, site: Service,
                                                       tmp_path: Path) -> None:
    """After a read the page leads to the matching; the forms open for another file."""
    page = new_programme(browser, site, "Folded forms")
    expect(page.locator("#file")).to_be_visible()  # no one yet: the forms are open
    page.set_input_files("#file", str(ROOT / "examples" / "roster.csv"))
    page.click("button:has-text('Read the file')")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        people = rm.read_participants(ROOT / "examples" / "roster.csv")
    expect(page.locator("summary:has-text('Read another file')")).to_have_text(
        f"Read another file (it replaces these {len(people)} people)")
    expect(page.locator("#file")).to_be_hidden()
    expect(page.locator("#mapfile")).to_be_hidden()
    expect(page.locator("button:has-text('Match the people')")).to_be_visible()
    check_page(page, tmp_path / "shots", "folded")
    page.click("summary:has-text('Read another file')")
    expect(page.locator("#file")).to_be_visible()
    # A file that was not read leaves them open, beside its problems.
    bad = tmp_path / "bad.csv"
    bad.write_text("id,role,birth_year\na,junior,soon\n", encoding="utf-8")
    page.set_input_files("#file", str(bad))
    page.click("button:has-text('Read the file')")
    expect(page.locator(".error")).to_contain_text("bad.csv was not read")
    expect(page.locator("#file")).to_be_visible()
