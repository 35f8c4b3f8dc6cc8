"""Reading options for real exports: value maps, managers by name, duplicates, header rows."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import rmatch as rm


def _read(text: str, **options: Any) -> list[rm.Participant]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        return rm.read_participants(io.StringIO(text), **options)


def _problems(text: str, **options: Any) -> list[rm.Problem]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        with pytest.raises(rm.InputError) as info:
            rm.read_participants(io.StringIO(text), **options)
    return [p for p in info.value.problems if isinstance(p, rm.Problem)]


def test_value_maps_apply_to_any_field_ignoring_case_and_spaces() -> None:
    people = _read("id,role,manager_id,languages\nboss,  MENTEE ,no_manager,\n"
                   "a,Mentor (junior),boss,Mandarin;Klingon\n",
                   values={"role": {"Mentee": "senior", "mentor (JUNIOR)": "junior"},
                           "manager_id": {"NO_MANAGER": None},
                           "languages": {"klingon": None, "Mandarin": "zh"}})
    assert [(p.role, p.manager_id) for p in people] == [("senior", None), ("junior", "boss")]
    assert people[1].languages == {"zh"}  # a list map applies per item; None drops it


def test_value_maps_are_checked_before_reading() -> None:
    with pytest.raises(rm.InputError, match="'age' is not a field"):
        _read("id\na\n", values={"age": {"x": 1}})
    with pytest.raises(rm.InputError, match="'role' must map each cell"):
        _read("id\na\n", values={"role": ["junior"]})
    with pytest.raises(rm.InputError, match="compared ignoring case and spaces, so these are "
                       "one"):
        _read("id\na\n", values={"role": {"Mentee": "senior", "mentee": "junior"}})


def test_managers_by_name_fill_ids_and_name_the_rows_they_cannot() -> None:
    text = ("id,name,manager\nceo,Grace Hopper,\nvp,Alan Turing,Grace Hopper\n"
            "a,Ana Lima,alan turing\nb,Bo Li,Nobody Known\nc,Cy Ng,Sam Lee\n"
            "d,Sam Lee,Grace Hopper\ne,Sam Lee,Grace Hopper\n")
    problems = _problems(text, columns={"manager": "manager_name"})
    assert [(p.row, p.field) for p in problems] == [(5, "manager_name"), (6, "manager_name")]
    assert "no one's name" in problems[0].reason
    assert "the name of rows 7, 8" in problems[1].reason
    # Names are personal data: a problem names the row, never the name.
    assert not any("Nobody" in p.reason or "Sam" in p.reason for p in problems)
    people = _read(text.replace("c,Cy Ng,Sam Lee\n", "").replace("b,Bo Li,Nobody Known\n", ""),
                   columns={"manager": "manager_name"})
    assert {p.id: p.manager_id for p in people} == {"ceo": None, "vp": "ceo", "a": "vp",
                                                     "d": "ceo", "e": "ceo"}


def test_a_manager_written_last_name_first_is_found_by_name() -> None:
    # Directories write "Hopper, Grace" where the roster's name is "Grace Hopper".
    text = "id,name,manager\nceo,Grace Hopper,\nvp,Alan Turing,\"HOPPER,  Grace\"\n"
    people = _read(text, columns={"manager": "manager_name"})
    assert {p.id: p.manager_id for p in people} == {"ceo": None, "vp": "ceo"}
    # And the other way round: the roster's names last name first, a form's wish not.
    text = ("id,name,role,wishes\nceo,\"Hopper, Grace\",senior,\n"
            "j,\"Turing, Alan\",junior,Grace Hopper\n")
    assert {p.id: p.wishes for p in _read(text)} == {"ceo": [], "j": ["ceo"]}
    # A wish list whose names are "Last, First" splits on their commas (the
    # column has no ';'): two items that are one person's name joined are read so.
    text = ("id,name,role,wishes\nceo,Grace Hopper,senior,\ncto,Alan Turing,senior,\n"
            "j,Leo,junior,\"Hopper, Grace\"\nk,Kim,junior,\"Turing, Alan, Hopper, Grace\"\n"
            "m,Mo,junior,\"cto, ceo\"\n")
    assert {p.id: p.wishes for p in _read(text)} == {
        "ceo": [], "cto": [], "j": ["ceo"], "k": ["cto", "ceo"], "m": ["cto", "ceo"]}
    # A column that uses ';' elsewhere splits on ';' alone (a ticked option may
    # hold a comma): "Alan Turing, Grace Hopper" was one wish naming nobody.
    # Split on its commas when each part is someone's; "Hopper, Grace" stays one.
    text = ("id,name,role,wishes\nceo,Grace Hopper,senior,\ncto,Alan Turing,senior,\n"
            "j,Leo,junior,Grace Hopper; Alan Turing\nk,Kim,junior,\"Alan Turing, Grace Hopper\"\n"
            "m,Mo,junior,\"Hopper, Grace\"\n")
    assert {p.id: p.wishes for p in _read(text)} == {
        "ceo": [], "cto": [], "j": ["ceo", "cto"], "k": ["cto", "ceo"], "m": ["ceo"]}


def test_a_name_with_a_title_or_a_note_is_found_by_the_name_alone() -> None:
    # Found trying a tech company's export: the directory wrote "Dr. Ana Lima
    # (she/her)"; the wishes "Ana Lima" and "Dr Ana Lima" and a manager "Ana Lima"
    # named nobody (the wishes were kept as written and counted for nothing).
    text = ("id,name,role,manager,wishes\ns1,Dr. Ana Lima (she/her),senior,,\n"
            "s2,\"Bo Chen, PhD\",senior,,\nj1,Cy Diaz,junior,Ana Lima,Ana Lima\n"
            "j2,Di Fox,junior,Bo Chen,\"Dr Ana Lima; Bo Chen\"\n"
            # A directory's family name first with a degree after it (was kept
            # as written and named nobody).
            "s3,\"Ng, Eli, Ph.D.\",senior,,\nj3,Fa Gil,junior,Eli Ng,Eli Ng\n")
    people = {p.id: p for p in _read(text, columns={"manager": "manager_name"})}
    assert {i: (p.manager_id, p.wishes) for i, p in people.items()} == {
        "s1": (None, []), "s2": (None, []), "j1": ("s1", ["s1"]), "j2": ("s2", ["s1", "s2"]),
        "s3": (None, []), "j3": ("s3", ["s3"])}
    assert people["s1"].name == "Dr. Ana Lima (she/her)"  # the name stays as written
    # A name's own spelling wins over another's without its title.
    text = ("id,name,role,wishes\na1,Ana Lima,senior,\na2,Dr. Ana Lima,senior,\n"
            "j,Cy,junior,\"Ana Lima; Dr. Ana Lima\"\n")
    assert {p.id: p.wishes for p in _read(text)}["j"] == ["a1", "a2"]
    # Namesakes told apart by the id in brackets: the id, not the name without it.
    text = ("id,name,role,wishes\nE1,Ana Lima,senior,\nE2,Ana Lima,senior,\n"
            "j,Cy,junior,Ana Lima (E2)\n")
    assert {p.id: p.wishes for p in _read(text)}["j"] == ["E2"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)  # the names read: said
        pairs = rm.read_matching(io.StringIO("junior_id,senior_id\nCy,Ana Lima (E2)\n"),
                                 ["j"], ["E1", "E2"],
                                 names={"j": "Cy", "E1": "Ana Lima", "E2": "Ana Lima"})
    assert pairs == [("j", "E2")]
    # Two people who are the same name without their notes: the wish is refused.
    text = ("id,name,role,wishes\na1,Ana Lima (Finance),senior,\na2,Dr Ana Lima,senior,\n"
            "j,Cy,junior,Ana Lima\n")
    with pytest.raises(rm.InputError, match="name of"):
        _read(text)
    # A hand matching written with names: the same.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)  # columns and names read: said
        pairs = rm.read_matching(io.StringIO("mentee,mentor\nCy Diaz,Ana Lima\n"), ["j1"],
                                 ["s1"], names={"j1": "Cy Diaz", "s1": "Dr. Ana Lima (she/her)"})
    assert pairs == [("j1", "s1")]


def test_a_manager_id_wins_over_the_name_and_a_filled_id_is_said() -> None:
    text = ("id,name,manager_name,manager_id\nceo,Grace,,\nvp,Alan,Grace,\n"
            "a,Ana,Grace,vp\n")
    with pytest.warns(rm.InputWarning, match="filled in from the manager's name for 1 row"):
        people = rm.read_participants(io.StringIO(text))
    assert {p.id: p.manager_id for p in people} == {"ceo": None, "vp": "ceo", "a": "vp"}


def test_managers_given_as_e_mail_addresses_are_read_as_their_ids() -> None:
    # A directory export: ids are employee numbers, the manager is an address.
    text = ("Employee Number,Email,Manager,Role\n1001,Helena@X.com,,\n"
            "1002,ana@x.com,helena@x.com,senior\n1003,bo@x.com,ANA@x.com,junior\n"
            "1004,cy@x.com,gone@x.com,junior\n")
    columns = {"Employee Number": "id", "Email": "email", "Manager": "manager_id"}
    problems = _problems(text, columns=columns)
    # An address no one has stays as written: the manager check names its row.
    assert [(p.row, p.field) for p in problems] == [(5, "manager_id")]
    assert "manager 'gone@x.com' is not in this roster" in problems[0].reason
    with pytest.warns(rm.InputWarning, match=r"2 manager\(s\) given as an e-mail address read "
                                             r"as the id of the person with that address"):
        people = rm.read_participants(io.StringIO(text.replace("gone@x.com", "1002")),
                                      columns=columns)
    assert {p.id: p.manager_id for p in people} == {"1001": None, "1002": "1001",
                                                     "1003": "1002", "1004": "1002"}
    # The oracle: the same chart written with ids reads the same.
    by_id = text.replace("gone@x.com", "1002").replace("helena@x.com", "1001").replace(
        "ANA@x.com", "1002")
    assert _read(by_id, columns=columns) == people


def test_answers_that_give_no_group_are_read_as_not_given_and_said() -> None:
    # "N/A" as a department, "Prefer not to say" as a gender: two such people
    # were one group (the same department, the same gender) for diversity and
    # quotas. Read as not given, named once; "None" is an answer (no religion);
    # a value map still says otherwise when such a word is a group.
    text = ("id,gender,department,religion\na,Female,Sales,None\nb,Prefer not to say,N/A,\n"
            "c,prefer not to answer,-,\nd,Unknown,,Buddhist\n")
    columns = {"gender": "attributes.gender", "religion": "attributes.religion"}
    with pytest.warns(rm.InputWarning, match=r"answer\(s\) that give none read as not given "
                                             r".*'Prefer not to say' \(row 3\), 'N/A' \(row 3\)"):
        people = rm.read_participants(io.StringIO(text), columns=columns)
    assert [(p.department, p.attributes) for p in people] == [
        ("Sales", {"gender": "Female", "religion": "None"}), (None, {}), (None, {}),
        (None, {"religion": "Buddhist"})]
    mapped = _read(text, columns=columns, values={"department": {"N/A": "Unassigned"}})
    assert [p.department for p in mapped] == ["Sales", "Unassigned", None, None]
    # The same in an attributes map column.
    with pytest.warns(rm.InputWarning, match=r"'Prefer not to say' \(row 3\)"):
        people = rm.read_participants(io.StringIO(
            "id,attributes\na,gender:F;religion:None\nb,gender:Prefer not to say;team:x\n"))
    assert [p.attributes for p in people] == [{"gender": "F", "religion": "None"},
                                              {"team": "x"}]


def test_a_grade_or_year_of_birth_a_form_left_open_is_unknown_and_said() -> None:
    # "N/A" as a grade drew "not in level_map" on the row, "Prefer not to say" as
    # a year of birth "not a whole year": the file could not be read as it came.
    text = ("id,grade,birth_year\na,G1,1999\nb,N/A,Prefer not to say\nc,G5,-\n"
            "d,?,1970\n")
    with pytest.warns(rm.InputWarning, match=r"answer\(s\) that give none read as not given "
                                             r"\(in birth_year, level\): 'N/A' \(row "
                                             r"3\), 'Prefer not to say' \(row 3\)"):
        people = rm.read_participants(io.StringIO(text), columns={"grade": "level"},
                                      level_map={"G1": 1, "G5": 5})
    assert [(p.level, p.birth_year) for p in people] == [(1, 1999), (None, None), (5, None),
                                                          (None, 1970)]
    # Anything else is still a problem named by row.
    with pytest.raises(rm.InputError, match=r"row 2 \(id 'a'\), field 'level': grade 'G9'"):
        _read("id,grade\na,G9\n", columns={"grade": "level"}, level_map={"G1": 1})


def test_lists_and_texts_a_form_left_open_are_not_given_and_said() -> None:
    # "N/A" as languages was two languages, 'n' and 'a', which two such people
    # shared (the language rule then paired them); "None" as skills a skill named
    # none; a spreadsheet's "#N/A" (a lookup that found nothing) an e-mail address.
    text = ("id,role,languages,skills,email,wishes,timezone,capacity\n"
            "j1,junior,N/A,N/A,N/A,N/A,N/A,N/A\n"
            "j2,junior,#N/A,None,#N/A,#REF!,#N/A,#VALUE!\n"
            "j3,junior,Prefer not to say,-,j3@x.org,s1,Europe/Paris,2\n"
            "s1,senior,English,cloud,,,,\n")
    with pytest.warns(rm.InputWarning, match=r"read as not given \(in capacity, email, "
                      r"languages, skills, timezone, wishes\): 'N/A' \(row 2\), '#N/A' \(row 3\)"):
        people = rm.read_participants(io.StringIO(text))
    assert [(set(p.languages), set(p.skills), p.email, p.wishes, p.timezone, p.capacity)
            for p in people] == [
        (set(), set(), None, [], None, 1), (set(), set(), None, [], None, 1),
        (set(), set(), "j3@x.org", ["s1"], "Europe/Paris", 2), ({"en"}, {"cloud"}, None, [],
                                                                 None, 1)]
    # A name is read as written ('Na' is a given name).
    assert rm.read_participants(io.StringIO("id,name\na,Na\n"))[0].name == "Na"
    # Two people who gave no language share none: the rule keeps them apart.
    j1, j2 = people[0], people[1]
    assert not (j1.languages & j2.languages)


def test_a_spreadsheet_error_in_an_id_or_a_manager_is_a_problem() -> None:
    """A lookup that found nothing is a person unknown: said by row, never read as none."""
    text = "id,manager_id,manager\na,,\n#REF!,a,\nc,#N/A,\nd,,#VALUE!\ne,N/A,-\n"
    problems = _problems(text, columns={"manager": "manager_name"})
    assert [(p.row, p.field) for p in problems] == [(3, "id"), (4, "manager_id"),
                                                     (5, "manager_name")]
    assert all("is a spreadsheet's error" in p.reason for p in problems)
    # 'N/A' and '-' say no manager: read as not given, and said.
    with pytest.warns(rm.InputWarning, match=r"\(in manager_id, manager_name\): 'N/A' \(row 2\)"):
        [e] = rm.read_participants(io.StringIO("id,manager_id,manager\ne,N/A,-\n"),
                                   columns={"manager": "manager_name"})
    assert e.manager_id is None


def test_duplicates_error_keep_last_and_keep_first() -> None:
    text = "id,skills\na@x.org,genai\nb@x.org,cloud\nA@X.org ,python\n"
    [problem] = _problems(text)
    assert (problem.row, problem.field) == (4, "id")
    assert "differs only in case from 'a@x.org' in row 2" in problem.reason
    [exact] = _problems("id\na\na\n")
    assert exact.reason == "duplicate id, first given in row 2"
    last = _read(text, duplicates="keep_last")
    assert [(p.id, set(p.skills)) for p in last] == [("b@x.org", {"cloud"}),
                                                     ("A@X.org", {"python"})]
    first = _read(text, duplicates="keep_first")
    assert [p.id for p in first] == ["a@x.org", "b@x.org"]
    with pytest.warns(rm.InputWarning, match=r"kept row 4 of rows 2, 4"):
        rm.read_participants(io.StringIO(text), duplicates="keep_last")
    with pytest.raises(rm.InputError, match="duplicates='maybe'"):
        _read(text, duplicates="maybe")
    # A manager written in another case finds the kept row.
    people = _read("id,manager_id\nBoss@x.org,\nboss@x.org,\nj,BOSS@X.ORG\n",
                   duplicates="keep_last")
    assert [p.manager_id for p in people] == [None, "boss@x.org"]


def test_the_header_is_found_under_titles_and_footers_are_named(tmp_path: Path) -> None:
    text = ("Headcount report\nRun date:,2026-11-30\n\nid,role,level\na,junior,1\n"
            "b,senior,5\nz9,junior,\n\nTotal: 3\nConfidential\n")
    with pytest.warns(rm.InputWarning) as caught:
        people = rm.read_participants(io.StringIO(text))
    # The last person has only an id and a role: a person, not a footer.
    assert [p.id for p in people] == ["a", "b", "z9"]
    said = " ".join(str(w.message) for w in caught)
    assert "row(s) 1-2 above the header (row 4)" in said
    assert "row(s) 9-10 after the last person look like a footer" in said
    # header_row says where it is, counted as the spreadsheet shows rows.
    assert [p.id for p in _read(text, header_row=4)] == ["a", "b", "z9"]
    with pytest.raises(rm.InputError, match="header_row=99 is beyond the last row"):
        _read(text, header_row=99)
    with pytest.raises(rm.InputError, match="header_row=3 is empty"):
        _read(text, header_row=3)


def test_a_banner_of_merged_group_cells_above_the_header_is_skipped(tmp_path: Path) -> None:
    # Found reading an Excel sign-up sheet: "Personal", "Job", "Mentoring" merged
    # over the real header's columns were taken for the header, every column
    # then unknown. The row below names rmatch's fields: it is the header.
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Programme sign-ups 2026"])
    sheet.append(["Personal", None, None, "Job", None, "Mentoring", None])
    for cells in ("A2:C2", "D2:E2", "F2:G2"):
        sheet.merge_cells(cells)
    sheet.append(["Employee ID", "First name", "Last name", "Grade", "Line manager ID", "Role",
                  "Languages"])
    sheet.append(["E1", "Ana", "Lima", 4, None, "senior", "English"])
    sheet.append(["E2", "Bo", "Chen", 1, "E1", "junior", "English"])
    path = tmp_path / "signups.xlsx"
    book.save(path)
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 1-2 above the header \(row 3\)"):
        people = rm.read_participants(path, columns=dict(rm.suggest_columns(path)))
    assert [(p.id, p.name, p.level, p.manager_id) for p in people] == [
        ("E1", "Ana Lima", 4, None), ("E2", "Bo Chen", 1, "E1")]
    # The same as CSV; and a header with a column left unnamed is never swapped
    # for the first row of people, which is text too but names no field.
    banner = "Personal,,,Job,\nid,name,role,level,manager_id\nE1,Ana,senior,4,\n"
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 1 above the header \(row 2\)"):
        assert [p.id for p in rm.read_participants(io.StringIO(banner))] == ["E1"]
    unnamed = "id,role,level,\nE1,senior,4,x\nE2,junior,1,y\n"
    with pytest.warns(rm.InputWarning, match="left out column"):
        assert [p.level for p in rm.read_participants(io.StringIO(unnamed))] == [4, 1]


def test_sub_headers_given_twice_take_the_group_label_above_them(tmp_path: Path) -> None:
    # A report's two header rows: "Employee" over "ID" and "Name", "Manager" over
    # "ID" and "Name" again. The file was refused ("'ID' appears twice").
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Employee", None, "Manager", None, None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.append(["ID", "Name", "ID", "Name", "Role"])
    sheet.append(["E1", "Ana Lima", None, None, "senior"])
    sheet.append(["E2", "Bo Chen", "E1", "Ana Lima", "junior"])
    path = tmp_path / "report.xlsx"
    book.save(path)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        columns = rm.suggest_columns(path)
        people = rm.read_participants(path, columns=columns)
    assert any("read with the group label above them: 'Employee ID', 'Employee Name', "
               "'Manager ID', 'Manager Name'" in str(w.message) for w in said)
    assert columns == {"Employee ID": "id", "Employee Name": "name",
                       "Manager ID": "manager_id", "Manager Name": "manager_name",
                       "Role": "role"}
    assert [(p.id, p.name, p.manager_id) for p in people] == [
        ("E1", "Ana Lima", None), ("E2", "Bo Chen", "E1")]
    # The same in CSV; a title further up, or one label over both, names nothing:
    # the header is still given twice, said as before.
    csv_text = "Employee,,Manager,,\nID,Name,ID,Name,Role\nE1,Ana,,,senior\n"
    assert [p.id for p in _read(csv_text, columns={
        "Employee ID": "id", "Employee Name": "name", "Manager ID": "manager_id",
        "Manager Name": "manager_name"}, check_managers=False)] == ["E1"]
    for text in ("Staff,,,,\nID,Name,ID,Name,Role\nE1,Ana,,,senior\n",
                 "Report\n\nID,Name,ID,Name,Role\nE1,Ana,,,senior\n"):
        with pytest.raises(rm.InputError, match="'ID' appears twice"):
            _read(text)


def test_a_column_that_shows_each_group_once_is_said() -> None:
    # A grouped report writes "R&D" once and leaves the rows below blank: those
    # people were read with no department (or no role: out of the programme),
    # without a word.
    text = ("id,role,department\na,junior,R&D\nb,junior,\nc,senior,\nd,junior,Sales\n"
            "e,senior,\nf,senior,\ng,junior,HR\nh,senior,\n")
    with pytest.warns(rm.InputWarning, match=r"column 'department' gives a value on the first "
                                             r"row of each group only \(3 values, each once, "
                                             r"5 blank rows below them\)"):
        people = rm.read_participants(io.StringIO(text))
    assert [p.department for p in people] == ["R&D", None, None, "Sales", None, None, "HR",
                                              None]
    # Values given again, or few blanks: an ordinary column, nothing said.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rm.read_participants(io.StringIO(text.replace("d,junior,Sales", "d,junior,R&D")))
        rm.read_participants(io.StringIO(text.replace("b,junior,", "b,junior,IT").replace(
            "e,senior,", "e,senior,Ops").replace("h,senior,", "h,senior,QA")))


def test_a_table_that_starts_further_right_has_its_footer_found(tmp_path: Path) -> None:
    # Found on a sheet whose table starts at C3: "Total" and a count under it were
    # read as a person whose role is "4" (the footer's words were sought in column A).
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate([("id", "role"), ("j1", "junior"), ("s1", "senior"),
                             ("Total", 2)], start=3):
        for c, cell in enumerate(row, start=3):
            sheet.cell(row=r, column=c, value=cell)
    path = tmp_path / "offset.xlsx"
    book.save(path)
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 6 after the last person look like a "
                                             "footer"):
        assert [p.id for p in rm.read_participants(path)] == ["j1", "s1"]
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 4 after the last person"):
        assert [p.id for p in rm.read_participants(io.StringIO(
            ",,id,role\n,,j1,junior\n,,s1,senior\n,,Total,2\n"))] == ["j1", "s1"]
    # Something left of the table on that row: a row to read (and name), no footer.
    with pytest.raises(rm.InputError, match=r"row 4"):
        _read(",,id,role,level\n,,j1,junior,1\n,,s1,senior,5\nx,,Total,2,\n")


def test_a_sheet_is_picked_by_name_or_index(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["read me"])
    people = book.create_sheet("People")
    people.append(["id", "role"])
    people.append(["j1", "junior"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert [p.id for p in _read_path(path, sheet="people")] == ["j1"]
    assert [p.id for p in _read_path(path, sheet=1)] == ["j1"]
    with pytest.raises(rm.InputError, match="no sheet 'Staff'; the workbook has 'Notes', "
                       "'People'"):
        _read_path(path, sheet="Staff")
    with pytest.raises(rm.InputError, match="sheet= picks a sheet of an Excel workbook"):
        _read("id\na\n", sheet="People")


def _read_path(path: Path, **options: Any) -> list[rm.Participant]:
    return rm.read_participants(path, **options)


def test_enrich_says_who_has_no_record_and_where_the_two_disagree() -> None:
    form = [rm.Participant(id="ANA@x.org", role="junior", level=1, location="Porto",
                           languages={"pt"}),
            rm.Participant(id="new@x.org", role="junior")]
    hr = [rm.Participant(id="ana@x.org", level=2, location="Lisbon", languages={"en"},
                         department="IT"),
          rm.Participant(id="boss@x.org", level=9)]
    with pytest.warns(rm.InputWarning) as caught:
        joined = rm.enrich(form, hr)
    said = [str(w.message) for w in caught]
    assert any("1 sign-up(s) have no HR record" in s and "'new@x.org'" in s for s in said)
    assert any("level: 'ANA@x.org'" in s and "location: 'ANA@x.org'" in s for s in said)
    ana = joined[0]
    # HR wins for the level; the form for the location and languages; HR fills the blank.
    assert (ana.id, ana.level, ana.location, ana.department) == ("ana@x.org", 2, "Porto", "IT")
    assert ana.languages == {"pt"}
    assert joined[1] == form[1]
    with pytest.raises(rm.InputError, match="gives one id twice"):
        rm.enrich(form, [*hr, rm.Participant(id="Boss@x.org")])


def test_a_short_row_away_from_the_first_column_is_a_person_not_a_footer() -> None:
    # Found by the fuzz campaign: one cell of words, but in the fourth column.
    [problem, *_] = _problems("id,name,role,birth_year\n,,,0 A\n")
    assert problem.row == 2


def test_a_last_row_of_separators_the_header_does_not_have_is_named() -> None:
    # Found by the fuzz campaign: "," as the last line under a one-column
    # header (a person whose id is a comma, in a file written with ";") read
    # as no one, without a word; in the middle of the file it was named.
    for text, row in (("id\n,\n", 2), ("id,name\na,\n,\n,,\n", 4)):
        [problem] = _problems(text)
        assert problem.row == row
        assert "cells but the header has" in str(problem)
    assert [p.id for p in _read("id,name\na,\n,\n\n")] == ["a"]  # blank rows stay blank


def test_words_alone_under_the_header_are_a_person_unless_they_are_footer_words() -> None:
    # Found by the fuzz campaign: "Ana Lima" alone in the first cell, under
    # the header and above nobody, was skipped as a footer: a file of one
    # person read as none. A footer follows people; "Total: 0" is still one.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        alone, before_total, empty, below = (rm.read_participants(io.StringIO(text)) for text in (
            "id,name,role\nAna Lima,,\n", "id,name,role\nAna Lima,,\nTotal: 1,,\n",
            "id,name,role\nTotal: 0,,\n", "id,name,role\nana,,\nPrepared by HR,,\n"))
    assert [p.id for p in alone] == [p.id for p in before_total] == ["Ana Lima"]
    assert empty == []
    assert [p.id for p in below] == ["ana"]
    said = [str(w.message) for w in seen]
    assert sum("row(s) 3 after the last person look like a footer" in w for w in said) == 2
    assert sum("row(s) 2 after the last person" in w for w in said) == 1


def test_names_as_ids_keep_a_last_person_with_only_a_name() -> None:
    # Where the people's ids are names ("Ana Lima"), a last row of a name alone is a
    # person, not a footer; the usual footer words still make one.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        names, footed = (rm.read_participants(io.StringIO(text)) for text in (
            "id,name,role\nAna Lima,,junior\nRui Costa,,\n",
            "id,name,role\nAna Lima,,junior\nData as of 2026-12-01,,\n"))
    assert [p.id for p in names] == ["Ana Lima", "Rui Costa"]
    assert [p.id for p in footed] == ["Ana Lima"]
    assert sum("after the last person look like a footer" in str(w.message)
               for w in seen) == 1


def test_a_manager_in_another_case_names_the_id_it_may_be() -> None:
    with pytest.raises(rm.InputError) as info:
        _read("id,role,manager_id\nceo,,\nj1,junior,CEO\ns1,senior,boss\n")
    said = [str(p) for p in info.value.problems]
    assert "manager 'CEO' is not in this roster (did you mean 'ceo'? ids are case-sensitive)" \
        in said[0]
    assert "manager 'boss' is not in this roster: add them" in said[1]


def test_a_totals_line_is_a_footer_only_with_a_total_word_and_a_number() -> None:
    # "Total" and a count fill two cells: a footer even in a narrow roster.
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 4 after the last person"):
        people = rm.read_participants(io.StringIO("id,level\na,1\nb,5\nTotal,2\n"))
    assert [p.id for p in people] == ["a", "b"]
    # Anything else in two cells is a person, read as one.
    for last in ("Total,x", "Totals team,2", "Ana,2"):
        with warnings.catch_warnings():
            warnings.simplefilter("error", rm.InputWarning)  # nothing skipped
            got = rm.read_participants(io.StringIO(f"id,department\na,Sales\n{last}\n"))
        assert [p.id for p in got] == ["a", last.split(",")[0]]


def test_a_workbook_whose_first_sheet_holds_no_people_names_the_others(
        tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Summary"
    first.append(["Programme sign-ups, see the next sheets"])
    for name in ("Juniors", "Seniors"):
        book.create_sheet(name).append(["id", "role"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(path)
    assert any("hint: this is the sheet 'Summary'; the workbook also has 'Juniors', "
               "'Seniors': choose the sheet of the people" in str(p)
               for p in err.value.problems)
    # A CSV, or a workbook of one sheet, has no other sheet to name.
    (tmp_path / "a.csv").write_text("who\nana\n", encoding="utf-8")
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(tmp_path / "a.csv")
    assert not any("the workbook also has" in str(p) for p in err.value.problems)


def test_defaults_fill_what_no_column_gives_and_never_what_one_does() -> None:
    text = ("id,role,Zone,Site\n"
            "a,junior,,\n"            # blank cells
            "b,senior,Asia/Tokyo,Lab\n"  # given: kept
            "c,senior,remote,\n")      # 'remote': unknown by the value map
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        people = rm.read_participants(
            io.StringIO(text), columns={"Zone": "timezone", "Site": "attributes.site"},
            values={"timezone": {"remote": None}},
            defaults={"timezone": "Europe/London", "languages": "en; pt",
                      "attributes.site": "HQ"})
    got = {p.id: (p.timezone, sorted(p.languages), p.attributes.get("site")) for p in people}
    assert got == {"a": ("Europe/London", ["en", "pt"], "HQ"),
                   "b": ("Asia/Tokyo", ["en", "pt"], "Lab"),
                   "c": ("Europe/London", ["en", "pt"], "HQ")}
    [note] = [str(w.message) for w in said if "by default" in str(w.message)]
    assert "timezone 'Europe/London' by default on 2 row(s) that give none (row(s) 2, 4)" \
        in note
    assert "languages 'en; pt' by default on 3 row(s) that give none (row(s) 2-4)" in note
    # The same from a DataFrame.
    frame = pd.DataFrame({"id": ["a"], "role": ["junior"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        assert rm.from_frame(frame, defaults={"timezone": "UTC"})[0].timezone == "UTC"


@pytest.mark.parametrize(("defaults", "message"), [
    ({"timezone": "Mars/Base"}, "defaults: timezone: 'Mars/Base' is not a time zone"),
    ({"id": "x"}, "defaults: 'id' is not a field a default can give"),
    ({"favourite": "x"}, "defaults: 'favourite' is not a field"),
    (["timezone"], "defaults map each field to a value, not a list"),
])
def test_a_default_that_cannot_be_read_is_one_problem(defaults: Any, message: str) -> None:
    rows = "id\n" + "".join(f"p{k}\n" for k in range(50))
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(rows), defaults=defaults)
    assert message in str(err.value)
    assert len(err.value.problems) == 1  # not one a row


def test_the_cli_takes_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import run_cli

    roster = tmp_path / "r.csv"
    roster.write_text("id,role,birth_year,availability\nj,junior,1999,Mon AM\n"
                      "s,senior,1965,Mon AM\nt,senior,1960,Tue PM\n", encoding="utf-8")
    program = tmp_path / "p.json"
    program.write_text('{"constraints": [{"kind": "shared_time", "min_hours": 1}]}',
                       encoding="utf-8")
    out = tmp_path / "pairs.csv"
    status, _, err = run_cli(capsys, "match", str(roster), "--program", str(program),
                             "--default", "timezone=Europe/London", "-o", str(out))
    assert status == 0, err
    assert "timezone 'Europe/London' by default on 3 row(s)" in err
    assert "j,s," in out.read_text(encoding="utf-8")  # the one who shares Monday morning
    for bad in ("timezone", "=x", "timezone=Mars/Base"):
        status, _, err = run_cli(capsys, "match", str(roster), "--default", bad)
        assert status == 1
        assert err.splitlines()[-1].startswith("rmatch: error: ")


def test_invisible_characters_at_a_cells_ends_are_trimmed() -> None:
    """A zero-width space copied from a chat after 'E1' refused the id, and the manager."""
    text = "id,role,manager_id,wishes,department\nE1\u200b,senior,,,\ufeffOps\n" \
           "E2,junior,\u2060E1,\u200bE1 ; E3\u200b,Sales\nE3,senior,E1,,\n"
    people = rm.read_participants(io.StringIO(text))
    assert [(p.id, p.manager_id, p.wishes, p.department) for p in people] == [
        ("E1", None, [], "Ops"), ("E2", "E1", ["E1", "E3"], "Sales"), ("E3", "E1", [], None)]
    # Inside an id such a character is still refused (it would hide in print).
    [problem] = _problems("id\nE\u200b1\n")
    assert (problem.row, problem.field) == (2, "id")
    assert "U+200B" in problem.reason


def test_report_parameters_as_wide_as_the_header_are_skipped() -> None:
    # Found trying a headcount report's CSV: its first line of parameters fills
    # as many cells as the header, all text, and was taken for the header (every
    # column unknown, "no column gives the participant 'id'").
    text = ("Report,Headcount by team,Run on,30.11.2026,By,HRIS\n,,,,,\n"
            "id,name,role,level,department,location\nj1,Ana,junior,1,Sales,Lisbon\n"
            "s1,Ben,senior,5,IT,London\n")
    with pytest.warns(rm.InputWarning, match=r"row\(s\) 1 above the header \(row 3\)"):
        people = rm.read_participants(io.StringIO(text))
    assert [(p.id, p.level, p.department) for p in people] == [
        ("j1", 1, "Sales"), ("s1", 5, "IT")]
    with pytest.warns(rm.InputWarning, match=r"above the header \(row 3\)"):
        assert rm.suggest_columns(io.StringIO(text))["id"] == "id"
    # A header of words rmatch does not know stays the header, even above a
    # person whose cells are words it knows as headers (a job title, a team).
    unknown = ("Kennung,Vollname,Seite,Stufe,Funktion,Gruppe\n"
               "E1,Ana Lima,junior,1,Manager,Team\nE2,Bo Chen,senior,5,Director,Sales\n")
    assert rm.suggest_columns(io.StringIO(unknown)).keys() == {
        "Kennung", "Vollname", "Seite", "Stufe", "Funktion", "Gruppe"}
