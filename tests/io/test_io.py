"""Roster files: exact round trips, safe exports, and errors that name row, id and field."""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from tests.strategies import participants

FORMATS = ["csv", "json", "jsonl", "xlsx"]


@st.composite
def rosters(draw: st.DrawFn) -> list[rm.Participant]:
    n = draw(st.integers(0, 6))
    people = [draw(participants(f"p{i}")) for i in range(n)]
    ids = [p.id for p in people]
    partners = st.lists(st.sampled_from(["p0", "x-1", "a,b"]), max_size=2)
    names = st.none() | st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
    ).map(lambda s: s.strip() or None)
    return [p.model_copy(update={
        "name": draw(names),
        # Never oneself (an error since the second wave); 'a,b' checks that
        # an id with a comma stays one id in the CSV list format.
        "previous_partners": frozenset(draw(partners)) - {p.id},
        "manager_id": draw(st.none() | st.sampled_from(["=cmd", "+1", "@a", "-x", "m"])),
        # Self-match fields: wishes in order and vetoes (ids of this roster, so that no
        # name is read as an id), weekly slots and a minimum within the capacity.
        "wishes": [w for w in draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
                   if w != p.id] if ids else [],
        "avoid": frozenset(draw(st.lists(st.sampled_from(ids), max_size=2))) - {p.id}
        if ids else frozenset(),
        "availability": frozenset(draw(st.lists(st.sampled_from(
            ["Mon AM", "Tue PM", "Wed 14:00-16:00", "Fri evening"]), max_size=3))),
        "min_partners": draw(st.integers(0, p.capacity)),
    }) for p in people]


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=int(os.environ.get("RMATCH_FUZZ_EXAMPLES", "15")))
@given(people=rosters())
def test_round_trip_is_exact(tmp_path_factory: pytest.TempPathFactory, fmt: str,
                             people: list[rm.Participant]) -> None:
    path = tmp_path_factory.mktemp("rt") / f"roster.{fmt}"
    rm.write_participants(people, path)
    with warnings.catch_warnings():
        # Previous partners and managers outside this small roster are expected here.
        warnings.simplefilter("ignore", rm.InputWarning)
        back = rm.read_participants(path, check_managers=False)
    # model_validate re-runs validation so the comparison sees the same normal form.
    assert back == [rm.Participant.model_validate(p.model_dump()) for p in people]


def test_exported_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    people = [rm.Participant(id="=1+1", name="@SUM(A1)", department="-2", location="+x",
                             attributes={"note": "=HYPERLINK(\"x\")"})]
    path = tmp_path / "r.csv"
    rm.write_participants(people, path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert rm.read_participants(path) == people


def _write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_cells_are_named_by_row_id_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,level,skills,timezone\n"
                            "a,1,genai:0.5,Europe/Lisbon\n"
                            "b,x,genai:0.5,\n"
                            "c,2,genai:1.7,\n"
                            "d,2,genai,Mars/Base\n")
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(path)
    problems = info.value.problems
    assert problems[0] == (f"{path}: row 3 (id 'b'), field 'level': grade 'x' is not a "
                           "number; give a level_map that turns grade names into numbers "
                           "(higher is more senior)")
    assert problems[1] == (f"{path}: row 4 (id 'c'), field 'skills': 'genai' has value '1.7', "
                           "above 1: a level is from 0 to 1 (a rating of 4 on a scale of 1 to "
                           "5 is 4/5, or 80%)")
    # A bare skill name means proficiency 1; d's bad time zone is then its problem.
    assert problems[2] == (f"{path}: row 5 (id 'd'), field 'timezone': 'Mars/Base' is not a "
                           "time zone rmatch knows; write an IANA zone (e.g. 'Europe/Lisbon') "
                           "or map it with values={'timezone': {'Mars/Base': 'Europe/Lisbon'}} "
                           "(null where it names none: no time zone)")
    assert problems[3].startswith(f"{path}: hint: give level_map")
    assert len(problems) == 4
    third = problems[2]
    assert isinstance(third, rm.Problem)
    assert (third.file, third.row, third.id, third.field) == (str(path), 5, "d", "timezone")
    assert str(info.value).endswith("(+3 more problems)")


def test_duplicate_ids_name_both_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "id\na\nb\na\n")
    with pytest.raises(rm.InputError, match="row 4 \\(id 'a'\\), field 'id': duplicate id, "
                                            "first given in row 2"):
        rm.read_participants(path)


