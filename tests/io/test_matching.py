"""A matching made elsewhere read from a file: the right columns, or an error by row.

The oracle is the matching written: whatever the headers, their order, an
extra column, a title or a notes column, reading returns exactly those pairs
or raises InputError; it never returns other pairs.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.model.participant import IdSides
from tests.helpers import ROSTER, run_cli

JUNIORS = ["ana", "rui", "eva", "joão"]
SENIORS = ["cto", "cfo", "coo"]


def _read(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        pairs = rm.read_matching(io.StringIO(text), JUNIORS, SENIORS, what="the matching")
    return pairs, [str(w.message) for w in said]


def test_the_standard_columns_are_read_whatever_their_case_and_order() -> None:
    pairs, said = _read("Senior_ID,Junior_Id\ncto,ana\ncfo, rui \n")
    assert pairs == [("ana", "cto"), ("rui", "cfo")]
    assert said == []


@pytest.mark.parametrize("header", ["Mentor,Mentee,Notes", "Mentee,Mentor,Notes"])
def test_a_teams_own_headers_are_read_by_their_values_and_said(header: str) -> None:
    # In reverse mentoring the mentor is the junior; teams write it both ways:
    # the values say which column is whom, never the header's name.
    first = header.split(",")[0]
    rows = [("ana", "cto"), ("rui", "cfo")]
    lines = [f"{j},{s},ok" if first == "Mentor" else f"{s},{j},ok" for j, s in rows]
    pairs, said = _read("\n".join(["Hand matching 2026", header, *lines, ""]))
    assert pairs == rows
    assert any("read 'Mentor' as the juniors' ids and 'Mentee' as the seniors'" in s
               for s in said)


def test_no_guess_when_two_columns_hold_one_sides_ids() -> None:
    text = "Mentor,Backup,Mentee\nana,rui,cto\nrui,ana,cfo\n"
    with pytest.raises(rm.InputError) as err:
        _read(text)
    lines = [str(p) for p in err.value.problems]
    assert "need the column(s) junior_id, senior_id" in lines[0]
    assert any("hint: column 'Mentor' holds juniors' ids (2 of 2" in line for line in lines)
    assert any("hint: column 'Backup' holds juniors' ids (2 of 2" in line for line in lines)


@pytest.mark.parametrize("total", ["Total,3", "Total:,3", "Number of pairs,3", "TOTAL, 3 "])
def test_a_totals_line_under_the_pairs_is_a_footer_named_in_a_warning(total: str) -> None:
    # Two cells, as a pair's row: "Total" and a count, a hand-made sheet's last line.
    for header in ("Mentor,Mentee", "junior_id,senior_id"):
        pairs, said = _read(f"{header}\nana,cto\nrui,cfo\neva,coo\n\n{total}\n")
        assert pairs == [("ana", "cto"), ("rui", "cfo"), ("eva", "coo")]
        assert any("row(s) 6 after the last person look like a footer" in s for s in said)


def test_a_stray_value_stops_the_guess_and_the_hint_names_it() -> None:
    text = "Mentor,Mentee,Notes\nana,cto,\nrui,cfo,\neva,coo,\nTotal pairs,3,\n"
    with pytest.raises(rm.InputError) as err:
        _read(text)
    lines = [str(p) for p in err.value.problems]
    assert any("'Mentor' holds juniors' ids (3 of 4 values; not one: 'Total pairs')" in line
               for line in lines)


def test_a_header_alone_is_refused() -> None:
    with pytest.raises(rm.InputError, match="the matching: no pairs under the header"):
        _read("junior_id,senior_id\n")


def test_an_empty_cell_is_named_by_its_row() -> None:
    with pytest.raises(rm.InputError) as err:
        _read("junior_id,senior_id\nana,cto\n,coo\n")
    assert [str(p) for p in err.value.problems] == ["<stream>: row 3, field 'junior_id': is empty"]


def test_empty_cells_and_the_other_rows_ids_are_said_at_once() -> None:
    # A hand-made sheet with a blank cell and a misspelt id: both in one error, by
    # row (the empty cells were once a round of their own, the ids a second one).
    text = "junior_id,senior_id\nana,cto\nrui,cxo\n,coo\neva,\n"
    with pytest.raises(rm.InputError) as err:
        _read(text)
    assert [str(p) for p in err.value.problems] == [
        "<stream>: row 3, field 'senior_id': 'cxo' is not a senior of this programme",
        "<stream>: row 4, field 'junior_id': is empty",
        "<stream>: row 5, field 'senior_id': is empty"]
    # Ratings likewise: an empty rating and an unknown junior at once.
    ratings = "junior_id,senior_id,rating\nana,cto,4\nzed,cfo,3\nrui,coo,\n"
    with pytest.raises(rm.InputError) as err:
        rm.read_ratings(io.StringIO(ratings), JUNIORS, SENIORS)
    assert [(getattr(p, "row", None), getattr(p, "field", None))
            for p in err.value.problems] == [(3, "junior_id"), (4, "rating")]


def test_rows_are_named_once_the_cells_are_filled() -> None:
    text = "Title\njunior_id,senior_id\nANA,cto\ncto,ana\nrui,cfo\nrui,cfo\n"
    with pytest.raises(rm.InputError) as err:
        _read(text)
    lines = [str(p) for p in err.value.problems]
    assert any("row 3, field 'junior_id'" in line and "did you mean 'ana'" in line
               for line in lines)
    assert any("row 4, field 'junior_id'" in line for line in lines)
    assert any("row 4, field 'senior_id'" in line for line in lines)
    assert any(line.endswith("row 6: the pair ('rui', 'cfo') is given again (first on row 5)")
               for line in lines)
    assert len(lines) == 4


@settings(max_examples=200, deadline=None)
@given(chosen=st.lists(st.tuples(st.sampled_from(JUNIORS), st.sampled_from(SENIORS)),
                       min_size=1, max_size=6, unique=True),
       names=st.lists(st.sampled_from(["Mentor", "Mentee", "Who", "Exec", "Notes", "x"]),
                      min_size=3, max_size=3, unique=True),
       order=st.permutations([0, 1, 2]),
       notes=st.lists(st.sampled_from(["", "ok", "ana", "cto", "Total"]), min_size=6,
                      max_size=6))
def test_reading_returns_the_pairs_written_or_refuses(
        chosen: list[tuple[str, str]], names: list[str], order: list[int],
        notes: list[str]) -> None:
    # Column 0 the juniors, 1 the seniors, 2 notes (which may hold ids too).
    header = ",".join(names[k] for k in order)
    lines = [",".join((j, s, notes[n])[k] for k in order) for n, (j, s) in enumerate(chosen)]
    try:
        pairs, _ = _read("\n".join([header, *lines, ""]))
    except rm.InputError:
        return
    assert pairs == chosen


def test_evaluate_and_validate_read_a_teams_sheet(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,role,birth_year,languages\n" + "\n".join(
        [f"{j},junior,1999,en" for j in JUNIORS] + [f"{s},senior,1965,en" for s in SENIORS]))
    sheet = tmp_path / "hand.csv"
    sheet.write_text("Reverse mentoring: hand matching\nMentee,Mentor\ncto,ana\ncfo,rui\n")
    status, out, err = run_cli(capsys, "evaluate", str(roster), str(sheet), "--no-rules")
    assert status == 0, err
    assert "hand.csv: 2 pairs" in out
    assert "read 'Mentor' as the juniors' ids and 'Mentee' as the seniors'" in err
    status, out, err = run_cli(capsys, "validate", str(roster), "--pairs", str(sheet))
    assert status == 0, err
    assert "2 pairs" in out
    sheet.write_text("Mentee,Mentor\ncto,ana\ncfo,rui\nTotal pairs,2\n")
    status, out, err = run_cli(capsys, "evaluate", str(roster), str(sheet), "--no-rules")
    assert status != 0
    assert "need the column(s) junior_id, senior_id" in err


def _workbook(path: Path) -> Path:
    """A workbook whose first sheet is notes and whose second holds the pairs."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Agreed at the HR committee on 3 March"])
    sheet = book.create_sheet("Pairs")
    sheet.append(["Mentor", "Mentee"])
    sheet.append(["ana", "cto"])
    sheet.append(["rui", "cfo"])
    book.save(path)
    return path


