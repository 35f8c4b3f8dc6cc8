"""Reading and writing under bad input: nothing lost, every bad cell named, no half-written file."""

from __future__ import annotations

import io
import json
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import rmatch as rm
from rmatch.model.participant import IdSides
from tests.helpers import ROSTER, run_cli


def _xlsx(build: object) -> io.BytesIO:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    build(sheet)  # type: ignore[operator]
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    return buf


def test_excel_merged_cells_and_formulas_without_values_are_named() -> None:
    def build(sheet: object) -> None:
        ws = sheet
        ws["A1"], ws["B1"], ws["C1"] = "id", "role", "capacity"  # type: ignore[index]
        ws["A2"], ws["B2"], ws["C2"] = "a", "junior", "=1+1"  # type: ignore[index]
        ws["A3"], ws["A4"], ws["B3"] = "b", "c", "senior"  # type: ignore[index]
        ws.merge_cells("B3:B4")  # type: ignore[attr-defined]

    with pytest.raises(rm.InputError) as info:
        rm.read_participants(_xlsx(build), format="excel")
    text = "\n".join(info.value.problems)
    assert "row 3: cells B3:B4 are merged" in text
    assert "row 2: cell(s) C2 hold a formula without a saved value" in text


def test_employee_numbers_a_format_of_zeros_shows_are_read_with_their_zeros() -> None:
    # Numbers typed into an id column, their zeros brought back on screen with the
    # format "0000000": Excel shows 0010040, the cell holds 10040. Read as shown
    # (the id every other system and the supervisor column know).
    def build(sheet: object) -> None:
        sheet.append(["Person ID", "Supervisor", "Role", "Level"])  # type: ignore[attr-defined]
        sheet.append([10040, None, "senior", 7])  # type: ignore[attr-defined]
        sheet.append([10041, "Ana Lima (0010040)", "junior", 2])  # type: ignore[attr-defined]
        sheet.append([10042, "Ana Lima (0010040)", "junior", 2])  # type: ignore[attr-defined]
        for r in (2, 3, 4):
            sheet.cell(r, 1).number_format = "0000000"  # type: ignore[attr-defined]
            sheet.cell(r, 4).number_format = "General"  # type: ignore[attr-defined]

    columns = {"Person ID": "id", "Supervisor": "manager_id", "Role": "role",
               "Level": "level"}
    with pytest.warns(rm.InputWarning, match="2 manager.s. named with their id in brackets"):
        people = rm.read_participants(_xlsx(build), columns=columns)
    assert [(p.id, p.manager_id, p.level) for p in people] == [
        ("0010040", None, 7), ("0010041", "0010040", 2), ("0010042", "0010040", 2)]

    # Letters shown by the format too ("E"0000 shows 12 as E0012), as some teams do.
    def lettered(sheet: object) -> None:
        sheet.append(["id", "manager_id", "role"])  # type: ignore[attr-defined]
        sheet.append([12, None, "senior"])  # type: ignore[attr-defined]
        sheet.append([13, "E0012", "junior"])  # type: ignore[attr-defined]
        for r in (2, 3):
            sheet.cell(r, 1).number_format = '"E"0000'  # type: ignore[attr-defined]

    assert [(p.id, p.manager_id) for p in rm.read_participants(_xlsx(lettered))] == [
        ("E0012", None), ("E0013", "E0012")]


def test_rows_a_filter_hid_in_a_workbook_are_read_and_said() -> None:
    # An analyst filters a worker report to the participants and saves it: the
    # file still holds the others. Read as the file says, with a warning naming them.
    def build(sheet: object) -> None:
        rows = [["id", "role"], ["a", "junior"], ["b", "senior"], ["c", ""], ["d", "junior"]]
        for row in rows:
            sheet.append(row)  # type: ignore[attr-defined]
        for r in (3, 4):
            sheet.row_dimensions[r].hidden = True  # type: ignore[attr-defined]
        sheet.auto_filter.ref = "A1:B5"  # type: ignore[attr-defined]

    with pytest.warns(rm.InputWarning, match=r"row\(s\) 3-4 are hidden in the workbook \(a "
                                             r"filter\?\) and were read like the others"):
        people = rm.read_participants(_xlsx(build))
    assert [p.id for p in people] == ["a", "b", "c", "d"]
    # A row struck through (how teams mark who withdrew) is read and said the same way.
    from openpyxl.styles import Font

    def strike(sheet: object) -> None:
        for row in (["id", "role"], ["a", "junior"], ["b", "senior"]):
            sheet.append(row)  # type: ignore[attr-defined]
        for cell in sheet[3]:  # type: ignore[index]
            cell.font = Font(strike=True)

    with pytest.warns(rm.InputWarning, match=r"row\(s\) 3 are struck through in the workbook "
                                             r"\(withdrawn\?\) and were read like the others"):
        assert [p.id for p in rm.read_participants(_xlsx(strike))] == ["a", "b"]


