"""Cell values as HR systems write them, turned into participant fields.

Each parser takes one cell (text from a CSV, a Python value from Excel, JSON
or a DataFrame) and returns the field value, or raises ``ValueError`` whose
message an HR analyst can act on ("'L7' is not a number: give a level_map").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from rmatch.io.proficiency import level_word, split_level
from rmatch.model.participant import fold  # one folding for every label (re-exported)

__all__ = [
    "NOT_A_NUMBER",
    "fold",
    "gives_no_group",
    "gives_no_items",
    "is_formula_error",
    "is_missing",
    "parse_birth_year",
    "parse_count",
    "parse_level",
    "parse_list",
    "parse_map",
    "parse_text",
    "trim",
]

NOT_A_NUMBER = ("is not a number; give a level_map that turns grade names into numbers "
                "(higher is more senior)")
"""What a level cell that is a grade name, with no ``level_map``, is told (after its grade)."""

# Cells rmatch's writer escaped: a spreadsheet would run them as a formula.
# Only these lose the leading apostrophe on reading, so real data such as
# 's-Hertogenbosch keeps it.
_ESCAPED = re.compile(r"^'[=+\-@\t\r']")
_WHOLE = re.compile(r"^[+-]?\d+(?:\.0*)?$", re.ASCII)  # ASCII digits only: '١٩٩٩' is no year
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
# A month and a year alone ("05/1961", "1961-05"): the year is all a birth year needs.
_MONTH_YEAR = re.compile(r"^(?:(\d{1,2})[/.\-](\d{4})|(\d{4})[/.\-](\d{1,2}))$")
# A time after a date, as spreadsheets export date cells ("03.05.1961 00:00").
# A time after the date: "00:00", "00:00:00.000", "12:00 AM" (a spreadsheet's CSV of a date).
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?$")
_LATEST_BIRTH_YEAR = 2015
_SHORT_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$")
_LATEST_ADULT_YEAR = 2008
"""A two-digit year is the latest year up to this one (an adult in 2026): '99' is 1999,
'05' is 2005, '12' is 1912. A constant, not today's date, so reading is deterministic."""
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$", re.ASCII)
_MONTH_WORD = re.compile(r"[^\W\d_]{3,}")


# What a spreadsheet shows where the formula that made a cell failed ('#N/A':
# a lookup found nothing): never a value.
_FORMULA_ERRORS = frozenset({"#n/a", "#ref!", "#value!", "#div/0!", "#name?", "#null!",
                             "#num!", "#spill!", "#calc!", "#field!", "#blocked!",
                             "#connect!", "#getting_data", "#unknown!", "#busy!", "#python!"})
# A department, a location or an attribute groups people; these answers give
# none ("None" does: no religion, no disability, is an answer).
_NO_GROUP = frozenset({"n/a", "na", "-", "--", "—", "?", "unknown", "tbd", "tbc",
                       "not applicable", "not specified", "not disclosed", "undisclosed",
                       "prefer not to say", "prefer not to answer", "rather not say",
                       "declined to answer", "declined", "no answer", "(blank)",
                       *_FORMULA_ERRORS})
# In a list (languages, skills, wishes) "None" is no item, not an item named none;
# neither is a form's "No preference" or "Anyone" under "First choice of mentor".
_NO_ITEMS = _NO_GROUP | {"none", "nothing", "nil", "no preference", "no preferences",
                         "no pref", "any", "anyone", "anybody", "no one in particular",
                         "don't mind", "don’t mind", "do not mind", "happy with anyone",
                         "open to anyone"}


@lru_cache(maxsize=1 << 16)  # asked of every cell; a column's cells repeat
def is_formula_error(text: str) -> bool:
    """Tell whether a cell holds a spreadsheet's error ('#N/A', '#REF!'): a formula that failed.

    Examples
    --------
    >>> is_formula_error("#N/A"), is_formula_error(" #ref! "), is_formula_error("N/A")
    (True, True, False)
    """
    return fold(text) in _FORMULA_ERRORS


@lru_cache(maxsize=1 << 16)  # asked of every cell; a column's cells repeat
def gives_no_items(text: str) -> bool:
    """Tell whether a list's answer names no item ("None", "N/A", "#N/A"), any case.

    Examples
    --------
    >>> gives_no_items("None"), gives_no_items("n/a"), gives_no_items("English")
    (True, True, False)
    """
    return fold(text) in _NO_ITEMS