def test_the_pairs_sheet_of_a_workbook_is_chosen_or_named_in_a_hint(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "hand.xlsx")
    with pytest.raises(rm.InputError) as err:
        rm.read_matching(path, JUNIORS, SENIORS)
    assert any("hint: this is the sheet 'Notes'; the workbook also has 'Pairs'" in str(p)
               for p in err.value.problems)
    for sheet in ("Pairs", "pairs", 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rm.InputWarning)
            assert rm.read_matching(path, JUNIORS, SENIORS, sheet=sheet) == [
                ("ana", "cto"), ("rui", "cfo")]


def test_the_cli_takes_the_pairs_sheet(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,role,birth_year,languages\n" + "\n".join(
        [f"{j},junior,1999,en" for j in JUNIORS] + [f"{s},senior,1965,en" for s in SENIORS]))
    path = _workbook(tmp_path / "hand.xlsx")
    status, _, err = run_cli(capsys, "evaluate", str(roster), str(path), "--no-rules")
    assert status != 0
    assert "--pairs-sheet" not in err
    status, _, err = run_cli(capsys, "evaluate", str(roster), str(path), "--no-rules",
                             "--pairs-sheet", "Notes")
    assert status != 0
    assert "--pairs-sheet Notes` shows them all" in err  # the command that lists them keeps it
    status, out, err = run_cli(capsys, "evaluate", str(roster), str(path), "--no-rules",
                               "--pairs-sheet", "2")
    assert status == 0, err
    assert "hand.xlsx: 2 pairs" in out
    status, out, err = run_cli(capsys, "validate", str(roster), "--pairs", str(path),
                               "--pairs-sheet", "Pairs")
    assert status == 0, err


