"""Reading one row's cells into its fields: how to read a roster, and each cell parsed.

:func:`read_row` turns a row's raw cells into the input of a
:class:`~rmatch.model.participant.Participant` (value maps applied, each
cell parsed by ``rmatch.io.values``) with the row's problems by field;
:mod:`rmatch.io.read` calls it for every row. A cell's reading depends only
on its field, its text and the reading's :class:`Options`, so each distinct
cell of a column is parsed once a reading (an export of 100,000 people
writes its departments, offices, grades and years of birth over and over).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from rmatch.errors import InputError
from rmatch.io import values as values
from rmatch.io.answers import YES_NO, suggest_value_maps, year_of_answer
from rmatch.io.columns import ColumnMap, valid_target
from rmatch.io.fixes import ANSWERS
from rmatch.model.availability import grid_label
from rmatch.model.timezones import resolve_zone

__all__ = ["LIST_FIELDS", "Duplicates", "Options", "read_cell", "read_row"]

Duplicates = Literal["error", "keep_last", "keep_first"]
LIST_FIELDS = ("languages", "previous_partners", "wishes", "avoid", "availability")
# Where an answer that gives none ("N/A", "Prefer not to say", "?", a spreadsheet's
# "#N/A") is no value: everywhere but the id, the name and the role (a row with no role is
# out of the programme: said as a problem, never dropped on a placeholder). A grade
# or a year of birth a form left open is unknown, not a wrong row; a language "N/A"
# was two languages, 'n' and 'a', that two such people shared.
_ALWAYS_READ = ("id", "role", "name")  # 'Na' is a given name
_ITEMS = (*LIST_FIELDS, "skills", "goals")
# Whose spreadsheet error is a problem: a failed lookup of an id is a person unknown.
_IDS = {"id": "the person's id", "manager_id": "the manager's id (or leave the cell empty "
        "for someone with no manager)", "manager_name": "the manager's name (or leave the "
        "cell empty for someone with no manager)"}
_ROLES = ("junior", "senior", "both")


@dataclass(frozen=True)
class Options:
    """How to read one roster (see :func:`rmatch.read_participants`)."""

    columns: ColumnMap | None = None
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
    memo: dict[tuple[str, bool], dict[str, tuple[str, Any]]] = field(
        init=False, repr=False, compare=False, default_factory=dict)
    """Each field's distinct cells read so far, and what they gave (see ``read_cell``)."""

    def __post_init__(self) -> None:
        bad = [f"{key!r}: {value!r}" for key, value in (self.columns or {}).items()
               if value is not None and not isinstance(value, str) and not (
                   isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value))]
        if bad:
            raise InputError(f"a column map gives each header a field name (text), a list of "
                             f"field names, or null; not {', '.join(bad[:5])}")
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
    if target in LIST_FIELDS:
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
        if values.fold(text) in YES_NO:  # "Would you like to be a mentor?": the question says
            example = (json.dumps({"role": {text: "junior"}}, ensure_ascii=False)
                       + ' or "senior" (the side this answer means, as the question asked it; '
                       "null for someone outside the programme)")
        else:
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