@lru_cache(maxsize=1 << 16)  # asked of every cell; a column's cells repeat
def gives_no_group(text: str) -> bool:
    """Tell whether an answer names no group ("N/A", "Prefer not to say"), any case.

    Examples
    --------
    >>> gives_no_group(" Prefer not to  say"), gives_no_group("None"), gives_no_group("Sales")
    (True, False, False)
    """
    return fold(text) in _NO_GROUP


def is_missing(value: Any) -> bool:
    """Blank, ``None`` or NaN (pandas' NA and NaT included): the cell gives nothing.

    Examples
    --------
    >>> [is_missing(v) for v in (None, "  ", float("nan"), 0, "x")]
    [True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NA and pandas.NaT, without importing pandas
    return type(value).__name__ in ("NAType", "NaTType")


def counts_responses(cells: Sequence[str]) -> bool:
    """Tell whether a column's cells count 1, 2, 3, ... in order: a form's response number.

    Such a column is no participant's id and no rating, whatever its header.

    Examples
    --------
    >>> counts_responses(["1", "2", "3.0"]), counts_responses(["1", "3"]), counts_responses([])
    (True, False, False)
    """
    return bool(cells) and [c.removesuffix(".0") for c in cells] == [
        str(n) for n in range(1, len(cells) + 1)]


def parse_text(value: Any) -> str:
    """Return a cell as text: whole numbers without ``.0``, escapes undone.

    Examples
    --------
    >>> parse_text(1234.0), parse_text("'=1+1"), parse_text("'s-Hertogenbosch")
    ('1234', '=1+1', "'s-Hertogenbosch")
    """
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        raise ValueError(f"expected text, not a {type(value).__name__}")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps ids such as 1234 as floats
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat()
    text = trim(str(value))
    return text[1:] if _ESCAPED.match(text) else text


# Invisible characters a copy from a web page or a chat leaves at a cell's ends
# (zero-width space, word joiner, a byte-order mark): an id 'E1' followed by one
# was refused, and a manager 'E1' then named no one, with nothing to see.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def trim(text: str) -> str:
    """Strip spaces and invisible characters (a zero-width space, a BOM) from both ends.

    Examples
    --------
    >>> trim("\ufeffE1\u200b "), trim(" Ana Lima ")
    ('E1', 'Ana Lima')
    """
    text = text.strip()
    if text and (text[0] in _INVISIBLE or text[-1] in _INVISIBLE):  # rare: most cells one strip
        return text.strip(_INVISIBLE).strip()
    return text


def parse_count(value: Any) -> int:
    """Read a whole number of ASCII digits (``1999.0`` as spreadsheets save it).

    Examples
    --------
    >>> parse_count("3"), parse_count(2.0), parse_count("2,0")
    (3, 2, 2)
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is true/false, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    text = parse_text(value)
    if _DECIMAL_COMMA.match(text):
        whole, decimals = text.split(",")
        if len(decimals) == 3:  # "2,000": a thousands separator or a decimal comma?
            raise ValueError(f"{text!r} is ambiguous (2,000 or 2.000?): write {whole}"
                             f"{decimals} or {whole}")
        if decimals.strip("0"):
            raise ValueError(f"{text!r} is not a whole number")
        text = whole  # "2,0": a decimal comma, as European spreadsheets write it
    if not _WHOLE.match(text):
        if _NUMBER.match(text):
            raise ValueError(f"{text!r} is not a whole number")
        raise ValueError(f"{text!r} is not a number")
    digits = text.split(".")[0]
    if len(digits.lstrip("+-")) > 12:
        raise ValueError(f"{text!r} is too large")
    return int(digits)