def test_ids_a_spreadsheet_stored_as_numbers_are_read_with_their_zeros_and_said(
        tmp_path: Path) -> None:
    # Employee numbers "00124" typed into a sheet whose column is not text come
    # back as the number 124: it can only be the one id it stands for, read
    # so with a warning. Anything else that differs by zeros is an error.
    from openpyxl import Workbook

    juniors, seniors = ["00123", "00124", "123", "0042", "042"], ["9001", "9002", "09003"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mentor", "Mentee"])
    sheet.append([124, 9001])   # '00124', as the spreadsheet stored it
    sheet.append([123, 9002])   # junior '123' itself
    sheet.append(["00124", 9003])  # '09003'
    path = tmp_path / "pairs.xlsx"
    book.save(path)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        pairs = rm.read_matching(path, juniors, seniors)
    assert pairs == [("00124", "9001"), ("123", "9002"), ("00124", "09003")]
    assert any("read 2 id(s) written as numbers without their leading zeros as the people's "
               "ids (e.g. '124' as '00124')" in str(w.message) for w in said)
    # Text with a zero of its own, and a number two ids could be: errors by row.
    text = "junior_id,senior_id\n0124,9001\n42,9002\n"
    with pytest.raises(rm.InputError) as err:
        rm.read_matching(io.StringIO(text), juniors, seniors)
    assert [str(p) for p in err.value.problems] == [
        "<stream>: row 2, field 'junior_id': '0124' is not a junior of this programme (did "
        "you mean '00124'? a spreadsheet drops an id's leading zeros unless its column is text)",
        "<stream>: row 3, field 'junior_id': '42' is not a junior of this programme"]
    assert IdSides(["0042", "042"], []).case_hint("42") == ""


def test_a_sheet_named_like_a_number_is_found_by_its_name(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Sheets named by year: "2026" is that sheet, not the 2026th tab; a number
    # that names no sheet is a tab's number from 1, as Excel shows them.
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "2025"
    first.append(["junior_id", "senior_id"])
    first.append(["ana", "cto"])
    second = book.create_sheet("2026")
    second.append(["junior_id", "senior_id"])
    second.append(["rui", "cfo"])
    path = tmp_path / "years.xlsx"
    book.save(path)
    for sheet, pairs in (("2026", [("rui", "cfo")]), ("2025", [("ana", "cto")]),
                         ("2", [("rui", "cfo")]), (" 1 ", [("ana", "cto")]),
                         (1, [("rui", "cfo")])):
        assert rm.read_matching(path, JUNIORS, SENIORS, sheet=sheet) == pairs, sheet
    with pytest.raises(rm.InputError, match="no sheet '3'; the workbook has '2025', '2026'"):
        rm.read_matching(path, JUNIORS, SENIORS, sheet="3")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,role,birth_year,languages\n" + "\n".join(
        [f"{j},junior,1999,en" for j in JUNIORS] + [f"{s},senior,1965,en" for s in SENIORS]))
    out_file = tmp_path / "judged.csv"
    status, _, err = run_cli(capsys, "evaluate", str(roster), str(path), "--no-rules",
                             "--pairs-sheet", "2026", "-o", str(out_file))
    assert status == 0, err
    assert "rui,cfo" in out_file.read_text()


