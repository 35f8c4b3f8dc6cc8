"""Reading rosters: every cell into its field, every problem at once, nothing silently lost.

The flow for one roster:

1. :func:`rmatch.io.sheets.load_table` turns the source into headers and
   rows of raw cells, each row with the number a spreadsheet shows for it.
2. :func:`build` resolves the headers (``rmatch.io.columns``), maps and
   parses each cell into its field (``rmatch.io.values``), resolves managers
   given by name, settles ids given twice, validates each row as a
   :class:`~rmatch.model.participant.Participant`, then checks the roster as
   a whole (unknown managers, previous partners) and raises one
   :class:`~rmatch.errors.InputError` listing every problem, or returns the
   participants. Warnings name what was left out.
"""

from __future__ import annotations

import json
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from rmatch.errors import InputError, InputWarning, Problem
from rmatch.io import values as values
from rmatch.io.answers import suggest_value_maps, year_of_answer
from rmatch.io.columns import Columns, resolve, valid_target
from rmatch.io.fixes import (
    ANSWERS,
    grade_column,
    groups_shown_once,
    left_out_guesses,
    roster_hints,
    years_column,
)
from rmatch.io.layout import rows_text
from rmatch.io.managers import (
    ids_in_names,
    manager_problems,
    managers_by_email,
    managers_by_name,
)
from rmatch.io.names import as_ids, ids_by_name, names_read
from rmatch.io.sheets import FORMATS, Source, Table, load_table, unique_keys
from rmatch.model.languages import is_known_language, joined_languages, unread_note
from rmatch.model.participant import Participant
from rmatch.model.timezones import FIXED_OFFSET_NOTE, resolve_zone

__all__ = ["FORMATS", "Duplicates", "Options", "Source", "Table", "UnusedColumns", "build",
           "load_table", "unique_keys"]

Duplicates = Literal["error", "keep_last", "keep_first"]
_LISTS = ("languages", "previous_partners", "wishes", "avoid", "availability")
# Where an answer that gives none ("N/A", "Prefer not to say", "?", a spreadsheet's
# "#N/A") is no value: everywhere but the id, the name and the role (a row with no role is
# out of the programme: said as a problem, never dropped on a placeholder). A grade
# or a year of birth a form left open is unknown, not a wrong row; a language "N/A"
# was two languages, 'n' and 'a', that two such people shared.
_ALWAYS_READ = ("id", "role", "name")  # 'Na' is a given name
_ITEMS = (*_LISTS, "skills", "goals")
# Whose spreadsheet error is a problem: a failed lookup of an id is a person unknown.
_IDS = {"id": "the person's id", "manager_id": "the manager's id (or leave the cell empty "
        "for someone with no manager)", "manager_name": "the manager's name (or leave the "
        "cell empty for someone with no manager)"}
_ROLES = ("junior", "senior", "both")