def test_an_excel_sheet_claiming_a_huge_range_costs_only_its_cells() -> None:
    def build(sheet: object) -> None:
        sheet["A1"], sheet["A2"] = "id", "a"  # type: ignore[index]
        sheet["XFD1048576"] = "x"  # type: ignore[index]

    with pytest.raises(rm.InputError, match="XFD1048576 hold values beyond the last header"):
        rm.read_participants(_xlsx(build), format="excel")


def _bomb(rows: int) -> bytes:
    """A workbook of ``rows`` identical rows: a few kB that unpack to many MB."""
    import zipfile

    buf = _xlsx(lambda sheet: sheet.append(["id", "role"]))
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for part in src.infolist():
            data = src.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"<sheetData>")
                tail = rest.partition(b"</sheetData>")[2]
                row = (b'<row><c t="inlineStr"><is><t>x</t></is></c>'
                       b'<c t="inlineStr"><is><t>junior</t></is></c></row>')
                header = (b'<row><c t="inlineStr"><is><t>id</t></is></c>'
                          b'<c t="inlineStr"><is><t>role</t></is></c></row>')
                data = head + b"<sheetData>" + header + row * rows + b"</sheetData>" + tail
            dst.writestr(part, data)
    return out.getvalue()


def test_a_workbook_that_unpacks_to_far_more_than_a_sheet_of_people_is_refused_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in an adversarial review: a 0.9 MB workbook of 3 million identical
    # rows (276 MB unpacked) took 5.6 GB and 3.5 minutes to read, so a small
    # upload could stop the service. Here 250,000 rows: 23 MB from about 0.1 MB.
    bomb = _bomb(250_000)
    with pytest.raises(rm.InputError, match=r"unpacks to 23 MB from 0\.1 MB \(\d+ times\), "
                                            "more than a sheet of people needs"):
        rm.read_participants(io.BytesIO(bomb))
    # The same workbook under the limits' size alone (a sheet that packs well,
    # below 16 MB) is read; a workbook above MAX_UNPACKED_BYTES is refused
    # whatever its ratio.
    from rmatch.io import sheets

    small = _bomb(3)
    with pytest.warns(rm.InputWarning, match="1 id\\(s\\) given more than once"):
        read = rm.read_participants(io.BytesIO(small), duplicates="keep_first")
    assert [p.id for p in read] == ["x"]
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(rm.InputError, match="unpacks to 0 MB"):
        rm.read_participants(io.BytesIO(small))


