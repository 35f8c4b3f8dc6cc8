"""A Qualtrics survey export read as written: its three header rows, its own columns.

Qualtrics writes short names (``Q1``, ``Q2``, ...) on the first row, the
questions as asked on the second and a row of import ids (``{"ImportId":
"QID1"}``) on the third, then its own columns about each response (dates, IP
address, response id, the location's coordinates, the survey's language)
beside the questions. The oracle is the respondents written: read with the
maps rmatch proposes, each comes back as they answered.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest

import rmatch as rm
from tests.io.survey_exports import Respondent, read_as_proposed, respondents

OWN = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
       "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
       "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
       "DistributionChannel", "UserLanguage"]
ASKED = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
         "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
         "Recipient Last Name", "Recipient First Name", "Recipient Email",
         "External Data Reference", "Location Latitude", "Location Longitude",
         "Distribution Channel", "User Language"]
QUESTIONS = ["What is your employee ID?", "Are you joining as a reverse mentor or a mentee?",
             "What year were you born?", "Which languages do you speak?"]


def _rows(people: list[Respondent]) -> list[list[str]]:
    header = [*OWN, *(f"Q{k + 1}" for k in range(len(QUESTIONS)))]
    ids = [json.dumps({"ImportId": h}) for h in header]
    rows = [header, [*ASKED, *QUESTIONS], ids]
    for k, p in enumerate(people):
        langs = ",".join("English" if x == "en" else "Portuguese" for x in p.items)
        rows.append(["2026-11-01 10:00:00", "2026-11-01 10:03:00", "IP Address",
                     f"10.0.0.{k}", "100", "180", "True", "2026-11-01 10:03:01", f"R_{k}x",
                     p.last, p.first, f"{p.first.lower()}@x.org", "", "38.7223", "-9.1393",
                     "email", "EN", p.id, "Reverse mentor" if p.role == "junior" else "Mentee",
                     str(p.born), langs])
    return rows


def _read(source: str | Path) -> tuple[list[rm.Participant], list[str]]:
    people, said, columns = read_as_proposed(source)
    assert columns["What is your employee ID?"] == "id"
    # Qualtrics' own columns say nothing about the person: left out.
    assert all(columns[h] is None for h in ASKED if not h.startswith("Recipient")), columns
    assert columns["Recipient First Name"] == columns["Recipient Last Name"] == "name"
    return people, said


@pytest.mark.parametrize("seed", range(3))
def test_a_qualtrics_export_reads_each_respondent_as_they_answered(seed: int,
                                                                   tmp_path: Path) -> None:
    people = respondents(seed, ["en", "pt"])
    buf = io.StringIO()
    csv.writer(buf).writerows(_rows(people))
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in _rows(people):
        book.active.append(row)
    workbook = tmp_path / "qualtrics.xlsx"
    book.save(workbook)
    legacy = io.StringIO()  # Qualtrics' older layout: no row of import ids
    csv.writer(legacy).writerows([row for k, row in enumerate(_rows(people)) if k != 2])
    for source, ids in ((buf.getvalue(), True), (workbook, True), (legacy.getvalue(), False)):
        read, said = _read(source)
        assert [(p.id, p.name, p.role, p.birth_year, sorted(p.languages)) for p in read] == [
            (q.id, f"{q.first} {q.last}", q.role, q.born, q.items) for q in people]
        skipped = "names (row 1) and import ids (row 3) skipped" if ids else "names (row 1) skipped"
        assert any("a Qualtrics export: its questions (row 2) read as the headers; its short "
                   + skipped in s for s in said)
    # The questions' row given as the header: the import ids under it are skipped too.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        columns = rm.suggest_columns(io.StringIO(buf.getvalue()))
        given = rm.read_participants(io.StringIO(buf.getvalue()), columns=columns,
                                     values={"role": {"Reverse mentor": "junior",
                                                      "Mentee": "senior"}}, header_row=2)
    assert [p.id for p in given] == [q.id for q in people]