def parse_birth_year(value: Any, date_format: str | None) -> int:
    """Read a birth year from a year or a date of birth.

    Messages never repeat the date (a date of birth is personal data). A
    date whose year has four digits (``14/02/1962``, ``1962-02-14``,
    ``02.14.1962``) gives that year whatever the order of day and month, so it
    needs no ``date_format``; the day and month must still make a date in one
    order. A date ending in a two-digit year (``14/02/62``, ``03.05.99``)
    reads as the latest year up to 2008 that ends so (an adult in 2026). Dates
    with month names (``Feb 14, 1962``, ``14 February 1962``, and in German,
    French, Spanish, Portuguese, Italian and Dutch: ``3. März 1962``, ``3 de
    abril de 1962``) give the year they name, read by dateutil's parser; and
    so do ``1962年4月3日`` and ``1962년 4월 3일``. Eight digits are a date
    written YYYYMMDD (``19620214``, as SAP and Oracle export dates), and a
    time after a date is left out (``2/14/1962 12:00:00 AM``). With
    ``date_format``, every text date must match it.

    Examples
    --------
    >>> parse_birth_year("14/02/1962", None), parse_birth_year("1999", None)
    (1962, 1999)
    >>> parse_birth_year("14/02/62", None), parse_birth_year("03.05.99", "%d.%m.%Y")
    (1962, 1999)
    >>> parse_birth_year("Feb 14, 1962", None), parse_birth_year("19620214", None)
    (1962, 1962)
    >>> parse_birth_year("3 de abril de 1962", None), parse_birth_year("1962年4月3日", None)
    (1962, 1962)
    """
    if isinstance(value, (datetime, date)):
        return value.year
    text = "" if isinstance(value, (bool, float, int)) else parse_text(value)
    if not isinstance(value, str) or _WHOLE.match(text):
        try:
            year = parse_count(value)
        except ValueError:
            raise ValueError("not a whole year") from None
        # Said without the value: a date of birth is personal data.
        if 0 < year <= 120:
            raise ValueError("a small number, not a year of birth (an age?): give the year "
                             "or the date of birth")
        if 3_000 <= year <= 60_000:  # Excel's day numbers for 1908 to 2064
            raise ValueError("a number too large for a year: a date a spreadsheet saved as "
                             "its day number? format the column as a date and export it "
                             "again")
        if 10**7 <= year < 10**8:  # SAP's and Oracle's dates: YYYYMMDD as digits
            _check_day_month([(year % 100, year // 100 % 100)], text, year // 10**4)
            return year // 10**4
        if year > 60_000:
            raise ValueError("a number too large for a year (a date written as digits is "
                             "read as YYYYMMDD)")
        return year
    text = _TIME.sub("", text) if not _ISO_DATE.match(text) else text
    short = _SHORT_YEAR.match(text)
    if short:
        # A two-digit year is read the same with or without date_format: a
        # format for the other 99 dates must not break the one short one.
        year = _short_year(int(short.group(3)))
        a, b = int(short.group(1)), int(short.group(2))
        _check_day_month([(a, b), (b, a)], text, year)
        return year
    if date_format is not None:
        try:
            year = datetime.strptime(text, date_format).year
        except ValueError:
            raise ValueError(f"the date does not match date_format {date_format!r}") from None
        # strptime reads '62' as 2062. A fixed pivot, not today's date, keeps
        # reading deterministic: nobody in a workforce was born after 2015.
        return year - 100 if year > _LATEST_BIRTH_YEAR else year
    iso = _ISO_DATE.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        _check_day_month([(day, month)], text, year)
        return year
    for pattern, order in ((_YEAR_LAST, "dmy"), (_YEAR_FIRST, "ymd")):
        found = pattern.match(text)
        if found:
            parts = [int(g) for g in found.groups()]
            year = parts[2] if order == "dmy" else parts[0]
            a, b = (parts[0], parts[1]) if order == "dmy" else (parts[2], parts[1])
            _check_day_month([(a, b), (b, a)], text, year)
            return year
    month_year = _MONTH_YEAR.match(text)
    if month_year:
        month, year = (int(month_year.group(1) or month_year.group(4)),
                       int(month_year.group(2) or month_year.group(3)))
        _check_day_month([(1, month)], text, year)
        return year
    cjk = _CJK_DATE.match(text)
    if cjk:  # 1968年4月3日, 1968년 4월 3일
        year, month, day = (int(g) for g in cjk.groups())
        _check_day_month([(day, month)], text, year)
        return year
    if _MONTH_WORD.search(text):
        year = _worded_date(_in_english(text))
        # dateutil reads "03-May-61" as 2061: a two-digit year takes the same
        # pivot as "03.05.61" does.
        return year if re.search(r"\d{4}", text) else _short_year(year % 100)
    raise ValueError("neither a year nor a date (such as 1962 or 1962-02-14); give "
                     "date_format (e.g. '%d %B %Y') for other date styles")


_CJK_DATE = re.compile(r"^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?$")
# Month names and abbreviations in German, French, Spanish, Portuguese, Italian and
# Dutch, to the English ones dateutil reads ("3 avril 1968", "3. März 1968").
_MONTHS = {
    "January": "januar jänner janvier janv enero ene janeiro gennaio gen januari",
    "February": "februar feber février fevrier févr fevr febrero fevereiro fev febbraio "
                "februari",
    "March": "märz maerz mrz mär mars marzo março marco maart mrt",
    "April": "avril avr abril abr aprile",
    "May": "mai mayo maio maggio mag mei",
    "June": "juni juin junio junho giugno giu",
    "July": "juli juillet juil julio julho luglio lug",
    "August": "août aout agosto ago augustus",
    "September": "septembre septiembre setiembre setembro settembre set",
    "October": "oktober okt octobre octubre outubro out ottobre ott",
    "November": "novembre noviembre novembro",
    "December": "dezember dez décembre déc diciembre dic dezembro dicembre",
}
_MONTH_NAMES = {w: month for month, words in _MONTHS.items() for w in words.split()}
_FILLER = frozenset({"de", "del", "di", "der", "den", "le", "el", "of", "du", "van"})


def _in_english(text: str) -> str:
    """Return a date written with another language's month name as an English one.

    "3 de abril de 1968" -> "3 April 1968", "3. März 1968" -> "3 March 1968",
    "1er avril 1968" -> "1 April 1968"; other text as it is.
    """
    words = re.findall(r"[^\W\d_]+\.?|\d+(?:er|ème|eme|e|º|°)?\.?|[^\w\s]", text)
    out = []
    for word in words:
        bare = word.rstrip(".").casefold()
        if bare in _FILLER:
            continue
        if bare in _MONTH_NAMES:
            out.append(_MONTH_NAMES[bare])
        elif re.fullmatch(r"\d+(?:er|ème|eme|e|º|°)?\.?", word):
            out.append(re.sub(r"\D", "", word))
        else:
            out.append(word)
    return " ".join(out)


def _short_year(yy: int) -> int:
    """Return the latest year up to :data:`_LATEST_ADULT_YEAR` that ends in ``yy``."""
    year = 2000 + yy
    return year if year <= _LATEST_ADULT_YEAR else year - 100


def _worded_date(text: str) -> int:
    """Read the year of a date written with a month name, through dateutil's parser."""
    from dateutil import parser

    # Two defaults that differ in every part: a part the text does not give
    # shows up as a difference, so "February" alone is no date of birth.
    try:
        one = parser.parse(text, default=datetime(1901, 1, 1), dayfirst=True)
        two = parser.parse(text, default=datetime(1902, 2, 2), dayfirst=True)
    except (ValueError, OverflowError):
        raise ValueError("neither a year nor a date that can be read; give date_format "
                         "(e.g. '%d %B %Y')") from None
    if one.year != two.year:
        raise ValueError("the date gives no year")
    return one.year


def _check_day_month(orders: list[tuple[int, int]], text: str, year: int) -> None:
    for day, month in orders:
        try:
            date(year, month, day)
        except ValueError:
            continue
        return
    raise ValueError("not a valid date (no such day or month)")


def parse_level(value: Any, level_map: Mapping[str, int] | None) -> int:
    """Read a level from a number or, through ``level_map``, a grade name (any case).

    Examples
    --------
    >>> parse_level("7", None), parse_level("director", {"Director": 9})
    (7, 9)
    """
    if level_map:
        folded = {fold(k): v for k, v in level_map.items()}
        key = fold(parse_text(value))
        if key in folded:
            return folded[key]
    try:
        return parse_count(value)
    except ValueError:
        text = parse_text(value)
        if level_map:
            raise ValueError(f"grade {text!r} is not in level_map (which has "
                             f"{', '.join(repr(k) for k in list(level_map)[:8])}"
                             f"{', ...' if len(level_map) > 8 else ''})") from None
        raise ValueError(f"grade {text!r} {NOT_A_NUMBER}") from None


def parse_list(value: Any, *, slash: bool = False, only: str | None = None) -> list[str]:
    r"""Items of a list cell: split on ``;``, else ``|``, else ``,`` (and ``/`` if asked).

    A cell holding ``;`` is split on ``;`` alone, which is how rmatch writes
    lists, so an item may itself hold a comma; ``only=";"`` splits on ``;``
    alone even when the cell holds none (its column uses ``;`` elsewhere, as
    Microsoft Forms writes ticked options). Empty items (a trailing ``;``)
    are dropped.

    Examples
    --------
    >>> parse_list("ES, EN"), parse_list("a,b;"), parse_list("English/French", slash=True)
    (['ES', 'EN'], ['a,b'], ['English', 'French'])
    >>> parse_list("Podcasts, newsletters", only=";")
    ['Podcasts, newsletters']
    >>> parse_list("English, French/B2", slash=True), parse_list("English (UK/US)", slash=True)
    (['English', 'French', 'B2'], ['English (UK/US)'])
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [parse_text(v) for v in value if not is_missing(v)]
        return [i for i in items if i]
    text = parse_text(value)
    items = [text] if text else []
    for sep in (only,) if only else (";", "|", ","):
        if sep in text:
            items = [t for t in map(trim, text.split(sep)) if t]
            break
    if slash and not only:  # "English, French/B2": a slash in an item too, not in brackets
        items = [t for item in items for t in map(trim, _SLASH.split(item)) if t]
    return items


_SLASH = re.compile(r"/(?![^()]*\))")  # a slash outside brackets: "English (UK/US)" is one


# In a map cell a comma separates items only when no digit follows it, so
# that the decimal comma of European spreadsheets (genai:0,8) stays a number.
_MAP_COMMA = re.compile(r",(?!\d)")


def parse_map(value: Any, *, numeric: bool, only: str | None = None) -> dict[str, Any]:
    """Items ``key:value`` of a map cell; for skills and goals a bare name means 1.

    Numbers may use a decimal comma (``0,8``) or be percentages (``80%``) or
    ratings (``4/5``); a proficiency word gives its level (``SQL: expert``,
    ``Python (advanced)``: :mod:`rmatch.io.proficiency`).
    ``only=";"``: items are separated by ``;`` alone (see :func:`parse_list`).

    Examples
    --------
    >>> parse_map("GenAI:0,8; cloud:80%", numeric=True)
    {'GenAI': 0.8, 'cloud': 0.8}
    >>> parse_map("Python, SQL", numeric=True)
    {'Python': 1.0, 'SQL': 1.0}
    >>> parse_map("Python (advanced); Excel (basic); SQL: 4/5", numeric=True)
    {'Python': 0.75, 'Excel': 0.25, 'SQL': 0.8}
    """
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (list, tuple, set, frozenset)) and numeric:
        return dict.fromkeys(parse_list(value), 1.0)
    text = parse_text(value)
    if only or ";" in text or "|" in text:
        items = parse_list(text, only=only)
    else:
        items = [s.strip() for s in _MAP_COMMA.split(text) if s.strip()]
    out: dict[str, Any] = {}
    for n, item in enumerate(items, start=1):
        # "Python (advanced)", "Excel (4/5)": a form's level beside the skill.
        bracketed = split_level(item) if numeric and ":" not in item else None
        key, sep, raw = (bracketed[0], ":", bracketed[1]) if bracketed else item.partition(":")
        key, raw = key.strip(), raw.strip()
        # Attribute values may be sensitive: name the item by position, not by its text.
        shown = repr(item) if numeric else f"{n} ({'key' if sep else 'no key'})"
        if not sep:
            if not numeric:
                raise ValueError(f"item {shown} is not key:value")
            raw = "1"
        if not key:
            raise ValueError(f"item {shown} has no name before ':'")
        if key in out:
            raise ValueError(f"{key!r} is given twice")
        out[key] = _unit_number(raw, key) if numeric else raw
    return out


def _unit_number(raw: str, key: str) -> float:
    percent = raw.endswith("%")
    text = raw.removesuffix("%").strip().replace(",", ".")
    if not _NUMBER.match(text):
        level = level_word(raw)  # "expert", "4/5"
        if level is None:
            raise ValueError(f"{key!r} has value {raw!r}, not a number nor a level word "
                             "(beginner, intermediate, advanced, expert) or a rating (4/5)")
        return level
    number = float(text)
    if number > 1 and not percent:  # a 1-5 rating, most likely: said, never guessed
        raise ValueError(f"{key!r} has value {raw!r}, above 1: a level is from 0 to 1 (a "
                         "rating of 4 on a scale of 1 to 5 is 4/5, or 80%)")
    return number / 100 if percent else number