def test_a_text_file_named_xlsx_is_one_clean_error(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    path.write_text("id\na\n", encoding="utf-8")
    with pytest.raises(rm.InputError, match="not an Excel workbook"):
        rm.read_participants(path)


def _damaged(part: str, change: Callable[[bytes], bytes]) -> bytes:
    """A small workbook with one part changed (the others as openpyxl wrote them)."""
    import zipfile

    def build(sheet: Any) -> None:
        sheet.append(["id", "role"])
        sheet.append(["a1", "junior"])

    out = io.BytesIO()
    with zipfile.ZipFile(_xlsx(build)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, change(data) if name == part else data)
    return out.getvalue()


@pytest.mark.parametrize(("part", "change"), [
    # Found by fuzzing workbooks (a cut or a stray byte in one XML part): 45% of
    # 600 damaged workbooks raised ElementTree's ParseError or an IndexError.
    ("xl/worksheets/sheet1.xml", lambda d: d[:len(d) // 2]),
    ("xl/styles.xml", lambda d: d.replace(b"<", b"<<", 1)),
    ("docProps/core.xml", lambda d: b""),
    ("xl/_rels/workbook.xml.rels", lambda d: d + b"&"),
    ("[Content_Types].xml", lambda d: d[:40]),
    # A billion laughs: Python's expat refuses the entities' expansion.
    ("xl/worksheets/sheet1.xml", lambda d: b'<!DOCTYPE w [<!ENTITY a "lol">' + b"".join(
        b'<!ENTITY %s "%s">' % (b"a" * (k + 1), (b"&" + b"a" * k + b";") * 10)
        for k in range(1, 10)) + b"]>" + d.replace(b"<t>a1</t>", b"<t>&aaaaaaaaaa;</t>")),
])
def test_a_damaged_workbook_is_one_clean_error_naming_the_file(
        part: str, change: Callable[[bytes], bytes]) -> None:
    source = io.BytesIO(_damaged(part, change))
    source.name = "damaged.xlsx"
    with pytest.raises(rm.InputError, match=r"^damaged\.xlsx: not an Excel workbook that can "
                                            r"be read \((ParseError|KeyError)"):
        rm.read_participants(source)


def test_a_workbook_whose_list_of_sheets_is_empty_says_so() -> None:
    source = io.BytesIO(_damaged("xl/workbook.xml", lambda d: re.sub(
        rb"<sheets>.*</sheets>", b"<sheets></sheets>", d)))
    source.name = "damaged.xlsx"
    with pytest.raises(rm.InputError, match=r"damaged\.xlsx: the workbook has no sheet that can "
                                            "be read"):
        rm.read_participants(source)


def test_output_over_an_input_is_refused_even_through_a_link(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.read_bytes())
    link = tmp_path / "link.csv"
    os.symlink(roster, link)
    for target in (roster, link):
        status, _, err = run_cli(capsys, "match", str(roster), "-o", str(target))
        assert status == 1
        assert "refusing to write over an input file" in err
    assert roster.read_bytes() == ROSTER.read_bytes()


def test_outputs_are_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from rmatch.io.files import writing

    out = tmp_path / "pairs.csv"
    out.write_text("old", encoding="utf-8")

    def interrupted() -> None:
        with writing(out) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.csv"]  # no temporary left


@pytest.mark.parametrize(("text", "message"), [
    ('[{"id": "a", "level": 1000000000000000000000000000000}]',
     "field 'level': out of range: it must be at most 1000000"),
    ('[{"id": "a", "capacity": true}]', "true/false, not a number"),
    ('[{"id": "a", "name": ["x"]}]', "expected text, not a list"),
    ('[{"id": "a", "id": "b"}]', "the key 'id' is given twice"),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ("id,birth_year\na,١٩٩٩\n", "neither a year nor a date"),
    ('id,attributes,attributes.gender\na,gender:f,m\n', "also given in"),
    ("id,previous_partners\na,a\n", "themself as a previous partner"),
])
def test_values_that_used_to_be_accepted_silently_are_errors(text: str, message: str) -> None:
    with pytest.raises(rm.InputError, match=message):
        rm.read_participants(io.StringIO(text))


def test_ids_a_spreadsheet_shortened_or_wrote_as_decimals_are_named_never_read() -> None:
    # Excel shows a 12-digit employee number as 1.23457E+11 in "General"
    # format and saves a CSV that way: the digits are gone, and two people can
    # share what is left. Each such cell is an error naming its row and field.
    text = ("id,role,manager_id\n1.23457E+11,junior,2.34568e+11\n2E45,senior,\n"
            "123456789012,senior,\n")
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(text))
    shown = [str(p) for p in err.value.problems]
    assert len(shown) == 3  # and the manager, who is not in the roster either
    assert shown[0].startswith("<stream>: row 2 (id '1.23457E+11'), field 'id': id "
                               "'1.23457E+11' is a number a spreadsheet shortened")
    assert "field 'manager_id': manager_id '2.34568e+11' is" in shown[1]
    # A code such as 2E45 (no sign) and the full number are ids as written.
    assert [p.id for p in rm.read_participants(io.StringIO(text.replace(
        "1.23457E+11,junior,2.34568e+11", "j,junior,")))] == ["j", "2E45", "123456789012"]
    # "1001.0" is what a program holding ids as floating point writes: said
    # as the id it may be, never taken for it.
    text = "id,role,manager_id\n1000.0,junior,1001\n1001.0,senior,\n"
    with pytest.raises(rm.InputError, match=r"manager '1001' is not in this roster \(did you "
                                            r"mean '1001.0'\? one file or column holds the ids "
                                            r"as decimal numbers"):
        rm.read_participants(io.StringIO(text))
    assert IdSides(["10.5"], []).case_hint("10") == ""  # not a whole number


def test_a_header_row_repeated_where_two_exports_were_joined_is_skipped_and_said() -> None:
    # Two CSV exports pasted into one file: the second's header (any case) is no
    # person; it drew one problem per field and a role map for the word "role".
    text = ("id,role,birth_year\na,junior,1999\nID,Role,Birth_Year\nb,senior,1970\n"
            "c,junior,2000\n")
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 3 repeat the header row and were "
                                             r"skipped \(files joined into one\?\)"):
        people = rm.read_participants(io.StringIO(text))
    assert [p.id for p in people] == ["a", "b", "c"]
    # A person whose id happens to be the header's first word is still read.
    people = rm.read_participants(io.StringIO("id,role\nid,junior\nb,senior\n"))
    assert [p.id for p in people] == ["id", "b"]
    # A JSON record whose cells are no text is never a header (found by the fuzz
    # campaign: a list under 'id' beside a blank first key raised a ValueError).
    with pytest.raises(rm.InputError, match="field 'id': expected text, not a list"):
        rm.read_participants(io.StringIO('[{"": "", "id": []}]'), check_managers=False)


@pytest.mark.parametrize(("cell", "said"), [
    ("34", "a small number, not a year of birth (an age?)"),
    ("22770", "a date a spreadsheet saved as its day number?"),
    ("1850", "out of range: it must be at least 1900"),
    # A year still to come is refused by row, never scored as the youngest.
    ("2090", "a year of birth after this year"),
    ("14/02/2090", "a year of birth after this year"),
    ("19621314", "not a valid date"),  # YYYYMMDD with no such month
    ("123456789", "a number too large for a year"),
])
def test_a_year_of_birth_that_is_an_age_or_a_day_number_says_so(cell: str, said: str) -> None:
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(f"id,birth_year\na,{cell}\n"))
    assert said in str(err.value)
    assert cell not in str(err.value).split("field 'birth_year'")[1]  # personal data


