"""Reading and writing rosters (CSV, JSON, JSON Lines, Excel) and programme files.

CSV and Excel hold one participant per row with these columns (only ``id``
is required; see ``docs/file-formats.md``)::

    id,name,role,birth_year,level,department,location,timezone,languages,
    manager_id,skills,goals,attributes,capacity,previous_partners

List fields separate items with ``;`` (``languages`` = ``en;pt``), map fields
write ``key:value`` items (``skills`` = ``genai:0.8;cloud:0.5``). A column
``attributes.KEY`` is read as the attribute ``KEY``. Cells that a spreadsheet
would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are written with a leading ``'``, which reading removes again.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rmatch.errors import InputError
from rmatch.models import Participant, Program

__all__ = [
    "COLUMNS",
    "load_program",
    "read_participants",
    "split_roles",
    "write_participants",
]

COLUMNS: tuple[str, ...] = tuple(Participant.model_fields)
_LIST_FIELDS = ("languages", "previous_partners")
_UNIT_FIELDS = ("skills", "goals")
_INT_FIELDS = ("birth_year", "level", "capacity")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
            ".xlsx": "excel"}


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in set(_FORMATS.values()):
            raise InputError(f"unknown roster format {fmt!r}; use csv, json, jsonl or excel")
        return fmt
    found = _FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
            "use .csv, .json, .jsonl or .xlsx"
        )
    return found


def _where(row: int, pid: Any) -> str:
    return f"row {row}" + (f" (id {pid!r})" if pid else "")


def _unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _parse_list(text: str) -> list[str]:
    return [s.strip() for s in text.split(";") if s.strip()]


def _parse_map(text: str, numeric: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in _parse_list(text):
        key, sep, value = item.partition(":")
        if not sep:
            raise ValueError(f"item {item!r} is not key:value")
        key, value = key.strip(), value.strip()
        if key in out:
            raise ValueError(f"{key!r} is given twice")
        if numeric:
            try:
                out[key] = float(value)
            except ValueError:
                raise ValueError(f"{key!r} has value {value!r}, not a number") from None
        else:
            out[key] = value
    return out


def _parse_int(text: str) -> int:
    value = float(text)  # spreadsheets save whole numbers as 1999.0
    if not math.isfinite(value) or value != int(value):
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def _record_from_cells(cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Turn a row of text cells into model input; return it and (field, error) pairs."""
    record: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    attrs: dict[str, str] = {}
    for column, raw in cells.items():
        text = _unescape(raw.strip())
        try:
            if column.startswith("attributes."):
                if text:
                    attrs[column.removeprefix("attributes.")] = text
            elif column in _LIST_FIELDS:
                record[column] = _parse_list(text)
            elif column in _UNIT_FIELDS:
                record[column] = _parse_map(text, numeric=True)
            elif column == "attributes":
                attrs.update(_parse_map(text, numeric=False))
            elif column in _INT_FIELDS:
                if text:
                    record[column] = _parse_int(text)
            elif text:
                record[column] = text
        except ValueError as err:
            errors.append((column, str(err)))
    if attrs:
        record["attributes"] = attrs
    return record, errors


def _validate_rows(
    records: Iterable[tuple[int, dict[str, Any], list[tuple[str, str]]]], source: str
) -> list[Participant]:
    people: list[Participant] = []
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for row, record, pre_errors in records:
        pid = record.get("id")
        where = f"{source}: {_where(row, pid)}"
        problems += [f"{where}, field {f!r}: {msg}" for f, msg in pre_errors]
        if pre_errors:
            continue
        try:
            person = Participant.model_validate(record)
        except ValidationError as err:
            for e in err.errors():
                field = ".".join(str(x) for x in e["loc"]) or "row"
                msg = e["msg"].removeprefix("Value error, ")
                problems.append(f"{where}, field {field!r}: {msg}")
            continue
        if person.id in first_row:
            problems.append(
                f"{where}, field 'id': duplicate id, first given in row {first_row[person.id]}"
            )
            continue
        first_row[person.id] = row
        people.append(person)
    if problems:
        head = problems[0] + (f" (+{len(problems) - 1} more problems)" if len(problems) > 1 else "")
        raise InputError(head, problems)
    return people


def _csv_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any], list[Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "id" not in header:
        raise InputError(f"{source}: the header has no 'id' column (found {header})")
    unknown = [h for h in header if h not in COLUMNS and not h.startswith("attributes.")]
    if unknown:
        raise InputError(
            f"{source}: unknown column(s) {unknown}; known columns are {', '.join(COLUMNS)} "
            "and attributes.KEY"
        )
    reader.fieldnames = header
    for n, raw in enumerate(reader, start=2):  # spreadsheet numbering: the header is row 1
        if None in raw:
            yield n, {"id": raw.get("id")}, [("row", "more cells than header columns")]
            continue
        if not any((v or "").strip() for v in raw.values()):
            continue  # a blank line is not a participant
        record, errors = _record_from_cells({k: v or "" for k, v in raw.items()})
        yield n, record, errors


def _excel_as_csv(path: Path) -> str:
    try:
        import openpyxl
    except ImportError:
        raise InputError(f"{path}: reading Excel needs openpyxl: pip install 'rmatch[excel]'") \
            from None
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out)
    for values in sheet.iter_rows(values_only=True):
        writer.writerow(["" if v is None else str(v) for v in values])
    book.close()
    return out.getvalue()


