"""rm.survey_table reads a file once and gives what the three readings give one by one."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import rmatch as rm
from rmatch import synth

ROOT = Path(__file__).resolve().parents[2]
E = ROOT / "examples" / "exports"

FILES: dict[str, bytes] = {
    "roster.csv": (ROOT / "examples" / "roster.csv").read_bytes(),
    "hris_export.csv": (ROOT / "examples" / "hris_export.csv").read_bytes(),
    "forms_signup.csv": (E / "forms_signup.csv").read_bytes(),
    "successfactors_users.csv": (E / "successfactors_users.csv").read_bytes(),
    "workday_workers.xlsx": (E / "workday_workers.xlsx").read_bytes(),
    # A title and report parameters above, a footer below, a multi-line answer.
    "report.csv": (b"Headcount report\nRun date:,2026-11-30\n\nid,Side,Grade,languages,"
                   b"Time zone\na,Mentor,L3,\"en;\nfr\",Europe/Paris\nb,Mentee,L7,de,"
                   b"Europe/Berlin\nc,Both,,en,\n\nTotal: 3\n"),
    # An HR API's nested JSON: paths are columns, objects after them.
    "api.json": json.dumps([{"id": "a", "work": {"site": "Lisbon", "role": "Mentor"},
                             "languages": ["en", "pt"]},
                            {"id": "b", "work": {"site": "Paris", "role": "Mentee"},
                             "languages": ["fr"]}]).encode(),
}
FORMATS = {".csv": "csv", ".xlsx": "excel", ".json": "json"}


def _one_by_one(name: str, content: bytes, columns: dict[str, Any] | None,
                fields: tuple[str, ...]) -> dict[str, Any]:
    """What a mapping screen asked the three public readings for before."""
    fmt = FORMATS[Path(name).suffix]

    def source() -> io.BytesIO:
        return io.BytesIO(content)

    suggested = rm.suggest_columns(source(), format=fmt)
    parents = {".".join(parts[:k]) for parts in (h.split(".") for h in suggested)
               for k in range(1, min(len(parts), 20))}
    headers = [h for h in suggested if h not in parents] + [h for h in suggested
                                                            if h in parents]
    rows = rm.read_table(source(), [], what="the file", optional=headers) \
        if fmt != "excel" else rm.read_table(_named(content, name), [], what="the file",
                                             optional=headers)
    chosen = {h: (columns or {}).get(h, suggested[h]) if columns is not None
              else suggested[h] for h in headers}
    values = rm.suggest_values(source(), columns=chosen, format=fmt)
    # The fields asked for, and those a proposed map changes (each list as a set:
    # the order is the survey's own, tested apart).
    distinct = {h: sorted({cells.get(h, "") for _, cells in rows} - {""})
                for h, target in chosen.items() if target in (*fields, *values)}
    return {"headers": headers, "suggested": suggested, "columns": chosen,
            "rows": len(rows), "preview": [cells for _, cells in rows[:20]],
            "distinct": distinct, "values": values}


def _named(content: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("mapped", [False, True])
def test_one_reading_gives_what_three_readings_give(name: str, mapped: bool) -> None:
    content = FILES[name]
    fields = ("role", "level", "timezone", "languages", "manager_id")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        suggested = rm.suggest_columns(_named(content, name), format=FORMATS[Path(name).suffix])
        # A column map chosen on a screen: the first header read as the role.
        columns = {**suggested, next(iter(suggested)): "role"} if mapped else None
        expected = _one_by_one(name, content, columns, fields)
        survey = rm.survey_table(_named(content, name), columns=columns,
                                 format=FORMATS[Path(name).suffix], fields=fields)
    got = {k: getattr(survey, k) for k in expected}
    assert all(len(words) <= 40 for words in got["distinct"].values())
    got["distinct"] = {h: sorted(words) for h, words in got["distinct"].items()}
    assert got == expected
    assert survey.rows > 0
    assert 0 < len(survey.preview) <= 20


def test_the_readings_notes_and_problems_are_the_files() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rm.survey_table(io.BytesIO(FILES["report.csv"]))
    said = [str(w.message) for w in caught if issubclass(w.category, rm.InputWarning)]
    assert any("row(s) 1-2 above the header (row 4)" in w for w in said), said
    assert any("row(s) 9 after the last person look like a footer" in w for w in said), said
    with pytest.raises(rm.InputError, match="'id' is given 2 times"):
        rm.survey_table(io.StringIO("id,name,id\na,Ana,b\n"))


def test_a_large_export_is_surveyed_from_its_first_rows_and_its_distinct_words(
        tmp_path: Path) -> None:
    org = synth.generate(3_000, seed=2)
    path = tmp_path / "org.csv"
    org.write_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        survey = rm.survey_table(path, preview=5, most=3)
        people = rm.read_participants(path)
    assert survey.rows == len(people) == 3_000
    assert [row["id"] for row in survey.preview] == [p.id for p in people[:5]]
    assert survey.distinct["timezone"] == sorted({p.timezone for p in people if p.timezone})[:3]


@pytest.mark.parametrize("classic", [True, False])
def test_role_words_are_proposed_the_way_the_ages_say(classic: bool) -> None:
    # Mentors born in the 1960s: a classic programme's file (they are the
    # seniors); born in the 1990s: reverse mentoring (they are the juniors).
    old, young = (1962, 1996) if classic else (1996, 1962)
    text = "Employee ID,Programme Role,Date of Birth\n" + "".join(
        f"m{i},Mentor,{old + i}\n" for i in range(5)) + "".join(
        f"e{i},Mentee,{young + i}\n" for i in range(5))
    want = {"Mentor": "senior", "Mentee": "junior"} if classic else \
        {"Mentor": "junior", "Mentee": "senior"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        survey = rm.survey_table(io.StringIO(text))
        proposed = rm.suggest_values(io.StringIO(text))
    assert survey.values["role"] == proposed["role"] == want
    said = [str(w.message) for w in caught if issubclass(w.category, rm.InputWarning)
            and "classic programme" in str(w.message)]
    assert len(said) == (2 if classic else 0)
    if classic:
        assert "(median year of birth 1964 against 1998)" in said[0]
    # Read with the proposal, the seniors are the older people.
    people = rm.read_participants(io.StringIO(text), values=proposed,
                                  columns=rm.suggest_columns(io.StringIO(text)))
    juniors, seniors, _ = rm.split_roles(people)
    assert max(p.birth_year or 0 for p in seniors) < min(p.birth_year or 0 for p in juniors)


def test_role_words_stay_as_proposed_when_the_sample_does_not_read() -> None:
    # A date that is no date: the rows do not read (validate names the row),
    # so the ages say nothing and the proposal stands.
    text = ("Employee ID,Programme Role,Date of Birth\n" + "".join(
        f"m{i},Mentor,{1962 + i}\n" for i in range(4)) + "".join(
        f"e{i},Mentee,{1996 + i}\n" for i in range(4)) + "e9,Mentee,soon\n")
    assert rm.suggest_values(io.StringIO(text))["role"] == {"Mentor": "junior",
                                                            "Mentee": "senior"}


def test_a_group_written_two_ways_gets_its_map_proposed() -> None:
    # Two HR systems merged: "F" and "Female", "HR" and "Human Resources". The
    # match warned with the map; the proposal, where maps are edited, had none.
    text = ("Emp No,Role,Gender,Department,Office\n"
            "1,junior,F,HR,Lisbon\n2,junior,Male,Human Resources,Lisbon\n"
            "3,junior,f,Sales,Porto\n4,senior,Female,Sales,Porto\n"
            "5,senior,M,HR,Lisbon\n6,senior,Non-binary,Human Resources,Porto\n")
    proposed = rm.suggest_values(io.StringIO(text))
    assert proposed["attributes.gender"] == {"F": "Female", "M": "Male"}
    assert proposed["department"] == {"HR": "Human Resources"}
    assert "location" not in proposed  # nothing written two ways there
    assert rm.survey_table(io.StringIO(text)).values["department"] == proposed["department"]
    columns = rm.suggest_columns(io.StringIO(text))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        before = rm.read_participants(io.StringIO(text), columns=columns)
        people = rm.read_participants(io.StringIO(text), columns=columns, values=proposed)
    juniors, seniors, _ = rm.split_roles(before)
    assert any("written two ways" in line for line in rm.data_gaps(juniors, seniors))
    juniors, seniors, _ = rm.split_roles(people)
    assert not any("written two ways" in line for line in rm.data_gaps(juniors, seniors))
    assert [p.attributes["gender"] for p in people] == ["Female", "Male", "Female", "Female",
                                                        "Male", "Non-binary"]


def test_the_words_to_check_are_listed_with_their_numbers_in_order() -> None:
    # "1 · 10 · 2 · 7 · 8" on the mapping screen: text order put 10 before 2.
    text = "id,role,level,Gender\n" + "".join(
        f"p{k},{'junior' if k < 3 else 'senior'},{level},{gender}\n"
        for k, (level, gender) in enumerate([("10", "F"), ("2", "Female"), ("1", "M"),
                                             ("L10", "Male"), ("L2", "f"), ("8", "F")]))
    survey = rm.survey_table(io.StringIO(text))
    assert survey.distinct["level"] == ["1", "2", "8", "10", "L2", "L10"]
    # A column whose words a proposed map changes is listed too, to check the map against.
    assert survey.values["attributes.gender"] == {"F": "Female", "M": "Male"}
    assert survey.distinct["Gender"] == ["F", "f", "Female", "M", "Male"]