def test_an_api_answer_wrapping_the_people_in_an_object_is_read_from_its_list(
        tmp_path: Path) -> None:
    # HR systems' APIs answer {"data": [...], "total": 2}; BambooHR's directory
    # has "fields" and "employees": the people's list is read (said), or named
    # with sheet= when there are several; nothing else is taken for people.
    people = [{"id": "a", "role": "junior", "level": 1}, {"id": "b", "role": "senior",
                                                          "level": 5}]
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"total": 2, "data": people}), encoding="utf-8")
    with pytest.warns(rm.InputWarning, match=r"read the 2 object\(s\) under 'data'"):
        read = rm.read_participants(path)
    assert [(p.id, p.role, p.level) for p in read] == [tuple(p.values()) for p in people]
    path.write_text(json.dumps({"fields": [{"id": "level"}], "employees": people}),
                    encoding="utf-8")
    with pytest.warns(rm.InputWarning, match=r"under 'employees'"):
        assert [p.id for p in rm.read_participants(path)] == ["a", "b"]
    # Lists under other keys are never taken for people unasked (a programme
    # file's "constraints"); sheet= names one.
    path.write_text(json.dumps({"mentees": people[:1], "mentors": people[1:]}),
                    encoding="utf-8")
    with pytest.raises(rm.InputError, match=r"lists of objects under 'mentees' \(1\), "
                                            r"'mentors' \(1\): choose the people's with "
                                            r"sheet="):
        rm.read_participants(path)
    assert [p.id for p in rm.read_participants(path, sheet="mentors")] == ["b"]
    with pytest.raises(rm.InputError, match="has no key 'staff'; its lists of objects are "
                                            "under 'mentees'"):
        rm.read_participants(path, sheet="staff")
    path.write_text(json.dumps({"total": 0, "data": []}), encoding="utf-8")
    with pytest.raises(rm.InputError, match="or an object holding one; this object holds none"):
        rm.read_participants(path)
    path.write_text(json.dumps(people), encoding="utf-8")
    with pytest.raises(rm.InputError, match="sheet= picks a list of a JSON object; this is a "
                                            "list"):
        rm.read_participants(path, sheet="data")


def test_an_api_answers_people_a_level_or_two_down_are_found_by_their_path(
        tmp_path: Path) -> None:
    # {"data": {"workers": [...]}} was "this object holds none".
    people = [{"id": "a", "role": "junior"}, {"id": "b", "role": "senior"}]
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"meta": {"count": 2}, "data": {"workers": people}}),
                    encoding="utf-8")
    with pytest.warns(rm.InputWarning, match=r"read the 2 object\(s\) under 'data.workers'"):
        assert [p.id for p in rm.read_participants(path)] == ["a", "b"]
    path.write_text(json.dumps({"response": {"mentees": people[:1], "mentors": people[1:]}}),
                    encoding="utf-8")
    with pytest.raises(rm.InputError, match=r"lists of objects under 'response.mentees' \(1\), "
                                            r"'response.mentors' \(1\): choose"):
        rm.read_participants(path)
    assert [p.id for p in rm.read_participants(path, sheet="response.mentors")] == ["b"]
    # Deeper than three levels is no API's list of people: not looked for.
    path.write_text(json.dumps({"a": {"b": {"c": {"people": people}}}}), encoding="utf-8")
    with pytest.raises(rm.InputError, match="this object holds none"):
        rm.read_participants(path)


