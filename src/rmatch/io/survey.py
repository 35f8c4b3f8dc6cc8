"""What a column-mapping screen shows of a file, from one reading of it.

An HR tool that lets a person choose what each column means shows the
headers with rmatch's suggestions, the first rows, the words of the columns
that need a map and the value maps proposed for them. Asked one by one
(:func:`rmatch.suggest_columns`, :func:`rmatch.read_table`,
:func:`rmatch.suggest_values`), each reads the whole file again and checks
every cell: 14-17 s for a synthetic export of 100,000 people, most of it in the
cells of the rows not shown. :func:`survey_table` reads the file once and
looks at what the screen shows.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rmatch.errors import InputError, InputWarning, caught_warnings, warn
from rmatch.io import columns as _columns
from rmatch.io.answers import PROPOSED_FIELDS, suggest_value_maps
from rmatch.io.cells import Options
from rmatch.io.columns import ColumnMap
from rmatch.io.read import Source, build
from rmatch.io.sheets import Table, load_table
from rmatch.io.small_tables import shown_cell, table_rows
from rmatch.io.values import is_missing, parse_text
from rmatch.model.arrays import group_names
from rmatch.model.participant import split_roles
from rmatch.program.gaps import GROUPS_LOOKED_AT, short_forms, swapped_sides

__all__ = ["SHOWN_FIELDS", "TableSurvey", "distinct_cells", "distinct_raw", "survey_table"]

SHOWN_FIELDS = ("role", "level", "timezone", "languages")
"""The fields whose distinct words a survey lists by default: those a person checks first."""


@dataclass(frozen=True)
class TableSurvey:
    r"""A file as a column-mapping screen shows it (see :func:`survey_table`).

    Examples
    --------
    >>> import io
    >>> survey = survey_table(io.StringIO("Employee ID,Side\na,Mentor\nb,Mentee\n"),
    ...                       preview=1)
    >>> survey.headers, survey.rows, survey.preview
    (['Employee ID', 'Side'], 2, [{'Employee ID': 'a', 'Side': 'Mentor'}])
    """

    headers: list[str]
    """The headers, as the file writes them (a JSON object's paths after the columns)."""
    suggested: dict[str, str | None]
    """Each header's suggested field, as :func:`rmatch.suggest_columns` gives it."""
    columns: dict[str, str | Sequence[str] | None]
    """The column map the survey read by: the one given, else the suggested."""
    rows: int
    """The number of rows of people (titles above the header and footers left out)."""
    preview: list[dict[str, str]]
    """The first rows, each header's cell as text ("" for an empty one), as
    :func:`rmatch.read_table` gives them."""
    distinct: dict[str, list[str]]
    """The distinct words of each column read as one of ``fields``, sorted, by header."""
    values: dict[str, dict[str, Any]]
    """The value maps proposed from the words, as :func:`rmatch.suggest_values` gives them."""


def distinct_cells(table: Table, columns: ColumnMap | None,
                   only: Collection[str] | None = None) -> dict[str, list[str]]:
    r"""Return each field's distinct cells as written (first seen first), by target field.

    ``only``: these fields alone (a column of 100,000 ids is not read for them).

    Examples
    --------
    >>> import io
    >>> table = load_table(io.StringIO("id,Side\na,Mentee\nb,Mentee\n"), None, None, None)
    >>> distinct_cells(table, {"Side": "role"})["role"]
    ['Mentee']
    >>> table = load_table(io.StringIO('[{"id": "a", "languages": ["en", "Français"]}]'),
    ...                    None, None, None)
    >>> distinct_cells(table, None)["languages"]
    ['en', 'Français']
    """
    out: dict[str, dict[str, None]] = {}
    cols = _resolved(table, _chosen(table, columns))
    for header, target in cols.targets.items():
        if only is not None and target not in only:
            continue
        seen = out.setdefault(target, {})
        for raw in distinct_raw(table, cols.copies.get(header, header)):
            # A JSON list (rmatch's own "languages": ["en", "fr"]) gives each item;
            # a JSON object (a map of skills) has no words to map.
            for item in raw if isinstance(raw, list) else [raw]:
                if not is_missing(item) and not isinstance(item, (dict, list)):
                    seen.setdefault(parse_text(item), None)
    return {target: list(cells) for target, cells in out.items()}


def _chosen(table: Table, columns: ColumnMap | None) -> ColumnMap:
    """Return the map given, or the suggested one."""
    return columns if columns is not None else _columns.suggest(
        table.headers, hidden=table.hidden, rows=[cells for _, cells in table.rows],
        objects=table.objects)


def _resolved(table: Table, columns: ColumnMap) -> _columns.Columns:
    """Each header read as a field, by the map."""
    return _columns.resolve(table.headers, columns, keep_unknown=False, objects=table.objects)


def proposed_values(table: Table, columns: ColumnMap | None
                    ) -> dict[str, dict[str, Any]]:
    r"""Return the value maps proposed for a table read with these columns (None: suggested).

    :func:`rmatch.io.answers.suggest_value_maps` of the words, with each
    field's header as the question its answers reply to.

    Examples
    --------
    >>> import io
    >>> form = io.StringIO("id,Would you like a reverse mentor?\na,Yes\nb,No\n")
    >>> proposed_values(load_table(form, None, None, None), None)
    {'role': {'Yes': 'senior'}}
    """
    chosen = _chosen(table, columns)
    cols = _resolved(table, chosen)
    questions = {target: cols.copies.get(header, header)
                 for header, target in cols.targets.items()}
    maps = suggest_value_maps(distinct_cells(table, chosen, PROPOSED_FIELDS),
                              questions=questions)
    # One group written two ways ("F" and "Female", "HR" and "Human Resources"):
    # the map the match would warn of, proposed here where the user edits maps.
    grouped = [t for t in questions if t in ("department", "location")
               or t.startswith("attributes.")]
    for field, cells in distinct_cells(table, chosen, grouped).items():
        named = sorted(set(group_names(cells).values()))
        if len(named) <= GROUPS_LOOKED_AT and (pairs := short_forms(named)):
            maps[field] = pairs
    return _sides_by_age(table, chosen, maps) if maps.get("role") else maps


SIDES_SAMPLE = 2_000
"""Rows read to tell which side the proposed role words make the older one (evenly spaced:
reading every row is most of what one reading costs, 14-17 s for three at 100,000 people
(see the module), and medians need far fewer)."""


def _sides_by_age(table: Table, columns: ColumnMap, maps: dict[str, dict[str, Any]]
                  ) -> dict[str, dict[str, Any]]:
    """Turn the role words round when, read as proposed, the juniors are the older side.

    The words are proposed as reverse mentoring says them (a form's
    "Mentor" is a junior); a classic programme's file, where the seniors
    mentor, would then have its sides swapped, and the rules that compare
    levels or ages rule out most pairs. The file read with the proposal (a
    sample of its rows) is checked as the data-gap line checks the sides
    (:func:`rmatch.program.gaps.swapped_sides`: median level, else year of
    birth); when the juniors come out the older side, the words are
    proposed the other way round, with an :class:`~rmatch.errors.InputWarning`
    saying why. A sample that does not read (levels without their map, say)
    leaves the proposal as it is.
    """
    step = max(1, -(-len(table.rows) // SIDES_SAMPLE))
    sample = [(row, dict(cells)) for row, cells in table.rows[::step]]  # build adds cells
    try:
        with caught_warnings():  # the sample's notes: the file's own reading gives them
            people = build(replace(table, rows=sample, problems=[]),
                           Options(columns, check_managers=False, values=maps,
                                   duplicates="keep_last"))
    except InputError:
        return maps
    juniors, seniors, _ = split_roles(people)
    medians = swapped_sides(juniors, seniors)
    if medians is None:
        return maps
    warn(InputWarning(
        f"{table.name}: read with the role words as proposed, the juniors would be more "
        f"senior than the seniors {medians}: the file looks like a classic programme's (the "
        "seniors mentor), so the proposed value map turns its role words round; check it"),
        stacklevel=3)
    turned = {"junior": "senior", "senior": "junior"}
    return {**maps, "role": {word: turned.get(side, side) for word, side in maps["role"].items()}}


def _fields_of(target: str | Sequence[str] | None) -> list[str]:
    """Return the fields a column map's entry gives (none, one, or a list)."""
    return [] if target is None else [target] if isinstance(target, str) else list(target)


def distinct_raw(table: Table, header: str) -> list[Any]:
    r"""Return a column's distinct raw cells, first seen first (all of them when some are lists).

    Examples
    --------
    >>> import io
    >>> distinct_raw(load_table(io.StringIO("a\nx\ny\nx\n"), None, None, None), "a")
    ['x', 'y']
    """
    column = [cells.get(header) for _, cells in table.rows]
    try:  # 100,000 cells of a few words: a few distinct ones to look at
        return list(dict.fromkeys(column))
    except TypeError:  # a JSON list or object among them: every cell
        return column


def survey_table(source: Source, *, columns: ColumnMap | None = None,
                 format: str | None = None, encoding: str | None = None,
                 delimiter: str | None = None, header_row: int | None = None,
                 sheet: str | int | None = None, preview: int = 20,
                 fields: Collection[str] = SHOWN_FIELDS, most: int = 40) -> TableSurvey:
    r"""Read a file once and return what a column-mapping screen shows of it.

    The same reading as :func:`rmatch.read_participants` (and the same
    options), the same suggestions as :func:`rmatch.suggest_columns` and
    :func:`rmatch.suggest_values` and the same first rows as
    :func:`rmatch.read_table`, from one reading of the file: only the cells
    shown and the columns whose words are listed or mapped are looked at.
    A file that cannot be read, or whose headers repeat, is an
    :class:`~rmatch.errors.InputError` naming its problems; the reading's
    notes (a title skipped) are warnings, as when it is read.

    Parameters
    ----------
    source
        A path or an open file, as :func:`rmatch.read_participants` takes.
    columns
        The column map chosen so far (None: the suggested one).
    format, encoding, delimiter, header_row, sheet
        As :func:`rmatch.read_participants` takes them.
    preview
        How many of the first rows to return.
    fields
        The fields whose columns' distinct words are listed.
    most
        The most distinct words listed for a column.

    Examples
    --------
    >>> import io
    >>> survey = survey_table(io.StringIO("Email,Programme role\na@x.org,Mentor\n"
    ...                                   "b@x.org,Mentee\n"))
    >>> survey.suggested["Programme role"], survey.distinct["Programme role"]
    ('role', ['Mentee', 'Mentor'])
    >>> survey.values
    {'role': {'Mentor': 'junior', 'Mentee': 'senior'}}
    """
    table = load_table(source, format, encoding, delimiter, header_row=header_row, sheet=sheet)
    suggested = _columns.suggest(table.headers, hidden=table.hidden, objects=table.objects,
                                 rows=[cells for _, cells in table.rows])
    # A JSON object whose paths are columns too ("work" beside "work.site") goes
    # last: its paths are what is read, and its text is wide.
    parents = {".".join(parts[:k]) for parts in (h.split(".") for h in suggested)
               for k in range(1, min(len(parts), 20))}
    whole = [h for h in suggested if h in parents]  # by sets: 100,000 headers at once
    headers = [h for h in suggested if h not in parents] + whole
    chosen: dict[str, str | Sequence[str] | None] = (
        {h: columns.get(h, suggested[h]) for h in headers} if columns is not None
        else {h: suggested[h] for h in headers})
    # The first rows only are checked and written as text (the problems of a
    # file's splitting and of its headers are the whole file's, said the same).
    shown = table_rows(replace(table, rows=table.rows[:max(preview, 0)]), [],
                       what="the file", optional=headers)
    values = proposed_values(table, chosen)
    # Each listed column's distinct cells, written as text as the first rows are,
    # and those of a column whose words a proposed map changes ("F" and "Female"
    # of a gender column): the map is checked against them. Numbers in their
    # order ("2" before "10", "L2" before "L10").
    listed = {*fields, *values}
    distinct = {h: sorted({shown_cell(raw) for raw in distinct_raw(table, h)} - {""},
                          key=_natural)[:most]
                for h, target in chosen.items() if set(_fields_of(target)) & listed}
    return TableSurvey(headers, suggested, chosen, len(table.rows),
                       [cells for _, cells in shown], distinct, values)


_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """Sort words by their numbers' values: "L2" before "L10", "2" before "10".

    The text itself last: "1" and "01" in one order whatever the set's.
    """
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in _DIGITS.split(text) if part), text
