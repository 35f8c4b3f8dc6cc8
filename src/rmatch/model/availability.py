"""Weekly availability as sign-up forms ask for it: "Mon AM", "Wed PM", "Thu 14:00-16:00".

Slots are in the person's own time zone; comparing two people's slots means
moving both to UTC first (:func:`utc_grid`). A week is a grid of 336
half-hours (7 days x 48), so a pair's shared time is one matrix product of
two such grids.

Parts of the day, as documented hours: ``AM`` (or ``morning``) 09:00-12:00,
``PM`` (or ``afternoon``) 13:00-17:00, ``evening`` 17:00-20:00; a day alone
(``Mon``, ``Wednesday``: a form's "Which days suit you?") is its working day,
AM and PM. ``Weekdays`` stands for Monday to Friday. Forms' own words read
too: days in the plural (``Mondays``), lists and ranges of days (``Tue/Thu
PM``, ``Mon & Wed``, ``Mon-Fri AM``, ``Mon to Wed``), ``lunchtime``
(12:00-13:00), ``after 5pm`` (until 20:00, the evening's end; until midnight
from 20:00), a part with its hours (``morning (9-12)``: the hours), a part
alone (``evenings``: each weekday's) or before its day (``lunchtime Tue``),
``any day`` (the working week, AM and PM), and ``any time`` or
``flexible`` (each weekday's AM, PM and evening). Days and
parts of the day are also read in German, French, Spanish, Portuguese,
Italian and Dutch (``Montag Vormittag``,
``mercredi après-midi``, ``Jeu 14h-16h30``, ``Di 14-16 Uhr``). Ranges are
whole or half hours on the 24-hour clock (``14:00-16:30``, ``9.30-11``) or
the 12-hour one (``2pm-4pm``, ``2-4 p.m.``, ``11-1pm`` for 11:00-13:00,
``10pm-12am`` ending at midnight; a bare start that would fall before 06:00,
as in ``4-2pm``, is refused).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

__all__ = ["DAYS", "GRID_COLUMN", "PARTS", "SLOTS_PER_WEEK", "grid_label", "normalise_slots",
           "slot_grid", "utc_grid"]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PARTS = {"AM": (9, 12), "PM": (13, 17), "evening": (17, 20)}
"""Documented hours of each part of the day (start, end), local time."""
SLOTS_PER_WEEK = 7 * 48

_DAY_WORDS = {**{d.casefold(): (k,) for k, d in enumerate(DAYS)},
              **{name: (k,) for k, name in enumerate(
                  ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                   "sunday"))},
              "weekdays": (0, 1, 2, 3, 4), "weekday": (0, 1, 2, 3, 4)}
# The days in German, French, Spanish, Portuguese, Italian and Dutch, with the
# abbreviations their forms use (each abbreviation means the same day in all).
_ABROAD_DAYS = (
    "montag mo lundi lun lunes segunda segunda-feira seg lunedì lunedi maandag ma",
    "dienstag di mardi mar martes terça terca terça-feira terca-feira ter martedì martedi "
    "dinsdag",
    "mittwoch mi mercredi mer miércoles miercoles mié mie quarta quarta-feira qua mercoledì "
    "mercoledi woensdag wo",
    "donnerstag do jeudi jeu jueves jue quinta quinta-feira qui giovedì giovedi gio donderdag",
    "freitag fr vendredi ven viernes vie sexta sexta-feira sex venerdì venerdi vrijdag vr",
    "samstag sa samedi sam sábado sabado sáb sab sabato zaterdag za",
    "sonntag so dimanche dim domingo dom domenica zondag zo")
_DAY_WORDS.update({w: (k,) for k, words in enumerate(_ABROAD_DAYS) for w in words.split()})
_DAY_WORDS.update(dict.fromkeys(("werktags", "wochentags", "semaine"), (0, 1, 2, 3, 4)))
_PART_WORDS = {"am": "AM", "morning": "AM", "pm": "PM", "afternoon": "PM",
               "evening": "evening",
               **dict.fromkeys(("vormittag", "vormittags", "morgens", "matin", "matinée",
                                "mañana", "manana", "manhã", "manha", "mattina", "mattino",
                                "ochtend", "'s ochtends"), "AM"),
               **dict.fromkeys(("nachmittag", "nachmittags", "après-midi", "apres-midi",
                                "tarde", "pomeriggio", "middag", "'s middags"), "PM"),
               **dict.fromkeys(("abend", "abends", "soir", "soirée", "soiree", "noche",
                                "noite", "sera", "avond", "'s avonds"), "evening")}
# "14:00-16:30", "9.30-11", French "14h-16h30", and the 12-hour clock of US forms:
# "2pm-4pm", "2-4 p.m.".
_TIME = r"(\d{1,2})(?:[:.h](\d{2})|h)?\s*([ap]\.?m\.?)?"
_UHR = re.compile(r"\s*uhr$", re.IGNORECASE)  # German "14-16 Uhr"
_RANGE = re.compile(rf"^{_TIME}\s*(?:[-–]|to)\s*{_TIME}$", re.IGNORECASE)


_OTHER_HALF = {"a": "pm", "p": "am"}


def _half_hour(hours: str, minutes: str | None, half: str | None, text: str, *,
               end: bool = False) -> int:
    """Return the half-hours from midnight of one time (``half``: its "am"/"pm", if any)."""
    h, m = int(hours), int(minutes or 0)
    if half is not None:
        if not 1 <= h <= 12:
            raise ValueError(f"slot {text!r}: 12-hour times run from 1 to 12 (am or pm)")
        # 12am is midnight (the day's end when a range ends there), 12pm noon.
        h = h % 12 + (12 if half.casefold().startswith("p") else 0)
        if end and h == 0 and m == 0:
            h = 24
    if m not in (0, 30) or not 0 <= h <= 24 or (h == 24 and m):
        raise ValueError(f"slot {text!r}: times are whole or half hours from 00:00 to 24:00")
    return 2 * h + m // 30


def _range(found: re.Match[str], text: str) -> tuple[int, int]:
    """Return the (start, end) half-hours of a time range as written."""
    h1, m1, half1, h2, m2, half2 = found.groups()
    # "2-4pm", "2pm-4": the bare time shares the other's half of the day,
    # or takes the other half when that would put the range backwards
    # ("11-1pm" is 11:00-13:00, "9am-12" 09:00-12:00, "10pm-12" 22:00-24:00).
    if half1 is None and half2 is not None:
        end = _half_hour(h2, m2, half2, text, end=True)
        start = _half_hour(h1, m1, half2, text)
        if start >= end:
            start = _half_hour(h1, m1, _OTHER_HALF[half2[0].casefold()], text)
            # "4-2pm" would start at 04:00, ten hours before its end: more
            # likely a slip ("4-6pm", "12-2pm") than a night owl's slot. Said,
            # never guessed (an hour before 06:00 with no am is not read).
            if start < 12:
                raise ValueError(f"slot {text!r}: {h1} without am or pm would start at "
                                 f"{start // 2:02d}:{30 * (start % 2):02d}; write it with am "
                                 "if you mean that")
    elif half2 is None and half1 is not None:
        start = _half_hour(h1, m1, half1, text)
        end = _half_hour(h2, m2, half1, text)
        if end <= start:
            end = _half_hour(h2, m2, _OTHER_HALF[half1[0].casefold()], text, end=True)
    else:
        start = _half_hour(h1, m1, half1, text)
        end = _half_hour(h2, m2, half2, text, end=True)
    if end == start:
        raise ValueError(f"slot {text!r}: the range is empty")
    if end < start:
        raise ValueError(f"slot {text!r}: the range ends before it starts (a slot past "
                         "midnight is two: e.g. 'Sun 23:00-24:00' and 'Mon 00:00-01:00')")
    return start, end


_JOINERS = frozenset({"and", "&", "/", "+", "-", "–", "to"})
_ANY_TIME = frozenset({"any time", "anytime", "flexible", "whenever"})
_AFTER = re.compile(rf"^after\s+{_TIME}$", re.IGNORECASE)
_BRACKETED = re.compile(r"^(\S+)\s*\((.+)\)$")  # "morning (9-12)": the range says more
_LUNCH = frozenset({"lunch", "lunchtime", "noon", "midday"})


def _day(word: str) -> tuple[int, ...] | None:
    """Return the days a word names: "Mon", "Mondays", "weekdays", "Montag" (None: none)."""
    folded = word.casefold()
    if folded in _DAY_WORDS:
        return _DAY_WORDS[folded]
    return _DAY_WORDS.get(folded[:-1]) if folded.endswith("s") and len(folded) > 4 else None


def _days_of(word: str) -> tuple[int, ...] | None:
    """Return the days one word names, as a list or range too: "Tue/Thu", "Mon-Fri"."""
    if (named := _day(word)) is not None:  # "segunda-feira" is one day
        return named
    if (span := re.fullmatch(r"(.+?)[-–](.+)", word)) is not None:
        first, last = _day(span.group(1)), _day(span.group(2))
        if first and last and len(first) == len(last) == 1 and first[0] < last[0]:
            return tuple(range(first[0], last[0] + 1))
    pieces = re.split(r"[/&+]", word)
    listed = [_day(p) for p in pieces]
    if len(pieces) > 1 and all(listed):
        return tuple(d for named in listed if named for d in named)
    return None


def _part(words: str) -> str:
    """Return a time as forms write it in the words the parser reads.

    "mornings" is "morning", "lunchtime" 12:00-13:00, "after 5pm" until the
    end of the evening (20:00; midnight from 20:00), "morning (9-12)" its
    range.
    """
    folded = words.casefold()
    if folded in _LUNCH:
        return "12:00-13:00"
    if folded.endswith("s") and folded[:-1] in _PART_WORDS:
        return folded[:-1]
    bracketed = _BRACKETED.match(words)
    if bracketed and bracketed.group(1).casefold().removesuffix("s") in _PART_WORDS:
        return bracketed.group(2).strip()
    if (after := _AFTER.match(words)) is not None:
        hours, minutes, half = after.groups()
        start = _half_hour(hours, minutes, half, words)
        end = 40 if start < 40 else 48
        return f"{start // 2:02d}:{30 * (start % 2):02d}-{end // 2:02d}:00"
    return words


GRID_COLUMN = re.compile(r"(.*?\S)?\s*\[([^\[\]]+)\]\s*")
"""A column of a form's grid question (fullmatch): the question, and its row ("[Monday]")."""


