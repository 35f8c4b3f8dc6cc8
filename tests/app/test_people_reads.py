"""An upload read twice with the same choices is read once: the same people, the same notes."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi import HTTPException

import rmatch as rm
from rmatch.app import people as reading
from rmatch.app.pages.mapping import join_view
from rmatch.app.people import Upload, read_upload

SIGNUPS = b"Employee ID,I want to be\ne1,Mentee\ne2,Mentor\ne9,Mentee\n"
# The HR export: e3 is nobody's sign-up, e9 is in no export (a note each),
# and "Joined" is a column the reader does not know (a warning of its own).
EXPORT = (b"id,birth_year,level,manager_id,Joined\n"
          b"e1,1999,1,e3,2020\ne2,1970,6,e3,2001\ne3,1960,8,,1990\n")


def _upload(**change: Any) -> Upload:
    fields: dict[str, Any] = {
        "content": SIGNUPS, "filename": "signups.csv",
        "columns": {"Employee ID": "id", "I want to be": "role"},
        "values": {"role": {"Mentee": "junior", "Mentor": "senior"}}, "role": None,
        "options": {}, "hr": (EXPORT, "hr.csv")}
    return Upload(**(fields | change))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the files rmatch's reader reads; start with nothing kept."""
    monkeypatch.setattr(reading, "_reads", type(reading._reads)())
    names: list[str] = []
    real = rm.read_participants

    def spy(source: Any, **kwargs: Any) -> list[rm.Participant]:
        names.append(source.name)
        return real(source, **kwargs)

    monkeypatch.setattr(rm, "read_participants", spy)
    return names


def test_checking_the_choices_again_and_importing_read_each_file_once(
        counted: list[str]) -> None:
    first = join_view(_upload())
    assert first["missing"] == ["e9"]
    assert first["found"] == 2
    assert sorted(counted) == ["hr.csv", "signups.csv"]
    assert join_view(_upload()) == first
    assert sorted(counted) == ["hr.csv", "signups.csv"]
    # Importing reads nothing again; e9, in no export, is said on the way.
    people, notes = read_upload(_upload())
    assert sorted(counted) == ["hr.csv", "signups.csv"]
    assert {p.id: p.role for p in people} == {"e1": "junior", "e2": "senior", "e9": "junior",
                                              "e3": None}
    assert any("e9" in n for n in notes)
    # The export's warning (the unknown column) is said on every reading, kept or not.
    assert any("Joined" in n for n in notes)
    again, notes_again = read_upload(_upload())
    assert notes_again == notes
    assert again == people
    assert sorted(counted) == ["hr.csv", "signups.csv"]
    # One choice changed reads the file it concerns again, not the other.
    read_upload(_upload(content=SIGNUPS.replace(b"e9,Mentee\n", b"")))
    assert sorted(counted) == ["hr.csv", "signups.csv", "signups.csv"]


def test_the_people_given_are_a_list_of_their_own(counted: list[str]) -> None:
    first, _ = read_upload(_upload(hr=None, options={"managers_outside": True}))
    first.clear()
    again, _ = read_upload(_upload(hr=None, options={"managers_outside": True}))
    assert [p.id for p in again] == ["e1", "e2", "e9"]
    assert counted == ["signups.csv"]


def test_other_choices_or_other_bytes_are_read_afresh(counted: list[str]) -> None:
    join_view(_upload())
    join_view(_upload(hr_columns={"Joined": "ignore"}))
    join_view(_upload(hr=(EXPORT + b"e4,1990,2,e3,2015\n", "hr.csv")))
    join_view(_upload(options={"date_format": "%d/%m/%Y"}))
    assert counted.count("hr.csv") == 4


def test_a_file_that_fails_is_read_again_and_says_its_problems_again(
        counted: list[str]) -> None:
    bad = _upload(content=b"Employee ID,I want to be\ne1,Boss\n", hr=None)
    for _ in range(2):
        with pytest.raises(HTTPException) as err:
            read_upload(bad)
        assert "Boss" in str(err.value.detail)
    assert counted == ["signups.csv", "signups.csv"]


def test_the_people_kept_are_bounded(counted: list[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "READS_KEPT_PEOPLE", 4)
    join_view(_upload())  # 3 sign-ups, then 3 employees: only the last reading stays
    assert [[p.id for p in kept] for kept, _ in reading._reads.values()] == [
        ["e1", "e2", "e3"]]
    read_upload(_upload())  # each reading of the two pushes the other out
    assert sorted(counted) == ["hr.csv", "hr.csv", "signups.csv", "signups.csv"]
