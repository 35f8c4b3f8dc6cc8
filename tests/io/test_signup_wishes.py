"""A self-match sign-up form read right the first time: who is who, and wishes by name.

Mentees pick mentors from the form's list by *name* in "first / second / third
choice" columns, and the form words its roles the usual way ("Mentor (senior
leader)", "Mentee (junior)"). The suggested maps read the roles by the words
junior and senior, merge the choice columns into ranked wishes, and the reader
turns each name into the person's id.
"""

from __future__ import annotations

import io
import json
import warnings
from datetime import date
from pathlib import Path

import pytest

import rmatch as rm
from rmatch.io.answers import suggest_value_maps
from tests.helpers import run_cli

FORM = """\
Timestamp,Email Address,Full name,I am a,Birth year,First choice of mentor,\
Second choice of mentor,Third choice of mentor
2026/11/02 9:14:03 AM GMT,ana.silva@corp.example,Ana Silva,Mentor (senior leader),1968,,,
2026/11/02 9:20:11 AM GMT,rui.costa@corp.example,Rui Costa,Mentor (senior leader),1971,,,
2026/11/02 9:31:45 AM GMT,joana.p@corp.example,Joana Pires,Mentor (senior leader),1975,,,
2026/11/03 10:02:19 AM GMT,leo.m@corp.example,Leo Martins,Mentee (junior),1999,Ana Silva,\
Joana Pires,
2026/11/03 11:15:40 AM GMT,sofia.r@corp.example,Sofia Rocha,Mentee (junior),2001,Rui Costa,\
ana  silva,rui.costa@corp.example
2026/11/04 8:05:55 AM GMT,marta.l@corp.example,Marta Lopes,Mentee (junior),1998,Ana Silva,\
Someone Gone,
"""