def grid_label(header: str) -> str | None:
    """Return the row of a form's grid question about time its column is ("[Monday]").

    Google Forms writes a grid question a column per row, "When are you free?
    [Monday]", each cell the columns ticked ("Morning, Afternoon"): the day is
    in the header, and each answer is a slot only with it. None when the
    bracket names no day and no part of a day (or there is none).

    Examples
    --------
    >>> grid_label("When are you free? [Monday]"), grid_label("Free slots [Evening]")
    ('Monday', 'Evening')
    >>> grid_label("Languages [optional]"), grid_label("When are you free?")
    (None, None)
    """
    found = GRID_COLUMN.fullmatch(header)
    if found is None:
        return None
    label = found.group(2).strip()
    words = label.casefold().split()
    if any(_days_of(w) for w in words) or any(w.removesuffix("s") in _PART_WORDS
                                                or w in _LUNCH for w in words):
        return label
    return None


def _days_and_time(text: str) -> tuple[tuple[int, ...], str]:
    """Split a slot into its days and its time as written (no days: ``()``).

    The days may be a list or a range ("Tue/Thu PM", "Mon & Wed", "Mon-Fri
    AM", "Mon to Wed", "Tuesdays 2-4pm"); a part of the day alone
    ("evenings") or first ("lunchtime Tue") is read for the weekdays or that
    day; "any day" is the working week.
    """
    if text.casefold() == "any day":
        return _DAY_WORDS["weekdays"], ""
    words = text.split(" ")
    days: list[int] = []
    k = 0
    while k < len(words):
        joiner = words[k].casefold()
        if days and joiner in _JOINERS and k + 1 < len(words) \
                and (more := _days_of(words[k + 1])) is not None:
            span = joiner in ("-", "–", "to") and len(more) == 1 and days[-1] < more[0]
            days += range(days[-1] + 1, more[0] + 1) if span else more
            k += 2
        elif (named := _days_of(words[k])) is not None:
            days += named
            k += 1
        else:
            break
    rest = " ".join(words[k:])
    if days:
        return tuple(dict.fromkeys(days)), _part(rest) if rest else ""
    # "evenings", "lunchtime Tue": a part of the day alone, or before its day.
    first, _, then = text.partition(" ")
    timed = _part(first)
    if timed != first or first.casefold() in _PART_WORDS:
        named = _days_of(then) if then else _DAY_WORDS["weekdays"]
        if named is not None:
            return named, timed
    return (), text