def test_previous_pairs_keep_people_who_left_and_nothing_else() -> None:
    def read(text: str) -> list[tuple[str, str]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rm.InputWarning)
            return rm.read_matching(io.StringIO(text), JUNIORS, SENIORS, unknown="keep")

    # Leavers on either side are kept; the columns told apart by the ids there are.
    assert read("Mentor,Mentee\nana,cto\nzoe,cfo\nrui,gone\n") == [
        ("ana", "cto"), ("zoe", "cfo"), ("rui", "gone")]
    # Mostly leavers: no column is told apart (the hints say what they hold).
    with pytest.raises(rm.InputError, match="need the column"):
        read("Mentor,Mentee\nana,cto\nzoe,x1\nyan,x2\n")
    # A notes column with a junior's id: two columns of juniors, no guess.
    with pytest.raises(rm.InputError, match="need the column"):
        read("Mentor,Mentee,Notes\nana,cto,rui\nrui,cfo,\n")
    # The other side, another case, lost zeros: errors by row, never leavers.
    with pytest.raises(rm.InputError) as err:
        read("junior_id,senior_id\ncto,ana\nEVA,coo\n")
    assert [str(p).split(": ")[1] for p in err.value.problems] == [
        "row 2, field 'junior_id'", "row 2, field 'senior_id'", "row 3, field 'junior_id'"]
    with pytest.raises(ValueError, match="unknown must be 'error' or 'keep'"):
        rm.read_matching(io.StringIO("junior_id,senior_id\nana,cto\n"), JUNIORS, SENIORS,
                         unknown="drop")  # type: ignore[arg-type]


