"""One column read as several fields: an office named by its city, as the time zone too."""

from __future__ import annotations

import io

import pytest

import rmatch as rm

EXPORT = ("Employee ID,Role,Office,Birth year\nj1,junior,Lisbon,1999\n"
          "j2,junior,Bangalore,2000\ns1,senior,Lisbon,1970\ns2,senior,New York,1968\n")
BOTH = {"Employee ID": "id", "Office": ["location", "timezone"]}


def test_an_office_column_read_as_location_and_time_zone() -> None:
    people = rm.read_participants(io.StringIO(EXPORT), columns=BOTH)
    assert [(p.id, p.location, p.timezone) for p in people] == [
        ("j1", "Lisbon", "Europe/Lisbon"), ("j2", "Bangalore", "Asia/Kolkata"),
        ("s1", "Lisbon", "Europe/Lisbon"), ("s2", "New York", "America/New_York")]
    # The same people as from a file with the column copied under a time-zone header.
    copied = "\n".join(f"{line},{line.split(',')[2] if k else 'Time zone'}"
                       for k, line in enumerate(EXPORT.splitlines())) + "\n"
    assert rm.read_participants(io.StringIO(copied), columns={
        "Employee ID": "id", "Office": "location"}) == people
    # A match reads the time zones: a limit of one hour pairs within Lisbon alone.
    juniors = [p for p in people if p.role == "junior"]
    seniors = [p for p in people if p.role == "senior"]
    result = rm.match(juniors, seniors, rm.Program(constraints=[rm.MaxTimezoneGap(hours=1)]))
    assert [(p.junior_id, p.senior_id) for p in result.pairs] == [("j1", "s1")]


def test_a_cell_that_is_no_time_zone_is_named_by_row_id_and_the_column_read() -> None:
    text = EXPORT.replace("j2,junior,Bangalore", "j2,junior,Remote")
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO(text), columns=BOTH)
    (problem,) = [p for p in err.value.problems if isinstance(p, rm.Problem)]
    assert (problem.row, problem.id, problem.field) == (3, "j2", "timezone")
    assert "'Remote'" in problem.reason
    assert "Office (as timezone)" in problem.reason
    # Told that "Remote" names no zone, the row reads: its office kept, no time zone.
    people = rm.read_participants(io.StringIO(text), columns=BOTH,
                                  values={"timezone": {"Remote": None}})
    assert [(p.location, p.timezone) for p in people if p.id == "j2"] == [("Remote", None)]


@pytest.mark.parametrize(("given", "said"), [
    ([], "give a field, a list of fields, or null"),
    (["location", None], "a list of field names, or null"),
    (["location", "time_zone"], "'time_zone' is not a field"),
    ({"location": 1}, "a list of field names, or null"),
])
def test_a_list_that_names_no_fields_is_refused(given: object, said: str) -> None:
    with pytest.raises(rm.InputError, match=said):
        rm.read_participants(io.StringIO(EXPORT),
                             columns={"Employee ID": "id", "Office": given})  # type: ignore[dict-item]


def test_a_field_given_twice_through_a_list_is_said() -> None:
    text = EXPORT.replace("Birth year", "TZ").replace("1999", "UTC").replace(
        "2000", "UTC").replace("1970", "UTC").replace("1968", "UTC")
    with pytest.raises(rm.InputError, match="columns 'Office \\(as timezone\\)' and 'TZ' both "
                                            "give 'timezone'"):
        rm.read_participants(io.StringIO(text), columns={**BOTH, "TZ": "timezone"})


def test_the_survey_and_the_value_maps_read_a_list_too() -> None:
    survey = rm.survey_table(io.StringIO(EXPORT), columns=BOTH, fields=("location", "timezone"))
    assert survey.columns["Office"] == ["location", "timezone"]
    assert survey.distinct["Office"] == ["Bangalore", "Lisbon", "New York"]
    form = ("Email,Would you like a reverse mentor?,Office\na@x,Yes,Lisbon\nb@x,No,Porto\n")
    assert rm.suggest_values(io.StringIO(form), columns={
        "Email": "id", "Would you like a reverse mentor?": "role",
        "Office": ["location", "timezone"]}) == {"role": {"Yes": "senior"}}