def normalise_slots(values: Iterable[str]) -> frozenset[str]:
    """Return the canonical labels of slots as people write them (one day each).

    Examples
    --------
    >>> sorted(normalise_slots(["mon am", "Weekdays evening", "thursday 14-16:30"]))[:3]
    ['Fri evening', 'Mon AM', 'Mon evening']
    >>> sorted(normalise_slots(["Thu 14-16:30", "Fri 2-4:30 p.m.", "Sat 9.30-11am"]))
    ['Fri 14:00-16:30', 'Sat 09:30-11:00', 'Thu 14:00-16:30']
    >>> sorted(normalise_slots(["Montag Vormittag", "mer après-midi", "Jeu 14h-16h30"]))
    ['Mon AM', 'Thu 14:00-16:30', 'Wed PM']
    >>> sorted(normalise_slots(["Monday", "Wed"]))
    ['Mon AM', 'Mon PM', 'Wed AM', 'Wed PM']
    """
    out: set[str] = set()
    for raw in values:
        text = " ".join(str(raw).split())
        if not text:
            continue
        if text.casefold() in _ANY_TIME:  # each weekday's parts: AM, PM and evening
            out.update(f"{day} {part}" for day in DAYS[:5] for part in PARTS)
            continue
        days, rest = _days_and_time(text)
        if days and not rest:  # "Which days suit you?": the working day
            out.update(f"{DAYS[d]} {part}" for d in days for part in ("AM", "PM"))
            continue
        if not days:
            raise ValueError(f"slot {text!r} is not a day and a time: write e.g. 'Mon AM', "
                             "'Wed PM', 'Fri evening' or 'Thu 14:00-16:00'")
        part = _PART_WORDS.get(rest.casefold())
        if part is not None:
            out.update(f"{DAYS[d]} {part}" for d in days)
            continue
        found = _RANGE.match(_UHR.sub("", rest))
        if found is None:
            raise ValueError(f"slot {text!r}: the time is AM, PM, evening or a range such as "
                             "14:00-16:00 or 2pm-4pm")
        start, end = _range(found, text)
        label = f"{start // 2:02d}:{30 * (start % 2):02d}-{end // 2:02d}:{30 * (end % 2):02d}"
        out.update(f"{DAYS[d]} {label}" for d in days)
    return frozenset(out)