def test_unknown_columns_warn_or_fail_or_stay_and_a_missing_id_column_fails(
        tmp_path: Path) -> None:
    path = _write(tmp_path, "id,shoe\na,42\n")
    with pytest.warns(rm.InputWarning, match="left out column\\(s\\) .*'shoe'"):
        assert rm.read_participants(path) == [rm.Participant(id="a")]
    with pytest.raises(rm.InputError, match="unknown column\\(s\\) 'shoe'; map them"):
        rm.read_participants(path, unknown_columns="error")
    assert rm.read_participants(path, unknown_columns="keep")[0].attributes == {"shoe": "42"}
    # Each column left out is said with the field it most likely holds (a date of
    # birth left out silently made every generation score 0), but for a field
    # another column already gives; the command line's options are named too.
    path = _write(tmp_path, "id,date of birth,Gender,shoe\na,1990-01-02,F,42\n")
    with pytest.warns(rm.InputWarning) as said:
        rm.read_participants(path)
    assert ("'date of birth' (looks like birth_year), 'Gender' (looks like "
            "attributes.gender), 'shoe'; map them with columns= (CLI: --columns MAP.json, "
            "which `rmatch columns` proposes)") in str(said[0].message)
    with pytest.raises(rm.InputError, match=r"'date of birth' \(looks like birth_year\)"):
        rm.read_participants(path, unknown_columns="error")
    path = _write(tmp_path, "id,birth_year,date of birth\na,1990,1990-01-02\n")
    with pytest.warns(rm.InputWarning, match="does not know: 'date of birth'; map them"):
        assert rm.read_participants(path)[0].birth_year == 1990
    with pytest.raises(rm.InputError, match="no column gives the participant 'id'"):
        rm.read_participants(_write(tmp_path, "name\nAna\n"))


def test_attribute_columns_blank_lines_and_excel_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffid,attributes.gender,birth_year,languages\n"
                            "a,F,1999.0,EN; pt\n,,,\nb,,,\n")
    a, b = rm.read_participants(path)
    assert a.attributes == {"gender": "F"}
    assert a.birth_year == 1999
    assert a.languages == {"en", "pt"}
    assert b.attributes == {}
    assert b.birth_year is None


def test_json_errors(tmp_path: Path) -> None:
    with pytest.raises(rm.InputError, match="expected a JSON list"):
        rm.read_participants(_write(tmp_path, '{"id": "a"}', "r.json"))
    with pytest.raises(rm.InputError, match="row 2: expected a JSON object"):
        rm.read_participants(_write(tmp_path, '[{"id": "a"}, 3]', "r.json"))
    with pytest.raises(rm.InputError, match="invalid JSON: row 2, column 2: "):
        rm.read_participants(_write(tmp_path, '{"id": "a"}\n{oops\n', "r.jsonl"))
    with pytest.raises(rm.InputError, match="row 1 \\(id 'a'\\), field 'capacity'"):
        rm.read_participants(_write(tmp_path, '{"id": "a", "capacity": -1}\n', "r.jsonl"))


def _at_comma(text: str, line: int, column: int) -> tuple[int, int]:
    """The line and column of the last comma before a place (where Python 3.13 says)."""
    lines = text.split("\n")
    pos = sum(len(x) + 1 for x in lines[:line - 1]) + column - 1
    comma = text.rfind(",", 0, pos)
    if comma < 0:
        return line, column
    return text.count("\n", 0, comma) + 1, comma - (text.rfind("\n", 0, comma) + 1) + 1


