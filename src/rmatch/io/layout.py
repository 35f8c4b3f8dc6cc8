"""Where a sheet's people are: its header row, the titles above it, the footer lines below.

Report tools put a title, report parameters or a banner of merged group
cells ("Personal", "Job") above the header, and totals, counts and notices
below the last person. :func:`locate` finds the header and where the
people end, and says what it skipped.

Examples
--------
>>> rows = [(1, ["Sign-ups 2026", None]), (2, ["id", "role"]), (3, ["j1", "junior"])]
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     found = locate("r.csv", rows, None)
>>> found.index, found.end
(1, 3)
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rmatch.errors import InputError, InputWarning, Problem, warn
from rmatch.io import values as values
from rmatch.io.columns import header_key, is_known_header

__all__ = ["HEADER_SCAN", "Located", "grouped", "locate", "rows_text"]

HEADER_SCAN = 50
"""Rows searched for the header: titles and report parameters above it."""


@dataclass
class Located:
    """Where the data is in a sheet: the header's index, the end of the rows, what was skipped."""

    index: int | None
    end: int
    problems: list[Problem]
    skip: int = 0
    """Rows between the header and the first person (a Qualtrics export's import ids)."""
    headers: list[str] | None = None
    """Headers made of two rows (a SurveyMonkey export's questions and their choices)."""


# A footer line says something about the report, not about a person.
_FOOTER = re.compile(r"^\s*(total|totals|count|sum|grand total|confidential|generated|"
                     r"printed|prepared|exported|downloaded|created|(last )?updated|"
                     r"(data )?as of|run (on|date|by)|report|page \d|source|note|end of|"
                     r"\u00a9|copyright|\(c\))\b", re.IGNORECASE)
# A totals line: one of these words alone in the first cell, a number in the second.
_TOTALS = re.compile(r"\s*(total|totals|count|sum|grand total|number of pairs)\s*:?\s*",
                     re.IGNORECASE)


def _filled(cells: Sequence[Any]) -> list[Any]:
    return [c for c in cells if not values.is_missing(c)]


