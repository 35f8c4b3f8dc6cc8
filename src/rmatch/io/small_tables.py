"""Small tables read with the roster's guarantees, and a matching made elsewhere.

:func:`read_table` reads a small table (previous pairs, check-in ratings,
outcomes) as rosters are read, every problem named by row.

The pairs a team made by hand (last year, or with another tool) come as a
table: ``junior_id`` and ``senior_id`` columns, as ``rmatch match -o``
writes them, or a sheet of the team's own ("Mentor", "Mentee", "Notes").
:func:`read_matching` reads the standard columns; without them it takes the
two columns of which every value is an id of one side (one all juniors, the
other all seniors) and says so in a warning; a survey both sides answered
("Your name", "Your partner") is read row by row, each row's junior and
senior whichever column each is in. It never goes by a header's
name: in reverse mentoring the mentor is the junior, and teams write it
both ways. Every id and every repeated pair is named by its row, as a
spreadsheet shows it. An id typed as ``00124`` in a column not formatted as
text comes back as the number 124: a number (digits, no leading zero) that
is exactly one person's id with its zeros is read as that id, with a
warning; anything else written otherwise is an error with a hint.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from rmatch.errors import InputError, InputWarning, Problem, warn
from rmatch.io.columns import header_key
from rmatch.io.names import ids_by_name, look_up, named_by
from rmatch.io.pair_columns import headers_twice, nobodys, pair_columns, restored_id, scalar_text
from rmatch.io.read import Source, load_table
from rmatch.io.scales import known_scale, scale_hint
from rmatch.io.sheets import Table
from rmatch.io.values import counts_responses, fold, parse_text
from rmatch.model.participant import IdSides, normalise_id

__all__ = ["read_matching", "read_ratings", "read_table", "shown_cell", "table_rows"]


def read_matching(source: Source, junior_ids: Iterable[str], senior_ids: Iterable[str], *,
                  what: str = "the matching", encoding: str | None = None,
                  sheet: str | int | None = None, header_row: int | None = None,
                  unknown: Literal["error", "keep"] = "error",
                  names: Mapping[str, str | None] | None = None) -> list[tuple[str, str]]:
    r"""Read a matching's ``(junior_id, senior_id)`` pairs, each id checked against the people.

    Parameters
    ----------
    source
        A file (CSV, Excel, JSON), its path, or a text or binary stream, read
        as :func:`rmatch.read_table` reads (titles above the header and
        footers below skipped with a warning).
    junior_ids, senior_ids
        The programme's juniors and seniors.
    what
        How messages name the file's contents.
    encoding, sheet, header_row
        As for :func:`rmatch.read_participants`: a CSV's encoding when it is
        not UTF-8; the Excel sheet (a name, an index from 0, or a tab's number
        from 1 as text; the first by default: when it holds no pairs, a hint
        names the others); the
        header's row when it is not found.
    unknown
        ``"keep"`` for pairs of an earlier time (a re-match's previous
        pairs): an id that is nobody's now is someone who left, kept as
        written (:func:`rmatch.rematch` says so); an id of the other side,
        or one written otherwise (another case, leading zeros lost), is
        still an error. Without the standard columns, a column is then read
        when every value is one side's id or nobody's, and most are that
        side's.
    names
        Each person's name by id: a committee's sheet often names people
        ("Beatriz Silva") rather than giving ids. A cell that is no one's id
        but one person's name (ignoring case and spaces) is read as that
        person's id, and a warning says how many were (never which: names
        are personal); a name several people share is an error on its row
        naming their ids.

    Returns
    -------
    list of (str, str)
        The pairs in file order.

    Raises
    ------
    InputError
        Every problem at once, by row: an id that is not a junior (or a
        senior) of the programme (another case, or the sides swapped, said),
        a pair given twice, an empty cell, no columns to read the ids from,
        or no pairs at all.

    Examples
    --------
    >>> import io, warnings
    >>> read_matching(io.StringIO("junior_id,senior_id\nana,cto\n"), ["ana"], ["cto"])
    [('ana', 'cto')]
    >>> text = "Mentor,Mentee,Notes\nana,cto,first\nrui,cfo,\n"
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     read_matching(io.StringIO(text), ["ana", "rui"], ["cto", "cfo"])
    [('ana', 'cto'), ('rui', 'cfo')]
    >>> "read 'Mentor' as the juniors' ids" in str(said[0].message)
    True
    >>> read_matching(io.StringIO("junior_id,senior_id\nana,cto\nleft,cfo\n"), ["ana"],
    ...               ["cto", "cfo"], unknown="keep")
    [('ana', 'cto'), ('left', 'cfo')]
    """
    if unknown not in ("error", "keep"):
        raise ValueError(f"unknown must be 'error' or 'keep', not {unknown!r}")
    sides = IdSides(junior_ids, senior_ids)
    table = load_table(source, None, encoding, None, header_row=header_row, sheet=sheet)
    table, shared, named = _names_read(table, sides, names)
    table, columns = pair_columns(table, sides, what, keep=unknown == "keep")
    # Empty cells and the other rows' ids said at once (they were two rounds of errors).
    rows, problems = _gathered(table, columns, what=what)
    return _checked_pairs(table, sides, rows, columns, shared, named, what=what,
                          unknown=unknown, repeats=False, earlier=problems)


def read_ratings(source: Source, junior_ids: Iterable[str], senior_ids: Iterable[str], *,
                 value: str = "rating", optional: Sequence[str] = ("checkin",),
                 accepts: Callable[[str], bool] | None = None,
                 names: Mapping[str, str | None] | None = None,
                 values: Mapping[str, float] | None = None, what: str = "the ratings",
                 where: str = "of this programme", encoding: str | None = None,
                 sheet: str | int | None = None, header_row: int | None = None
                 ) -> list[tuple[int, str, str, dict[str, str]]]:
    r"""Read pairs with a value each (check-in ratings, outcomes), as a survey exports them.

    The standard columns (``junior_id``, ``senior_id`` and ``value``, headers
    matched as a roster's), or a survey's own: the pair's two columns told
    apart by their values as :func:`read_matching` does them (people's names
    read as their ids with ``names``), and the value's the one other column
    whose every cell ``accepts`` (a number by default: "How useful was the
    session? (1-5)"), each said in a warning. A pair may be on several rows
    (a rating at each check-in).

    Parameters
    ----------
    source, junior_ids, senior_ids, names, encoding, sheet, header_row
        As for :func:`read_matching`.
    value
        The value's name in what comes back, and its standard header.
    optional
        Other columns returned when present (headers matched as ``value``'s).
    accepts
        Whether a cell may be the value (to find the column without the
        standard header); a number, with a decimal comma or not, by default.
    values
        The number each answer in words stands for ({"Very useful": 4, ...},
        compared whatever their case and spaces): a survey's scale. Such
        answers come back as their number; a mapped word is a value too when
        the column is looked for. Without it, a column of answers of a known
        scale (agree, satisfied, useful, poor to excellent) is refused with
        that scale proposed as ``values``, never applied unasked.
    what, where
        How messages name the file's contents, and the people ("of the roster").

    Returns
    -------
    list of (int, str, str, dict)
        Each row's number, junior's id, senior's id, and ``{value: cell, ...}``
        with the optional columns found (text, as in the file).

    Raises
    ------
    InputError
        Every problem by row, as :func:`read_matching`'s (but a pair may
        repeat), an empty value, or no column to read the value from (with
        the columns that could be it).

    Examples
    --------
    >>> import io, warnings
    >>> text = "Your mentor,You,How useful was it? (1-5)\nAna Silva,cto,4\n"
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     read_ratings(io.StringIO(text), ["ana"], ["cto"], names={"ana": "Ana Silva"})
    [(2, 'ana', 'cto', {'rating': '4'})]
    """
    sides = IdSides(junior_ids, senior_ids, where=where)
    table = load_table(source, None, encoding, None, header_row=header_row, sheet=sheet)
    table, shared, named = _names_read(table, sides, names)
    table, columns = pair_columns(table, sides, what, keep=False)
    given = {header_key(h): h for h in table.headers}
    extra = {o: given[header_key(o)] for o in optional if header_key(o) in given}
    wrong = [k for k, v in (values or {}).items() if isinstance(v, bool)
             or not isinstance(v, (int, float)) or not math.isfinite(v)]
    if wrong:
        raise InputError(f"values: {', '.join(map(repr, wrong[:5]))} must be numbers (the "
                         "rating each answer stands for)")
    scale = {fold(k): float(v) for k, v in (values or {}).items()}
    given_test = accepts or _is_number

    def test(cell: str) -> bool:  # a value, or one written with its words ("4 - satisfied")
        return given_test(cell) or ((rated := _rated(cell)) is not None and given_test(rated))

    def fits(cell: str) -> bool:
        return test(cell) or fold(cell) in scale

    found = given.get(header_key(value)) or _value_column(
        table, [*columns, *extra.values()], value, fits, what)
    rows, problems = _gathered(table, [*columns, found], what=what,
                               optional=list(extra.values()))
    pairs = _checked_pairs(table, sides, rows, columns, shared, named, what=what,
                           unknown="error", repeats=True, earlier=problems)
    words = sorted({c[found] for _, c in rows if not test(c[found]) and fold(c[found])
                    not in scale}, key=fold)
    if words:  # answers in words that no value map gives a number
        raise _with_hint([Problem(f"{len(words)} answer(s) are not numbers: "
                                  f"{', '.join(map(repr, words[:8]))}"
                                  f"{', ...' if len(words) > 8 else ''}", file=table.name,
                                  field=found), scale_hint(table.name, found, words)])
    worded = sorted({c[found] for _, c in rows if not given_test(c[found])
                     and fold(c[found]) not in scale})
    if worded:
        warn(f"{table.name}: read {len(worded)} answer(s) written with their words as their "
             f"number (e.g. {worded[0]!r} as {_rated(worded[0])})", InputWarning, stacklevel=2)
    return [(row, j, s, {value: _as_number(cells[found], scale, given_test)}
             | {o: cells[h] for o, h in extra.items()})
            for (row, cells), (j, s) in zip(rows, pairs, strict=True)]


def _with_hint(problems: list[Problem]) -> InputError:
    """One error whose one line carries the problem and its first hint (the value map to give).

    A command line shows an error's one line: the proposed map is the part to act on.
    """
    if len(problems) == 1:
        return InputError.of(problems)
    return InputError(f"{problems[0]}; {problems[1].reason}", problems)


def _as_number(cell: str, scale: Mapping[str, float], test: Callable[[str], bool]) -> str:
    """Return a value as written, its number in the value map, or the number before its words.

    "4 - satisfied" is 4.
    """
    number = scale.get(fold(cell))
    if number is not None:
        return f"{number:g}"
    return cell if test(cell) else _rated(cell) or cell


# A rating written with its words after it: "4 - satisfied", "5 (very useful)", "3: OK".
_WORDED = re.compile(r"^\s*(\d{1,2}(?:[.,]\d+)?)\s*(?:[-\u2013\u2014=:]\s*|\(\s*)[^\W\d_]")


def _rated(cell: str) -> str | None:
    """Return the number a rating written with its words starts with, else None.

    Examples
    --------
    >>> _rated("4 - satisfied"), _rated("5 (very useful)"), _rated("2026-12-01"), _rated("4")
    ('4', '5', None, None)
    """
    found = _WORDED.match(cell)
    return None if found is None else found.group(1).replace(",", ".")


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def _value_column(table: Table, taken: Sequence[str], value: str,
                  accepts: Callable[[str], bool], what: str) -> str:
    """Return the one other column whose every cell may be the value (said), else an error."""
    held = {h: [scalar_text(c.get(h)) for _, c in table.rows] for h in table.headers
            if h not in taken}
    fits = [h for h, cells in held.items() if any(cells) and all(map(accepts, filter(None, cells)))]
    # A form's response number (1, 2, 3, ...) is no rating, even the only column of numbers.
    counters = [h for h in fits if counts_responses(held[h])]
    fits = [h for h in fits if h not in counters]
    if len(fits) == 1:
        warn(f"{table.name}: no {value} column: read {fits[0]!r} as the {value} (its "
             f"every value is one); name it {value} to say so", InputWarning,
             stacklevel=3)
        return fits[0]
    hint = (f"; {', '.join(map(repr, fits))} could each be it: name one {value}" if fits else
            f"; {counters[0]!r} counts the responses 1, 2, 3, ..., no {value}" if counters
            else "")
    # A column of a known scale's words ("Agree", "Strongly agree"): its value map proposed.
    scales = [scale_hint(table.name, h, sorted(set(filter(None, cells)), key=fold))
              for h, cells in held.items() if not fits and any(cells)
              and known_scale(cells)]
    article = "an" if value[:1] in "aeiou" else "a"
    raise _with_hint([Problem(f"{what}: need {article} {value} column (found "
                              f"{', '.join(table.headers) or 'none'}){hint}",
                              file=table.name), *scales])


def _names_read(table: Table, sides: IdSides, names: Mapping[str, str | None] | None
                ) -> tuple[Table, dict[str, list[str]], set[tuple[int, str]]]:
    """Read people's names as their ids (:func:`_names_as_ids`).

    Without ``names``, only the ids some reports write after a name ("Ana
    Lima (E1)").
    """
    return _names_as_ids(table, sides, names or {})


def _checked_pairs(table: Table, sides: IdSides, rows: list[tuple[int, dict[str, str]]],
                   columns: tuple[str, str], shared: dict[str, list[str]],
                   named: set[tuple[int, str]], *, what: str,
                   unknown: Literal["error", "keep"], repeats: bool,
                   earlier: Sequence[Problem] = ()) -> list[tuple[str, str]]:
    """Return the rows' pairs of ids, each checked against its side (every problem by row).

    ``earlier``: the problems of the rows left out (empty cells), raised with these.
    """
    # A name in a column read row by row (a survey both sides answered) counts too:
    # those columns left the table's headers for the junior_id and senior_id made of them.
    read = sum(header in columns or header not in table.headers for _, header in named)
    if read:
        warn(f"{table.name}: read {read} name(s) as the people's ids (each one "
             "person's name in the programme, or written with their id in "
             "brackets)", InputWarning, stacklevel=3)
    if not rows and not earlier:  # a header alone: most likely the wrong file
        raise InputError.of([Problem(f"{what}: no pairs under the header", file=table.name)])
    written = [(normalise_id(cells[columns[0]].strip()),
                normalise_id(cells[columns[1]].strip())) for _, cells in rows]
    pairs = [(restored_id(sides, j, "junior") or j, restored_id(sides, s, "senior") or s)
             for j, s in written]
    restored = [(w, p) for pair, was in zip(pairs, written, strict=True)
                for p, w in zip(pair, was, strict=True) if p != w]
    if restored:
        warn(f"{table.name}: read {len(restored)} id(s) written as numbers without "
             f"their leading zeros as the people's ids (e.g. {restored[0][0]!r} as "
             f"{restored[0][1]!r}): a spreadsheet drops them unless the column is "
             "text", InputWarning, stacklevel=3)
    at = [row for row, _ in rows]

    def said(k: int, side: Literal["junior", "senior"], reason: str) -> Problem:
        field = columns[0] if side == "junior" else columns[1]
        ids = look_up(shared, pairs[k][0 if side == "junior" else 1])
        if ids:  # a name, not an id: which people share it (ids, never the name)
            reason = (f"the name on this row is {len(ids)} people's "
                      f"({', '.join(map(repr, ids))}): give the id")
        return Problem(reason, file=table.name, row=at[k], field=field)

    problems = [said(k, side, reason) if side
                else Problem(f"the pair {pairs[k]} is given again (first on row "
                             f"{at[int(reason)]})", file=table.name, row=at[k])
                for k, side, reason in sides.pair_problems(pairs)
                if not (unknown == "keep" and side
                        and nobodys(sides, pairs[k][0 if side == "junior" else 1]))
                and (side or not repeats)]
    if problems or earlier:
        raise InputError.of(sorted([*earlier, *problems], key=_by_row))
    return pairs


def _by_row(problem: str) -> tuple[int, int]:
    """Order problems as the file is read: those of no row (the file's) first."""
    row = getattr(problem, "row", None)
    return (0, 0) if row is None else (1, row)


def _names_as_ids(table: Table, sides: IdSides, names: Mapping[str, str | None]
                  ) -> tuple[Table, dict[str, list[str]], set[tuple[int, str]]]:
    """Return the table with each cell that is one person's name (and no one's id) as their id.

    Also the names several people share, by :func:`~rmatch.io.names.name_key`,
    with their ids (their cells stay as written, for the reading to refuse by
    row), and the (row, header) of each cell read as a name. A name written
    with someone's id after it ("Ana Lima (E1)", as some HR reports write
    people) is read as that id.
    """
    by_name = ids_by_name((name, pid) for pid, name in names.items()
                          if pid in sides.juniors or pid in sides.seniors)
    named: set[tuple[int, str]] = set()
    rows: list[tuple[int, dict[str, Any]]] = []

    def id_of(text: str) -> str | None:
        pid = normalise_id(text)
        return pid if pid in sides.juniors or pid in sides.seniors else None

    for row, cells in table.rows:
        out: dict[str, Any] = {}
        for header, raw in cells.items():
            text = scalar_text(raw)
            found = [] if not text or id_of(text) else named_by(by_name, text, id_of)
            out[header] = found[0] if len(found) == 1 else raw
            if len(found) == 1:
                named.add((row, header))
        rows.append((row, out))
    shared = {n: ids for n, ids in by_name.items() if len(ids) > 1}
    return dataclasses.replace(table, rows=rows), shared, named


def shown_cell(raw: Any) -> str:
    """Return an optional cell as text: a JSON list's items joined by "; ", an object as JSON.

    Examples
    --------
    >>> shown_cell(["en", None, "fr"]), shown_cell({"site": "Lisbon"}), shown_cell(None)
    ('en; fr', '{"site": "Lisbon"}', '')
    """
    if isinstance(raw, list):
        return "; ".join(shown_cell(item) for item in raw if item is not None)
    if isinstance(raw, dict):
        return json.dumps(raw, ensure_ascii=False)
    return "" if raw is None else parse_text(raw)


def read_table(source: Source, required: Sequence[str], *, what: str,
               encoding: str | None = None, optional: Sequence[str] = (),
               sheet: str | int | None = None, delimiter: str | None = None,
               header_row: int | None = None) -> list[tuple[int, dict[str, str]]]:
    r"""Read a small table (previous pairs, feedback, outcomes) with the roster's guarantees.

    ``required`` columns must be present and filled in every row (a JSON
    list or object there is a problem); ``optional`` columns come back when
    present (an empty cell or a JSON null as ``""``, a JSON list as its items
    joined by ``"; "``, an object as JSON text). Headers match whatever their
    case, spaces, underscores, hyphens and dots, as a roster's do (``Junior ID``
    is ``junior_id``).

    The same reader as rosters (CSV in any of the usual separators, a BOM,
    UTF-16, Excel, JSON): every row comes back with its number as a spreadsheet
    shows it and its cells by header, or the whole file is one
    :class:`~rmatch.errors.InputError` listing every problem: a row that
    cannot be split, a stray quote that swallows rows, a header missing or
    given twice, an empty required cell. Nothing is dropped silently.
    ``sheet``: an Excel workbook's sheet, as :func:`read_matching` takes it;
    ``delimiter`` and ``header_row`` (the row of the headers, from 1 as a
    spreadsheet numbers it; found by itself when None) as
    :func:`rmatch.read_participants` takes them.

    Examples
    --------
    >>> import io
    >>> read_table(io.StringIO("junior_id,senior_id\nj1,s1\n"), ["junior_id", "senior_id"],
    ...            what="previous pairs")
    [(2, {'junior_id': 'j1', 'senior_id': 's1'})]
    """
    return table_rows(load_table(source, None, encoding, delimiter, header_row=header_row,
                                 sheet=sheet), required, what=what, optional=optional)


def table_rows(table: Table, required: Sequence[str], *, what: str,
               optional: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """Check a loaded table's rows as :func:`read_table` does (the step after loading).

    Examples
    --------
    >>> import io
    >>> table = load_table(io.StringIO("a,b" + chr(10) + "1,2"), None, None, None)
    >>> table_rows(table, ["b"], what="a table")
    [(2, {'b': '2'})]
    """
    out, problems = _gathered(table, required, what=what, optional=optional)
    if problems:
        raise InputError.of(problems)
    return out


def _gathered(table: Table, required: Sequence[str], *, what: str,
              optional: Sequence[str] = ()
              ) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Return :func:`table_rows`'s rows, those with every required cell, and its problems.

    A missing column is raised at once (no row can be read); a row with an
    empty or unreadable required cell is left out of the rows and said in
    the problems, for a caller to check the other rows too and say every
    problem at once.
    """
    problems = [*table.problems, *headers_twice(table)]
    by_name = {header_key(h): h for h in table.headers}
    missing = [c for c in required if header_key(c) not in by_name]
    if missing:
        problems.append(Problem(f"{what}: need the column(s) {', '.join(missing)} (found "
                                f"{', '.join(table.headers) or 'none'})", file=table.name))
        raise InputError.of(problems)
    out: list[tuple[int, dict[str, str]]] = []

    def text(row: int, cells: dict[str, Any], column: str) -> str | None:
        # A JSON record may lack a key or hold null (no value, never the text
        # "None"), or hold a list or an object (a problem by row, not a traceback;
        # None then, the problem said).
        value = cells.get(by_name[header_key(column)])
        try:
            return "" if value is None else parse_text(value)
        except ValueError as err:
            problems.append(Problem(str(err), file=table.name, row=row, field=column))
            return None

    for row, cells in table.rows:
        read = {c: text(row, cells, c) for c in required}
        values_of = {c: v or "" for c, v in read.items()}
        whole = all(read.values())
        for c, v in read.items():
            if v is None:
                continue
            if not v:
                problems.append(Problem("is empty", file=table.name, row=row, field=c))
            elif "\n" in v or "\r" in v:  # a quote opened here closes rows further on
                whole = False
                problems.append(Problem("holds a line break: a quote (\") opened in this row "
                                        "closes only further on; check for a stray quote",
                                        file=table.name, row=row, field=c))
        if whole:
            extra = {c: shown_cell(cells.get(by_name[header_key(c)])) for c in optional
                     if header_key(c) in by_name}
            out.append((row, {**values_of, **extra}))
    return out, problems
