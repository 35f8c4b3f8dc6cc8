"""One file per side: a survey's mentees and mentors, read with one set of maps and joined.

Survey tools export each side as its own sheet, often with a column or two of
its own (the mentees' "identity to match", the mentors' "characteristics").
:func:`read_sides` reads both with the same value maps and options (a column
map each, the seniors' the juniors' by default) and joins them with
:func:`rmatch.io.tables.merge_sides`: the first file's people are juniors, the
second's seniors, and someone in both is on both sides.
"""

from __future__ import annotations

import warnings
from typing import Any

from rmatch.errors import InputError, InputWarning, Problem, caught_warnings, warn, warn_again
from rmatch.io.columns import ColumnMap
from rmatch.io.read import Source, UnusedColumns
from rmatch.io.sheets import source_name
from rmatch.io.tables import merge_sides, read_participants
from rmatch.model.participant import Participant

__all__ = ["read_sides"]


def read_sides(juniors: Source, seniors: Source, *,
               columns: ColumnMap | None = None,
               seniors_columns: ColumnMap | None = None,
               sheet: str | int | None = None, seniors_sheet: str | int | None = None,
               **options: Any) -> list[Participant]:
    r"""Read one file per side and join them into one roster.

    Parameters
    ----------
    juniors, seniors
        The juniors' file and the seniors' (paths or streams, as
        :func:`rmatch.read_participants` takes them).
    columns, seniors_columns
        The column map, and the seniors' file's own (``columns`` by default).
        With one map for both, a header only one file has is that file's
        own: only a header neither file has draws a warning.
    sheet, seniors_sheet
        Each file's Excel sheet (the first by default; the same workbook
        twice reads both sides from two sheets).
    **options
        The other reading options of :func:`rmatch.read_participants`
        (``values``, ``level_map``, ``date_format``, ``defaults``, ...), for
        both files. Managers are not checked against one file (one may be in
        the other).

    Returns
    -------
    list of Participant
        Everyone, each with the role of their file, or ``both``.

    Raises
    ------
    InputError
        Every problem of either file; a file with no one in it (a header
        alone: the programme would have no one on that side); a role column
        that puts someone on the other side than their file (or on both,
        in one file only); two files of the same people (one sheet read for
        both sides); or every field that the two files give differently for
        the same person.

    Examples
    --------
    >>> import io
    >>> mentees = io.StringIO("email,grade,identity to match" + chr(10) + "a@x,2,Gay")
    >>> mentors = io.StringIO("email,grade,characteristics" + chr(10) + "m@x,7,Gay")
    >>> people = read_sides(mentees, mentors, columns={
    ...     "email": "id", "grade": "level", "identity to match": "attributes.identity",
    ...     "characteristics": "attributes.characteristics"})
    >>> [(p.id, p.role, p.level) for p in people]
    [('a@x', 'junior', 2), ('m@x', 'senior', 7)]
    """
    shared = seniors_columns is None
    read: list[list[Participant]] = []
    said: list[warnings.WarningMessage] = []
    lacks: list[set[str]] = []  # the map's headers each file lacks
    failed: list[InputError] = []
    for source, cols, tab in ((juniors, columns, sheet),
                              (seniors, columns if shared else seniors_columns, seniors_sheet)):
        with caught_warnings() as caught:
            try:
                read.append(read_participants(source, columns=cols, sheet=tab,
                                              check_managers=False, **options))
            except InputError as err:  # the other file's problems are said too
                failed.append(err)
                read.append([])
        lacks.append({h for w in caught if isinstance(w.message, UnusedColumns)
                      for h in w.message.headers})
        # One map for both: a header one file lacks is the other file's own.
        said += [w for w in caught if not (shared and isinstance(w.message, UnusedColumns))]
    warn_again(said)
    if failed:
        raise failed[0] if len(failed) == 1 else InputError.of(
            [*failed[0].problems, *failed[1].problems])
    empty = [Problem(f"the {side}s' file has no one in it (a header and no rows"
                     f"{'' if tab is None else f', sheet {tab!r}'})", file=source_name(source))
             for side, source, tab, people in (("junior", juniors, sheet, read[0]),
                                               ("senior", seniors, seniors_sheet, read[1]))
             if not people]
    if empty:
        raise InputError.of(empty)
    if {p.id for p in read[0]} == {p.id for p in read[1]}:
        # Everyone on both sides: one sheet read twice (a workbook given for both
        # sides with one sheet named), never two sides' own files.
        tabs = "" if sheet == seniors_sheet is None else (
            f" (sheets {'the first' if sheet is None else repr(sheet)} and "
            f"{'the first' if seniors_sheet is None else repr(seniors_sheet)})")
        files = source_name(juniors) if source_name(juniors) == source_name(seniors) else \
            f"{source_name(juniors)} and {source_name(seniors)}"
        raise InputError(
            f"{files}{tabs}: the same {len(read[0])} people on both sides: "
            "one sheet read for both sides? Name each side's sheet with sheet= and "
            "seniors_sheet= (CLI: --sheet, --seniors-sheet); if everyone is on both sides, "
            "give one file with the role 'both'")
    neither = lacks[0] & lacks[1] if shared else set()
    if neither:
        warn(f"the column map names {', '.join(repr(h) for h in sorted(neither))}, "
             "which neither file has", InputWarning, stacklevel=2)
    return merge_sides(read[0], read[1], sheets=(
        _sheet_name(juniors, sheet), _sheet_name(seniors, seniors_sheet)))


def _sheet_name(source: Source, sheet: str | int | None) -> str:
    """Name a side's file (and its sheet, when one is named) in merge_sides' messages."""
    return source_name(source) + ("" if sheet is None else f", sheet {sheet!r}")

