"""Weekly availability compared in UTC: an hour-by-hour datetime oracle."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.model.availability import DAYS, PARTS
from rmatch.program.components import SharedTimePoints

ZONES = ["Europe/Lisbon", "Europe/Paris", "Asia/Kolkata", "Asia/Tokyo", "America/New_York",
         "Australia/Adelaide", "UTC"]
SLOTS = [f"{d} {p}" for d in DAYS for p in ("AM", "PM", "evening")] + [
    "Mon 07:30-09:00", "Wed 20:00-23:30", "Sun 00:00-02:00", "Sat 22:00-24:00"]


def _utc_half_hours(slots: set[str], zone: str, day: date) -> set[datetime]:
    """Each half-hour of the slots as a UTC datetime, in the week of ``day``."""
    monday = day - timedelta(days=day.weekday())
    out = set()
    for label in slots:
        name, _, rest = label.partition(" ")
        start_h, end_h = ((PARTS[rest][0], 0), (PARTS[rest][1], 0)) if rest in PARTS else (
            tuple(int(x) for x in rest.split("-")[0].split(":")),
            tuple(int(x) for x in rest.split("-")[1].split(":")))
        base = datetime.combine(monday + timedelta(days=DAYS.index(name)), datetime.min.time())
        t = base + timedelta(hours=start_h[0], minutes=start_h[1])
        end = base + timedelta(hours=end_h[0], minutes=end_h[1])
        offset = datetime.combine(day, datetime.min.time().replace(hour=12),
                                  tzinfo=ZoneInfo(zone)).utcoffset()
        assert offset is not None
        while t < end:
            utc = (t - offset).replace(tzinfo=timezone.utc)
            # The week wraps: bring every half-hour into the same Monday-based week.
            week = (utc.replace(tzinfo=None) - datetime.combine(monday, datetime.min.time()))
            out.add(datetime.combine(monday, datetime.min.time())
                    + timedelta(minutes=(week.total_seconds() // 60) % (7 * 24 * 60)))
            t += timedelta(minutes=30)
    return out


person = st.tuples(st.sets(st.sampled_from(SLOTS), max_size=4),
                   st.none() | st.sampled_from(ZONES))


@settings(max_examples=60, deadline=None)
@given(st.lists(person, min_size=1, max_size=3), st.lists(person, min_size=1, max_size=3),
       st.sampled_from([0.5, 1.0, 2.0, 4.0]))
def test_shared_time_against_half_hours_in_utc(juniors: list[tuple[set[str], str | None]],
                                               seniors: list[tuple[set[str], str | None]],
                                               min_hours: float) -> None:
    js = [rm.Participant(id=f"j{i}", availability=a, timezone=z)
          for i, (a, z) in enumerate(juniors)]
    ss = [rm.Participant(id=f"s{i}", availability=a, timezone=z)
          for i, (a, z) in enumerate(seniors)]
    sm = rm.score(js, ss, rm.Program(constraints=[rm.SharedTime(min_hours=min_hours)],
                                     components=[SharedTimePoints(name="time", hours=2)],
                                     weights={"generation": 0, "skills": 0,
                                              "diversity": 0}))
    for i, (aj, zj) in enumerate(juniors):
        for k, (as_, zs) in enumerate(seniors):
            if not aj or not as_ or zj is None or zs is None:
                assert sm.feasible[i, k]  # unknown: allowed
                assert sm.components["time"][i, k] == 0.0
                continue
            hours = min(len(_utc_half_hours(aj, zj, day) & _utc_half_hours(as_, zs, day)) / 2
                        for day in (date(2026, 1, 15), date(2026, 7, 15)))
            assert bool(sm.feasible[i, k]) is (hours >= min_hours), (aj, zj, as_, zs)
            assert float(sm.components["time"][i, k]) == pytest.approx(min(hours / 2, 1.0))


def test_slots_as_forms_write_them() -> None:
    p = rm.Participant(id="a", availability=["mon am", "Weekdays evening", "thursday 14-16:30"])
    assert {"Mon AM", "Fri evening"} <= p.availability
    assert "Thu 14:00-16:30" in p.availability
    with pytest.raises(ValueError, match="'Someday AM' is not a day and a time"):
        rm.Participant(id="a", availability=["Someday AM"])
    with pytest.raises(ValueError, match="whole or half hours"):
        rm.Participant(id="a", availability=["Mon 14:15-16:00"])
    with pytest.raises(ValueError, match="ends before it starts"):
        rm.Participant(id="a", availability=["Mon 16-14"])
    text = "Email,When are you available?,Time zone\na@x,Mon AM;Wed PM;,(GMT+01:00) Paris\n"
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns["When are you available?"] == "availability"
    people = rm.read_participants(io.StringIO(text), columns=columns)
    assert people[0].availability == {"Mon AM", "Wed PM"}
    # "Which days suit you?" answered with days alone: the working day, AM and PM
    # (was refused: "not a day and a time"). Suggested from the answers too.
    text = "Email,Which days suit you?\na@x,Mon;Wednesday\nb@x,Weekdays\n"
    columns = rm.suggest_columns(io.StringIO(text))
    assert columns["Which days suit you?"] == "availability"
    people = rm.read_participants(io.StringIO(text), columns=columns)
    assert people[0].availability == {"Mon AM", "Mon PM", "Wed AM", "Wed PM"}
    assert people[1].availability == {f"{d} {part}" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")
                                      for part in ("AM", "PM")}


# Each day and part of the day as forms in German, French, Spanish, Portuguese,
# Italian and Dutch write them, most in full and abbreviated.
ABROAD_DAYS = {"Mon": ["Montag", "Mo", "lundi", "Lun", "lunes", "segunda-feira", "lunedì",
                       "maandag"],
               "Wed": ["Mittwoch", "Mi", "mercredi", "mer", "miércoles", "quarta", "mercoledì",
                       "woensdag"],
               "Sat": ["Samstag", "Sa", "samedi", "sábado", "sabato", "zaterdag"]}
ABROAD_PARTS = {"AM": ["Vormittag", "matin", "mañana", "manhã", "mattina", "ochtend"],
                "PM": ["Nachmittag", "après-midi", "tarde", "pomeriggio", "middag"],
                "evening": ["Abend", "soir", "noite", "sera", "avond"]}


@pytest.mark.parametrize("day", sorted(ABROAD_DAYS))
def test_slots_in_other_languages_read_as_the_english_ones(day: str) -> None:
    for word in ABROAD_DAYS[day]:
        for part, words in ABROAD_PARTS.items():
            for said in words:
                got = rm.Participant(id="a", availability=[f"{word} {said}"]).availability
                assert got == {f"{day} {part}"}, (word, said)
        for written in (f"{word} 14h-16h30", f"{word} 14-16:30 Uhr", f"{word} 14h00-16h30"):
            assert rm.Participant(id="a", availability=[written]).availability == {
                f"{day} 14:00-16:30"}


def _twelve_hour(half_hours: int, *, end: bool) -> str:
    """A time of day as a US form writes it: "9am", "2:30pm", "12pm" (noon), "12am"."""
    h, m = divmod(half_hours, 2)
    if end and h == 24:
        return "12am"  # midnight, ending the day
    clock = h % 12 or 12
    return f"{clock}{':30' if m else ''}{'am' if h < 12 else 'pm'}"


@settings(max_examples=200)
@given(st.integers(0, 47), st.integers(1, 48), st.sampled_from(DAYS))
def test_twelve_hour_ranges_read_as_the_24_hour_ones(a: int, b: int, day: str) -> None:
    start, end = min(a, b - 1), max(a + 1, b)
    label = f"{day} {start // 2:02d}:{30 * (start % 2):02d}-{end // 2:02d}:{30 * (end % 2):02d}"
    written = f"{day} {_twelve_hour(start, end=False)}-{_twelve_hour(end, end=True)}"
    assert rm.Participant(id="a", availability=[written]).availability == {label}
    spaced = written.replace("am", " a.m.").replace("pm", " P.M.").replace("-", " to ")
    assert rm.Participant(id="a", availability=[spaced]).availability == {label}


@pytest.mark.parametrize(("written", "read"), [
    ("Wed 2-4pm", "Wed 14:00-16:00"), ("Wed 2pm-4", "Wed 14:00-16:00"),
    ("Wed 11-1pm", "Wed 11:00-13:00"), ("Wed 9-12pm", "Wed 09:00-12:00"),
    ("Wed 9am-12", "Wed 09:00-12:00"), ("Wed 10am-2", "Wed 10:00-14:00"),
    ("Wed 10pm-12", "Wed 22:00-24:00"), ("Wed 12-2pm", "Wed 12:00-14:00"),
    ("Wed 9.30-11", "Wed 09:30-11:00"), ("Wed 9 to 11", "Wed 09:00-11:00"),
    ("Wed 6-2pm", "Wed 06:00-14:00"), ("Wed 4am-2pm", "Wed 04:00-14:00"),
])
def test_a_time_without_its_half_of_the_day_takes_the_others(written: str, read: str) -> None:
    assert rm.Participant(id="a", availability=[written]).availability == {read}


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


@pytest.mark.parametrize(("written", "read"), [
    # Sign-up forms' own words (each was "not a day and a time"), against the
    # documented slots they stand for, written out.
    ("Monday mornings", ["Mon AM"]), ("Wednesday afternoons", ["Wed PM"]),
    ("Tuesdays 2-4pm", ["Tue 14:00-16:00"]), ("Mondays", ["Mon AM", "Mon PM"]),
    ("Tue/Thu PM", ["Tue PM", "Thu PM"]), ("Mon & Wed evening", ["Mon evening", "Wed evening"]),
    ("Mon and Wed", ["Mon AM", "Mon PM", "Wed AM", "Wed PM"]),
    ("mon-fri am", [f"{d} AM" for d in WEEKDAYS]),
    ("Mon to Wed PM", ["Mon PM", "Tue PM", "Wed PM"]),
    ("Mo-Fr Vormittag", [f"{d} AM" for d in WEEKDAYS]),
    ("Mon - Wed", [f"{d} {p}" for d in ("Mon", "Tue", "Wed") for p in ("AM", "PM")]),
    ("evenings", [f"{d} evening" for d in WEEKDAYS]),
    ("mornings", [f"{d} AM" for d in WEEKDAYS]),
    ("Lunchtime Tue", ["Tue 12:00-13:00"]), ("Fri lunch", ["Fri 12:00-13:00"]),
    ("Friday morning (9-12)", ["Fri 09:00-12:00"]),
    ("Weekdays after 5pm", [f"{d} 17:00-20:00" for d in WEEKDAYS]),
    ("Tue after 17:30", ["Tue 17:30-20:00"]), ("Sat after 9pm", ["Sat 21:00-24:00"]),
    ("Any day", [f"{d} {p}" for d in WEEKDAYS for p in ("AM", "PM")]),
    ("Any time", [f"{d} {p}" for d in WEEKDAYS for p in ("AM", "PM", "evening")]),
    ("Flexible", [f"{d} {p}" for d in WEEKDAYS for p in ("AM", "PM", "evening")]),
    # One word that is one day, hyphen and all, stays one day.
    ("segunda-feira tarde", ["Mon PM"]),
])
def test_days_and_times_as_sign_up_forms_write_them(written: str, read: list[str]) -> None:
    assert rm.Participant(id="a", availability=[written]).availability == \
        rm.Participant(id="a", availability=read).availability == set(read)


@pytest.mark.parametrize(("written", "message"), [
    ("Fri-Mon AM", "is not a day and a time"),  # a range round the weekend: two slots
    ("Mon 10:00-10:00", "the range is empty"),
    ("Sun 23:00-01:00", "a slot past midnight is two: e.g. 'Sun 23:00-24:00'"),
    ("Mon 10pm-2", "ends before it starts"),
    ("Mon 13pm-2pm", "12-hour times run from 1 to 12"),
    ("Mon 2:15pm-4pm", "whole or half hours"),
    ("Mon noonish", "a range such as 14:00-16:00 or 2pm-4pm"),
    ("Wed 4-2pm", "4 without am or pm would start at 04:00; write it with am"),
    ("Wed 5:30-1pm", "would start at 05:30"),
])
def test_times_that_cannot_be_read_say_why(written: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rm.Participant(id="a", availability=[written])


def test_a_missing_time_can_forbid() -> None:
    js = [rm.Participant(id="j", availability={"Mon AM"})]  # no time zone: unknown
    ss = [rm.Participant(id="s", availability={"Mon AM"}, timezone="UTC")]
    allow = rm.score(js, ss, rm.Program(constraints=[rm.SharedTime()]))
    forbid = rm.score(js, ss, rm.Program(constraints=[rm.SharedTime(missing="forbid")]))
    assert (bool(allow.feasible[0, 0]), bool(forbid.feasible[0, 0])) == (True, False)
    result = rm.match(js, ss, rm.Program(constraints=[rm.SharedTime(missing="forbid")]))
    assert "SharedTime(min_hours=1.0, missing='forbid')" in result.unmatched_reasons["j"]
    assert np.isfinite(allow.total).all()