@lru_cache(maxsize=4096)
def _label_cells(label: str) -> tuple[int, int]:
    """(first, last + 1) half-hour of the week a canonical label covers."""
    day, _, rest = label.partition(" ")
    base = 48 * DAYS.index(day)
    if rest in PARTS:
        start, end = PARTS[rest]
        return base + 2 * start, base + 2 * end
    a, b = rest.split("-")
    return (base + 2 * int(a[:2]) + int(a[3:]) // 30, base + 2 * int(b[:2]) + int(b[3:]) // 30)


def slot_grid(slots: Iterable[str]) -> npt.NDArray[np.bool_]:
    """Return the local week grid (336 half-hours, Monday 00:00 first) of canonical slots.

    Examples
    --------
    >>> int(slot_grid(["Mon AM"]).sum()) // 2  # three hours
    3
    """
    grid = np.zeros(SLOTS_PER_WEEK, dtype=np.bool_)
    for label in slots:
        start, end = _label_cells(label)
        grid[start:end] = True
    return grid


def utc_grid(slots: Iterable[str], zone: str, day: date) -> npt.NDArray[np.bool_]:
    """Move a local week grid to UTC by the zone's offset on ``day`` (whole half-hours).

    Examples
    --------
    >>> lisbon = utc_grid(["Mon AM"], "Europe/Lisbon", date(2026, 1, 15))
    >>> tokyo = utc_grid(["Mon PM"], "Asia/Tokyo", date(2026, 1, 15))
    >>> int((lisbon & tokyo).sum())  # 09:00 in Lisbon is 18:00 in Tokyo: no overlap
    0
    """
    offset = datetime.combine(day, time(12), tzinfo=ZoneInfo(zone)).utcoffset()
    halves = 0 if offset is None else round(offset.total_seconds() / 1800)
    # Local = UTC + offset, so a local slot sits ``offset`` earlier in UTC;
    # the week wraps around (Monday 01:00 in Tokyo is Sunday in UTC).
    return np.roll(slot_grid(slots), -halves)