def read_row(cells: Mapping[str, Any], targets: Mapping[str, str], opts: Options,
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
        raw = cells.get(header)
        if raw is None or (type(raw) is str and not raw):  # most cells of an export
            continue
        read_cell(record, attrs, errors, header, target, raw, opts, semicolons, notes)
    # A default fills what no column gave (absent, blank, or unknown by a value map).
    for target, raw in (opts.defaults or {}).items():
        key = target.removeprefix("attributes.")
        if (key not in attrs) if target.startswith("attributes.") else (target not in record):
            read_cell(record, attrs, errors, "defaults", target, raw, opts, set(), notes)
            if (key in attrs) if target.startswith("attributes.") else (target in record):
                defaulted.append(target)
    if attrs:
        record["attributes"] = attrs
    if opts.role is not None and "role" not in record:
        record["role"] = opts.role
    return record, errors


def read_cell(record: dict[str, Any], attrs: dict[str, Any], errors: list[tuple[str, str]],
              header: str, target: str, raw: Any, opts: Options, semicolons: set[str],
              notes: list[tuple[str, str]]) -> None:
    """Read one cell into the row's record (or its attributes), or note its problem."""
    if values.is_missing(raw):
        return
    if target == "availability" and isinstance(raw, str) \
            and (label := grid_label(header)) is not None:
        # A form's grid question: the day is the column's ("[Monday]"), each
        # answer a part of it ("Morning, Afternoon"); alone, "Morning" is every
        # weekday's morning.
        raw = "; ".join(f"{label} {item.strip()}" for item in re.split(r"[;,]", raw)
                        if item.strip())
    try:
        kind, value = _reading(target, raw, opts, header in semicolons)
        if kind == "placeholder":
            # "Prefer not to say", "N/A": no answer, not a group of people who share one.
            notes.append((f"placeholder {target.split('.')[0]}", value))
        elif kind == "attribute":
            key = target.removeprefix("attributes.")
            if key in attrs:
                raise ValueError(f"attribute {key!r} is also given in the 'attributes' "
                                 "column")
            attrs[key] = value
        elif kind == "attributes":
            parsed, blank = value
            clash = sorted(set(parsed) & set(attrs))
            if clash:
                raise ValueError(f"attribute(s) {clash} are also given in their own column")
            notes += [("placeholder attributes", str(parsed[k])) for k in blank]
            attrs.update({k: v for k, v in parsed.items() if k not in blank})
        elif kind == "zone":
            zone, offset = value
            if offset is not None:
                notes.append(("offset", offset))
            _combine(record, target, zone)
        elif kind == "value":
            # A list or map given afresh: a later step may change a row's own.
            _combine(record, target, value.copy() if isinstance(value, (list, dict))
                     else value)
    except ValueError as err:
        reason = str(err) if header == target else f"{err} (column {header!r})"
        errors.append((target, reason))


MEMO_CELLS = 20_000
"""Distinct cells of a field whose reading is kept for the reading's other rows."""
_UNIQUE = ("id", "name", "email")  # one a person: nothing to keep


def _reading(target: str, raw: Any, opts: Options, semicolons: bool) -> tuple[str, Any]:
    """Return what a cell gives its field, as (kind, value); ValueError when it gives nothing.

    The same text in the same field reads the same way in every row of a
    reading: kept in ``opts.memo`` (its ValueError too), up to
    :data:`MEMO_CELLS` distinct cells a field.
    """
    if type(raw) is not str or target in _UNIQUE:
        return _read_cell(target, raw, opts, semicolons)
    memo = opts.memo.setdefault((target, semicolons), {})
    kept = memo.get(raw)
    if kept is None:
        try:
            kept = _read_cell(target, raw, opts, semicolons)
        except ValueError as err:
            kept = ("error", str(err))
        if len(memo) < MEMO_CELLS:
            memo[raw] = kept
    if kept[0] == "error":
        raise ValueError(kept[1])
    return kept


def _read_cell(target: str, raw: Any, opts: Options, semicolons: bool) -> tuple[str, Any]:
    """Do what :func:`_reading` says, for one cell (never missing when called)."""
    raw = _mapped(target, raw, opts)
    if values.is_missing(raw):
        return "skip", None  # the value map says: unknown
    if isinstance(raw, str) and target in _IDS and values.is_formula_error(raw):
        raise ValueError(f"{raw.strip()!r} is a spreadsheet's error (the formula that "
                         f"made this cell failed), not a value: give {_IDS[target]}")
    if isinstance(raw, str) and target not in _ALWAYS_READ and (
            values.gives_no_items(raw) if target in _ITEMS else values.gives_no_group(raw)):
        return "placeholder", values.parse_text(raw)
    if target.startswith("attributes."):
        return "attribute", values.parse_text(raw)
    if target == "attributes":
        parsed = values.parse_map(raw, numeric=False)
        return "attributes", (parsed, sorted(k for k, v in parsed.items()
                                             if values.gives_no_group(str(v))))
    if target == "timezone":
        zone, note = resolve_zone(values.parse_text(raw))
        # note: only ever FIXED_OFFSET_NOTE
        return "zone", (zone, values.parse_text(raw) if note else None)
    return "value", _parse(target, raw, opts, semicolons)
