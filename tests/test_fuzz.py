"""Malformed rosters and programme files, generated: a clean error or every row accounted for.

Each test builds rows it knows (so it knows how many participants a correct
reader must return), writes them with the format's own writer, sometimes
corrupts the text the way real files get corrupted (a stray quote, a cell
too many or too few, a cut-off line), and asserts that reading either raises
:class:`rmatch.InputError` or returns exactly one participant per non-blank
row: never a merged, invented or dropped row, never another exception.

CI runs a few dozen examples of each. A long campaign runs outside CI:
``RMATCH_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py -p no:cacheprovider``
(the count is per test; see docs/limits.md for the last campaign).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.cli import main
from tests.helpers import reading_outcome

EXAMPLES = int(os.environ.get("RMATCH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

HEADERS = ["id", "name", "role", "birth_year", "level", "department", "languages", "timezone",
           "manager_id", "skills", "goals", "attributes", "capacity", "previous_partners",
           "attributes.gender", "Employee ID", "Grade", "Date of Birth", "notes", "ID",
           # Self-match sign-up forms: wishes and vetoes by id or by name, weekly slots.
           "wishes", "avoid", "availability", "I am a", "First choice of mentor",
           "Second choice of mentor", "Full name", "min_partners"]
NASTY = st.sampled_from([",", ";", '"', "'", "\n", "\r", "\t", "|", "=", "+", "-", "@", ":",
                         "\x00", "\x1b", "é", "١", "\u2028", " ", "0", "1", "junior",
                         "senior", "both", "en", "EN", "Europe/Lisbon", "GMT+1", "1999",
                         "14/02/1962", "genai:0,8", "L7", "1e400", "nan", "true",
                         "Ana Lima", "ana lima", "Mentee (junior)", "Mentor", "Mon AM",
                         "Wed 14:00-16:00", "25:00"])
cell_text = st.lists(NASTY, max_size=6).map("".join) | st.text(max_size=8)


SKIPPED = re.compile(r"row\(s\) ([\d, -]+) (?:after the last person|above the header|repeat "
                     r"the header row)")


def _read(data: str | bytes, **kw: Any) -> list[rm.Participant] | None:
    """Read; None for a clean InputError. Any other exception fails the test.

    Rows the reader skips as a title or a footer (it names them in a warning)
    come back as participants with the id ``"skipped"``, so that callers can
    count every row.
    """
    source: io.StringIO | io.BytesIO = (io.StringIO(data) if isinstance(data, str)
                                        else io.BytesIO(data))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", rm.InputWarning)
        try:
            people = rm.read_participants(source, check_managers=False, **kw)
        except rm.InputError as err:
            problems = err.problems
        else:
            return people + [rm.Participant(id="skipped") for _ in range(_skipped(seen))]
    assert problems
    assert all(isinstance(p, str) and p for p in problems)
    return None


def _skipped(seen: list[warnings.WarningMessage]) -> int:
    """How many rows the warnings name as skipped (``row(s) 2-4, 7 ...``)."""
    count = 0
    for found in (SKIPPED.search(str(w.message)) for w in seen):
        for part in found.group(1).split(", ") if found else []:
            first, _, last = part.partition("-")
            count += int(last or first) - int(first) + 1
    return count


def _corrupt(draw: st.DrawFn, text: str) -> str:
    how = draw(st.sampled_from(["none", "none", "quote", "cut", "cell", "drop"]))
    lines = text.split("\n")
    if how == "none" or len(lines) < 2:
        return text
    k = draw(st.integers(1, len(lines) - 1))
    if how == "quote":
        lines[k] = lines[k][:1] + '"' + lines[k][1:]
    elif how == "cut":
        lines[k] = lines[k][: len(lines[k]) // 2]
    elif how == "cell":
        lines[k] += ",x"
    else:
        lines[k] = lines[k].rsplit(",", 1)[0]
    return "\n".join(lines)


@st.composite
def csv_rosters(draw: st.DrawFn) -> tuple[str, int]:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True))
    rows = draw(st.lists(st.lists(cell_text, min_size=len(headers), max_size=len(headers)),
                         max_size=6))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    buf = io.StringIO()
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    writer = csv.writer(buf, delimiter=sep, lineterminator=ending)
    # Two exports pasted together: the header again among the rows, in another
    # case (skipped and named, or with one column a person called "id").
    paste = draw(st.booleans())
    again = draw(st.integers(0, len(rows))) if rows and paste else None
    if again is not None:
        rows = [*rows[:again], [h.upper() for h in headers], *rows[again:]]
    writer.writerow(headers)
    writer.writerows(rows)
    # A row the reader may skip: every cell blank once stripped.
    expected = sum(any(c.strip() for c in row) for row in rows)
    text = buf.getvalue()
    corrupted = _corrupt(draw, text) if sep == "," else text
    # Python's writer leaves a cell's bare "\r" unquoted under a "\n" ending: a
    # line break to any reader, so not the rows drawn (nor a count to expect).
    known = corrupted == text and not (ending == "\n" and "\r" in text)
    return corrupted, expected if known else -1


@FUZZ
@given(case=csv_rosters())
def test_fuzzed_csv_reads_cleanly_or_accounts_for_every_row(case: tuple[str, int]) -> None:
    text, expected = case
    people = _read(text)
    if people is not None and expected >= 0:
        assert len(people) == expected
    if people is not None:
        ids = [p.id for p in people if p.id != "skipped"]
        assert len(set(ids)) == len(ids)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | cell_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(HEADERS) | st.text(max_size=5), inner, max_size=4),
    max_leaves=12)


@FUZZ
@given(items=st.lists(json_values, max_size=6), lines=st.booleans())
def test_fuzzed_json_reads_cleanly_or_accounts_for_every_item(items: list[Any],
                                                               lines: bool) -> None:
    text = ("".join(json.dumps(i) + "\n" for i in items) if lines else json.dumps(items))
    people = _read(text, format="jsonl" if lines else "json")
    if people is not None:
        assert len(people) == len(items)


excel_cells = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
               | st.floats(allow_nan=False, allow_infinity=False)
               | st.datetimes(min_value=datetime(1930, 1, 1), max_value=datetime(2020, 1, 1))
               | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8))


@FUZZ
@given(headers=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5, unique=True),
       data=st.data())
def test_fuzzed_excel_reads_cleanly_or_accounts_for_every_row(headers: list[str],
                                                              data: st.DataObject) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rows = data.draw(st.lists(st.lists(excel_cells, min_size=len(headers),
                                       max_size=len(headers)), max_size=5))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    people = _read(buf.getvalue(), format="excel")
    if people is not None:
        # Text starting with "=" is a formula with no saved value (openpyxl saves none). Among
        # the people the reader names it; in rows of nothing else after them it is taken
        # for blank, as it must be: Excel saves a formula's "" as no value too, and formulas
        # filled down below the data are common.
        blank = sum(all(c is None or (isinstance(c, str) and (not c.strip() or c[0] == "="))
                        for c in row) for row in rows)
        assert len(people) == len(rows) - blank


XML_BITS = st.sampled_from([b'"', b"<", b">", b"&", b"&amp", b"</row>", b"<row>", b"-1",
                            b"9999999999", b' t="e"', b' t="d"', b' t="s"', b' s="99"',
                            b' r="ZZZZ9"', b' r="A0"', b"\x00", b"\xff", b"<!DOCTYPE x>"])


@FUZZ
@given(data=st.data())
def test_fuzzed_damaged_workbooks_read_or_fail_cleanly(data: st.DataObject) -> None:
    """A workbook with one part cut, spliced or lost: a clean InputError or its people.

    Before, 45% of such workbooks raised ElementTree's ParseError or an IndexError.
    """
    openpyxl = pytest.importorskip("openpyxl")
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["id", "role", "level"], ["a1", "junior", 2], ["b1", "senior", 7]):
        sheet.append(row)
    sheet["E2"] = "=1+1"
    written = io.BytesIO()
    book.save(written)
    src = zipfile.ZipFile(written)
    parts = src.namelist()
    part = data.draw(st.sampled_from(parts))
    text = src.read(part)
    at = data.draw(st.integers(0, len(text)))
    how = data.draw(st.sampled_from(["cut", "drop", "splice", "lose"]))
    event(f"{how} {part}")
    if how == "cut":
        text = text[:at]
    elif how == "drop":
        text = text[:at] + text[at + data.draw(st.integers(1, 60)):]
    elif how == "splice":
        text = text[:at] + data.draw(XML_BITS) + text[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as damaged:
        for name in parts:
            if name != part or how != "lose":
                damaged.writestr(name, text if name == part else src.read(name))
    people = _read(out.getvalue(), format="excel")
    if people is not None:
        assert len(people) <= 2 + sum(p.id == "skipped" for p in people)


programmes = st.dictionaries(
    st.sampled_from(["weights", "constraints", "solver", "time_limit_s", "seed",
                     "sensitive_attributes", "scoring", "reference_date", "oops",
                     "objective", "stable_by", "proposing", "unranked", "no_wishes"]),
    json_values | st.lists(st.dictionaries(st.sampled_from(["kind", "attribute", "share",
                                                            "hours", "pairs", "value",
                                                            "side", "min_hours"]),
                                           json_values | st.sampled_from(
                                               ["min_share", "forbid", "shared_language",
                                                "max_timezone_gap", "department", "stable",
                                                "best_stable", "even_load", "shared_time",
                                                "require", "seniors", "wishes"]),
                                           max_size=3), max_size=3),
    max_size=5)


@FUZZ
@given(doc=programmes)
def test_fuzzed_programme_files_load_or_fail_cleanly(doc: dict[str, Any],
                                                      tmp_path_factory: pytest.TempPathFactory
                                                      ) -> None:
    path = tmp_path_factory.mktemp("p") / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    try:
        program: rm.Program | None = rm.load_program(path)
    except rm.InputError as err:
        program, problems = None, err.problems
    if program is None:
        assert problems
    else:
        assert isinstance(program, rm.Program)


@FUZZ
@given(case=csv_rosters(), doc=programmes)
def test_the_cli_never_shows_a_traceback(case: tuple[str, int], doc: dict[str, Any],
                                         tmp_path_factory: pytest.TempPathFactory,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path_factory.mktemp("cli")
    roster, program = folder / "r.csv", folder / "p.json"
    roster.write_text(case[0], encoding="utf-8")
    program.write_text(json.dumps(doc), encoding="utf-8")
    for args in (["validate", str(roster)],
                 ["match", str(roster), "--program", str(program), "-q", "--time-limit", "2"]):
        status = main(args)
        _, err = capsys.readouterr()
        assert status in (0, 1)
        assert "Traceback" not in err
        if status == 1:
            assert err.startswith(("rmatch: error: ", str(Path(roster)), "rmatch: warning"))


JUNIOR_IDS, SENIOR_IDS = ["ana", "rui", "00123", "j-7"], ["cto", "cfo", "9001", "S-2"]
PAIR_HEADERS = ["junior_id", "senior_id", "Mentor", "Mentee", "Notes", "Junior_ID", "Who",
                "Total"]
pair_cells = st.sampled_from([*JUNIOR_IDS, *SENIOR_IDS, "ANA", "123", "gone", "", " ", "Total",
                              "3", "ok", "cto ", "=1"]) | cell_text


@FUZZ
@given(headers=st.lists(st.sampled_from(PAIR_HEADERS), min_size=1, max_size=4, unique=True),
       data=st.data(), keep=st.booleans())
def test_fuzzed_matchings_read_the_pairs_written_or_fail_cleanly(
        headers: list[str], data: st.DataObject, keep: bool) -> None:
    # The oracle: every pair returned is two cells of one written row (ids
    # stripped), each on its side unless kept as someone who left, and the
    # pairs plus the rows named as skipped are the non-blank rows.
    kinds = data.draw(st.lists(st.sampled_from(["juniors", "seniors", "any"]),
                               min_size=len(headers), max_size=len(headers)))
    if data.draw(st.booleans()):  # a juniors' and a seniors' column, headers to match
        kinds = data.draw(st.permutations(["juniors", "seniors", "any", "any"][
            :max(2, len(headers))]))
        names = {"juniors": ["junior_id", "Junior_ID", "Mentor", "Who"],
                 "seniors": ["senior_id", "Mentee", "Who"], "any": ["Notes", "Total", "x"]}
        headers = [data.draw(st.sampled_from(names[k])) for k in kinds]
    # Id columns hold one side's ids, now and then with a slip (a leaver, another
    # case, lost zeros, a blank, the other side, a totals word).
    slips = ["gone", "ANA", "123", "", "Total", "cto", "ana "]
    of = {"juniors": st.sampled_from(JUNIOR_IDS * 30 + slips),
          "seniors": st.sampled_from(SENIOR_IDS * 30 + [*slips, "left-9", "ana"]),
          "any": pair_cells}
    rows = data.draw(st.lists(st.tuples(*(of[k] for k in kinds)).map(list), max_size=6))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([headers, *rows])
    text = buf.getvalue()
    if data.draw(st.integers(0, 3)) == 0:
        text = _corrupt(cast(st.DrawFn, data.draw), text)
    problems: list[Any] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", rm.InputWarning)
        try:
            pairs = rm.read_matching(io.StringIO(text), JUNIOR_IDS, SENIOR_IDS,
                                     unknown="keep" if keep else "error")
        except rm.InputError as err:
            problems = err.problems
    if problems:
        assert all(str(p) for p in problems)
        event("refused")
        return
    event("read")
    def may_be(cell: str) -> set[str]:  # a number may stand for an id with leading zeros
        cell = cell.strip()
        return {cell} | {i for i in JUNIOR_IDS + SENIOR_IDS
                         if cell.isdigit() and cell[:1] != "0" and i.lstrip("0") == cell}

    written = {(a, b) for row in csv.reader(io.StringIO(text, newline=""))
               for x in row for y in row for a in may_be(x) for b in may_be(y)}
    assert set(pairs) <= written
    assert len(set(pairs)) == len(pairs)
    for j, s in pairs:
        assert j in JUNIOR_IDS or (keep and j not in SENIOR_IDS and j.casefold() != "ana"
                                   and j.lstrip("0") != "123")
        assert s in SENIOR_IDS or (keep and s not in JUNIOR_IDS)
    # A bare "\r" is a line break to a reader; Python's writer leaves it
    # unquoted under a "\n" terminator, so such rows are not the rows drawn.
    if text == buf.getvalue() and "\r" not in text:
        filled = sum(any(c.strip() for c in row) for row in rows)
        assert len(pairs) + _skipped(seen) == filled


@FUZZ
@given(records=st.lists(st.dictionaries(st.sampled_from([*PAIR_HEADERS, "rating", "checkin"]),
                                        pair_cells | json_values, max_size=5), max_size=5),
       by_name=st.booleans())
def test_fuzzed_json_pairs_and_tables_read_or_fail_cleanly(records: list[dict[str, Any]],
                                                           by_name: bool) -> None:
    # An API's JSON of pairs or ratings: keys missing, null, lists and objects
    # among the ids raised KeyError and ValueError; now an answer or an
    # InputError naming rows. Every pair read is two of the people's ids.
    text = json.dumps(records)
    names = {"ana": "Ana Silva", "cto": "Carla Tello"} if by_name else None
    problems: list[Any] = []
    pairs: list[tuple[str, str]] = []
    rows: list[tuple[int, dict[str, str]]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        try:
            pairs = rm.read_matching(io.StringIO(text), JUNIOR_IDS, SENIOR_IDS, names=names)
        except rm.InputError as err:
            problems += err.problems
        try:
            rows = rm.read_table(io.StringIO(text), ["junior_id", "senior_id"], what="ratings",
                                 optional=["rating", "checkin"])
        except rm.InputError as err:
            problems += err.problems
    assert all(str(p) for p in problems)
    assert all(j in JUNIOR_IDS and s in SENIOR_IDS for j, s in pairs)
    assert all(isinstance(v, str) and v for _, cells in rows
               for k, v in cells.items() if k in ("junior_id", "senior_id"))


@FUZZ
@given(case=csv_rosters())
def test_fuzzed_csv_surveys_as_the_three_readings_do(case: tuple[str, int]) -> None:
    """rm.survey_table (one reading) against suggest_columns, read_table and suggest_values."""
    text, _ = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        survey: rm.TableSurvey | None = None
        problems: list[str] = []
        try:
            survey = rm.survey_table(io.StringIO(text))
        except rm.InputError as err:
            problems = list(err.problems)
        assert survey is not None or problems
        try:
            suggested = rm.suggest_columns(io.StringIO(text))
            rows = rm.read_table(io.StringIO(text), [], what="the file",
                                 optional=list(suggested))
            values = rm.suggest_values(io.StringIO(text), columns=suggested)
        except rm.InputError:
            assert survey is None
            return
    assert survey is not None
    assert (survey.suggested, survey.rows, survey.values) == (suggested, len(rows), values)
    assert survey.preview == [cells for _, cells in rows[:20]]
    # The shown fields' words and those a proposed map changes: the first 40 in the
    # survey's own order (numbers by value), each a word of that column.
    every = {h: {cells.get(h, "") for _, cells in rows} - {""}
             for h, target in suggested.items()
             if target in (*rm.io.survey.SHOWN_FIELDS, *values)}
    assert survey.distinct.keys() == every.keys()
    for header, words in survey.distinct.items():
        assert set(words) <= every[header]
        assert len(words) == len(set(words)) == min(40, len(every[header]))


@FUZZ
@given(case=csv_rosters())
def test_fuzzed_csv_reads_the_same_with_each_distinct_cell_read_once(
        case: tuple[str, int]) -> None:
    """The reader keeps each field's distinct cells' readings: the same as reading each."""
    from unittest import mock

    from rmatch.io import cells

    text, _ = case
    kept = reading_outcome(text)
    with mock.patch.object(cells, "MEMO_CELLS", 0):
        assert reading_outcome(text) == kept