def _looks_like_footer(cells: Sequence[Any], width: int, loose: bool = True) -> bool:
    """Tell whether a row is a footer line: a few words (a total, a count, a notice).

    Report tools write footers from the first column; a short row whose
    words sit further right is a person with cells missing, and reading
    names its problems instead. ``loose``: any few words in the first cell
    alone, not only the usual footer words (used only below people whose
    ids have no spaces: see :func:`locate`).
    """
    filled = _filled(cells)
    if not filled or any(not values.is_missing(c) for c in cells[2:]) \
            or values.is_missing(cells[0]):
        return False
    text = " ".join(str(c).strip() for c in filled)
    if len(filled) == 2 and _TOTALS.fullmatch(str(cells[0])) and _number(cells[1]):
        # "Total" and a count, whatever the width: under a two-column list of
        # pairs a totals line fills both cells, as a person's row would.
        return True
    if len(filled) > max(1, min(2, width // 3)):
        return False
    return bool(_FOOTER.match(text)) or (loose and len(filled) == 1 and width >= 3
                                         and any(ch.isalpha() for ch in text)
                                         and (" " in text or ":" in text))


def _number(cell: Any) -> bool:
    """Tell whether a cell is a number (a count or a sum), written as text or not."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return True
    return bool(re.fullmatch(r"\s*[-+]?\d[\d,. ]*\s*", str(cell)))


def locate(name: str, records: Sequence[tuple[int, Sequence[Any]]],
           header_row: int | None, *, counted: bool = False) -> Located:
    """Find the header row (or take ``header_row``) and where the people end.

    The header is the first row, among the first 50 with anything in them,
    whose cells are all text and that is not narrow: a title, a banner and
    report parameters above it fill a third of the widest row's cells at
    most, or one or two cells of a wider sheet. Rows above it and footer lines after the
    last person are skipped with a warning naming them. ``counted``: each
    record holds every cell of its line (CSV), so a blank one with more cells
    than the header is a row to read (and name), not a blank line.
    """
    problems: list[Problem] = []
    # The first rows with anything in them: the header is among them, and the
    # rows above it (100,000 rows' cells took 1.6 s to test all).
    nonempty = list(itertools.islice((k for k, (_, cells) in enumerate(records)
                                      if _filled(cells)), HEADER_SCAN + NAMED_BELOW + 2))
    if not nonempty:
        return Located(None, len(records), problems)
    if header_row is not None:
        at = [k for k, (row, _) in enumerate(records) if row == header_row]
        if not at or not _filled(records[at[0]][1]):
            raise InputError(f"{name}: header_row={header_row} is "
                             + ("empty" if at else "beyond the last row"))
        index = at[0]
    else:
        scan = nonempty[:HEADER_SCAN]
        widest = max(len(_filled(records[k][1])) for k in scan)
        index = nonempty[0]
        for k in scan:
            filled = _filled(records[k][1])
            # A title or a report parameter fills a third of the width at
            # most, or one or two cells of a wider sheet; a data row wider
            # than the header (a stray cell) does not push the header down.
            narrow = len(filled) <= max(1, widest // 3) or (len(filled) <= 2 < widest)
            # Duplicated headers are still a header (resolving names them).
            if not narrow and all(isinstance(c, str) for c in filled):
                index = k
                break
        index = _named_below(records, nonempty, _below_banner(records, nonempty, index))
    skip = 0
    if header_row is None and _import_ids(records, index + 2):
        # A Qualtrics export: short names (Q1, Q2, ...), then the questions as
        # asked, then a row of import ids. The questions are the headers.
        warn(f"{name}: a Qualtrics export: its questions (row {records[index + 1][0]}) "
             f"read as the headers; its short names (row {records[index][0]}) and import "
             f"ids (row {records[index + 2][0]}) skipped", InputWarning, stacklevel=5)
        index, skip = index + 1, 1
        nonempty = [k for k in nonempty if k != index - 1]
    elif header_row is None and _short_names(records, index):
        # Qualtrics' older layout: the short names, then the questions, no import ids.
        warn(f"{name}: a Qualtrics export: its questions (row {records[index + 1][0]}) "
             f"read as the headers; its short names (row {records[index][0]}) skipped",
             InputWarning, stacklevel=5)
        index += 1
        nonempty = [k for k in nonempty if k != index - 1]
    elif _import_ids(records, index + 1):
        skip = 1  # the questions' row given as the header: its import ids are no person
    headers = None
    if not skip and _sub_answers(records, index + 1):
        # A SurveyMonkey export: the questions, then a row naming each column's
        # answer ("Response", or one choice of a question of several).
        headers, skip = _with_choices(records[index][1], records[index + 1][1]), 1
        warn(f"{name}: a SurveyMonkey export: its questions (row {records[index][0]}) and "
             f"their choices (row {records[index + 1][0]}) read as the headers, a question "
             "of several choices as a column per choice", InputWarning, stacklevel=5)
    above = [records[k][0] for k in nonempty if k < index]
    if above and header_row is None:  # a header row given skips the rows above, as told
        warn(f"{name}: row(s) {rows_text(above)} above the header (row "
             f"{records[index][0]}) were skipped as a title or report parameters; "
             "pass header_row= (CLI: --header-row) if the header is elsewhere",
             InputWarning, stacklevel=5)
    width = len(_filled(records[index][1]))
    # A table that starts further right (Excel's C3): its first column is the
    # header's first filled one, where a footer's words and the ids are.
    lead = next(c for c, cell in enumerate(records[index][1]) if not values.is_missing(cell))
    end, footer = _footer(records, index + skip, width, lead, loose=True, counted=counted)
    ids = [str(cells[lead]).strip() for _, cells in records[index + 1 + skip:end]
           if len(cells) > lead and not values.is_missing(cells[lead])] if footer else []
    if footer and (not ids or any(" " in i for i in ids)):
        # A footer follows people, and words alone are one only where the people's
        # ids have no spaces: with nobody above, or names as ids ("Ana Lima"), a
        # lone "Rui Costa" is a person; only the usual footer words make a footer.
        end, footer = _footer(records, index + skip, width, lead, loose=False, counted=counted)
    if footer:
        warn(f"{name}: row(s) {rows_text(sorted(footer))} after the last person look "
             "like a footer (a total, a count or a notice) and were skipped",
             InputWarning, stacklevel=5)
    return Located(index, end, problems, skip, headers)


_ANSWER = frozenset({"response", "open-ended response"})
"""How SurveyMonkey labels a question's one answer column, on the row under the questions."""


def _sub_answers(records: Sequence[tuple[int, Sequence[Any]]], k: int) -> bool:
    """Whether row ``k`` is a SurveyMonkey export's row of answers' labels under its questions.

    Text only, "Response" among it, and nothing under the first question (the
    respondent's id): a person's row with a department called "Response" has
    its id there.
    """
    if k >= len(records) or not records[k][1] or not values.is_missing(records[k][1][0]):
        return False
    cells = [c for c in records[k][1] if not values.is_missing(c)]
    return bool(cells) and all(isinstance(c, str) for c in cells) \
        and any(c.strip().casefold() in _ANSWER for c in cells)


def _with_choices(questions: Sequence[Any], choices: Sequence[Any]) -> list[str]:
    """Return a SurveyMonkey export's headers: each question, or question and choice.

    A question of several choices spans a column per choice, its words over
    the first only: each column is "question: choice" (the columns of one
    field are joined when read: the choices ticked).

    Examples
    --------
    >>> _with_choices(["Email", "Topics you share", None, "Year"],
    ...               [None, "GenAI", "Python", "Response"])
    ['Email', 'Topics you share: GenAI', 'Topics you share: Python', 'Year']
    """
    out: list[str] = []
    asked = ""
    for c in range(max(len(questions), len(choices))):
        top = questions[c] if c < len(questions) else None
        if not values.is_missing(top):
            asked = str(top).strip()
        label = choices[c] if c < len(choices) else None
        said = "" if values.is_missing(label) else str(label).strip()
        if not said or said.casefold() in _ANSWER:
            out.append("" if values.is_missing(top) else str(top).strip())
        else:
            out.append(f"{asked}: {said}" if asked else said)
    return out


_SHORT_NAME = re.compile(r"Q\d+(?:_\w+)?")


def _short_names(records: Sequence[tuple[int, Sequence[Any]]], k: int) -> bool:
    """Whether row ``k`` is a Qualtrics export's short names over a row of its questions.

    Its own "ResponseId" and two or more "Q1"-like names, then a row of text as
    wide that names the response id in words ("Response ID").
    """
    if k + 1 >= len(records):
        return False
    names = [str(c).strip() for c in _filled(records[k][1])]
    below = _filled(records[k + 1][1])
    return "ResponseId" in names and sum(bool(_SHORT_NAME.fullmatch(n)) for n in names) >= 2 \
        and all(isinstance(c, str) for c in below) and len(below) == len(names) \
        and any(header_key(c) == "responseid" for c in below)


def _import_ids(records: Sequence[tuple[int, Sequence[Any]]], k: int) -> bool:
    """Whether row ``k`` is a Qualtrics export's row of import ids (``{"ImportId": ...}``)."""
    if k >= len(records):
        return False
    filled = _filled(records[k][1])
    marked = sum(isinstance(c, str) and c.lstrip().startswith('{"ImportId"') for c in filled)
    return bool(filled) and 2 * marked > len(filled)


def grouped(name: str, headers: list[str], records: Sequence[tuple[int, Sequence[Any]]],
            index: int) -> list[str]:
    """Name headers given twice under a banner of group labels by their group ("Manager ID").

    Reports put "Employee" over "ID" and "Name", "Manager" over "ID" and
    "Name" again: the sub-headers alone are one column given twice. Each
    header given twice (ignoring case, spaces, ``_``, ``-`` and ``.``) takes the nearest label at
    or left of its column in the row above, when that row is a banner (text
    only, fewer cells than the header); the others stay as written. Said in
    a warning.

    Examples
    --------
    >>> import warnings
    >>> rows = [(1, ["Employee", None, "Manager", None, None]),
    ...         (2, ["ID", "Name", "ID", "Name", "Role"])]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     grouped("r.xlsx", ["ID", "Name", "ID", "Name", "Role"], rows, 1)
    ['Employee ID', 'Employee Name', 'Manager ID', 'Manager Name', 'Role']
    """
    folded = [header_key(h) for h in headers]
    counts = Counter(folded)  # list.count a header took minutes at 100,000 columns
    twice = {f for f, n in counts.items() if f and n > 1}
    # The row right above the header, text in fewer cells: a banner, not a title
    # further up nor a row of people.
    above = records[index - 1][1] if index > 0 and \
        records[index - 1][0] == records[index][0] - 1 else None
    if not twice or above is None or not _filled(above) \
            or not all(isinstance(c, str) for c in _filled(above)) \
            or len(_filled(above)) >= len(_filled(headers)):
        return headers
    out, label = list(headers), ""
    for k, header in enumerate(headers):
        cell = above[k] if k < len(above) else None
        label = str(cell).strip() if not values.is_missing(cell) else label
        if folded[k] in twice and label:
            out[k] = f"{label} {header.strip()}"
    renamed = [header_key(h) for h in out]
    again = Counter(renamed)
    if any(again[f] > 1 for f, o in zip(renamed, folded, strict=True) if o in twice):
        return headers  # one label over all of them (a title): still given twice, said so
    named = [repr(h) for h, o in zip(out, headers, strict=True) if h != o]
    if named:
        warn(f"{name}: header(s) given more than once read with the group label "
             f"above them: {', '.join(named)}", InputWarning, stacklevel=5)
    return out


def _below_banner(records: Sequence[tuple[int, Sequence[Any]]], nonempty: Sequence[int],
                  index: int) -> int:
    """Return the header's index, one row down when the row found is a banner above it.

    A banner of merged group cells ("Personal" over "First name" and "Last
    name", "Job" over "Grade") is text, and wide when it spans several
    groups. The next row is the header when it is text too, fills more
    cells and names more of rmatch's fields ("Employee ID", "Grade"); the
    first row of people is never taken for it (ids and names are no fields).
    """
    after = [k for k in nonempty if k > index]
    if not after:
        return index
    here, there = _filled(records[index][1]), _filled(records[after[0]][1])
    if len(there) > len(here) and all(isinstance(c, str) for c in there) and \
            sum(map(is_known_header, there)) > max(1, sum(map(is_known_header, here))):
        return after[0]
    return index


NAMED_BELOW = 5
"""Rows looked at below a header found, for one that names more of rmatch's fields."""


def _named_below(records: Sequence[tuple[int, Sequence[Any]]], nonempty: Sequence[int],
                 index: int) -> int:
    """Return the header's index, further down when a row below names rmatch's fields.

    A report's parameters can fill as many cells as its header ("Report,
    Headcount, Run on, 30.11.2026, By, HRIS" over "id, name, role, ..."):
    all text, wide, and first. One of the next few rows is the header when
    it is text, at least as wide, and names at least three of rmatch's
    fields and more than the row found ("Employee ID", "Grade", "Role"); a
    row of people seldom names one (ids, names and answers are no fields,
    though a job title may be "Manager").
    """
    here = _filled(records[index][1])
    named = max(2, sum(map(is_known_header, here)))
    for k in [k for k in nonempty if k > index][:NAMED_BELOW]:
        there = _filled(records[k][1])
        if len(there) >= len(here) and all(isinstance(c, str) for c in there) and \
                sum(map(is_known_header, there)) > named:
            return k
    return index


def _footer(records: Sequence[tuple[int, Sequence[Any]]], index: int, width: int, lead: int,
            *, loose: bool, counted: bool) -> tuple[int, list[int]]:
    """Return where the people end (a records index) and the footer lines' row numbers."""
    end = len(records)
    footer: list[int] = []
    for k in range(len(records) - 1, index, -1):
        cells = records[k][1]
        if not _filled(cells) and not (counted and len(cells) > len(records[index][1])):
            end = k
            continue
        if not _filled(cells):
            break  # separators the header does not have: reading names the row
        if _filled(cells[:lead]) or not _looks_like_footer(cells[lead:], width, loose):
            break
        footer.append(records[k][0])
        end = k
    return end, footer


def rows_text(rows: Sequence[int]) -> str:
    """Return row numbers as ranges.

    Examples
    --------
    >>> rows_text([1, 2, 3, 7])
    '1-3, 7'
    """
    parts: list[str] = []
    for r in rows:
        if parts and parts[-1].split("-")[-1] == str(r - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{r}"
        else:
            parts.append(str(r))
    return ", ".join(parts)