def test_an_api_answers_nested_objects_are_columns_by_their_path(tmp_path: Path) -> None:
    # HiBob-like records nest the department, site and manager: each was one
    # unknown column ("work") left out, and the manager with it, so the
    # reporting-line rule had nothing to keep apart. Now columns by path that
    # the suggested map reads; rmatch's own maps stay whole.
    people = [
        {"id": "1", "displayName": "Ann", "role": "junior", "goals": {"genai": 1},
         "work": {"department": "R&D", "site": "London", "reportsTo": {"id": "3"}},
         "personal": {"birthDate": "1998-05-06"}, "competencies": {"sql": 0.5}},
        {"id": "2", "displayName": "Bo", "role": "junior",
         "work": {"department": "Sales", "site": "Paris", "reportsTo": {"id": "4"}},
         "personal": {"birthDate": "1997-01-02"}},
        {"id": "3", "displayName": "Cy", "role": "senior",
         "work": {"department": "Board", "site": "London", "reportsTo": None},
         "personal": {"birthDate": "1965-01-02"}},
        {"id": "4", "displayName": "Di", "role": "senior",
         "work": {"department": "Finance", "site": "Paris", "reportsTo": {"id": "3"}},
         "personal": {"birthDate": "1968-01-02"}},
    ]
    path = tmp_path / "bob.json"
    path.write_text(json.dumps({"employees": people}), encoding="utf-8")
    with pytest.warns(rm.InputWarning, match="under 'employees'"):
        columns = rm.suggest_columns(path)
    # Each object also stays whole under its key, suggested only for a map (a
    # map of skills under the file's own key); ids 1-4 that the managers refer
    # to are the ids, not a form's response numbers.
    assert columns == {"id": "id", "displayName": "name", "role": "role", "goals": "goals",
                       "work": None, "work.department": "department", "work.site": "location",
                       "work.reportsTo": None, "work.reportsTo.id": "manager_id",
                       "personal": None, "personal.birthDate": "birth_year",
                       "competencies": "skills", "competencies.sql": None}
    with pytest.warns(rm.InputWarning, match="under 'employees'"):
        read = rm.read_participants(path, columns=columns)
    assert [(p.id, p.department, p.location, p.manager_id, p.birth_year) for p in read] == [
        ("1", "R&D", "London", "3", 1998), ("2", "Sales", "Paris", "4", 1997),
        ("3", "Board", "London", None, 1965), ("4", "Finance", "Paris", "3", 1968)]
    # Maps stay whole: rmatch's own (goals) and an object of numbers (skills here).
    assert (read[0].goals, read[0].skills) == ({"genai": 1.0}, {"sql": 0.5})
    juniors, seniors, _ = rm.split_roles(read)
    pairs = {(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors).pairs}
    assert not pairs & {("1", "3"), ("2", "4")}  # their own managers
    # Read with no map: an object is never read by its name alone ("department"
    # holding {"id", "name"} is no department), nor kept as an attribute; its
    # paths are what a map may name, and the warning names them with the field
    # each most likely holds.
    path.write_text(json.dumps([
        {"id": "a", "department": {"id": 7, "name": "R&D"}, "position": {"level": 2}},
        {"id": "b", "department": {"id": 8, "name": "Sales"}, "position": {"level": 6}}]),
        encoding="utf-8")
    with pytest.warns(rm.InputWarning, match=r"left out column\(s\) rmatch does not know: "
                                             r"'department.id', 'department.name' \(looks "
                                             r"like department\), 'position.level' \(looks "
                                             r"like level\); map them with columns= \(CLI: "):
        plain = rm.read_participants(path)
    assert [(p.department, p.level) for p in plain] == [(None, None), (None, None)]
    kept = rm.read_participants(path, unknown_columns="keep")
    assert kept[0].attributes == {"department.id": "7", "department.name": "R&D",
                                  "position.level": "2"}
    assert [(p.department, p.level) for p in rm.read_participants(path, columns=dict(
        rm.suggest_columns(path)))] == [("R&D", 2), ("Sales", 6)]
    # Text in one record and an object in another under one key: one column, the
    # text read and the object named by row (an object column skipped the text).
    path.write_text(json.dumps([{"id": "a", "department": "R&D"},
                                {"id": "b", "department": {"name": "Sales"}}]), encoding="utf-8")
    with pytest.raises(rm.InputError, match=r"row 2 \(id 'b'\), field 'department': expected "
                                            r"text, not a dict"):
        rm.read_participants(path)
    # Blank keys (found by the fuzz campaign: an IndexError guessing the path ".";
    # "a." folded like "a", two columns of one name): nothing to spread.
    path.write_text(json.dumps([{"id": "a", "": {"": 1}, "b": {"": "x", "c": "y"}}]),
                    encoding="utf-8")
    assert list(rm.suggest_columns(path)) == ["id", "", "b", "b.c"]
    with pytest.warns(rm.InputWarning, match=r"left out column\(s\) rmatch does not know: ''"):
        assert [p.id for p in rm.read_participants(path, columns={"b.c": None})] == ["a"]
    # A CSV header with dots is no path: guessed as a whole, as before.
    assert rm.suggest_columns(io.StringIO("Employee ID,Date of Birth (dd.mm.yyyy),Dept.\n"
                                          "E-1,01.02.1990,R&D\n")) == {
        "Employee ID": "id", "Date of Birth (dd.mm.yyyy)": "birth_year", "Dept.": "department"}
    # The same paths in a CSV that a flattened export wrote (pandas' json_normalize):
    # the manager's e-mail was suggested as the person's, the birth date as a name.
    assert rm.suggest_columns(io.StringIO(
        "id,work.department,work.reportsTo.id,work.reportsTo.email,personal.birthDate\n"
        "e1,R&D,e9,boss@x,1990-01-02\n")) == {
        "id": "id", "work.department": "department", "work.reportsTo.id": "manager_id",
        "work.reportsTo.email": None, "personal.birthDate": "birth_year"}
    # A path that is also a key: one of the two would be lost. Named by row.
    path.write_text(json.dumps([{"id": "a", "work.site": "Oslo", "work": {"site": "Rome"}}]),
                    encoding="utf-8")
    with pytest.raises(rm.InputError, match=r"row 1: the key 'work.site' is given both as a "
                                            r"key and as the path of a nested object"):
        rm.read_participants(path)


