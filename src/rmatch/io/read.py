"""Reading rosters: any source, every problem at once, nothing silently lost.

The flow for one roster:

1. :func:`load_table` turns the source (a path or an open file; CSV with any
   of ``,`` ``;`` tab ``|``, JSON, JSON Lines or Excel) into headers and rows
   of raw cells, each row with the number a spreadsheet shows for it.
2. :func:`build` resolves the headers (``rmatch.io.columns``), parses each cell
   into its field (``rmatch.io.values``), validates each row as a
   :class:`~rmatch.model.participant.Participant`, then checks the roster as a whole
   (duplicate ids, unknown managers, previous partners) and raises one
   :class:`~rmatch.errors.InputError` listing every problem, or returns the
   participants. Warnings name what was left out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import ValidationError

from rmatch.errors import InputError, InputWarning, Problem
from rmatch.io import values as values
from rmatch.io.columns import Columns, resolve, suggest
from rmatch.model.languages import is_known_language
from rmatch.model.participant import Participant

__all__ = ["FORMATS", "Options", "Table", "build", "load_table", "unique_keys"]

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".xlsx": "excel", ".xlsm": "excel"}
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
Source = str | os.PathLike[str] | IO[str] | IO[bytes]


@dataclass(frozen=True)
class Options:
    """How to read one roster (see :func:`rmatch.read_participants`)."""

    columns: Mapping[str, str | None] | None = None
    date_format: str | None = None
    level_map: Mapping[str, int] | None = None
    unknown_columns: Literal["warn", "error", "keep"] = "warn"
    role: str | None = None
    check_managers: bool = True

    def __post_init__(self) -> None:
        bad = [f"{key!r}: {value!r}" for key, value in (self.columns or {}).items()
               if value is not None and not isinstance(value, str)]
        if bad:
            raise InputError(f"a column map gives each header a field name (text) or null; "
                             f"not {', '.join(bad[:5])}")
        # Grade names match ignoring case: two keys that differ only in case
        # must agree, or one would silently win for both.
        seen: dict[str, tuple[str, int]] = {}
        for key, level in (self.level_map or {}).items():
            folded = values.fold(str(key))
            if folded in seen and seen[folded][1] != level:
                other, value = seen[folded]
                raise InputError(f"level_map gives {other!r} level {value} and {key!r} level "
                                 f"{level}: grade names are compared ignoring case, so these "
                                 "are one grade; keep one")
            seen[folded] = (str(key), level)


@dataclass
class Table:
    """A roster as headers and rows of raw cells, before any field is parsed."""

    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    """(row number as a spreadsheet or editor shows it, header -> raw cell)."""
    problems: list[Problem]
    """Rows that could not be split into cells (wrong cell count, a stray quote)."""


# --------------------------------------------------------------------------- sources


def _format(name: str, fmt: str | None, head: bytes | str) -> str:
    if fmt is not None:
        if fmt not in set(FORMATS.values()):
            raise InputError(f"unknown roster format {fmt!r}; use csv, json, jsonl or excel")
        return fmt
    suffix = Path(name).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if isinstance(head, bytes) and head.startswith(b"PK\x03\x04"):
        return "excel"
    start = (head.decode("utf-8", "replace") if isinstance(head, bytes) else head).lstrip(
        "\ufeff \t\r\n")
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        return "jsonl"
    if suffix:
        raise InputError(f"{name}: cannot tell the format from the suffix {suffix!r}; "
                         "use .csv, .json, .jsonl or .xlsx, or pass format=")
    return "csv"


MAX_ROSTER_BYTES = 1024**3
"""Rosters above 1 GiB (tens of millions of rows) are refused before reading."""


def _read_source(source: Source) -> tuple[str, bytes | str]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_ROSTER_BYTES:
                raise InputError(f"{path}: {path.stat().st_size / 1024**3:.1f} GB is more than "
                                 "a roster can be (1 GB); split it by country or business unit")
            return str(path), path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder, not a roster file") from None
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        data = source.read()
        return (str(name) if isinstance(name, (str, os.PathLike)) else "<stream>"), data
    raise InputError(f"cannot read a roster from a {type(source).__name__}; "
                     "give a path or an open file")


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as err:
            raise InputError(f"{name}: cannot read it as {encoding}: {err}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:  # cut short (an odd number of bytes) or damaged
            raise InputError(f"{name}: the file starts as UTF-16 text but byte {err.start} "
                             f"cannot be read ({err.reason}): it may be cut short; export "
                             "it again") from None
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as err:
        row = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            f"{name}: row {row}: the file is not UTF-8 text (byte 0x{data[err.start]:02x}); "
            "re-save it as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8), or pass "
            "encoding='cp1252' (CLI: --encoding cp1252) if it came from an older Windows "
            "program") from None


def load_table(source: Source, fmt: str | None, encoding: str | None,
               delimiter: str | None) -> Table:
    """Read a source into headers and rows of raw cells."""
    name, data = _read_source(source)
    kind = _format(name, fmt, data[:64])
    if kind == "excel":
        if isinstance(data, str):
            raise InputError(f"{name}: an Excel workbook must be opened in binary mode ('rb')")
        return _excel_table(name, data)
    text = _decode(name, data, encoding) if isinstance(data, bytes) else data
    # A byte-order mark left in the text (a file opened as utf-8, not utf-8-sig)
    # would become part of the first header and hide it.
    text = text.lstrip("\ufeff")
    if kind == "csv":
        return _csv_table(name, text, delimiter)
    return _json_table(name, text, kind)


def _sniff(header_line: str) -> str:
    """Pick the delimiter that splits the header into the most columns (comma on a tie)."""
    best, best_count = ",", 1
    for sep in _DELIMITERS:
        try:
            count = len(next(csv.reader([header_line], delimiter=sep)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = sep, count
    return best


def _csv_table(name: str, text: str, delimiter: str | None) -> Table:
    first = text.split("\n", 1)[0]
    sep = delimiter or _sniff(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    headers: list[str] = []
    line = 0
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(f"cannot split the row into cells: {err}", file=name,
                                    row=start))
            break
        line = reader.line_num
        if not headers:
            if not any(c.strip() for c in cells):
                continue  # blank lines above the header
            headers = [c.strip() for c in cells]
            continue
        if not cells:
            continue  # an empty line is not a participant
        if len(cells) != len(headers):
            # Checked before blankness: ",," under a one-column header is a
            # separator the header does not have, not an empty row.
            problems.append(Problem(_cell_count(cells, headers, sep, line - start), file=name,
                                    row=start, id=cells[0].strip() or None))
            continue
        if not any(c.strip() for c in cells):
            continue  # a row of empty cells is not a participant
        if any(_swallows_rows(c, sep, len(headers)) for c in cells):
            # Rows taken in by a stray quote (the cell count can still match):
            # name them, do not read them as one person.
            problems.append(Problem(
                f"a quote (\") opened in this row closes only {line - start} line(s) further "
                "on, taking in what look like rows: check for a stray quote", file=name,
                row=start, id=cells[0].strip() or None))
            continue
        rows.append((start, dict(zip(headers, cells, strict=True))))
    if not headers and not problems:
        problems.append(Problem("the file is empty: a roster starts with a header row",
                                file=name))
    return Table(name, headers, rows, problems)


def _swallows_rows(cell: str, sep: str, columns: int) -> bool:
    """Whether a cell spanning lines holds whole rows (a line with a full row's separators).

    A name or a note may run over lines; a line inside a cell that has as many
    separators as a row of the file is a row a stray quote took in.
    """
    inner = cell.split("\n")[1:-1]  # lines that begin and end inside the cell
    return columns > 1 and any(line.count(sep) >= columns - 1 for line in inner)


def _cell_count(cells: list[str], headers: list[str], sep: str, extra_lines: int) -> str:
    text = (f"the row has {len(cells)} cells but the header has {len(headers)} "
            f"({_DELIMITER_NAMES.get(sep, repr(sep))}-separated)")
    if extra_lines or any("\n" in c for c in cells):
        text += ("; a quote (\") opened in this row is closed only "
                 f"{extra_lines} line(s) further on: check for a stray quote")
    return text


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (``json`` keeps the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice in one JSON object")
        out[key] = value
    return out


def _json_table(name: str, text: str, kind: str) -> Table:
    items: list[tuple[int, Any]] = []
    if kind == "json":
        try:
            data = json.loads(text, object_pairs_hook=unique_keys)
        except json.JSONDecodeError as err:
            raise InputError(f"{name}: row {err.lineno}: invalid JSON: {err.msg}") from None
        except RecursionError:
            raise InputError(f"{name}: the JSON is nested too deeply") from None
        except ValueError as err:  # a key given twice in one object
            raise InputError(f"{name}: {err}") from None
        if not isinstance(data, list):
            raise InputError(f"{name}: expected a JSON list of participant objects")
        items = list(enumerate(data, start=1))
    else:
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((n, json.loads(line, object_pairs_hook=unique_keys)))
            except json.JSONDecodeError as err:
                raise InputError(f"{name}: row {n}: invalid JSON: {err.msg}") from None
            except ValueError as err:
                raise InputError(f"{name}: row {n}: {err}") from None
            except RecursionError:
                raise InputError(f"{name}: row {n}: the JSON is nested too deeply") from None
    headers: dict[str, None] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for n, item in items:
        if not isinstance(item, dict):
            problems.append(Problem("expected a JSON object", file=name, row=n))
            continue
        headers.update(dict.fromkeys(item))
        rows.append((n, item))
    return Table(name, list(headers), rows, problems)


def _excel_table(name: str, data: bytes) -> Table:
    """Read the first sheet: only cells that exist, merged cells and lost formulas named.

    The workbook is loaded in full (not read-only) to see merged ranges and
    formulas, and only the cells present in the file are visited: a sheet
    whose used range claims to reach XFD1048576 costs what its real cells
    cost. Formulas take the value Excel saved with them; one without a saved
    value is an error, never a silent blank.
    """
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise InputError(f"{name}: reading Excel needs openpyxl: pip install 'rmatch[excel]'") \
            from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
        raise InputError(f"{name}: not an Excel workbook that can be read ({err})") from None
    sheet = book.worksheets[0]
    # openpyxl keeps the cells that exist in the file in this dict, (row, column) -> cell.
    cells: dict[tuple[int, int], Any] = getattr(sheet, "_cells", {})
    formulas = {key for key, cell in cells.items() if cell.data_type == "f"}
    saved: dict[tuple[int, int], Any] = {}
    if formulas:
        values_book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        values_sheet = values_book.worksheets[0]
        saved = {key: values_sheet.cell(*key).value for key in formulas}
    by_row: dict[int, dict[int, Any]] = defaultdict(dict)
    for (r, c), cell in cells.items():
        value = saved[(r, c)] if (r, c) in formulas else cell.value
        if not values.is_missing(value) or (r, c) in formulas:
            by_row[r][c] = value
    problems: list[Problem] = []
    for merged in sheet.merged_cells.ranges:
        problems.append(Problem(f"cells {merged.coord} are merged, which leaves every row but "
                                "the first without a value; unmerge them and fill in each row",
                                file=name, row=merged.min_row))
    rows_present = sorted(by_row)
    if not rows_present:
        return Table(name, [], [], problems)
    header_row = rows_present[0]
    width = max(by_row[header_row])
    headers = [values.parse_text(by_row[header_row][c]) if c in by_row[header_row] else ""
               for c in range(1, width + 1)]
    rows: list[tuple[int, dict[str, Any]]] = []
    for r in rows_present[1:]:
        found = by_row[r]
        lost = [f"{get_column_letter(c)}{r}" for c in found
                if (r, c) in formulas and values.is_missing(found[c])]
        if lost:
            problems.append(Problem(f"cell(s) {', '.join(lost)} hold a formula without a saved "
                                    "value: open the file in Excel and save it again, or paste "
                                    "the values", file=name, row=r))
        beyond = [f"{get_column_letter(c)}{r}" for c in found if c > width]
        if beyond:
            problems.append(Problem(f"cell(s) {', '.join(beyond[:5])} hold values beyond the "
                                    "last header column", file=name, row=r))
        nameless = [f"{get_column_letter(c)}{r}" for c in found
                    if c <= width and not headers[c - 1] and not values.is_missing(found[c])]
        if nameless:
            problems.append(Problem(f"cell(s) {', '.join(nameless[:5])} hold values in a column "
                                    "without a header", file=name, row=r))
        if lost or beyond or nameless:
            continue
        rows.append((r, {h: found.get(c) for c, h in enumerate(headers, start=1) if h}))
    return Table(name, [h for h in headers if h], rows, problems)


# --------------------------------------------------------------------------- cells


def _parse(target: str, raw: Any, opts: Options) -> Any:
    """Parse one non-missing cell into the value of its field."""
    if target == "birth_year":
        return values.parse_birth_year(raw, opts.date_format)
    if target == "level":
        return values.parse_level(raw, opts.level_map)
    if target == "capacity":
        return values.parse_count(raw)
    if target == "languages":
        return values.parse_list(raw, slash=True)
    if target in ("previous_partners", "wishes", "avoid"):
        return values.parse_list(raw)
    if target in ("skills", "goals"):
        return values.parse_map(raw, numeric=True)
    if target == "attributes":
        return values.parse_map(raw, numeric=False)
    return values.parse_text(raw)


def _combine(record: dict[str, Any], target: str, value: Any) -> None:
    if target not in record:
        record[target] = value
    elif target == "name":
        record[target] = f"{record[target]} {value}"
    elif isinstance(value, list):
        record[target] = [*record[target], *value]
    else:
        record[target] = {**record[target], **value}


def _record(cells: Mapping[str, Any], targets: Mapping[str, str], opts: Options
            ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return a row's model input and its (field, reason) problems."""
    record: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for header, target in targets.items():
        raw = cells.get(header)
        if values.is_missing(raw):
            continue
        try:
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
                attrs.update(parsed)
            else:
                _combine(record, target, _parse(target, raw, opts))
        except ValueError as err:
            reason = str(err) if header == target else f"{err} (column {header!r})"
            errors.append((target, reason))
    if attrs:
        record["attributes"] = attrs
    if opts.role is not None and "role" not in record:
        record["role"] = opts.role
    return record, errors


def _pydantic_problems(err: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in err.errors():
        field = ".".join(str(x) for x in e["loc"]) or "row"
        out.append((field, e["msg"].removeprefix("Value error, ")))
    return out


# --------------------------------------------------------------------------- roster


def build(table: Table, opts: Options) -> list[Participant]:
    """Parse and validate every row; raise one InputError listing every problem."""
    name = table.name
    cols = resolve(table.headers, opts.columns, keep_unknown=opts.unknown_columns == "keep")
    problems: list[Problem] = [Problem(p, file=name) for p in cols.problems
                               if table.rows or table.headers]  # [] is an empty roster
    if cols.unknown and opts.unknown_columns == "error":
        problems.append(Problem(f"unknown column(s) {cols.unknown}; map them with columns= or "
                                "leave them out", file=name))
    problems += table.problems
    people: list[tuple[int, Participant]] = []
    managers: list[tuple[int, str | None, Any]] = []  # (row, id, manager) of every row
    ids: dict[str, int] = {}  # every id read, even from a row with problems
    has_id = "id" in cols.targets.values()
    for row, cells in table.rows:
        record, errors = _record(cells, cols.targets, opts)
        pid = _nfc(record.get("id"))
        managers.append((row, pid, _nfc(record.get("manager_id"))))
        if pid:
            if pid in ids:
                errors.append(("id", f"duplicate id, first given in row {ids[pid]}"))
            else:
                ids[pid] = row
        try:
            # A cell that could not be read stays out, so the model still
            # finds the row's other problems: every problem in one pass.
            person = Participant.model_validate(record)
        except ValidationError as err:
            failed = {f for f, _ in errors}
            found = _pydantic_problems(err)
            errors += [(f, r) for f, r in found
                       if f.split(".")[0] not in failed and (has_id or f != "id")] \
                or ([] if errors else found)  # never a rejected row without a word
        else:
            if not errors:
                people.append((row, person))
        problems += [Problem(reason, file=name, row=row, id=pid, field=field)
                     for field, reason in errors]
    if opts.check_managers:
        problems += _manager_problems(name, managers, ids)
    if problems:
        problems += _hints(table, cols, problems)
        raise InputError.of(problems)
    _warn(name, cols, people, ids)
    return [p for _, p in people]


def _nfc(value: Any) -> str | None:
    """Return an id as the model will store it (stripped, NFC), to compare ids early."""
    return unicodedata.normalize("NFC", value.strip()) or None if isinstance(value, str) \
        else None


def _manager_problems(name: str, managers: Sequence[tuple[int, str | None, str | None]],
                      ids: Mapping[str, int]) -> list[Problem]:
    return [Problem(f"manager {manager!r} is not in this roster: add them as a row without a "
                    "role, give the full org chart (org= / --org FILE), or pass "
                    "check_managers=False", file=name, row=row, id=pid, field="manager_id")
            for row, pid, manager in managers if manager is not None and manager not in ids]


def _hints(table: Table, cols: Columns, problems: Sequence[Problem]) -> list[Problem]:
    """Lines after the problems that say how to fix the commonest ones at once."""
    out: list[Problem] = []
    if cols.unknown or "id" not in cols.targets.values():
        proposal = json.dumps(suggest(table.headers), ensure_ascii=False)
        out.append(Problem(f"hint: a column map for these headers (check and edit it; "
                           f"`rmatch columns FILE` writes it): {proposal}", file=table.name))
    grades = sorted({p.reason.split("'")[1] for p in problems
                     if p.field == "level" and p.reason.startswith("grade ")})
    if grades:
        example = json.dumps(dict.fromkeys(grades[:12], 0), ensure_ascii=False)
        out.append(Problem(f"hint: give level_map (CLI: --level-map FILE.json) with a number "
                           f"for each grade, higher for more senior: {example}",
                           file=table.name))
    return out


def _warn(name: str, cols: Columns, people: Sequence[tuple[int, Participant]],
          ids: Mapping[str, int]) -> None:
    if cols.unknown:
        warnings.warn(f"{name}: left out column(s) rmatch does not know: "
                      f"{', '.join(repr(u) for u in cols.unknown)} (map them with columns=, "
                      "or keep them as attributes with unknown_columns='keep')",
                      InputWarning, stacklevel=4)
    if cols.unused:
        warnings.warn(f"{name}: the column map names {', '.join(repr(u) for u in cols.unused)}"
                      ", which this file does not have", InputWarning, stacklevel=4)
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


def _listing(found: Mapping[str, list[int]], limit: int = 8) -> str:
    shown = [f"{k!r} (row{'s' if len(v) > 1 else ''} {', '.join(map(str, v[:3]))}"
             f"{', ...' if len(v) > 3 else ''})" for k, v in list(found.items())[:limit]]
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return ", ".join(shown) + more