def read_participants(path: str | Path, *, format: str | None = None) -> list[Participant]:
    r"""Read a roster file, validating every row.

    Parameters
    ----------
    path
        A ``.csv``, ``.json`` (a list of participant objects), ``.jsonl`` or
        ``.xlsx`` file (Excel needs the ``excel`` extra).
    format
        Overrides the format guessed from the suffix.

    Raises
    ------
    InputError
        Listing every bad cell as ``row N (id 'x'), field 'f': problem``
        (rows numbered as a spreadsheet shows them for CSV and Excel, from 1
        for JSON items and JSON Lines lines).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = path.write_text("id,role,languages,skills\nj1,junior,en;pt,genai:0.8\n")
    >>> read_participants(path)[0].skills
    {'genai': 0.8}
    """
    path = Path(path)
    fmt = _format_of(path, format)
    source = str(path)
    if fmt == "excel":
        return _validate_rows(_csv_rows(_excel_as_csv(path), source), source)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's CSV export starts with a BOM
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    if fmt == "csv":
        return _validate_rows(_csv_rows(text, source), source)
    if fmt == "json":
        try:
            items = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: invalid JSON at line {err.lineno}: {err.msg}") from None
        if not isinstance(items, list):
            raise InputError(f"{path}: expected a JSON list of participant objects")
        return _validate_rows(_json_records(enumerate(items, start=1)), source)
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: row {n}: invalid JSON: {err.msg}") from None
    return _validate_rows(_json_records(rows), source)


def _json_records(
    items: Iterable[tuple[int, Any]],
) -> Iterator[tuple[int, dict[str, Any], list[Any]]]:
    for n, item in items:
        if not isinstance(item, dict):
            yield n, {}, [("row", "expected a JSON object")]
        else:
            yield n, item, []


def _escape(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _check_cell_items(pid: str, field: str, items: Iterable[str], key: bool) -> None:
    bad = ";:" if key else ";"
    for item in items:
        if any(ch in item for ch in bad):
            raise InputError(
                f"participant {pid!r}, field {field!r}: {item!r} contains "
                f"{' or '.join(repr(c) for c in bad)}, which the CSV format uses as a separator"
            )


def _cells(p: Participant) -> dict[str, str]:
    data = p.model_dump(mode="json")
    row: dict[str, str] = {}
    for column in COLUMNS:
        value = data[column]
        if column in _LIST_FIELDS:
            _check_cell_items(p.id, column, value, key=False)
            text = ";".join(value)
        elif column in (*_UNIT_FIELDS, "attributes"):
            _check_cell_items(p.id, column, value.keys(), key=True)
            if column == "attributes":
                _check_cell_items(p.id, column, value.values(), key=False)
            text = ";".join(f"{k}:{v!r}" if column != "attributes" else f"{k}:{v}"
                            for k, v in value.items())
        else:
            text = "" if value is None else str(value)
        row[column] = _escape(text)
    return row


def write_participants(
    people: Sequence[Participant], path: str | Path, *, format: str | None = None
) -> None:
    """Write participants to CSV, JSON, JSON Lines or Excel; reading gives them back.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> people = [Participant(id="j1", name="=HYPERLINK()", skills={"genai": 0.8})]
    >>> write_participants(people, path)
    >>> "'=HYPERLINK()" in path.read_text(), read_participants(path) == people
    (True, True)
    """
    path = Path(path)
    fmt = _format_of(path, format)
    if fmt == "json":
        data = [p.model_dump(mode="json") for p in people]
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    if fmt == "jsonl":
        lines = [json.dumps(p.model_dump(mode="json"), ensure_ascii=False) for p in people]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return
    rows = [_cells(p) for p in people]
    if fmt == "excel":
        _write_excel(rows, path)
        return
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _write_excel(rows: list[dict[str, str]], path: Path) -> None:
    try:
        import openpyxl
    except ImportError:
        raise InputError("writing Excel needs openpyxl: pip install 'rmatch[excel]'") from None
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.append(list(COLUMNS))
    for row in rows:
        # Every cell as text: Excel would otherwise reinterpret ids like 007 or 1e3.
        sheet.append([row[c] for c in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    book.save(path)


def load_program(path: str | Path) -> Program:
    """Load a programme (weights, constraints, solver settings) from a JSON file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = path.write_text('{"constraints": [{"kind": "shared_language"}], "seed": 3}')
    >>> load_program(path).constraints[0].kind
    'shared_language'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    try:
        return Program.model_validate_json(text)
    except ValidationError as err:
        problems = [
            f"{path}: field {'.'.join(str(x) for x in e['loc'])!r}: {e['msg']}"
            for e in err.errors()
        ]
        raise InputError(problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1
                                        else ""), problems) from None


def split_roles(
    people: Sequence[Participant],
) -> tuple[list[Participant], list[Participant], list[Participant]]:
    """Split a roster into juniors, seniors and employees without a role.

    Employees without a role take part only as the org chart (reporting lines).

    Examples
    --------
    >>> js, ss, rest = split_roles([Participant(id="a", role="junior"), Participant(id="b")])
    >>> [p.id for p in js], [p.id for p in ss], [p.id for p in rest]
    (['a'], [], ['b'])
    """
    juniors = [p for p in people if p.role == "junior"]
    seniors = [p for p in people if p.role == "senior"]
    others = [p for p in people if p.role is None]
    return juniors, seniors, others
