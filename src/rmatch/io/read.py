"""Reading rosters: every cell into its field, every problem at once, nothing silently lost.

The flow for one roster:

1. :func:`rmatch.io.sheets.load_table` turns the source into headers and
   rows of raw cells, each row with the number a spreadsheet shows for it.
2. :func:`build` resolves the headers (``rmatch.io.columns``), maps and
   parses each cell into its field (``rmatch.io.cells``), resolves managers
   given by name, settles ids given twice, validates each row as a
   :class:`~rmatch.model.participant.Participant`, then checks the roster as
   a whole (unknown managers, previous partners) and raises one
   :class:`~rmatch.errors.InputError` listing every problem, or returns the
   participants. Warnings name what was left out.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from rmatch.errors import InputError, InputWarning, Problem, warn
from rmatch.io import values as values
from rmatch.io.cells import LIST_FIELDS, Duplicates, Options, read_cell, read_row
from rmatch.io.columns import Columns, resolve
from rmatch.io.fixes import (
    ANSWERS,
    grade_column,
    groups_shown_once,
    left_out_guesses,
    roster_hints,
    years_column,
)
from rmatch.io.hints import plain_message
from rmatch.io.layout import rows_text
from rmatch.io.managers import (
    ids_in_names,
    manager_problems,
    managers_by_email,
    managers_by_name,
)
from rmatch.io.names import NAMING, as_ids, ids_by_name, names_read, naming_words
from rmatch.io.sheets import FORMATS, Source, Table, load_table, unique_keys
from rmatch.model.languages import is_known_language, joined_languages, unread_note
from rmatch.model.participant import Participant
from rmatch.model.timezones import FIXED_OFFSET_NOTE

__all__ = ["FORMATS", "Duplicates", "Options", "Source", "Table", "UnusedColumns", "build",
           "load_table", "unique_keys"]

def _pydantic_problems(err: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in err.errors():
        where = ".".join(str(x) for x in e["loc"]) or "row"
        out.append((where, plain_message(e)))
    return out


# --------------------------------------------------------------------------- roster


@dataclass
class _Row:
    """One row on its way to a participant."""

    row: int
    record: dict[str, Any]
    errors: list[tuple[str, str]]
    manager_name: str | None = None


def build(table: Table, opts: Options) -> list[Participant]:
    """Parse and validate every row; raise one InputError listing every problem."""
    name = table.name
    cols = resolve(table.headers, opts.columns, keep_unknown=opts.unknown_columns == "keep",
                   objects=table.objects)
    problems: list[Problem] = [Problem(p, file=name) for p in cols.problems
                               if table.rows or table.headers]  # [] is an empty roster
    for _, cells in table.rows if cols.copies else ():  # a column read as several fields
        for copy, source in cols.copies.items():
            if source in cells:
                cells[copy] = cells[source]
    if cols.unknown and opts.unknown_columns == "error":
        problems.append(Problem(f"unknown column(s) {_left_out(cols, table)}; map them with "
                                "columns= or leave them out", file=name))
    problems += table.problems
    # A default that cannot be read is one problem, not one a row.
    for target, raw in (opts.defaults or {}).items():
        wrong: list[tuple[str, str]] = []
        read_cell({}, {}, wrong, target, target, raw, opts, set(), [])
        if wrong:
            raise InputError(f"defaults: {target}: {wrong[0][1]}")
    # In a list or map column where any cell uses ';', only ';' separates
    # items: a ticked option holding a comma ("Podcasts, newsletters") stays
    # whole. Not for languages and time slots, which hold no comma ("pt, en"
    # beside "pt; en" in one export is two languages either way).
    semicolons = {h for h, t in cols.targets.items()
                  if t in (*LIST_FIELDS, "skills", "goals", "attributes")
                  and t not in ("languages", "availability")
                  and any(isinstance(c.get(h), str) and ";" in c[h] for _, c in table.rows)}
    rows: list[_Row] = []
    fixed: dict[str, list[int]] = defaultdict(list)
    blanked: dict[str, list[int]] = defaultdict(list)
    blank_fields: set[str] = set()
    by_default: dict[str, list[int]] = defaultdict(list)
    header = [values.fold(h) for h in table.headers]
    repeated: list[int] = []
    for row, cells in table.rows:
        first = cells.get(table.headers[0]) if len(header) > 1 and header[0] else None
        if isinstance(first, str) and values.fold(first) == header[0] and all(
                isinstance(cells.get(h), str) and values.fold(cells[h]) == key
                for h, key in zip(table.headers, header, strict=True)):
            # Two exports joined into one file: the second's header is no person,
            # skipped as a title or a footer is, and said.
            repeated.append(row)
            continue
        notes: list[tuple[str, str]] = []
        defaulted: list[str] = []
        record, errors = read_row(cells, cols.targets, opts, semicolons, notes, defaulted)
        manager_name = record.pop("manager_name", None)
        rows.append(_Row(row, record, errors, manager_name))
        for kind, cell in notes:
            said = (fixed if kind == "offset" else blanked)[cell]
            if not said or said[-1] != row:  # a row's 'N/A' in three columns: once
                said.append(row)
            if kind != "offset":
                blank_fields.add(kind.removeprefix("placeholder "))
        for target in defaulted:
            by_default[target].append(row)
    if repeated:
        warn(f"{name}: row(s) {rows_text(repeated)} repeat the header row and were "
             "skipped (files joined into one?)", InputWarning, stacklevel=4)
    if by_default and opts.defaults:  # asked for, but said: which rows took it
        warn(f"{name}: " + "; ".join(
            f"{target} {opts.defaults[target]!r} by default on {len(rows_of)} row(s) that "
            f"give none (row(s) {rows_text(rows_of)})" for target, rows_of in
            by_default.items()), InputWarning, stacklevel=4)
    if blanked:
        warn(f"{name}: answer(s) that give none read as not given (in "
             f"{', '.join(sorted(blank_fields))}): {_listing(blanked)}; map them "
             "with values= if they are a group", InputWarning, stacklevel=4)
    if fixed:
        warn(f"{name}: time zone(s) given only as a UTC offset, read as "
             f"{FIXED_OFFSET_NOTE}: {_listing(fixed)}; map them to the office's zone "
             "with values={'timezone': {...}} where summer time applies",
             InputWarning, stacklevel=4)
    rows = _settle_duplicates(name, rows, opts.duplicates)
    has_id = "id" in cols.targets.values()
    ids_in_names(name, rows)
    managers_by_name(name, rows, "manager_id" in cols.targets.values())
    managers_by_email(name, rows)
    _named_wishes(name, rows)
    people: list[tuple[int, Participant]] = []
    managers: list[tuple[int, str | None, Any]] = []  # (row, id, manager) of every row
    ids: dict[str, int] = {}  # every id read, even from a row with problems
    for r in rows:
        pid = _nfc(r.record.get("id"))
        managers.append((r.row, pid, _nfc(r.record.get("manager_id"))))
        if pid:
            ids.setdefault(pid, r.row)
        try:
            # A cell that could not be read stays out, so the model still
            # finds the row's other problems: every problem in one pass.
            person = Participant.model_validate(r.record)
        except ValidationError as err:
            failed = {f for f, _ in r.errors}
            found = _pydantic_problems(err)
            # Never a rejected row without a word; without an id column the
            # file's own problem says why every row lacks one (not once a row).
            r.errors += [(f, why) for f, why in found
                         if f.split(".")[0] not in failed and (has_id or f != "id")] \
                or ([] if r.errors or not has_id else found)
        else:
            if not r.errors:
                people.append((r.row, person))
        problems += [Problem(reason, file=name, row=r.row, id=pid, field=where,
                             kind="year_answers" if ANSWERS in reason else None)
                     for where, reason in r.errors]
    if opts.check_managers and has_id:  # without ids every manager would name no one
        problems += manager_problems(name, managers, ids)
    if problems:
        hints = roster_hints(table, cols, problems)
        any_level = any(r.record.get("level") is not None for r in rows)
        any_year = any(r.record.get("birth_year") is not None for r in rows)
        problems = years_column(table, cols, any_year, problems)
        raise InputError.of([*grade_column(name, cols, any_level, problems), *hints])
    _warn(name, cols, people, ids, _left_out(cols, table))
    for line in groups_shown_once(table, cols):
        warn(f"{name}: {line}", InputWarning, stacklevel=4)
    _level_notes(name, rows)
    return [p for _, p in people]


def _level_notes(name: str, rows: Sequence[_Row]) -> None:
    """Name the notes beside languages that are no level ("French (rusty)").

    Such a language has no level, which meets a rule's minimum level as an
    unsaid one does: said once, with the rows, so a typo or a word rmatch
    does not know is seen.
    """
    notes: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        for item in r.record.get("languages") or ():
            if ")" not in str(item) and " " not in str(item).strip():
                continue  # most cells: no note at all
            for part in joined_languages(str(item)):
                note = unread_note(part)
                if note:
                    notes[note].append(r.row)
    if notes:
        warn(f"{name}: note(s) beside a language read as no level (the language "
             "then counts as spoken well enough wherever a rule asks for a level; "
             f"write a level such as B1 or 'fluent' to say it): {_listing(notes)}",
             InputWarning, stacklevel=4)


def _id_key(value: Any) -> str | None:
    """Fold an id the way e-mail addresses behave: case and surrounding spaces do not count."""
    pid = _nfc(value)
    return pid.casefold() if pid else None


def _settle_duplicates(name: str, rows: list[_Row], policy: Duplicates) -> list[_Row]:
    """Apply ``duplicates``: an error naming both rows, or keep one row per id.

    Ids are compared ignoring case and surrounding spaces (a sign-up form's
    resubmission with the e-mail typed in capitals is the same person).
    References to a kept id written in another case (``manager_id``) take
    the kept spelling.
    """
    by_key: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        key = _id_key(r.record.get("id"))
        if key:
            by_key[key].append(r)
    dropped: set[int] = set()
    settled: list[str] = []
    spelling: dict[str, str] = {}
    for group in by_key.values():
        if len(group) == 1:
            spelling[_id_key(group[0].record["id"]) or ""] = _nfc(group[0].record["id"]) or ""
            continue
        if policy == "error":
            first = group[0]
            for r in group[1:]:
                same = _nfc(r.record["id"]) == _nfc(first.record["id"])
                r.errors.append(("id", f"duplicate id, first given in row {first.row}" if same
                                 else f"the id differs only in case from {first.record['id']!r} "
                                      f"in row {first.row}; ids are compared ignoring case (a "
                                      "sign-up form's resubmission: pass duplicates='keep_last'"
                                      " (CLI: --duplicates keep_last))"))
            continue
        kept = group[-1] if policy == "keep_last" else group[0]
        dropped.update(id(r) for r in group if r is not kept)
        spelling[_id_key(kept.record["id"]) or ""] = _nfc(kept.record["id"]) or ""
        settled.append(f"{kept.record['id']!r} (kept row {kept.row} of rows "
                       f"{', '.join(str(r.row) for r in group)})")
    if settled:
        warn(f"{name}: {len(settled)} id(s) given more than once (compared ignoring "
             f"case), one row kept for each ({policy}): {', '.join(settled[:8])}"
             f"{' and more' if len(settled) > 8 else ''}", InputWarning, stacklevel=5)
    out = [r for r in rows if id(r) not in dropped]
    if policy != "error":
        for r in out:
            manager = _id_key(r.record.get("manager_id"))
            if manager in spelling:
                r.record["manager_id"] = spelling[manager]
    return out


def _named_wishes(name: str, rows: Sequence[_Row]) -> None:
    """Read wishes, vetoes and previous partners given as names as ids (:mod:`rmatch.io.names`).

    A name of several people is a problem naming their rows; a warning counts
    the names read. Names are personal data: neither repeats one. (A previous
    partner written by name was "not in this roster", and NoRepeat paired the
    two again.)
    """
    if not any(r.record.get(f) for r in rows for f in NAMING):
        return  # most files: nobody names anyone
    row_of = {_nfc(r.record.get("id")): r.row for r in rows} | {None: 0}
    names = ids_by_name((r.record.get("name"), _nfc(r.record.get("id"))) for r in rows)
    if not names:
        return
    ids = {x for x in row_of if x is not None}
    read: list[str] = []
    kinds: set[str] = set()
    for r in rows:
        for field_name in NAMING:
            items = r.record.get(field_name)
            if not isinstance(items, (list, tuple, set, frozenset)) \
                    or all(_nfc(x) in ids for x in items):
                continue
            out, shared, n = as_ids([str(_nfc(x) or x) for x in items], ids, names)
            r.errors += [(field_name, f"item {k + 1} is the name of rows "
                          f"{', '.join(str(row_of[x]) for x in found[:5])}: give that "
                          "person's id instead") for k, found in shared]
            read += [str(r.record.get("id") or f"row {r.row}")] * n
            kinds |= {field_name} if n else set()
            r.record[field_name] = out
    if read:
        warn(f"{name}: {names_read(len(read), read, naming_words(kinds))}", InputWarning,
             stacklevel=5)


def _nfc(value: Any) -> str | None:
    """Return an id as the model will store it (stripped, NFC), to compare ids early."""
    return unicodedata.normalize("NFC", value.strip()) or None if isinstance(value, str) \
        else None


class UnusedColumns(InputWarning):
    """The column map names headers a file does not have (``headers``, as the map names them).

    Its own class so that a reader of one file per side can tell the other
    file's columns from columns neither file has (:func:`rmatch.io.sides.read_sides`).
    """

    def __init__(self, message: str, headers: Sequence[str]) -> None:
        super().__init__(message)
        self.headers = tuple(headers)


_NAMED_MOST = 50  # columns left out named in a message; the others counted


def _left_out(cols: Columns, table: Table) -> str:
    """Name the columns left out, each with the field it most likely holds.

    "date of birth" left out without a word of birth_year read as a file with
    no ages in it (every generation score 0).
    """
    likely = left_out_guesses(table.headers, cols, objects=table.objects)
    more = len(cols.unknown) - _NAMED_MOST
    return ", ".join(f"{u!r} (looks like {likely[u]})" if u in likely else repr(u)
                     for u in cols.unknown[:_NAMED_MOST]) + (f" and {more:,} more" if more > 0
                                                              else "")


def _warn(name: str, cols: Columns, people: Sequence[tuple[int, Participant]],
          ids: Mapping[str, int], shown: str) -> None:
    if cols.unknown:
        warn(f"{name}: left out column(s) rmatch does not know: {shown}; map them "
             "with columns= (CLI: --columns MAP.json, which `rmatch columns` "
             "proposes) or keep them as attributes with unknown_columns='keep' "
             "(CLI: --unknown-columns keep)", InputWarning, stacklevel=4)
    if cols.unused:
        warn(UnusedColumns(f"{name}: the column map names "
                           f"{', '.join(repr(u) for u in cols.unused)}, which this "
                           "file does not have", cols.unused), stacklevel=4)
    odd: dict[str, list[int]] = defaultdict(list)
    strangers: dict[str, list[int]] = defaultdict(list)
    for row, p in people:
        for lang in p.languages:
            if not is_known_language(lang):
                odd[lang].append(row)
        for other in p.previous_partners:
            if other not in ids:
                strangers[other].append(row)
    if odd:
        warn(f"{name}: language(s) rmatch does not know, kept as written and matched "
             f"only to the same text: {_listing(odd)}", InputWarning, stacklevel=4)
    if strangers:
        warn(f"{name}: previous partner(s) not in this roster (people who left, or "
             f"a typo): {_listing(strangers)}", InputWarning, stacklevel=4)


_QUOTED = 80
"""The most characters of one value a warning quotes (a cell of 100,000 made a warning as long)."""


def _listing(found: Mapping[str, list[int]], limit: int = 8) -> str:
    shown = [f"{_quoted(k)} (row{'s' if len(v) > 1 else ''} {', '.join(map(str, v[:3]))}"
             f"{', ...' if len(v) > 3 else ''})" for k, v in list(found.items())[:limit]]
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return ", ".join(shown) + more


def _quoted(value: str) -> str:
    """Quote a value for a warning, its first characters only when it is long."""
    return repr(value) if len(value) <= _QUOTED else \
        f"{value[:_QUOTED]!r}... ({len(value):,} characters)"