@pytest.mark.parametrize(("text", "line", "column", "said"), [
    ('{"weights": {"skills": 2,},\n "seed": 1}', 1, 26, "a comma after the last item"),
    ('[\n  {"id": "a"},\n]', 3, 1, "a comma after the last item"),
    ("{'id': 'a'}", 1, 2, "single quotes"),
    ('{"id": \u201ca\u201d}', 1, 8, "curly quotes"),
    ('{"id": "a", "mentor": True}', 1, 23, "True: JSON writes true, false and null"),
    ('{"id": "a", "manager_id": None}', 1, 27, "None: JSON writes true, false and null"),
    ('{\n  // the juniors\n  "id": "a"}', 2, 3, "a comment"),
    ('{"id": "a" "role": "junior"}', 1, 12, "a comma missing"),
    ('{"id": "a"}\n{"id": "b"}', 2, 1, "more after the end of the first value"),
    ('{"id": "a}', 1, 8, "no closing quote"),
    ('{"id": "a\tb"}', 1, 10, "a line break or tab inside a text"),
    ('{"id": }', 1, 8, "expecting value"),  # no usual slip: the parser's own words
])
def test_a_json_error_says_where_and_the_usual_slip(text: str, line: int, column: int,
                                                    said: str) -> None:
    with pytest.raises(json.JSONDecodeError) as err:
        json.loads(text)
    # Where Python's parser stops (3.13 stops at a trailing comma, earlier ones after it).
    assert (err.value.lineno, err.value.colno) in {(line, column), _at_comma(text, line, column)}
    assert rm.json_error(err.value).startswith(
        f"line {err.value.lineno}, column {err.value.colno}: ")
    assert said in rm.json_error(err.value)
    # The same words from a file that reads JSON: a roster and a programme file.
    with pytest.raises(rm.InputError) as roster:
        rm.read_participants(io.StringIO(text), format="json")
    assert rm.json_error(err.value) in str(roster.value)


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(rm.InputError, match="cannot tell the format"):
        rm.read_participants(_write(tmp_path, "id\na\n", "r.pdf"))
    with pytest.raises(rm.InputError, match="no such file"):
        rm.read_participants(tmp_path / "nope.csv")


def test_writing_a_separator_inside_a_list_item_is_refused(tmp_path: Path) -> None:
    p = rm.Participant(id="a", languages={"en;pt"})
    with pytest.raises(rm.InputError, match="participant 'a', field 'languages'"):
        rm.write_participants([p], tmp_path / "r.csv")
    # JSON has no separators to protect: the same person round-trips there.
    rm.write_participants([p], tmp_path / "r.json")
    with pytest.warns(rm.InputWarning, match="language\\(s\\) rmatch does not know.*'en;pt'"):
        assert rm.read_participants(tmp_path / "r.json") == [p]


def test_a_programme_key_with_a_typo_says_which_it_may_mean(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({
        "objectiv": "max_score", "zzz": 1, "scoring": {"age_span": 20},
        "constraints": [{"kind": "even_load", "sid": "seniors"}, {"kind": "shared_langauge"},
                        {"kind": "nonsense"}],
        "components": [{"kind": "overlap", "name": "x", "junior_field": "skills",
                        "senior_feld": "goals"}]}), encoding="utf-8")
    with pytest.raises(rm.InputError) as info:
        rm.load_program(path)
    said = {p.split(": ", 2)[1]: p for p in info.value.problems}
    assert said["field 'objectiv'"].endswith("(did you mean 'objective'?)")
    assert said["field 'scoring.age_span'"].endswith("(did you mean 'age_span_years'?)")
    assert said["field 'constraints.0.even_load.sid'"].endswith("(did you mean 'side'?)")
    assert said["field 'components.0.overlap.senior_feld'"].endswith(
        "(did you mean 'senior_field'?)")
    assert said["field 'zzz'"].endswith("Extra inputs are not permitted")  # nothing near
    assert said["field 'constraints.1'"].endswith("(did you mean 'shared_language'?)")
    assert said["field 'constraints.2'"].endswith("'even_load'")  # a list, and nothing near


def test_a_weight_with_a_typo_says_which_component_it_may_mean() -> None:
    with pytest.raises(rm.InputError, match=r"\['skils', 'zz'\] \('skils': did you mean "
                                            r"'skills'\?\); define them"):
        rm.score([rm.Participant(id="j")], [rm.Participant(id="s")],
                 rm.Program(weights=rm.Weights(skils=1, zz=2)))


def test_load_program_names_the_bad_field(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"constraints": [{"kind": "min_score", "value": 3}]}', "p.json")
    with pytest.raises(rm.InputError, match=r"field 'constraints\.0\.min_score\.value': out of "
                                            "range: it must be at most 1"):
        rm.load_program(path)


def test_example_roster_loads_and_matches() -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    people = rm.read_participants(root / "roster.csv")
    program = rm.load_program(root / "program.json")
    juniors = [p for p in people if p.role == "junior"]
    seniors = [p for p in people if p.role == "senior"]
    result = rm.match(juniors, seniors, program, org=rm.OrgChart.from_participants(people))
    result.check()
    assert len(juniors) >= 5
    assert len(seniors) >= 5
    assert len(result.pairs) + len(result.unmatched_juniors) >= len(juniors)