def test_a_committees_sheet_that_names_people_is_read_as_their_ids(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Hand matchings are typed with names more often than ids. A cell that is no
    # one's id but one person's name is read as that person's id (said, without
    # the names); a name two people share is an error on its row naming their ids.
    names = {"ana": "Ana Lima", "rui": "Rui Costa", "eva": "Eva Ng", "joão": "Ana Lima",
             "cto": "Cat Owen", "cfo": "Fay Ode", "coo": None}
    text = "Mentor,Mentee\nrui costa,Cat  Owen\neva,FAY ODE\n"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        pairs = rm.read_matching(io.StringIO(text), JUNIORS, SENIORS, names=names)
    assert pairs == [("rui", "cto"), ("eva", "cfo")]
    shown = " ".join(str(w.message) for w in said)
    assert "read 3 name(s) as the people's ids" in shown
    assert [n for n in ("Costa", "Owen", "ODE") if n in shown] == []  # names are personal
    # The oracle: the same pairs written with ids read the same.
    assert rm.read_matching(io.StringIO("junior_id,senior_id\nrui,cto\neva,cfo\n"), JUNIORS,
                            SENIORS) == pairs
    with pytest.raises(rm.InputError) as err:
        rm.read_matching(io.StringIO("junior_id,senior_id\nAna Lima,cto\nNobody,cfo\n"),
                         JUNIORS, SENIORS, names=names)
    assert [str(p) for p in err.value.problems] == [
        "<stream>: row 2, field 'junior_id': the name on this row is 2 people's ('ana', "
        "'joão'): give the id",
        "<stream>: row 3, field 'junior_id': 'Nobody' is not a junior of this programme"]
    # Without names the sheet cannot be read: what the CLI's evaluate now passes.
    with pytest.raises(rm.InputError, match="need the column"):
        rm.read_matching(io.StringIO(text), JUNIORS, SENIORS)
    path = tmp_path / "byname.csv"
    path.write_text("Mentor,Mentee\nBeatriz Silva,Rui Almeida\nLeon Schmidt,Margaret Hill\n",
                    encoding="utf-8")
    status, out, err_text = run_cli(capsys, "evaluate", str(ROSTER), str(path))
    assert status == 0, err_text
    assert "byname.csv: 2 pairs" in out
    people = {p.name: p.id for p in rm.read_participants(ROSTER)}
    by_ids = tmp_path / "byids.csv"
    by_ids.write_text(f"junior_id,senior_id\n{people['Beatriz Silva']},{people['Rui Almeida']}"
                      f"\n{people['Leon Schmidt']},{people['Margaret Hill']}\n", encoding="utf-8")
    status, same, _ = run_cli(capsys, "evaluate", str(ROSTER), str(by_ids))
    assert status == 0
    def untimed(text: str) -> list[str]:
        return [line for line in text.splitlines() if not re.search(r"\d s$", line)]

    assert untimed(same.replace("byids.csv", "byname.csv")) == untimed(out)


def test_people_written_with_their_id_after_their_name_are_read_as_that_id() -> None:
    # Some HR reports write "Ana Lima (E1)": a hand matching copied from one
    # could not be told apart ("need the column(s) junior_id, senior_id").
    text = "Mentor,Mentee\nBo Chen (E2),Ana Lima (E1)\nDi Eng (E4),Cy Diaz [e3]\n"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        pairs = rm.read_matching(io.StringIO(text), ["E2", "E4"], ["E1", "e3"])
    assert pairs == [("E2", "E1"), ("E4", "e3")]
    assert any("read 4 name(s) as the people's ids" in str(w.message) for w in said)
    # Someone else's id in brackets, or no one's: not read so (named by row).
    wrong = io.StringIO("junior_id,senior_id\nBo Chen (E9),E1\n")
    with pytest.raises(rm.InputError, match="row 2"):
        rm.read_matching(wrong, ["E2"], ["E1"])


def test_a_survey_both_sides_answered_is_read_each_row_either_way() -> None:
    # "Your name", "Your partner": mentors and mentees both answer, so each
    # column holds both sides; it was refused ("need the column(s) junior_id").
    text = "Your name,Your partner,Rating\nana,cto,4\ncfo,rui,5\neva,coo,3\ncoo,eva,2\n"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        rated = rm.read_ratings(io.StringIO(text), JUNIORS, SENIORS)
    assert [(j, s, cells["rating"]) for _, j, s, cells in rated] == [
        ("ana", "cto", "4"), ("rui", "cfo", "5"), ("eva", "coo", "3"), ("eva", "coo", "2")]
    assert [row for row, *_ in rated] == [2, 3, 4, 5]
    assert any("read 'Your name' and 'Your partner' as each row's junior and senior, "
               "whichever column each is in" in str(w.message) and "2 of 4 rows" in
               str(w.message) for w in said)
    # People written by name there are read as their ids, and counted as ever.
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        rated = rm.read_ratings(io.StringIO(text.replace("cfo", "Carla Fox")), JUNIORS,
                                SENIORS, names={"cfo": "Carla Fox"})
    assert [(j, s) for _, j, s, _ in rated][1] == ("rui", "cfo")
    assert any("read 1 name(s) as the people's ids" in str(w.message) for w in said)
    # A matching too; a pair twice is still named by its rows.
    pairs, _ = _read("A,B\nana,cto\ncfo,rui\n")
    assert pairs == [("ana", "cto"), ("rui", "cfo")]
    with pytest.raises(rm.InputError, match=r"row 3: the pair \('ana', 'cto'\) is given again"):
        _read("A,B\nana,cto\ncto,ana\n")


def test_a_blank_partner_in_a_survey_both_sides_answered_is_named_by_its_row() -> None:
    with pytest.raises(rm.InputError) as err:
        _read("A,B\nana,cto\ncfo,rui\ncoo,\n")
    assert len(err.value.problems) == 1
    assert "row 4" in err.value.problems[0]
    assert "junior_id" in err.value.problems[0]  # coo is a senior: the junior is missing


def test_a_row_that_is_no_junior_and_senior_either_way_is_refused() -> None:
    with pytest.raises(rm.InputError) as err:
        _read("A,B\nana,cto\ncfo,rui\nana,rui\n")  # two juniors
    assert "need the column(s) junior_id, senior_id" in err.value.problems[0]


def test_someone_on_both_sides_leaves_a_row_either_way_to_the_headers() -> None:
    # 'eva' mentors and is mentored: ('eva', 'both') reads both ways round.
    sides = (["ana", "eva", "both"], ["cto", "eva", "both"])
    with pytest.raises(rm.InputError):
        rm.read_matching(io.StringIO("A,B\nana,cto\ncto,eva\neva,both\n"), *sides)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        assert rm.read_matching(io.StringIO("A,B\nana,cto\ncto,eva\n"), *sides) == [
            ("ana", "cto"), ("eva", "cto")]
