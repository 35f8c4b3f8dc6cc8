"""How to fix a roster's commonest problems at once (the lines after them).

An HR export that no column map or level map has met yet draws the same
problem on every row; these turn them into one line each and propose the
map to give, for the user to check (never applied unasked). A column left
out is named with the field it most likely holds.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from rmatch.errors import Problem
from rmatch.io import values as values
from rmatch.io.answers import suggest_value_maps
from rmatch.io.columns import COMBINABLE, Columns, suggest
from rmatch.io.hints import grade_scheme, numbered_grades
from rmatch.io.sheets import Table

__all__ = ["grade_column", "groups_shown_once", "left_out_guesses", "roster_hints",
           "years_column"]

ANSWERS = "the year each answer stands for"
"""The end of a year-of-birth problem whose cell is a generation, an age range or an age."""

_MOST_GUESSED = 200
"""Columns left out beyond this many are named without the field each looks like."""


def grade_column(name: str, cols: Columns, any_level: bool,
                 problems: list[Problem]) -> list[Problem]:
    """Make a level column of grade names only (no level_map) one problem, not one a row.

    A row's own problem says little when every row has it (an HR export's
    grades, 40 lines of "grade 'L7' is not a number"); a column with some
    numbers (``any_level``: some row's level was read) keeps its problems by
    row (those are typos to find).

    Examples
    --------
    >>> from rmatch.io.columns import resolve
    >>> cols = resolve(["id", "Grade"], {"Grade": "level"}, keep_unknown=False)
    >>> said = [Problem(f"grade {g!r} {values.NOT_A_NUMBER}", row=k + 2, field="level")
    ...         for k, g in enumerate(["L7", "L8"])]
    >>> [p.reason[:35] for p in grade_column("r.csv", cols, False, said)]
    ["column 'Grade' holds grade names on"]
    """
    grade = [p for p in problems if p.field == "level" and values.NOT_A_NUMBER in p.reason]
    if len(grade) < 2 or any_level:
        return problems
    header = next(h for h, t in cols.targets.items() if t == "level")
    names = sorted({p.reason.split("'")[1] for p in grade})
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    whole = Problem(f"column {header!r} holds grade names on all {len(grade)} rows with a "
                    f"level ({shown}): they are not numbers; give a level_map that turns "
                    "grade names into numbers (higher is more senior)", file=name,
                    field="level")
    apart = {id(p) for p in grade}  # by identity: a file may have 100,000 of them
    return [whole, *(p for p in problems if id(p) not in apart)]


def years_column(table: Table, cols: Columns, any_year: bool,
                 problems: list[Problem]) -> list[Problem]:
    """Make a year-of-birth column of generations or age ranges only one problem, with its map.

    A form that keeps birth dates private ("Which generation?", "Your age
    range") draws the same problem on every row; as one problem for the
    column it carries the value map of the year each answer stands for, to
    check and pass (:func:`rmatch.io.answers.year_of_answer`). A column with
    some years (``any_year``) keeps its problems by row.

    Examples
    --------
    >>> from rmatch.io.columns import resolve
    >>> table = Table("r.csv", ["id", "Generation"], [(2, {"id": "a", "Generation": "Gen Z"}),
    ...                                               (3, {"id": "b", "Generation": "Gen X"})], [])
    >>> cols = resolve(table.headers, {"Generation": "birth_year"}, keep_unknown=False)
    >>> said = [Problem("...", row=k, field="birth_year", kind="year_answers") for k in (2, 3)]
    >>> reason = years_column(table, cols, False, said)[0].reason
    >>> reason[:51]
    "column 'Generation' holds generations, age ranges o"
    >>> reason[reason.index("{"):]
    '{"birth_year": {"Gen Z": 2004, "Gen X": 1972}}'
    """
    said = [p for p in problems if p.kind == "year_answers"]
    header = next((h for h, t in cols.targets.items() if t == "birth_year"), None)
    if len(said) < 2 or any_year or header is None:
        return problems
    cells = list(dict.fromkeys(str(cells[header]).strip() for _, cells in table.rows
                               if not values.is_missing(cells.get(header))))
    proposal = suggest_value_maps({"birth_year": cells})
    whole = Problem(f"column {header!r} holds generations, age ranges or ages on all "
                    f"{len(said)} rows: give the value map of the year each stands for (check "
                    f"it; values= (CLI: --values FILE)): "
                    f"{json.dumps(proposal, ensure_ascii=False)}",
                    file=table.name, field="birth_year", kind="year_answers")
    apart = {id(p) for p in said}
    return [whole, *(p for p in problems if id(p) not in apart)]


def roster_hints(table: Table, cols: Columns, problems: Sequence[Problem]) -> list[Problem]:
    """Return the lines after a roster's problems that say how to fix the commonest at once.

    The sheet of the people when a workbook's first has none, a column map
    for unknown headers, a value map for capacity answers, a level map for
    grades (a public scheme's order, to check, or numbers to fill in).

    Examples
    --------
    >>> from rmatch.io.columns import resolve
    >>> from rmatch.io.sheets import load_table
    >>> import io
    >>> table = load_table(io.StringIO("Employee ID,Grade" + chr(10) + "1,HEO"), None, None, None)
    >>> cols = resolve(table.headers, {"Employee ID": "id", "Grade": "level"},
    ...                keep_unknown=False)
    >>> said = [Problem(f"grade 'HEO' {values.NOT_A_NUMBER}", row=2, field="level")]
    >>> print(roster_hints(table, cols, said)[0].reason[:40])
    hint: these are the UK Civil Service's g
    """
    out: list[Problem] = []
    if "id" not in cols.targets.values() and len(table.sheets) > 1:
        # A workbook whose first sheet is a "Read me" or a summary: the people
        # are elsewhere, which the column map below cannot say.
        others = ", ".join(repr(n) for n in table.sheets if n != table.sheet)
        out.append(Problem(f"hint: this is the sheet {table.sheet!r}; the workbook also has "
                           f"{others}: choose the sheet of the people with sheet= (CLI: "
                           "--sheet NAME|N)", file=table.name))
    if cols.unknown or "id" not in cols.targets.values():
        proposal = json.dumps(suggest(table.headers, hidden=table.hidden, objects=table.objects,
                                      rows=[cells for _, cells in table.rows]),
                              ensure_ascii=False)
        out.append(Problem(f"hint: a column map for these headers, to check, edit and pass as "
                           f"columns= (CLI: `rmatch columns FILE` writes it): {proposal}",
                           file=table.name, kind="column_map", value=proposal))
    grades = sorted({p.reason.split("'")[1] for p in problems
                     if p.field == "level" and p.reason.startswith("grade ")})
    answers = sorted({p.reason.split("'")[1] for p in problems if p.field == "capacity"
                      and "' is not a number" in p.reason})
    counts = suggest_value_maps({"capacity": answers}).get("capacity")
    if counts:  # a form's answers ("Up to 2", "3+"): the count each gives, to check
        out.append(Problem("hint: a value map for the capacity answers, to check and pass as "
                           f"values= (CLI: --values FILE.json): {json.dumps({'capacity': counts})}",
                           file=table.name))
    known = grade_scheme(grades)
    if known:  # a public order, proposed to check: never applied unasked
        out.append(Problem(f"hint: these are {known[0]} grades; in its order, most junior "
                           "first, to check and pass as level_map= (CLI: --level-map FILE.json): "
                           f"{json.dumps(known[1], ensure_ascii=False)}", file=table.name))
    elif numbered := numbered_grades(grades):
        # Proposed, never applied: some schemes count down (Grade 6 above Grade 7).
        # A grade with no number ("Director") is named, never guessed a place.
        rest = [g for g in grades if g not in numbered]
        place = (f", with a number of your own for {', '.join(map(repr, rest))}, which "
                 f"{'has' if len(rest) == 1 else 'have'} none" if rest else "")
        out.append(Problem("hint: each grade's own number, to check (where a higher number is "
                           "less senior, turn them round) and pass as level_map= (CLI: "
                           f"--level-map FILE.json){place}: "
                           f"{json.dumps(numbered, ensure_ascii=False)}", file=table.name))
    elif grades:
        example = json.dumps(dict.fromkeys(grades[:12], 0), ensure_ascii=False)
        out.append(Problem(f"hint: give level_map= (CLI: --level-map FILE.json) with a number "
                           f"for each grade, higher for more senior: {example}",
                           file=table.name))
    return out


def left_out_guesses(headers: Sequence[str], cols: Columns, *,
                     objects: Collection[str] = ()) -> dict[str, str]:
    """Return the field :func:`suggest` proposes for each header left out, where one is free.

    A reading warning names them ("'date of birth' (looks like birth_year)"):
    a column left out is said with what it most likely holds, so that the
    user maps it rather than losing it. A field another column already
    gives is not proposed again, but for fields whose columns are joined.

    Examples
    --------
    >>> from rmatch.io.columns import resolve
    >>> cols = resolve(["id", "date of birth", "Team", "Notes"], None, keep_unknown=False)
    >>> left_out_guesses(["id", "date of birth", "Team", "Notes"], cols)
    {'date of birth': 'birth_year', 'Team': 'department'}
    """
    if not cols.unknown or len(cols.unknown) > _MOST_GUESSED:
        return {}  # a survey of thousands of questions: named, not guessed (1 s a thousand)
    proposal = suggest(headers, objects=objects)
    given = set(cols.targets.values())
    return {h: t for h in cols.unknown if (t := proposal.get(h)) is not None
            and (t not in given or t in COMBINABLE or t.startswith("attributes."))}


# Fields a report groups its rows by, writing each group's value once.
_GROUPED = ("role", "department", "location", "manager_id", "level", "timezone")


def groups_shown_once(table: Table, cols: Columns) -> list[str]:
    """Name the columns that look like a report's groups, each value on its group's first row.

    A pivot table or a grouped report writes "R&D" once and leaves the rows
    below it blank until "Sales": read as they are, those people have no
    department (or no role: not in the programme at all). Such a column
    (six rows or more) starts filled, has at least as many blank rows as
    values, a blank row below most values, and never gives a value twice.
    Said, not filled: the file is what it is (fill the column down in the
    spreadsheet).

    Examples
    --------
    >>> from rmatch.io.columns import resolve
    >>> roles = ["junior", "", "", "senior", "", ""]
    >>> table = Table("r.csv", ["id", "role"], [(k + 2, {"id": f"p{k}", "role": r})
    ...                                         for k, r in enumerate(roles)], [])
    >>> groups_shown_once(table, resolve(table.headers, None, keep_unknown=False))
    ["column 'role' gives a value on the first row of each group only (2 values, each \
once, 4 blank rows below them): a report that shows each group once? the blank rows \
read as not given; fill the column down in the file if they belong to the group above"]
    """
    out = []
    for header, target in cols.targets.items():
        if target not in _GROUPED and not target.startswith("attributes."):
            continue
        cells = [cells.get(header) for _, cells in table.rows]
        filled: list[bool] = []
        given: set[str] = set()
        for cell in cells:  # stops at the first value given twice: most columns, at once
            text = "" if values.is_missing(cell) else str(cell).strip()
            if text in given:
                break
            filled.append(bool(text))
            if text:
                given.add(text)
        # Most groups hold more than one person: a blank row below most values.
        followed = sum(f and k + 1 < len(filled) and not filled[k + 1]
                       for k, f in enumerate(filled))
        if len(filled) < len(cells) or len(cells) < 6 or len(given) < 2 or not filled[0] \
                or len(cells) - len(given) < len(given) or 3 * followed < 2 * len(given):
            continue
        out.append(f"column {header!r} gives a value on the first row of each group only "
                   f"({len(given)} values, each once, {len(cells) - len(given)} blank rows "
                   "below them): a report that shows each group once? the blank rows read as "
                   "not given; fill the column down in the file if they belong to the group "
                   "above")
    return out