def _ods() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as book:  # an OpenDocument file starts with its mimetype
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "said"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "the old Excel format"),
    ("renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "the old Excel format"),
    ("book.xlsb", b"PK\x03\x04" + bytes(60), "an Excel binary workbook"),
    ("people.ods", _ods(), "an OpenDocument spreadsheet"),
    ("people.xlsx", _ods(), "an OpenDocument spreadsheet"),
    ("people.numbers", b"PK\x03\x04" + bytes(60), "an Apple Numbers document"),
    ("export.xls", b"\xef\xbb\xbf<html><table><tr><td>id</td></tr></table></html>",
     "a web page or XML file named like a spreadsheet is not read"),
    ("export.xlsx", b"<?xml version='1.0'?><Workbook/>", "a web page or XML file, not a workbook"),
])
def test_spreadsheets_in_formats_not_read_say_what_they_are_and_how_to_save_them(
        tmp_path: Path, name: str, data: bytes, said: str) -> None:
    # HR systems' "Export to Excel" gives .xls files, web pages named .xls and
    # LibreOffice's .ods: each says what it is and how to make it readable,
    # not "cannot tell the format" or a zip library's message.
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(path)
    assert str(err.value).startswith(f"{path}: {said}")
    assert str(err.value).endswith("save it as an Excel workbook (.xlsx) or as 'CSV UTF-8'")


def test_a_cell_beyond_the_csv_field_limit_is_an_error_naming_the_row() -> None:
    text = "id,name\na," + "x" * 200_000 + "\nb,ok\n"
    with pytest.raises(rm.InputError, match=r"row 2: cannot split the row into cells: field "
                                            r"larger than field limit"):
        rm.read_participants(io.StringIO(text))


def test_a_roster_file_too_large_is_refused_before_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rmatch.io import sheets

    path = tmp_path / "big.csv"
    path.write_text("id\n" + "a\n" * 100, encoding="utf-8")
    monkeypatch.setattr(sheets, "MAX_ROSTER_BYTES", 100)
    with pytest.raises(rm.InputError, match="more than a roster can be"):
        rm.read_participants(path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_respect_the_umask_and_keep_a_replaced_files_mode(
        tmp_path: Path, umask: int, mode: int) -> None:
    from rmatch.io.files import write_atomic

    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "new.txt", "x")
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        write_atomic(kept, "new")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == mode
    assert kept.stat().st_mode & 0o777 == 0o640
    assert kept.read_text() == "new"


def test_a_level_map_whose_keys_differ_only_in_case_must_agree() -> None:
    roster = io.StringIO("id,level\na,L7\nb,l7\n")
    with pytest.raises(rm.InputError, match="'L7' level 7 and 'l7' level 3"):
        rm.read_participants(roster, level_map={"L7": 7, "l7": 3})
    agree = rm.read_participants(io.StringIO("id,level\na,L7\nb,l7\n"),
                                 level_map={"L7": 7, "l7": 7})
    assert [p.level for p in agree] == [7, 7]


@pytest.mark.parametrize(("text", "message"), [
    # a stray quote: three pairs swallowed into one cell
    ('junior_id,senior_id\nj1,"s1\nj2,s2\nj3,s3\nj4,s4"\nj5,s5\n', "stray quote"),
    ("junior_id\nj1\n", "need the column(s) senior_id"),
    ("junior_id,senior_id\nj1\n", "the row has 1 cells"),
    ("junior_id,senior_id,junior_id\nj1,s1,j2\n", "given 2 times"),
    ("junior_id,senior_id\nj1,\n", "field 'senior_id': is empty"),
])
def test_small_tables_are_read_with_the_rosters_guarantees(text: str, message: str) -> None:
    from rmatch.io.small_tables import read_table

    with pytest.raises(rm.InputError, match=re.escape(message)):
        read_table(io.StringIO(text), ["junior_id", "senior_id"], what="previous pairs")