@dataclass(frozen=True)
class Options:
    """How to read one roster (see :func:`rmatch.read_participants`)."""

    columns: Mapping[str, str | None] | None = None
    date_format: str | None = None
    level_map: Mapping[str, int] | None = None
    unknown_columns: Literal["warn", "error", "keep"] = "warn"
    role: str | None = None
    check_managers: bool = True
    values: Mapping[str, Mapping[str, Any]] | None = None
    duplicates: Duplicates = "error"
    defaults: Mapping[str, Any] | None = None
    """Field -> a value as a cell would give it, for every row that gives none."""
    folded_values: dict[str, dict[str, Any]] = field(init=False, repr=False)
    """``values`` with each raw cell folded (case, surrounding spaces)."""

    def __post_init__(self) -> None:
        bad = [f"{key!r}: {value!r}" for key, value in (self.columns or {}).items()
               if value is not None and not isinstance(value, str)]
        if bad:
            raise InputError(f"a column map gives each header a field name (text) or null; "
                             f"not {', '.join(bad[:5])}")
        if self.duplicates not in ("error", "keep_last", "keep_first"):
            raise InputError(f"duplicates={self.duplicates!r}: use 'error', 'keep_last' or "
                             "'keep_first'")
        # Grade names match ignoring case: two keys that differ only in case
        # must agree, or one would silently win for both.
        levels = _folded("level_map", self.level_map or {}, "level ")
        maps: dict[str, dict[str, Any]] = {}
        for target, mapping in (self.values or {}).items():
            if not isinstance(target, str) or not valid_target(target):
                raise InputError(f"values: {target!r} is not a field (use a field name, "
                                 "manager_name or attributes.KEY)")
            if not isinstance(mapping, Mapping):
                raise InputError(f"values: {target!r} must map each cell as written to a "
                                 f"value, not a {type(mapping).__name__}")
            maps[target] = _folded(f"values[{target!r}]", mapping)
        object.__setattr__(self, "folded_values", maps)
        # A grade in both maps: the value map would win over the level map,
        # silently; the same number twice is no conflict.
        clash = [(key, maps["level"][key], levels[key]) for key in levels
                 if key in maps.get("level", {}) and maps["level"][key] != levels[key]]
        if clash:
            raise InputError("the value map and the level map give the grade(s) " + ", ".join(
                f"{key!r} {a!r} and {b!r}" for key, a, b in clash[:5]) + ": give each grade "
                "its level in one of them")
        if self.defaults is not None and not isinstance(self.defaults, Mapping):
            raise InputError(f"defaults map each field to a value, not a "
                             f"{type(self.defaults).__name__}")
        for target in self.defaults or {}:
            if not isinstance(target, str) or not valid_target(target) \
                    or target in ("id", "manager_name", "attributes"):
                raise InputError(f"defaults: {target!r} is not a field a default can give "
                                 "(a field name or attributes.KEY; not id)")


def _folded(what: str, mapping: Mapping[Any, Any], noun: str = "") -> dict[str, Any]:
    """Fold a map's keys; two keys that fold alike must give the same value."""
    seen: dict[str, tuple[str, Any]] = {}
    for key, value in mapping.items():
        folded = values.fold(str(key))
        if folded in seen and seen[folded][1] != value:
            other, first = seen[folded]
            raise InputError(f"{what} gives {other!r} {noun}{first!r} and {key!r} {noun}"
                             f"{value!r}: cells are compared ignoring case and spaces, so "
                             "these are one; keep one")
        seen[folded] = (str(key), value)
    return {k: v for k, (_, v) in seen.items()}


# --------------------------------------------------------------------------- cells


def _parse(target: str, raw: Any, opts: Options, semicolons: bool) -> Any:
    """Parse one non-missing cell into the value of its field."""
    if target == "birth_year":
        try:
            return values.parse_birth_year(raw, opts.date_format)
        except ValueError as err:
            if year_of_answer(str(raw)) is None:
                raise
            said = (f"{err}; or" if str(raw).strip().isdigit() else
                    "a generation or an age range, not a year of birth:")
            raise ValueError(f"{said} give the value map suggest_values "
                             f"proposes (CLI: `rmatch columns`), {ANSWERS}") from None
    if target == "level":
        return values.parse_level(raw, opts.level_map)
    if target in ("capacity", "min_partners"):
        return values.parse_count(raw)
    if target in _LISTS:
        items = values.parse_list(raw, slash=target == "languages", only=";" if semicolons
                                  else None)
        mapping = opts.folded_values.get(target, {})
        mapped = (mapping.get(values.fold(i), i) for i in items) if mapping else iter(items)
        return [i for i in mapped if not values.is_missing(i)]
    if target in ("skills", "goals"):
        return values.parse_map(raw, numeric=True, only=";" if semicolons else None)
    if target in ("attributes", "language_levels"):
        return values.parse_map(raw, numeric=False, only=";" if semicolons else None)
    text = values.parse_text(raw)
    if target == "role" and values.fold(text) not in _ROLES:
        proposed = suggest_value_maps({"role": [text]}).get("role", {text: "junior"})
        example = json.dumps({"role": proposed}, ensure_ascii=False)
        raise ValueError(f"role {text!r} is not junior, senior or both: map it with values "
                         f"(CLI: --values FILE.json), e.g. {example}")
    return text


