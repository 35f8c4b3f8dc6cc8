"""The three ugly HR exports of examples/exports, uploaded as an HR tool would: no edit to
the files, the maps as form fields, the same people as the library reads."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.app.conftest import MENTEES_SHEET, MENTORS_SHEET, SIDE_COLUMNS, Service, serving

import rmatch as rm
from rmatch.app.store import database_url

E = Path(__file__).parents[2] / "examples" / "exports"


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[Service]:
    with serving(database_url(None, tmp_path), tmp_path) as running:
        yield running


def _library(path: Path, **kw: Any) -> list[rm.Participant]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        return rm.read_participants(path, **kw)


def _json(name: str) -> Any:
    return json.loads((E / name).read_text("utf-8"))


def _same_people(service: Service, c: Any, pid: int, expected: list[rm.Participant]) -> None:
    stored = {p["id"]: p for p in c.get(f"/api/v1/programmes/{pid}/people").json()}
    assert set(stored) == {p.id for p in expected}
    for person in expected:
        assert rm.Participant.model_validate(stored[person.id]) == person


def test_the_successfactors_export_reads_as_the_library_reads_it(
        sqlite_service: Service) -> None:
    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "SF"}).json()["id"]
    maps = {"columns": _json("successfactors_columns.json"),
            "values": _json("successfactors_values.json")}
    form = {k: json.dumps(v) for k, v in maps.items()}
    answer = c.post(f"/api/v1/programmes/{pid}/people", data={
        **form, "options": json.dumps({"date_format": "%d.%m.%Y"})}, files={
        "file": ("successfactors_users.csv", (E / "successfactors_users.csv").read_bytes())})
    assert answer.status_code == 200, answer.text
    _same_people(sqlite_service, c, pid, _library(E / "successfactors_users.csv",
                                                  date_format="%d.%m.%Y", **maps))
    assert c.post(f"/api/v1/programmes/{pid}/people", data={
        **form, "options": json.dumps({"date_fromat": "%d.%m.%Y"})}, files={
        "file": ("s.csv", b"id\n")}).status_code == 422  # a misspelt option is refused


def test_a_forms_survey_joined_with_the_workday_report(sqlite_service: Service) -> None:
    pytest.importorskip("openpyxl")
    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Forms"}).json()["id"]
    answer = c.post(f"/api/v1/programmes/{pid}/people", data={
        "columns": json.dumps(_json("forms_columns.json")),
        "values": json.dumps(_json("forms_values.json")),
        "options": json.dumps({"duplicates": "keep_last"}),
        "hr_columns": json.dumps(_json("workday_for_forms_columns.json"))}, files={
        "file": ("forms_signup.csv", (E / "forms_signup.csv").read_bytes()),
        "hr_data": ("workday_workers.xlsx", (E / "workday_workers.xlsx").read_bytes())})
    assert answer.status_code == 200, answer.text
    assert any("keep_last" in w or "kept" in w for w in answer.json()["warnings"])
    form = _library(E / "forms_signup.csv", duplicates="keep_last",
                    columns=_json("forms_columns.json"), values=_json("forms_values.json"),
                    check_managers=False)
    employees = _library(E / "workday_workers.xlsx",
                         columns=_json("workday_for_forms_columns.json"))
    joined = rm.enrich(form, employees)
    signed = {p.id for p in joined}
    expected = joined + [p.model_copy(update={"role": None}) for p in employees
                         if p.id not in signed]
    _same_people(sqlite_service, c, pid, expected)
    juniors, seniors, _ = rm.split_roles(expected)
    assert answer.json()["juniors"] == len(juniors)
    assert answer.json()["seniors"] == len(seniors)
    job = c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
    state = sqlite_service.wait(c, job)
    assert state["state"] == "done", state
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{state['matching']}").json()
    alone = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(expected))
    assert got["objective"] == pytest.approx(alone.objective, abs=1e-9)


def test_one_sheet_per_side_reads_as_the_librarys_merge_sides(
        sqlite_service: Service) -> None:
    import io

    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Sides"}).json()["id"]
    form = {"columns": json.dumps(SIDE_COLUMNS)}
    answer = c.post(f"/api/v1/programmes/{pid}/people", data=form, files={
        "file": ("mentees.csv", MENTEES_SHEET.encode()),
        "seniors_file": ("mentors.csv", MENTORS_SHEET.encode())})
    assert answer.status_code == 200, answer.text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        expected = rm.merge_sides(
            rm.read_participants(io.StringIO(MENTEES_SHEET), columns=SIDE_COLUMNS,
                                 check_managers=False),
            rm.read_participants(io.StringIO(MENTORS_SHEET), columns=SIDE_COLUMNS,
                                 check_managers=False))
    _same_people(sqlite_service, c, pid, expected)
    assert {p.id: p.role for p in expected}["kim@gov.uk"] == "both"
    assert (answer.json()["juniors"], answer.json()["seniors"]) == (3, 3)
    # The same person told differently on the two sheets: every clash named, nothing stored.
    clash = MENTORS_SHEET.replace("kim@gov.uk,Kim,Ng,3", "kim@gov.uk,Kim,Ng,4")
    refused = c.post(f"/api/v1/programmes/{pid}/people", data=form, files={
        "file": ("mentees.csv", MENTEES_SHEET.encode()), "seniors_file": ("m.csv", clash.encode())})
    assert refused.status_code == 422
    assert any("'kim@gov.uk' is on both sheets with different 'level'" in p["reason"]
               for p in refused.json()["detail"]["problems"])
    # A mentors' sheet with its header alone: the file named, not "mark both sides".
    empty = c.post(f"/api/v1/programmes/{pid}/people", data=form, files={
        "file": ("mentees.csv", MENTEES_SHEET.encode()),
        "seniors_file": ("mentors.csv", MENTORS_SHEET.splitlines()[0].encode())})
    assert empty.status_code == 422
    assert empty.json()["detail"]["problems"] == [{
        "file": "mentors.csv", "row": None, "id": None, "field": None,
        "reason": "the seniors' file has no one in it (a header and no rows)", "kind": None,
        "value": None}]
    # A role for one file makes no sense beside a file per side: said.
    both = c.post(f"/api/v1/programmes/{pid}/people", data={**form, "role": "junior"}, files={
        "file": ("mentees.csv", MENTEES_SHEET.encode()),
        "seniors_file": ("mentors.csv", MENTORS_SHEET.encode())})
    assert both.status_code == 422
    assert "leave role out" in both.text
    assert len(c.get(f"/api/v1/programmes/{pid}/people").json()) == 5  # the first upload's
    # A value for everyone the sheets leave without one (their one office's zone).
    zoned = c.post(f"/api/v1/programmes/{pid}/people", data={
        **form, "options": json.dumps({"defaults": {"timezone": "Europe/London"}})}, files={
        "file": ("mentees.csv", MENTEES_SHEET.encode()),
        "seniors_file": ("mentors.csv", MENTORS_SHEET.encode())})
    assert zoned.status_code == 200, zoned.text
    assert any("timezone 'Europe/London' by default" in w for w in zoned.json()["warnings"])
    assert {p.get("timezone") for p in c.get(f"/api/v1/programmes/{pid}/people").json()} == {
        "Europe/London"}
    # The seniors' file with its own column map: its 'characteristics' left out there.
    own = {**SIDE_COLUMNS, "characteristics": None}
    apart = c.post(f"/api/v1/programmes/{pid}/people", data={
        **form, "seniors_columns": json.dumps(own)}, files={
        "file": ("mentees.csv", MENTEES_SHEET.encode()),
        "seniors_file": ("mentors.csv", MENTORS_SHEET.encode())})
    assert apart.status_code == 200, apart.text
    stored = {p["id"]: p for p in c.get(f"/api/v1/programmes/{pid}/people").json()}
    assert "characteristics" not in (stored["cto@gov.uk"].get("attributes") or {})
    assert (stored["ana@gov.uk"].get("attributes") or {}).get("identity") == "Gay"


def test_one_workbook_with_a_sheet_per_side(sqlite_service: Service, tmp_path: Path) -> None:
    # The survey's two sheets in one workbook, uploaded as both files: each
    # side's sheet named in the options, read as the library reads them.
    from openpyxl import Workbook

    book = Workbook()
    for k, (title, text) in enumerate((("Mentees", MENTEES_SHEET), ("Mentors", MENTORS_SHEET))):
        sheet = book.active if k == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        for line in text.splitlines():
            sheet.append(line.split(","))
    path = tmp_path / "survey.xlsx"
    book.save(path)
    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "One workbook"}).json()["id"]

    def send(options: dict[str, str], seniors: bool = True) -> Any:
        files = {"file": ("survey.xlsx", path.read_bytes())}
        if seniors:
            files["seniors_file"] = ("survey.xlsx", path.read_bytes())
        return c.post(f"/api/v1/programmes/{pid}/people", files=files, data={
            "columns": json.dumps(SIDE_COLUMNS), "options": json.dumps(options)})

    answer = send({"sheet": "Mentees", "seniors_sheet": "2"})
    assert answer.status_code == 200, answer.text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        expected = rm.read_sides(path, path, columns=SIDE_COLUMNS, sheet="Mentees",
                                 seniors_sheet="Mentors")
    _same_people(sqlite_service, c, pid, expected)
    assert (answer.json()["juniors"], answer.json()["seniors"]) == (3, 3)
    # The seniors' sheet left out: the first sheet twice, refused (everyone
    # would be on both sides), nothing stored.
    twice = send({"sheet": "Mentees"})
    assert twice.status_code == 422
    assert ("survey.xlsx (sheets 'Mentees' and the first): the same 3 people on both sides: "
            "one sheet read for both sides?") in twice.text
    # A seniors' sheet without a seniors' file: said.
    alone = send({"seniors_sheet": "Mentors"}, seniors=False)
    assert alone.status_code == 422
    assert "none was sent (seniors_file)" in alone.text
    _same_people(sqlite_service, c, pid, expected)


def test_managers_in_no_file_are_refused_or_read_as_outside_the_programme(
        sqlite_service: Service) -> None:
    # A sign-up form's line managers are mostly not in it. One file per side was
    # read without the check, and the match then failed building the org chart;
    # now both refuse by person, or read such managers as people without a role.
    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Outside"}).json()["id"]
    mentees = "id,role,manager_id,level\nj1,junior,m9,1\nj2,junior,s1,1\n"
    mentors = "id,role,manager_id,level\ns1,senior,m8,5\ns2,senior,,5\n"
    files = {"file": ("mentees.csv", mentees.encode()),
             "seniors_file": ("mentors.csv", mentors.encode())}
    refused = c.post(f"/api/v1/programmes/{pid}/people", files=files)
    assert refused.status_code == 422
    kind = "manager_not_in_roster"
    assert [(p["id"], p["field"], p["kind"]) for p in refused.json()["detail"]["problems"]] == [
        ("j1", "manager_id", kind), ("s1", "manager_id", kind)]
    assert [(p["value"], p["reason"]) for p in refused.json()["detail"]["problems"]] == [
        (m, f"manager {m!r} is in no file: add them as a row without a role, or read managers "
            "in no file as people outside the programme (the upload option managers_outside; "
            "on the pages, the box 'A manager in no file is someone outside the programme')")
        for m in ("m9", "m8")]
    one = c.post(f"/api/v1/programmes/{pid}/people",
                 files={"file": ("all.csv", (mentees + mentors.split("\n", 1)[1]).encode())})
    assert one.status_code == 422
    # One file: the same words, the service's own (not the library's check_managers=False).
    assert [(p["id"], p["reason"]) for p in one.json()["detail"]["problems"]] == [
        (who, f"manager {m!r} is in no file: add them as a row without a role, or read "
              "managers in no file as people outside the programme (the upload option "
              "managers_outside; on the pages, the box 'A manager in no file is someone "
              "outside the programme')")
        for who, m in (("j1", "m9"), ("s1", "m8"))]
    assert "check_managers" not in one.text
    assert c.post(f"/api/v1/programmes/{pid}/people", data={
        "options": json.dumps({"managers_outside": True})}, files={"file": (
            "all.csv", (mentees + mentors.split("\n", 1)[1]).encode())}).json()["people"] == 6
    assert c.post(f"/api/v1/programmes/{pid}/people", files=files, data={
        "options": json.dumps({"managers_outside": "yes"})}).status_code == 422
    read = c.post(f"/api/v1/programmes/{pid}/people", files=files,
                  data={"options": json.dumps({"managers_outside": True})})
    assert read.status_code == 200, read.text
    assert any("2 manager(s) in no file read as people outside the programme" in w
               for w in read.json()["warnings"])
    stored = {p["id"]: p.get("role") for p in c.get(f"/api/v1/programmes/{pid}/people").json()}
    assert stored == {"j1": "junior", "j2": "junior", "s1": "senior", "s2": "senior",
                      "m8": None, "m9": None}
    job = c.post(f"/api/v1/programmes/{pid}/matchings")
    state = sqlite_service.wait(c, job.json()["job"])
    assert state["state"] == "done", state
    pairs = c.get(f"/api/v1/programmes/{pid}/matchings/{state['matching']}").json()["pairs"]
    # The reporting line within the files still holds: j2 reports to s1.
    assert {(p["junior_id"], p["senior_id"]) for p in pairs} == {("j1", "s1"), ("j2", "s2")}


def test_an_older_mac_export_is_named_and_read_with_its_encoding(sqlite_service: Service) -> None:
    """Excel for Mac's old CSV is Mac Roman: the answer names it, and reading with it is right."""
    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Mac"}).json()["id"]
    text = "id,name,role\nj1,José Müller,junior\ns1,Zoë Ångström,senior\n"
    files = {"file": ("mac.csv", text.encode("mac_roman"))}
    refused = c.post(f"/api/v1/programmes/{pid}/people", files=files)
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]["problems"]
    assert (problem["kind"], problem["row"], problem["file"]) == ("encoding", 2, "mac.csv")
    assert "encoding='mac_roman'" in problem["reason"]
    read = c.post(f"/api/v1/programmes/{pid}/people", files=files,
                  data={"options": json.dumps({"encoding": "mac_roman"})})
    assert read.status_code == 200, read.text
    names = {p["id"]: p["name"] for p in c.get(f"/api/v1/programmes/{pid}/people").json()}
    assert names == {"j1": "José Müller", "s1": "Zoë Ångström"}
    # Told the wrong one, it reads, and says which fits.
    wrong = c.post(f"/api/v1/programmes/{pid}/people", files=files,
                   data={"options": json.dumps({"encoding": "latin-1"})})
    assert wrong.status_code == 200, wrong.text
    assert any("read as 'latin-1'" in w and "encoding='mac_roman'" in w
               for w in wrong.json()["warnings"])