def test_small_tables_match_headers_as_rosters_do() -> None:
    # "Junior ID, Senior ID, Rating" (how people write them) drew "need the
    # column(s) junior_id, senior_id, rating": a roster's headers match whatever
    # their case, spaces and underscores, a small table's only their case.
    text = "Junior ID,Senior-ID,Rating\nj1,s1,4\n"
    assert rm.read_table(io.StringIO(text), ["junior_id", "senior_id", "rating"],
                         what="feedback") == [
        (2, {"junior_id": "j1", "senior_id": "s1", "rating": "4"})]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the standard columns: nothing to tell apart
        assert rm.read_matching(io.StringIO(text), ["j1"], ["s1"]) == [("j1", "s1")]
    with pytest.raises(rm.InputError, match=r"the headers 'junior_id', 'Junior ID' are one "
                                            r"column"):
        rm.read_table(io.StringIO("junior_id,Junior ID,senior_id\nj1,j2,s1\n"),
                      ["junior_id", "senior_id"], what="pairs")


def test_small_tables_read_json_records_missing_a_key_or_holding_null_or_a_list() -> None:
    # A JSON record without a key raised KeyError (the service's mapping screen
    # answered "internal error"); null was read as the text "None" (a senior
    # of that id, or an outcome "None"); a list raised ValueError.
    text = json.dumps([{"junior_id": "j1", "senior_id": "s1", "note": None},
                       {"junior_id": "j2", "senior_id": "s2"},
                       {"junior_id": "j3", "senior_id": "s3", "note": ["en", "fr"]},
                       {"junior_id": "j4", "senior_id": "s4", "note": {"a": 1}}])
    assert rm.read_table(io.StringIO(text), ["junior_id", "senior_id"], what="pairs",
                         optional=["note"]) == [
        (1, {"junior_id": "j1", "senior_id": "s1", "note": ""}),
        (2, {"junior_id": "j2", "senior_id": "s2", "note": ""}),
        (3, {"junior_id": "j3", "senior_id": "s3", "note": "en; fr"}),
        (4, {"junior_id": "j4", "senior_id": "s4", "note": '{"a": 1}'})]
    text = json.dumps([{"junior_id": "j1", "senior_id": None},
                       {"junior_id": ["j2"], "senior_id": "s2"}, {"junior_id": "j3"}])
    with pytest.raises(rm.InputError) as err:
        rm.read_table(io.StringIO(text), ["junior_id", "senior_id"], what="pairs")
    assert [str(p) for p in err.value.problems] == [
        "<stream>: row 1, field 'senior_id': is empty",
        "<stream>: row 2, field 'junior_id': expected text, not a list",
        "<stream>: row 3, field 'senior_id': is empty"]
    # A committee's JSON with its own keys: a list or an object beside the ids is
    # no id (read_matching told the columns apart through parse_text: ValueError).
    text = json.dumps([{"Mentor": "Ana", "Mentee": "cto", "tags": ["x"], "n": {"a": 1}},
                       {"Mentor": "rui", "Mentee": "cfo", "tags": None, "n": {"a": 2}}])
    with pytest.warns(rm.InputWarning):
        assert rm.read_matching(io.StringIO(text), ["ana", "rui"], ["cto", "cfo"],
                                names={"ana": "Ana"}) == [("ana", "cto"), ("rui", "cfo")]


def test_previous_pairs_and_feedback_files_lose_no_row(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    from rmatch.lifecycle.calibration import read_feedback

    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes("\ufeffjunior_id;senior_id\r\nj1;s1\r\nj2;s2\r\n".encode("utf-16"))
    assert rm.read_matching(pairs, ["j1"], ["s2"], unknown="keep") == [("j1", "s1"), ("j2", "s2")]
    feedback = tmp_path / "feedback.csv"
    feedback.write_text('junior_id,senior_id,outcome\nj1,"s1,4\nj2,s2,5\n', encoding="utf-8")
    with pytest.raises(rm.InputError, match="row 2"):
        read_feedback(str(feedback))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"junior_id,senior_id\n\xff\xfe\xfa,s1\n")
    status, _, err = run_cli(capsys, "rematch", str(ROSTER), "--previous", str(broken))
    assert status == 1
    assert err.splitlines()[-1].startswith("rmatch: error: ")  # one line, no traceback