def _mapped(target: str, raw: Any, opts: Options) -> Any:
    """Apply the value map of the cell's field: the whole cell, compared folded."""
    mapping = opts.folded_values.get(target)
    if not mapping or isinstance(raw, (dict, list, tuple, set, frozenset)):
        return raw
    key = values.fold(values.parse_text(raw))
    return mapping.get(key, raw)


def _combine(record: dict[str, Any], target: str, value: Any) -> None:
    if target not in record:
        record[target] = value
    elif target == "name":
        record[target] = f"{record[target]} {value}"
    elif isinstance(value, list):
        record[target] = [*record[target], *value]
    else:
        record[target] = {**record[target], **value}


def _record(cells: Mapping[str, Any], targets: Mapping[str, str], opts: Options,
            semicolons: set[str], notes: list[tuple[str, str]], defaulted: list[str]
            ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return a row's model input (with ``manager_name``) and its (field, reason) problems.

    ``notes`` gets what was read but deserves a word, as (kind, cell): a time
    zone that is only an offset, a placeholder read as not given;
    ``defaulted`` the fields a default gave.
    """
    record: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for header, target in targets.items():
        _cell(record, attrs, errors, header, target, cells.get(header), opts, semicolons,
              notes)
    # A default fills what no column gave (absent, blank, or unknown by a value map).
    for target, raw in (opts.defaults or {}).items():
        key = target.removeprefix("attributes.")
        if (key not in attrs) if target.startswith("attributes.") else (target not in record):
            _cell(record, attrs, errors, "defaults", target, raw, opts, set(), notes)
            if (key in attrs) if target.startswith("attributes.") else (target in record):
                defaulted.append(target)
    if attrs:
        record["attributes"] = attrs
    if opts.role is not None and "role" not in record:
        record["role"] = opts.role
    return record, errors


def _cell(record: dict[str, Any], attrs: dict[str, Any], errors: list[tuple[str, str]],
          header: str, target: str, raw: Any, opts: Options, semicolons: set[str],
          notes: list[tuple[str, str]]) -> None:
    """Read one cell into the row's record (or its attributes), or note its problem."""
    if values.is_missing(raw):
        return
    try:
        raw = _mapped(target, raw, opts)
        if values.is_missing(raw):
            return  # the value map says: unknown
        if isinstance(raw, str) and target in _IDS and values.is_formula_error(raw):
            raise ValueError(f"{raw.strip()!r} is a spreadsheet's error (the formula that "
                             f"made this cell failed), not a value: give {_IDS[target]}")
        if isinstance(raw, str) and target not in _ALWAYS_READ and (
                values.gives_no_items(raw) if target in _ITEMS else values.gives_no_group(raw)):
            # "Prefer not to say", "N/A": no answer, not a group of people who share one.
            notes.append((f"placeholder {target.split('.')[0]}", values.parse_text(raw)))
            return
        if target.startswith("attributes."):
            key = target.removeprefix("attributes.")
            if key in attrs:
                raise ValueError(f"attribute {key!r} is also given in the 'attributes' "
                                 "column")
            attrs[key] = values.parse_text(raw)
        elif target == "attributes":
            parsed = values.parse_map(raw, numeric=False)
            clash = sorted(set(parsed) & set(attrs))
            if clash:
                raise ValueError(f"attribute(s) {clash} are also given in their own column")
            blank = {k for k, v in parsed.items() if values.gives_no_group(str(v))}
            notes += [("placeholder attributes", str(parsed[k])) for k in sorted(blank)]
            attrs.update({k: v for k, v in parsed.items() if k not in blank})
        elif target == "timezone":
            zone, note = resolve_zone(values.parse_text(raw))
            if note:  # only ever FIXED_OFFSET_NOTE
                notes.append(("offset", values.parse_text(raw)))
            _combine(record, target, zone)
        else:
            _combine(record, target, _parse(target, raw, opts, header in semicolons))
    except ValueError as err:
        reason = str(err) if header == target else f"{err} (column {header!r})"
        errors.append((target, reason))


def _pydantic_problems(err: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in err.errors():
        where = ".".join(str(x) for x in e["loc"]) or "row"
        out.append((where, e["msg"].removeprefix("Value error, ")))
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
    if cols.unknown and opts.unknown_columns == "error":
        problems.append(Problem(f"unknown column(s) {_left_out(cols, table)}; map them with "
                                "columns= or leave them out", file=name))
    problems += table.problems
    # A default that cannot be read is one problem, not one a row.
    for target, raw in (opts.defaults or {}).items():
        wrong: list[tuple[str, str]] = []
        _cell({}, {}, wrong, target, target, raw, opts, set(), [])
        if wrong:
            raise InputError(f"defaults: {target}: {wrong[0][1]}")
    # In a list or map column where any cell uses ';', only ';' separates
    # items: a ticked option holding a comma ("Podcasts, newsletters") stays
    # whole. Not for languages and time slots, which hold no comma ("pt, en"
    # beside "pt; en" in one export is two languages either way).
    semicolons = {h for h, t in cols.targets.items()
                  if t in (*_LISTS, "skills", "goals", "attributes")
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
        record, errors = _record(cells, cols.targets, opts, semicolons, notes, defaulted)
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
        warnings.warn(f"{name}: row(s) {rows_text(repeated)} repeat the header row and were "
                      "skipped (files joined into one?)", InputWarning, stacklevel=4)
    if by_default and opts.defaults:  # asked for, but said: which rows took it
        warnings.warn(f"{name}: " + "; ".join(
            f"{target} {opts.defaults[target]!r} by default on {len(rows_of)} row(s) that "
            f"give none (row(s) {rows_text(rows_of)})" for target, rows_of in
            by_default.items()), InputWarning, stacklevel=4)
    if blanked:
        warnings.warn(f"{name}: answer(s) that give none read as not given (in "
                      f"{', '.join(sorted(blank_fields))}): {_listing(blanked)}; map them "
                      "with values= if they are a group", InputWarning, stacklevel=4)
    if fixed:
        warnings.warn(f"{name}: time zone(s) given only as a UTC offset, read as "
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
        warnings.warn(f"{name}: {line}", InputWarning, stacklevel=4)
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
        warnings.warn(f"{name}: note(s) beside a language read as no level (the language "
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
        warnings.warn(f"{name}: {len(settled)} id(s) given more than once (compared ignoring "
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
    """Read wishes and vetoes given as people's names as their ids (:mod:`rmatch.io.names`).

    A name of several people is a problem naming their rows; a warning counts
    the names read. Names are personal data: neither repeats one.
    """
    if not any(r.record.get("wishes") or r.record.get("avoid") for r in rows):
        return  # most files: nobody names anyone
    row_of = {_nfc(r.record.get("id")): r.row for r in rows} | {None: 0}
    names = ids_by_name((r.record.get("name"), _nfc(r.record.get("id"))) for r in rows)
    if not names:
        return
    ids = {x for x in row_of if x is not None}
    read: list[str] = []
    for r in rows:
        for field_name in ("wishes", "avoid"):
            items = r.record.get(field_name)
            if not isinstance(items, list) or all(_nfc(x) in ids for x in items):
                continue
            out, shared, n = as_ids([str(_nfc(x) or x) for x in items], ids, names)
            r.errors += [(field_name, f"item {k + 1} is the name of rows "
                          f"{', '.join(str(row_of[x]) for x in found[:5])}: give that "
                          "person's id instead") for k, found in shared]
            read += [str(r.record.get("id") or f"row {r.row}")] * n
            r.record[field_name] = out
    if read:
        warnings.warn(f"{name}: {names_read(len(read), read)}", InputWarning, stacklevel=5)


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
        warnings.warn(f"{name}: left out column(s) rmatch does not know: {shown}; map them "
                      "with columns= (CLI: --columns MAP.json, which `rmatch columns` "
                      "proposes) or keep them as attributes with unknown_columns='keep' "
                      "(CLI: --unknown-columns keep)", InputWarning, stacklevel=4)
    if cols.unused:
        warnings.warn(UnusedColumns(f"{name}: the column map names "
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
        warnings.warn(f"{name}: language(s) rmatch does not know, kept as written and matched "
                      f"only to the same text: {_listing(odd)}", InputWarning, stacklevel=4)
    if strangers:
        warnings.warn(f"{name}: previous partner(s) not in this roster (people who left, or "
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