def _read(text: str) -> tuple[list[rm.Participant], list[str]]:
    columns = rm.suggest_columns(io.StringIO(text))
    values = rm.suggest_values(io.StringIO(text), columns=columns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        people = rm.read_participants(io.StringIO(text), columns=columns, values=values)
    return people, [str(w.message) for w in caught]


def test_the_words_junior_and_senior_settle_a_role_before_mentor_and_mentee() -> None:
    maps = suggest_value_maps({"role": ["Mentor (senior leader)", "Mentee (junior)",
                                        "Reverse mentor (early career)", "Mentee",
                                        "Senior, or junior: either"]})
    assert maps["role"] == {"Mentor (senior leader)": "senior", "Mentee (junior)": "junior",
                            "Reverse mentor (early career)": "junior", "Mentee": "senior"}
    # Both words in one cell: the user decides (no guess either way).
    assert "Senior, or junior: either" not in maps["role"]


@pytest.mark.parametrize(("answer", "side"), [
    # Found on a Google Forms sign-up: "leader" after the answer's own words made
    # the early-career option a senior. The first phrase says the side.
    ("Early career (I'd like to mentor a leader)", "junior"),
    ("Senior leader (I'd like a reverse mentor)", "senior"),
    ("I'd like to be mentored", "senior"),  # "mentored" is no mentor
    ("I'd like a reverse mentor", "senior"),
    ("I want to be a mentor", "junior"),
    ("Leader being mentored", "senior"),
    ("Reverse mentor", "junior"),
    ("Both mentor and mentee", "both"),
    ("Early talent programme", "junior"), ("Entry-level", "junior"), ("SVP, Finance", "senior"),
    ("C-suite", "senior"),
    # The two sides joined name both (the first phrase alone said a junior).
    ("Mentor and mentee", "both"), ("Mentee & Mentor", "both"), ("Mentor/Mentee", "both"),
    ("Mentor, mentee", "both"), ("Mentor oder Mentee", "both"), ("Mentoré ou mentor", "both"),
    ("Beides", "both"), ("Les deux", "both"), ("Ambos", "both"),
    ("Mentee, I'd like a mentor", "senior"),
])
def test_a_role_answer_is_read_by_the_phrase_it_starts_with(answer: str, side: str) -> None:
    assert suggest_value_maps({"role": [answer]})["role"] == {answer: side}


@pytest.mark.parametrize("question", ["I am joining as", "Are you joining as:", "I am a",
                                      "Sign up as", "I would like to take part as"])
def test_an_answer_to_what_you_are_is_read_as_what_the_person_is(question: str) -> None:
    # Microsoft Forms' "I am joining as: A reverse mentor (early career)" was read by
    # "a reverse mentor" (what a senior would like): every person a senior.
    text = (f"Email,Name,{question},Year of birth\n"
            "ana@x.org,Ana Lima,A reverse mentor (early career),1999\n"
            "rui@x.org,Rui Costa,A mentee (senior leader),1968\n"
            "bo@x.org,Bo Chen,An early-career reverse mentor,2001\n")
    people, _ = _read(text)
    assert [(p.id, p.role) for p in people] == [("ana@x.org", "junior"),
                                                ("rui@x.org", "senior"),
                                                ("bo@x.org", "junior")]
    # Asked what they would like, the same words name a senior's wish.
    assert suggest_value_maps({"role": ["A reverse mentor"]},
                              questions={"role": "What would you like?"})["role"] == {
        "A reverse mentor": "senior"}


@pytest.mark.parametrize("seed", range(5))
def test_a_forms_grid_question_of_days_reads_each_answer_with_its_day(seed: int) -> None:
    # Google Forms writes "When are you free?" with a row a day as a column a day,
    # "When are you free? [Monday]", each cell the parts ticked ("Morning,
    # Afternoon"). Only Monday's column was proposed, and its "Morning" read as
    # every weekday's morning; Tuesday's and Wednesday's were left out.
    import numpy as np

    rng = np.random.default_rng(seed)
    days = ["Monday", "Tuesday", "Wednesday"]
    parts = {"Morning": "AM", "Afternoon": "PM", "Evening": "evening"}
    people = []
    for k in range(4):
        ticked = {d: [p for p in parts if rng.random() < 0.4] for d in days}
        ticked["Monday"] = ticked["Monday"] or ["Morning"]  # each column answered by someone
        ticked["Tuesday"] = ticked["Tuesday"] or (["Evening"] if k == 0 else [])
        ticked["Wednesday"] = ticked["Wednesday"] or (["Afternoon"] if k == 1 else [])
        people.append((f"p{k}@x.org", "A reverse mentor" if k % 2 == 0 else "A mentee", ticked))
    header = "Email address,I am joining as," + ",".join(
        f"When are you free? [{d}]" for d in days) + ",Time zone\n"
    rows = "".join(f"{mail},{role}," + ",".join(
        f'"{", ".join(ticked[d])}"' for d in days) + ",Europe/Lisbon\n"
        for mail, role, ticked in people)
    read, _ = _read(header + rows)
    assert [sorted(p.availability) for p in read] == [
        sorted(f"{d[:3]} {parts[t]}" for d in days for t in ticked[d]) for *_, ticked in people]
    columns = rm.suggest_columns(io.StringIO(header + rows))
    assert [columns[f"When are you free? [{d}]"] for d in days] == ["availability"] * 3


def test_a_sign_up_form_reads_roles_and_ranked_wishes_by_name() -> None:
    columns = rm.suggest_columns(io.StringIO(FORM))
    assert columns["I am a"] == "role"
    assert [h for h, t in columns.items() if t == "wishes"] == [
        "First choice of mentor", "Second choice of mentor", "Third choice of mentor"]
    people, said = _read(FORM)
    by_id = {p.id: p for p in people}
    assert {p.id for p in people if p.role == "junior"} == {
        "leo.m@corp.example", "sofia.r@corp.example", "marta.l@corp.example"}
    # In the order of the choices; a name in another case and spacing is still hers; her
    # name and her id are one wish; a name of nobody here stays as written.
    assert by_id["leo.m@corp.example"].wishes == ["ana.silva@corp.example",
                                                  "joana.p@corp.example"]
    assert by_id["sofia.r@corp.example"].wishes == ["rui.costa@corp.example",
                                                    "ana.silva@corp.example"]
    assert by_id["marta.l@corp.example"].wishes == ["ana.silva@corp.example", "Someone Gone"]
    [note] = [w for w in said if "given as a person's name" in w]
    assert "5 wish(es)" in note
    assert "Ana Silva" not in note  # names are personal data: ids only
    # Matched as a self-match: each pair wished for by the mentee.
    juniors, seniors, _ = rm.split_roles(people)
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes",
                         unranked="unacceptable", no_wishes="accept_all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rm.match(juniors, seniors, program)
    assert result.pairs
    assert all(p.senior_id in by_id[p.junior_id].wishes for p in result.pairs)


QUESTIONS = """\
Timestamp,Email Address,Your name,Which best describes you?,Year of birth,\
When are you free?,Your time zone,What is your job title?
2026/11/02 9:14:03 AM GMT,ana@corp.example,Ana Lima,Junior (mentor),1999,\
"Monday morning, Wednesday afternoon",Europe/Lisbon,Analyst
2026/11/02 9:20:11 AM GMT,rui@corp.example,Rui Costa,Junior (mentor),2001,\
"Tuesday evening, Thu 2-4pm",Europe/London,Engineer
2026/11/03 10:01:40 AM GMT,carla@corp.example,Carla Dias,Executive (mentee),1968,\
Mon AM,Europe/Madrid,Head of Sales
"""


@pytest.mark.parametrize(("spoil", "role", "slots"), [
    (None, "role", "availability"),
    # One answer that is no side, or no slot: the column is left for the user.
    (("Executive (mentee)", "Not sure yet"), None, "availability"),
    (("Mon AM", "Mornings mostly"), "role", None),
])
def test_a_forms_questions_are_read_as_the_fields_their_answers_fit(
        spoil: tuple[str, str] | None, role: str | None, slots: str | None) -> None:
    # "Which best describes you?" and "When are you free?" guess their fields
    # only loosely (the second as languages as much as slots): the answers settle it.
    text = QUESTIONS if spoil is None else QUESTIONS.replace(*spoil)
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns["Which best describes you?"] == role
    assert columns["When are you free?"] == slots
    assert columns["What is your job title?"] is None  # "Head of Sales" names no role here
    if spoil is None:
        people, _ = _read(text)
        by_id = {p.id: p for p in people}
        assert by_id["carla@corp.example"].role == "senior"
        assert by_id["rui@corp.example"].availability == {"Tue evening", "Thu 14:00-16:00"}


def test_answers_overrule_a_loose_guess_they_cannot_be() -> None:
    # Microsoft Forms: "Which time slots suit you?" guesses capacity as well as
    # availability; "Monday morning;" cannot be a capacity. A known header
    # ("Capacity") is never overruled.
    text = ("Email,Are you joining as a mentor or a mentee?,Which time slots suit you?,"
            "Capacity\n"
            "ana@corp.example,Mentor (I am early in my career),Monday morning;Wed PM;,1\n"
            "carla@corp.example,Mentee (I lead a team),Monday morning;,2\n")
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns["Which time slots suit you?"] == "availability"
    assert columns["Capacity"] == "capacity"
    assert columns["Are you joining as a mentor or a mentee?"] == "role"


@pytest.mark.parametrize(("header", "cells", "role"), [
    # Any header: answers in mentoring's own words name the sides.
    ("Participation", ("Reverse Mentor", "Reverse Mentee"), "role"),
    ("Status", ("Mentor", "Mentee"), "role"),
    # Job titles say sides too, but no mentoring word: left for the user.
    ("Position", ("Junior Analyst", "Senior Director"), None),
    # One side only, or an answer that is no side: no role either.
    ("Participation", ("Reverse Mentor", "Reverse Mentor"), None),
    ("Participation", ("Reverse Mentor", "Mentoring next year"), None),
])
def test_a_column_whose_answers_name_the_sides_in_mentoring_words_is_the_role(
        header: str, cells: tuple[str, str], role: str | None) -> None:
    # A talent system's sign-up export: "Participation" guesses the role only
    # loosely, and was left out, so nobody had a side ("found 0 juniors").
    text = (f"Employee Number,Email,{header}\n00123,a@corp.example,{cells[0]}\n"
            f"00124,b@corp.example,{cells[1]}\n00125,c@corp.example,\n")
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns[header] == role
    assert columns["Employee Number"] == "id"
    if role is not None:
        values = rm.suggest_values(io.StringIO(text))
        people = rm.read_participants(io.StringIO(text), columns=columns, values=values)
        assert [p.role for p in people] == ["junior", "senior", None]


def test_free_text_and_a_both_sides_question_are_never_the_role() -> None:
    # A survey tool's sheet of mentees: each biography says "mentee" and was
    # proposed as the role (its 100 texts in the value map, personal data);
    # "both mentor and mentee" answered yes or no names no side either.
    rows = "".join(f"m{k}@gov.uk,{'yes' if k % 2 else 'no'},My name is mentee {k:02d}. I am a "
                   f"HEO. I would like a mentor in Security.\n" for k in range(6))
    text = "email address,both mentor and mentee,biography\n" + rows
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns == {"email address": "id", "both mentor and mentee": None,
                       "biography": None}
    assert "role" not in rm.suggest_values(io.StringIO(text))
    # A role column repeats a few short options: still found among them.
    text = "email address,Participation\n" + "".join(
        f"m{k}@gov.uk,{'Reverse Mentor' if k % 2 else 'Reverse Mentee'}\n" for k in range(6))
    assert rm.suggest_columns(io.StringIO(text))["Participation"] == "role"


def test_a_how_many_question_is_capacity_and_its_answers_get_a_value_map(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # "How many mentees can you take?" answered "Up to 2", "3+", "1-2": the
    # answers settle the field; each gets a proposed value map with the most it
    # gives (a range its upper end), in the hint and from rmatch columns; an
    # answer with other numbers is left to the user.
    text = ("Email,Role,How many mentees can you take?\na@x,junior,Up to 2\n"
            "b@x,junior,3+\nc@x,senior,1\nd@x,senior,1-2\ne@x,senior,Two\n"
            "f@x,senior,2 to 3\ng@x,senior,\"1, 2 or 5\"\n")
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns["How many mentees can you take?"] == "capacity"
    proposed = {"capacity": {"Up to 2": 2, "3+": 3, "1-2": 2, "Two": 2, "2 to 3": 3}}
    assert rm.suggest_values(io.StringIO(text)) == proposed
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(text), columns=columns)
    hint = err.value.problems[-1]
    assert json.loads(hint.split("--values FILE.json): ", 1)[1]) == {
        "capacity": {"1-2": 2, "2 to 3": 3, "3+": 3, "Two": 2, "Up to 2": 2}}
    assert any("'1, 2 or 5' is not a number" in str(p) for p in err.value.problems)
    # With the map (and the last answer told), every count is the most the answer gave.
    people = rm.read_participants(io.StringIO(text), columns=columns, values={
        "capacity": {**proposed["capacity"], "1, 2 or 5": 5}})
    assert [p.capacity for p in people] == [2, 3, 1, 2, 2, 3, 5]
    path = tmp_path / "form.csv"
    path.write_text(text, encoding="utf-8")
    status, _, err_text = run_cli(capsys, "columns", str(path))
    assert status == 0
    assert f"proposed value map (check it, save it, pass it as --values FILE): " \
           f"{json.dumps(proposed)}" in err_text


def test_a_wish_naming_two_people_is_a_problem_that_names_their_rows_not_them() -> None:
    text = ("id,name,role,wishes\ns1,Ana Silva,senior,\ns2,Ana Silva,senior,\n"
            "s3,Rui Costa,senior,\nj1,Leo,junior,Ana Silva;Rui Costa\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Rui Costa's name is read as s3: said, and fine
        with pytest.raises(rm.InputError) as info:
            rm.read_participants(io.StringIO(text))
    [problem] = [p for p in info.value.problems if isinstance(p, rm.Problem)]
    assert (problem.row, problem.id, problem.field) == (5, "j1", "wishes")
    assert problem.reason == "item 1 is the name of rows 2, 3: give that person's id instead"
    # Ids are never read as names, and a file without names is read as before.
    plain = rm.read_participants(io.StringIO("id,role,wishes\ns1,senior,\nj1,junior,s1;s9\n"))
    assert plain[1].wishes == ["s1", "s9"]


def test_a_name_typed_without_its_accents_is_the_person() -> None:
    """'Jose Muller' on a form named nobody when the directory wrote 'José Müller'."""
    text = ("id,name,role,wishes,manager\ns1,José Müller,senior,,\ns2,Søren Åberg,senior,,\n"
            "j1,Leo,junior,Jose Muller;soren aberg,\"muller, jose\"\n"
            "j2,Zoë,junior,\"Aberg, Soren\",Jose Müller\n")
    with pytest.warns(rm.InputWarning, match="read as that person's id"):
        people = rm.read_participants(io.StringIO(text), columns={"manager": "manager_name"})
    assert [(p.id, p.wishes, p.manager_id) for p in people] == [
        ("s1", [], None), ("s2", [], None), ("j1", ["s1", "s2"], "s1"), ("j2", ["s2"], "s1")]
    # Two people whose names differ only by an accent: a wish without it names both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(rm.InputError, match="item 1 is the name of rows 2, 3"):
            rm.read_participants(io.StringIO("id,name,role,wishes\ns1,José,senior,\n"
                                             "s2,Jose,senior,\nj1,Leo,junior,jose\n"))


def test_one_sheet_per_side_reads_the_mentees_choices_of_mentors_by_name() -> None:
    mentees = rm.read_participants(io.StringIO(
        "email,name,first choice,second choice\nleo@x,Leo,ana silva,Rui Costa\n"
        "sofia@x,Sofia,Rui Costa,\n"), role="junior",
        columns={"email": "id", "first choice": "wishes", "second choice": "wishes"})
    mentors = rm.read_participants(io.StringIO(
        "email,name\nana@x,Ana Silva\nrui@x,Rui Costa\n"), columns={"email": "id"},
        role="senior")
    assert mentees[0].wishes == ["ana silva", "Rui Costa"]  # each sheet alone: no such name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        people = rm.merge_sides(mentees, mentors)
    by_id = {p.id: p for p in people}
    assert by_id["leo@x"].wishes == ["ana@x", "rui@x"]
    assert by_id["sofia@x"].wishes == ["rui@x"]
    [note] = [str(w.message) for w in caught]
    assert note.startswith("3 wish(es) or veto(es) given as a person's name read as")
    # The two lists matched as they are read: the data gap says how to read the names.
    with pytest.warns(rm.DataGapWarning, match="3 of them are the name of someone in the "
                                                "programme: rm.merge_sides reads such names"):
        rm.match(mentees, mentors, rm.Program(constraints=[]))
    # Two mentors of one name: refused, naming the ids it could mean.
    twins = [*mentors, rm.Participant(id="ana2@x", name="Ana Silva", role="senior")]
    with pytest.raises(rm.InputError, match="'leo@x': wishes item 1 is the name of 'ana@x', "
                                            "'ana2@x': give that person's id"):
        rm.merge_sides(mentees, twins)


def test_previous_partners_written_by_name_are_read_as_ids_and_never_paired_again() -> None:
    # Last year's partner written by name: it was "not in this roster", and NoRepeat
    # paired the two again (their score the best).
    roster = ("id,name,role,birth_year,previous_partners\n"
              "j1,Ana Lima,junior,2000,Rui Costa\nj2,Bo Chen,junior,2001,\n"
              "s1,Rui Costa,senior,1970,\ns2,Eva Dias,senior,1965,\n")
    with pytest.warns(rm.InputWarning, match="1 previous partner.s. given as a person's name "
                                             "read as that person's id, for 1 participant"):
        people = rm.read_participants(io.StringIO(roster))
    assert people[0].previous_partners == {"s1"}
    juniors, seniors, _ = rm.split_roles(people)
    result = rm.match(juniors, seniors, rm.Program(constraints=[rm.NoRepeat()]))
    assert ("j1", "s1") not in {(p.junior_id, p.senior_id) for p in result.pairs}
    assert len(result.pairs) == 2
    # One sheet per side: the mentee's previous mentor is on the other sheet.
    with pytest.warns(rm.InputWarning, match="not in this roster"):  # that sheet alone
        mentees = rm.read_participants(io.StringIO(
            "id,name,previous_partners\nj1,Ana Lima,Rui Costa\n"), role="junior")
    mentors = rm.read_participants(io.StringIO("id,name\ns1,Rui Costa\n"), role="senior")
    with pytest.warns(rm.InputWarning, match="1 previous partner.s. given as a person's name"):
        joined = rm.merge_sides(mentees, mentors)
    assert joined[0].previous_partners == {"s1"}


def test_the_cli_reads_one_file_per_side(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # A survey's two sheets: the roster is the mentees' (juniors), --seniors-file the
    # mentors'; 'kim' answered both and is on both sides; wishes by name across files.
    mentees, mentors = tmp_path / "mentees.csv", tmp_path / "mentors.csv"
    mentees.write_text("email,name,birth year,first choice\nleo@x,Leo,1999,Ana Silva\n"
                       "kim@x,Kim,1990,\n", encoding="utf-8")
    mentors.write_text("email,name,birth year\nana@x,Ana Silva,1965\nkim@x,Kim,1990\n",
                       encoding="utf-8")
    columns = tmp_path / "columns.json"
    columns.write_text('{"email": "id", "birth year": "birth_year", "first choice": "wishes"}',
                       encoding="utf-8")
    out = tmp_path / "pairs.csv"
    status, _, err = run_cli(capsys, "match", str(mentees), "--seniors-file", str(mentors),
                             "--columns", str(columns), "--no-rules", "-o", str(out))
    assert status == 0, err
    pairs = {tuple(line.split(",")[:2]) for line in out.read_text("utf-8").splitlines()[1:]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        people = rm.merge_sides(rm.read_participants(mentees, columns=json.loads(
            columns.read_text("utf-8"))), rm.read_participants(mentors, columns=json.loads(
                columns.read_text("utf-8"))))
        juniors, seniors, _ = rm.split_roles(people)
        alone = rm.match(juniors, seniors, rm.Program(constraints=[]))
    assert pairs == {(p.junior_id, p.senior_id) for p in alone.pairs}
    assert {p.id: p.role for p in people}["kim@x"] == "both"
    assert {p.id: p.wishes for p in people}["leo@x"] == ["ana@x"]
    # Told differently in the two files: an error naming the person and the field, and
    # the command that lists them all keeps --seniors-file.
    mentors.write_text("email,name,birth year\nana@x,Ana Silva,1965\nkim@x,Kim,1991\n",
                       encoding="utf-8")
    status, _, err = run_cli(capsys, "match", str(mentees), "--seniors-file", str(mentors),
                             "--columns", str(columns), "--no-rules")
    assert status == 1
    assert "'kim@x' is on both sheets with different 'birth_year'" in err


def test_rmatch_columns_proposes_one_map_for_a_file_per_side(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each file's own question ('first choice', 'expertise') is in the one map, as
    # --seniors-file reads both with it; the values of each are shown.
    mentees, mentors = tmp_path / "mentees.csv", tmp_path / "mentors.csv"
    mentees.write_text("email,grade,first choice\nleo@x,AO,ana@x\n", encoding="utf-8")
    mentors.write_text("email,grade,expertise\nana@x,SCS1,data\n", encoding="utf-8")
    out = tmp_path / "map.json"
    status, _, err = run_cli(capsys, "columns", str(mentees), "--seniors-file", str(mentors),
                             "-o", str(out))
    assert status == 0, err
    proposed = json.loads(out.read_text("utf-8"))
    assert list(proposed) == ["email", "grade", "first choice", "expertise"]
    assert proposed == rm.suggest_columns(io.StringIO(
        "email,grade,first choice,expertise\nleo@x,AO,ana@x,\nana@x,SCS1,,data\n"))
    assert "values of level: 'AO', 'SCS1'" in err
    # The output may not replace the seniors' file either.
    status, _, err = run_cli(capsys, "columns", str(mentees), "--seniors-file", str(mentors),
                             "-o", str(mentors), "--force")
    assert status == 1
    assert "refusing to write over an input file" in err


def test_one_workbook_with_a_sheet_per_side(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # The same workbook twice: --sheet for the juniors', --seniors-sheet for the seniors'.
    from openpyxl import Workbook

    book = Workbook()
    mentees = book.active
    assert mentees is not None
    mentees.title = "Mentees"
    for row in (["id", "birth_year"], ["leo", 1999], ["eva", 2000]):
        mentees.append(row)
    mentors = book.create_sheet("Mentors")
    for row in (["id", "birth_year"], ["ana", 1965], ["rui", 1970]):
        mentors.append(row)
    path = tmp_path / "signups.xlsx"
    book.save(path)
    out = tmp_path / "pairs.csv"
    status, _, err = run_cli(capsys, "match", str(path), "--sheet", "Mentees",
                             "--seniors-file", str(path), "--seniors-sheet", "Mentors",
                             "--no-rules", "-o", str(out))
    assert status == 0, err
    rows = out.read_text("utf-8").splitlines()[1:]
    assert {r.split(",")[0] for r in rows} == {"leo", "eva"}
    assert {r.split(",")[1] for r in rows} == {"ana", "rui"}
    # Without --seniors-sheet the seniors' file is read from its first sheet: the
    # mentees on both sides, everyone 'both'. Refused, naming the sheets read.
    status, _, err = run_cli(capsys, "match", str(path), "--sheet", "Mentees",
                             "--seniors-file", str(path), "--no-rules", "-o", str(out))
    assert status == 1
    assert f"{path} (sheets 'Mentees' and the first): the same 2 people on both sides" in err


def test_read_sides_says_once_what_neither_file_has() -> None:
    mentees = "email,grade,identity to match\na@x,2,Gay\nk@x,5,\n"
    mentors = "email,grade,characteristics\nm@x,7,Gay\nk@x,5,\n"
    columns = {"email": "id", "grade": "level", "identity to match": "attributes.identity",
               "characteristics": "attributes.characteristics", "Office": "location"}
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        people = rm.read_sides(io.StringIO(mentees), io.StringIO(mentors), columns=columns)
    # The oracle: each file alone, joined by merge_sides.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = rm.merge_sides(
            rm.read_participants(io.StringIO(mentees), columns=columns, check_managers=False),
            rm.read_participants(io.StringIO(mentors), columns=columns, check_managers=False))
    assert people == alone
    assert {p.id: p.role for p in people} == {"a@x": "junior", "k@x": "both", "m@x": "senior"}
    lines = [str(w.message) for w in said]
    # Each file's own column draws nothing; the one neither has, one line.
    assert lines == ["the column map names 'Office', which neither file has"]
    # With a map each, each file's own warning stands.
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        rm.read_sides(io.StringIO(mentees), io.StringIO(mentors), columns=columns,
                      seniors_columns={"email": "id", "grade": "level", "Office": "location"})
    assert sum("which this file does not have" in str(w.message) for w in said) == 2
    # A clash names the person and the field.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        with pytest.raises(rm.InputError, match="'k@x' is on both sheets with different "
                                                "'level'"):
            rm.read_sides(io.StringIO(mentees), io.StringIO(mentors.replace("k@x,5", "k@x,6")),
                          columns=columns)
    # Problems in both files: every one of each, not the first file's alone.
    with pytest.raises(rm.InputError) as err:
        rm.read_sides(io.StringIO(mentees.replace("a@x,2", "a@x,2.5")),
                      io.StringIO(mentors.replace("m@x,7", "m@x,7.5")), columns=columns)
    assert [(p.row, p.id) for p in err.value.problems
            if isinstance(p, rm.Problem) and p.row] == [(2, "a@x"), (2, "m@x")]
    # A role column must agree with its file: a mentor on the mentees' sheet was
    # read as a junior, silently. 'both' holds for someone on both sheets.
    with pytest.raises(rm.InputError) as err:
        rm.read_sides(io.StringIO("id,role\na,junior\nb,senior\nk,both\n"),
                      io.StringIO("id,role\nc,\nk,both\n"))
    assert [(p.file, p.id, p.field) for p in err.value.problems
            if isinstance(p, rm.Problem)] == [("<stream>", "b", "role")]
    assert "'b' has the role 'senior' but is only on the juniors' sheet" in str(err.value)
    assert {p.id: p.role for p in rm.read_sides(
        io.StringIO("id,role\na,junior\nk,both\n"), io.StringIO("id,role\nc,\nk,both\n"))
    } == {"a": "junior", "k": "both", "c": "senior"}
    # Named by file (and sheet) when the files are named.
    with pytest.raises(rm.InputError, match=r"^mentees\.xlsx, sheet 'Mentees': id 'b', field "
                                            r"'role': 'b' has the role 'senior'"):
        rm.merge_sides([rm.Participant(id="b", role="senior")], [rm.Participant(id="t")],
                       sheets=("mentees.xlsx, sheet 'Mentees'", "mentors.xlsx"))
    # The same rule for merge_sides called directly (one place).
    with pytest.raises(rm.InputError, match="'s' has the role 'senior' but is only on the "
                                            "juniors' sheet"):
        rm.merge_sides([rm.Participant(id="s", role="senior")], [rm.Participant(id="t")])
    # A file with a header and no one in it leaves a side empty: named by file.
    with pytest.raises(rm.InputError) as err:
        rm.read_sides(io.StringIO(mentees), io.StringIO("email,grade\n"), columns=columns)
    assert [str(p) for p in err.value.problems] == [
        "<stream>: the seniors' file has no one in it (a header and no rows)"]
    # One sheet read for both sides (a workbook given twice, one sheet named):
    # everyone would be on both sides, silently. Refused, naming the sheets.
    with pytest.raises(rm.InputError, match=r"^<stream>: the same 2 people on both sides: "
                                            r"one sheet read for both sides\?"):
        rm.read_sides(io.StringIO(mentees), io.StringIO(mentees), columns=columns)


def test_a_generation_or_an_age_range_is_read_through_the_proposed_value_map() -> None:
    # Forms that keep birth dates private ask for a generation or an age range:
    # the column was guessed as an attribute, and mapped to birth_year each row
    # was "neither a year nor a date (give date_format)".
    form = ("Email,I am a,Which generation are you?,Age range\n"
            "a@x.org,Mentor,Gen Z,18-24\nb@x.org,Mentee,Gen X,45-54\n"
            "c@x.org,Mentor,Millennial,25-34\nd@x.org,Mentee,Baby Boomer,55+\n")
    columns = rm.suggest_columns(io.StringIO(form))
    assert columns["Which generation are you?"] == "birth_year"
    values = rm.suggest_values(io.StringIO(form), columns=columns)
    assert values["birth_year"] == {"Gen Z": 2004, "Gen X": 1972, "Millennial": 1988,
                                    "Baby Boomer": 1955}
    people = rm.read_participants(io.StringIO(form), columns=columns, values=values)
    assert [p.birth_year for p in people] == [2004, 1972, 1988, 1955]
    # Without the map: one problem for the column, which says what it holds and
    # carries the map to check (never the date advice, nor one line a row).
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(io.StringIO(form), columns=columns,
                             values={"role": values["role"]})
    [said] = info.value.problems
    assert str(said).startswith("<stream>: field 'birth_year': column 'Which generation are "
                                "you?' holds generations, age ranges or ages on all 4 rows")
    assert json.loads(str(said)[str(said).index("{"):]) == {"birth_year": values["birth_year"]}
    # A column with some years keeps its rows: each says what it holds.
    mixed = form.replace("Gen X", "1970")
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(io.StringIO(mixed), columns=columns,
                             values={"role": values["role"]})
    assert [p.row for p in info.value.problems if isinstance(p, rm.Problem)] == [2, 4, 5]
    assert all("a generation or an age range, not a year of birth: give the value map"
               in str(p) for p in info.value.problems)
    # An age range stands for this year less its middle age.
    ranges = {"Email": "id", "I am a": "role", "Which generation are you?": None,
              "Age range": "birth_year"}
    proposed = rm.suggest_values(io.StringIO(form), columns=ranges)["birth_year"]
    year = date.today().year
    assert proposed == {"18-24": year - 21, "45-54": year - 49, "25-34": year - 29,
                        "55+": year - 59}
    # As forms word them: the same ages and cohorts.
    from rmatch.io.answers import year_of_answer

    assert [year_of_answer(c) for c in ("55 and over", "Age 25-34", "25 – 34", "Under 25",
                                        "Generation Z", "Millennials (1981-1996)", "Gen Xers",
                                        "Boomerang")] == [
        year - 59, year - 29, year - 29, year - 21, 2004, 1988, 1972, None]


@pytest.mark.parametrize("none", ["No preference", "no preferences", "Any", "Anyone",
                                  "Don\u2019t mind", "don't mind", "No one in particular"])
def test_a_second_choice_of_no_preference_is_no_wish(none: str) -> None:
    # It was a wish naming nobody ("1 wish of 1 participant names nobody").
    text = ("Email,Full name,I am a...,First choice of mentor,Second choice of mentor\n"
            f"ana@x.org,Ana Lima,Reverse mentor,Dana Kraft,{none}\n"
            "dana@x.org,Dana Kraft,Mentee,,\n")
    columns = rm.suggest_columns(io.StringIO(text))
    values = rm.suggest_values(io.StringIO(text), columns=columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.InputWarning)
        people = rm.read_participants(io.StringIO(text), columns=columns, values=values)
    assert people[0].wishes == ["dana@x.org"]
    juniors, seniors, _ = rm.split_roles(people)
    assert not any("names nobody" in line for line in rm.data_gaps(juniors, seniors))