def test_a_byte_order_mark_left_in_an_open_text_hides_no_header(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("\ufeffid,role\nj1,junior\n", encoding="utf-8")
    with path.open(encoding="utf-8") as fh:  # utf-8, not utf-8-sig: the mark stays in the text
        people = rm.read_participants(fh)
    assert [(p.id, p.role) for p in people] == [("j1", "junior")]


def test_a_stray_quote_that_takes_in_whole_rows_is_named_even_when_the_cells_add_up() -> None:
    swallowed = ('id,name,role\nj1,"Ana\nj2,Bob,junior\nj3,Cy,junior\nj4,Dee",junior\n'
                 "s1,Eve,senior\n")
    with pytest.raises(rm.InputError, match=r"row 2 \(id 'j1'\): a quote .* stray quote"):
        rm.read_participants(io.StringIO(swallowed))
    # A name or a note may still run over lines.
    multi_line = 'id,name,role\nj1,"Ana, Maria\nda Silva, Lda\nSantos",junior\ns1,Bo,senior\n'
    assert [p.id for p in rm.read_participants(io.StringIO(multi_line))] == ["j1", "s1"]


def test_a_huge_header_or_a_deeply_nested_record_is_guessed_as_nothing_at_once() -> None:
    # An adversarial review's files: a header of 20,000 characters (a second of
    # fuzzy comparison), a JSON record nested 300 deep (eight seconds of guesses
    # for its 300 paths). No field is that long or that deep: guessed as nothing.
    huge = "Date of birth" + " x" * 10_000
    assert rm.suggest_columns(io.StringIO(f'id,role,"{huge}"\nj1,junior,1\n')) == {
        "id": "id", "role": "role", huge: None}
    record: dict[str, object] = {"id": "a", "role": "junior"}
    inner = record
    for k in range(300):
        inner[f"k{k}"] = {}
        inner = inner[f"k{k}"]  # type: ignore[assignment]
    inner["department"] = "R&D"
    proposal = rm.suggest_columns(io.StringIO(json.dumps([record])))
    assert proposal["id"] == "id"
    assert all(target is None for header, target in proposal.items() if header.count(".") >= 8)


def test_a_json_path_beside_a_key_that_folds_alike_is_another_column() -> None:
    # "work.site" (a path of the object "work") and a key "worksite" folded alike,
    # and the whole file was refused ("appears twice"), with no map to get round it.
    records = [{"id": "a", "role": "junior", "homeEmail": "a@home.org", "worksite": "Paris",
                "work": {"site": "Lyon"}, "home": {"email": "a@x.org"}}]
    text = json.dumps(records)
    kept = rm.read_participants(io.StringIO(text), unknown_columns="keep")
    assert kept[0].attributes == {"homeEmail": "a@home.org", "worksite": "Paris",
                                  "work.site": "Lyon", "home.email": "a@x.org"}
    # A map names each by its own name: the path by its dots, the key without.
    mapped = rm.read_participants(io.StringIO(text), columns={
        "work.site": "location", "worksite": None, "homeEmail": None, "home.email": "email"})
    assert (mapped[0].location, mapped[0].email) == ("Lyon", "a@x.org")
    with pytest.warns(rm.InputWarning, match="left out column.*'work.site'"):
        plain = rm.read_participants(io.StringIO(text), columns={
            "worksite": "location", "homeEmail": None, "home.email": None})
    assert plain[0].location == "Paris"
    # Headers that fold alike and are no path are still one column given twice.
    with pytest.raises(rm.InputError, match="appears twice"):
        rm.read_participants(io.StringIO("id,work.site,worksite\na,x,y\n"))


def test_a_file_of_thousands_of_columns_is_proposed_a_map_at_once() -> None:
    # 100,000 columns (700 KB of CSV) took minutes of fuzzy comparison in
    # rmatch columns and on the mapping screen, and a list.count per header
    # minutes more in reading; a warning named every column (a megabyte).
    from rmatch.io.columns import MOST_COMPARED

    n = 20_000
    headers = [f"Question {k}" for k in range(n)]
    headers[10] = "Which role would you like?"  # compared loosely: among the first
    headers[MOST_COMPARED + 5] = "Employee ID"  # beyond them: exact synonyms still read
    headers[MOST_COMPARED + 6] = "Which skills can you share?"  # a loose guess: not there
    text = ",".join(headers) + "\n" + ",".join(["x"] * n) + "\n"
    proposal = rm.suggest_columns(io.StringIO(text))
    assert proposal["Which role would you like?"] == "role"
    assert proposal["Employee ID"] == "id"
    assert proposal["Which skills can you share?"] is None
    with pytest.warns(rm.InputWarning) as said:
        rm.read_participants(io.StringIO(text), columns={"Employee ID": "id"})
    left = next(str(w.message) for w in said if "left out column" in str(w.message))
    assert f"and {n - 1 - 50:,} more; map them" in left
    assert len(left) < 2_000


def test_a_language_cell_of_thousands_of_words_is_read_at_once() -> None:
    # The words beside a language's name (session 30) went through langcodes'
    # name search, which grows with the square of the text: a cell of 12,000
    # words (near a CSV cell's limit of 131,072 characters) took 4 s, and a
    # note of 20,000 words in brackets a second.
    words = "English " * 15_000 + "so-so"
    bracketed = "French (" + "rusty " * 20_000 + ")"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        people = rm.read_participants(io.StringIO(
            f'id,languages\na,"{words}"\nb,"{bracketed}"\n'))
    assert people[1].languages == {"fr"}
    assert people[1].language_levels == {}
    # The long cell is no language rmatch knows; the warning quotes its start only.
    [unknown] = [str(w.message) for w in said if "does not know" in str(w.message)]
    assert "'english english" in unknown
    assert "(120,005 characters)" in unknown
    assert len(unknown) < 500