def test_answers_name_the_uploads_options_and_no_command_line_flag(
        sqlite_service: Service) -> None:
    """A report's title rows and grade words: the reader's hints name the upload's options
    (header_row, level_map) as the library does, without the command line's brackets."""
    c = sqlite_service.client(sqlite_service.user("hr", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Flags"}).json()["id"]
    text = ("Sign-ups export\nConfidential\nid,name,role,level\nj1,Ana,junior,Analyst\n"
            "s1,Ben,senior,Director\n")
    files = {"file": ("export.csv", text.encode())}
    refused = c.post(f"/api/v1/programmes/{pid}/people", files=files)
    assert refused.status_code == 422
    reasons = [p["reason"] for p in refused.json()["detail"]["problems"]]
    hint = [r for r in reasons if r.startswith("hint: give level_map=")]
    assert hint, reasons
    assert all("CLI" not in r and "--" not in r for r in reasons), reasons
    read = c.post(f"/api/v1/programmes/{pid}/people", files=files, data={
        "options": json.dumps({"level_map": {"Analyst": 1, "Director": 5}})})
    assert read.status_code == 200, read.text
    notes = read.json()["warnings"]
    assert any("above the header (row 3)" in w and "pass header_row= if" in w
               for w in notes), notes
    assert not any("CLI" in w for w in notes), notes
    # The library itself still says the flag, for the command line's users.
    with pytest.warns(rm.InputWarning, match=r"header_row= \(CLI: --header-row\)"):
        rm.read_participants(io.StringIO(text), level_map={"Analyst": 1, "Director": 5})


def test_the_mapping_screen_lists_the_groups_to_check_from_one_reading() -> None:
    """A department written two ways shows among the values to check, as the library's
    survey of the file gives it (the screen's view is rm.survey_table's)."""
    from rmatch.app.pages.mapping import DISTINCT_OF, columns_view

    text = (b"Employee ID,Side,Department,Office\nj1,Mentor,HR,Lisbon\nj2,Mentor,Sales,Paris\n"
            b"s1,Mentee,Human Resources,Lisbon\ns2,Mentee,Sales,\n")
    view = columns_view(text, "signups.csv", None)
    assert view["distinct"]["Department (department)"] == ["HR", "Human Resources", "Sales"]
    assert view["distinct"]["Office (location)"] == ["Lisbon", "Paris"]
    survey = rm.survey_table(io.BytesIO(text), preview=5, fields=DISTINCT_OF)
    assert view["rows"] == survey.rows == 4
    # The department written two ways comes with its proposed map.
    assert view["values"] == survey.values == {"role": {"Mentor": "junior", "Mentee": "senior"},
                                               "department": {"HR": "Human Resources"}}
    assert view["preview"] == [[cells[h] for h in view["shown"]] for cells in survey.preview]


def test_the_mapping_screen_turns_a_classic_programmes_role_words_round_and_says_why() -> None:
    """Its mentors born decades before its mentees: the seniors mentor here; the screen's
    proposed map says so, with one note, and the file read with it has the older seniors."""
    from rmatch.app.pages.mapping import columns_view

    text = ("Employee ID,Side,Date of Birth\n" + "".join(
        f"m{i},Mentor,{1960 + i}\n" for i in range(4)) + "".join(
        f"e{i},Mentee,{1997 + i}\n" for i in range(4))).encode()
    view = columns_view(text, "classic.csv", None)
    assert view["values"] == {"role": {"Mentor": "senior", "Mentee": "junior"}}
    assert [n for n in view["notes"] if "classic programme" in n] == [
        "classic.csv: read with the role words as proposed, the juniors would be more senior "
        "than the seniors (median year of birth 1961.5 against 1998.5): the file looks like a "
        "classic programme's (the seniors mentor), so the proposed value map turns its role "
        "words round; check it"]
    people = rm.read_participants(io.BytesIO(text), columns=rm.suggest_columns(
        io.BytesIO(text)), values=view["values"])
    juniors, seniors, _ = rm.split_roles(people)
    assert max(p.birth_year or 0 for p in seniors) < min(p.birth_year or 0 for p in juniors)
