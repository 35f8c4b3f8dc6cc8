"""A SurveyMonkey export read as written: questions over a row of their choices.

SurveyMonkey writes the questions on the first row and, under them, what each
column holds: "Response" or "Open-Ended Response" for a question of one
answer, each choice's label for a question of several (a column per choice,
the question's words over the first only; a ticked choice's cell holds its
label). Its own columns (respondent and collector ids, dates, IP address,
custom data) say nothing about the person. The oracle is the respondents
written: read with the maps rmatch proposes, each comes back as they answered.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pytest

import rmatch as rm
from tests.io.survey_exports import Respondent, read_as_proposed, respondents

OWN = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
       "Email Address", "First Name", "Last Name", "Custom Data 1"]
TOPICS = ["GenAI", "Python", "Strategy", "Finance"]


def _rows(people: list[Respondent]) -> list[list[str]]:
    questions = [*OWN, "What is your employee ID?",
                 "Are you joining as a reverse mentor or a mentee?",
                 "Which topics can you share?", *([""] * (len(TOPICS) - 1)),
                 "What year were you born?"]
    choices = [*([""] * len(OWN)), "Open-Ended Response", "Response", *TOPICS,
               "Open-Ended Response"]
    rows = [questions, choices]
    for k, p in enumerate(people):
        rows.append([f"11400000{k}", "400001", "11/01/2026 10:00:00 AM",
                     "11/01/2026 10:03:00 AM", f"10.0.0.{k}", f"{p.first.lower()}@x.org",
                     p.first, p.last, "", p.id,
                     "Reverse mentor" if p.role == "junior" else "Mentee",
                     *(t if t in p.items else "" for t in TOPICS), str(p.born)])
    return rows


def _read(source: str | Path) -> tuple[list[rm.Participant], list[str]]:
    people, said, columns = read_as_proposed(source)
    assert columns["What is your employee ID?"] == "id"
    assert all(columns[h] is None for h in OWN if "Name" not in h and "Email" not in h)
    assert [columns[f"Which topics can you share?: {t}"] for t in TOPICS] == ["skills"] * 4
    return people, said


@pytest.mark.parametrize("seed", range(3))
def test_a_surveymonkey_export_reads_each_respondent_as_they_answered(seed: int,
                                                                      tmp_path: Path) -> None:
    people = respondents(seed, TOPICS)
    buf = io.StringIO()
    csv.writer(buf).writerows(_rows(people))
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in _rows(people):
        book.active.append([cell or None for cell in row])  # blank cells absent, as exported
    workbook = tmp_path / "surveymonkey.xlsx"
    book.save(workbook)
    for source in (buf.getvalue(), workbook):
        read, said = _read(source)
        assert [(p.id, p.name, p.role, p.birth_year, sorted(p.skills)) for p in read] == [
            (q.id, f"{q.first} {q.last}", q.role, q.born, sorted(t.casefold() for t in q.items))
            for q in people]
        assert any("a SurveyMonkey export: its questions (row 1) and their choices (row 2) "
                   "read as the headers" in s for s in said)


def test_a_persons_answer_called_response_is_no_row_of_labels() -> None:
    # "Response" is also a team's name: a first person's row stays a person.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        people = rm.read_participants(io.StringIO(
            "id,role,department\nj1,junior,Response\ns1,senior,HR\n"))
    assert [(p.id, p.department) for p in people] == [("j1", "Response"), ("s1", "HR")]
