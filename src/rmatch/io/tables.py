"""Reading and writing rosters (CSV, JSON, JSON Lines, Excel) and programme files.

CSV and Excel hold one participant per row with these columns (only ``id``
is required; see ``docs/file-formats.md``)::

    id,name,role,birth_year,level,department,location,timezone,languages,
    manager_id,skills,goals,attributes,capacity,previous_partners,wishes,avoid

List fields separate items with ``;`` (``languages`` = ``en;pt``), map fields
write ``key:value`` items (``skills`` = ``genai:0.8;cloud:0.5``). A column
``attributes.KEY`` is read as the attribute ``KEY``. Cells that a spreadsheet
would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are written with a leading ``'``, which reading removes again.

Reading takes rosters as HR systems export them (any header spelling with a
column map, ``;`` or tab separated, dates of birth, grade names, language
names): the machinery is in ``rmatch.io.read``, ``rmatch.io.columns`` and
``rmatch.io.values``; ``docs/hr-data.md`` walks through it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from rmatch.errors import InputError, Problem, RmatchError
from rmatch.io import columns as _columns
from rmatch.io import read as _read
from rmatch.io.cells import LIST_FIELDS
from rmatch.io.columns import ColumnMap
from rmatch.io.documents import json_error
from rmatch.io.files import write_atomic, writing, writing_bytes
from rmatch.io.hints import near_field, near_tag, plain_message
from rmatch.io.names import named_wishes
from rmatch.io.read import Duplicates, Source
from rmatch.io.survey import proposed_values
from rmatch.model.participant import Participant, split_roles
from rmatch.program.program import Program

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "from_frame",
    "load_program",
    "merge_sides",
    "read_participants",
    "split_roles",
    "suggest_columns",
    "suggest_values",
    "to_frame",
    "write_participants",
]

COLUMNS: tuple[str, ...] = tuple(Participant.model_fields)
_UNIT_FIELDS = ("skills", "goals")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
            ".xlsx": "excel"}
UnknownColumns = Literal["warn", "error", "keep"]


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


def read_participants(
    source: Source,
    *,
    columns: ColumnMap | None = None,
    date_format: str | None = None,
    level_map: Mapping[str, int] | None = None,
    unknown_columns: UnknownColumns = "warn",
    role: Literal["junior", "senior", "both"] | None = None,
    check_managers: bool = True,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    duplicates: Duplicates = "error",
    header_row: int | None = None,
    sheet: str | int | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> list[Participant]:
    r"""Read a roster, validating every row and reporting every problem at once.

    Parameters
    ----------
    source
        A path, or a file opened in text or binary mode: CSV (``,`` ``;``
        tab or ``|`` separated, found from the header), JSON (a list of
        participant objects), JSON Lines, or ``.xlsx`` (needs the ``excel``
        extra). The format comes from the suffix, else from the content.
    columns
        Source header -> field (``"Employee ID": "id"``), ``attributes.KEY``
        (``"Gender": "attributes.gender"``) or ``None`` (leave it out).
        Headers match whatever their case and spacing; columns that already
        name a field need no entry. Several columns may give ``name``
        (joined with spaces) or a list or map field (merged); one column
        may give several fields as a list (``"Office": ["location",
        "timezone"]``: an office named by its city is its time zone too).
        :func:`suggest_columns` proposes a map.
    date_format
        How dates of birth are written when not ISO (``"%d/%m/%Y"``); a date
        with a four-digit year needs none (see ``docs/hr-data.md``).
    level_map
        Grade name -> level (``{"L7": 7, "Director": 9}``), any case.
    unknown_columns
        Columns neither known nor mapped: ``"warn"`` (left out, one
        :class:`~rmatch.errors.InputWarning` naming them), ``"error"``, or
        ``"keep"`` (read as attributes under their header).
    role
        Role for rows that give none (one sheet per side).
    check_managers
        Every ``manager_id`` must be a row of the roster (the org chart for
        :class:`~rmatch.constraints.pairwise.NoReportingLine`); pass ``False`` when
        the chart comes separately.
    format, encoding, delimiter
        Override what is found from the suffix, the byte-order mark (UTF-8
        otherwise) and the header.
    values
        Value maps per field: raw cell -> value, compared ignoring case and
        surrounding spaces; ``None`` means unknown. ``{"role": {"Mentor
        (junior)": "junior"}, "manager_id": {"NO_MANAGER": None},
        "timezone": {"IST": "Asia/Kolkata"}}``. A list field's map also
        applies to each item (``{"languages": {"Mandarin": "zh"}}``).
    duplicates
        An id given on more than one row (compared ignoring case and
        surrounding spaces, as e-mail addresses behave): ``"error"`` (a
        problem naming both rows), ``"keep_last"`` (a sign-up form's latest
        submission wins) or ``"keep_first"``; kept rows are named in an
        :class:`~rmatch.errors.InputWarning`.
    header_row
        The header's row as a spreadsheet shows it (CSV and Excel). By
        default the header is found under titles, banners and report
        parameters, and footer lines (totals, counts, notices) after the
        last person are skipped; both are named in a warning.
    sheet
        The Excel sheet to read: a name (any case), an index from 0, or text
        that names no sheet but is a number: the tab's number from 1, as
        Excel shows them (``"2"``); the first by default.
    defaults
        Field -> value, written as a cell would give it, for every row that
        gives none (no such column, a blank cell, or a value map's unknown):
        ``{"timezone": "Europe/London", "languages": "en"}`` for a one-office
        export without those columns. Said in a warning naming the rows;
        not for ``id``.

    Raises
    ------
    InputError
        With ``problems`` listing every problem of the file as
        :class:`~rmatch.errors.Problem` lines (file, row, id, field, reason;
        rows numbered as a spreadsheet shows them, JSON items from 1), then
        hints such as a suggested column map.

    Examples
    --------
    >>> import io
    >>> export = io.StringIO("Employee ID;Grade;Languages;Date of Birth\n"
    ...                      "e1;L7;English, Spanish;14/02/1962\n")
    >>> [p] = read_participants(export, columns={"Employee ID": "id", "Grade": "level",
    ...                                          "Date of Birth": "birth_year"},
    ...                         level_map={"L7": 7})
    >>> p.level, sorted(p.languages), p.birth_year
    (7, ['en', 'es'], 1962)
    """
    opts = _read.Options(columns, date_format, level_map, unknown_columns, role,
                         check_managers, values, duplicates, defaults)
    return _read.build(_read.load_table(source, format, encoding, delimiter,
                                        header_row=header_row, sheet=sheet), opts)


def suggest_columns(source: Source, *, format: str | None = None,
                    encoding: str | None = None, delimiter: str | None = None,
                    header_row: int | None = None,
                    sheet: str | int | None = None) -> dict[str, str | None]:
    r"""Suggest a column map for a roster's headers, to check, edit and pass as ``columns``.

    Examples
    --------
    >>> import io
    >>> suggest_columns(io.StringIO("Employee ID,Gender,Job Title\n"))
    {'Employee ID': 'id', 'Gender': 'attributes.gender', 'Job Title': None}
    """
    table = _read.load_table(source, format, encoding, delimiter, header_row=header_row,
                             sheet=sheet)
    return _columns.suggest(table.headers, hidden=table.hidden, objects=table.objects,
                            rows=[cells for _, cells in table.rows])


def suggest_values(source: Source, *, columns: ColumnMap | None = None,
                   format: str | None = None, encoding: str | None = None,
                   delimiter: str | None = None, header_row: int | None = None,
                   sheet: str | int | None = None) -> dict[str, dict[str, Any]]:
    r"""Propose value maps for a roster (``values=``, CLI ``--values``), to check and edit.

    Reads the cells of the role and manager columns (through ``columns``, or
    the suggested column map) and proposes what the words say: see
    :func:`rmatch.io.answers.suggest_value_maps`. Role words are proposed as
    reverse mentoring says them ("Mentor" is a junior) unless the file, read
    with them, has its juniors the older side (a classic programme's file):
    then the other way round, with an :class:`~rmatch.InputWarning` saying so.

    Examples
    --------
    >>> import io
    >>> form = io.StringIO("Email,Programme role\na@x.org,Reverse mentor (I'm early in my "
    ...                    "career)\nb@x.org,Mentee\n")
    >>> suggest_values(form, columns={"Email": "id", "Programme role": "role"})
    {'role': {"Reverse mentor (I'm early in my career)": 'junior', 'Mentee': 'senior'}}
    """
    table = _read.load_table(source, format, encoding, delimiter, header_row=header_row,
                             sheet=sheet)
    return proposed_values(table, columns)


def from_frame(
    frame: pd.DataFrame,
    *,
    columns: ColumnMap | None = None,
    date_format: str | None = None,
    level_map: Mapping[str, int] | None = None,
    unknown_columns: UnknownColumns = "warn",
    role: Literal["junior", "senior", "both"] | None = None,
    check_managers: bool = True,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    duplicates: Duplicates = "error",
    defaults: Mapping[str, Any] | None = None,
) -> list[Participant]:
    """Read participants from a pandas DataFrame, one per row (see :func:`read_participants`).

    Missing values (NaN, None, NaT) are "not given"; list fields take lists or
    delimited text, map fields dicts or ``key:value`` text. Problems name rows
    from 1 in the frame's order.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["j1", "s1"], "role": ["junior", "senior"],
    ...                    "languages": [["en"], "EN, de"], "level": [1, None]})
    >>> [sorted(p.languages) for p in from_frame(df)]
    [['en'], ['de', 'en']]
    """
    headers = [str(c) for c in frame.columns]
    if len(set(headers)) != len(headers):
        dup = sorted({h for h in headers if headers.count(h) > 1})
        raise InputError(f"DataFrame: column(s) {dup} appear more than once")
    records = frame.to_dict(orient="records")
    rows = [(n, {str(k): v for k, v in rec.items()}) for n, rec in enumerate(records, start=1)]
    opts = _read.Options(columns, date_format, level_map, unknown_columns, role,
                         check_managers, values, duplicates, defaults)
    return _read.build(_read.Table("DataFrame", headers, rows, []), opts)


def to_frame(people: Sequence[Participant]) -> pd.DataFrame:
    """Return participants as a DataFrame: one row each, one column per field.

    Attributes get a column each (``attributes.KEY``); list fields hold
    sorted lists, skills and goals dicts, missing values ``None``.
    :func:`from_frame` reads it back to the same participants.

    Examples
    --------
    >>> df = to_frame([Participant(id="a", languages={"pt", "en"},
    ...                            attributes={"gender": "F"})])
    >>> df.loc[0, "languages"], df.loc[0, "attributes.gender"]
    (['en', 'pt'], 'F')
    >>> from_frame(df) == [Participant(id="a", languages={"pt", "en"},
    ...                                attributes={"gender": "F"})]
    True
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas comes with OR-Tools
        raise RmatchError("to_frame() needs pandas: pip install pandas") from None
    keys = sorted({k for p in people for k in p.attributes})
    data: dict[str, list[Any]] = {c: [] for c in COLUMNS if c != "attributes"}
    data.update({f"attributes.{k}": [] for k in keys})
    for p in people:
        dumped = p.model_dump(mode="json")
        for column in COLUMNS:
            if column != "attributes":
                data[column].append(dumped[column])
        for k in keys:
            data[f"attributes.{k}"].append(p.attributes.get(k))
    return pd.DataFrame(data, dtype=object)


def escape_cell(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _check_cell_items(pid: str, field: str, items: Iterable[str], key: bool) -> None:
    bad = ";:" if key else ";"
    for item in items:
        if any(ch in item for ch in bad):
            raise InputError(
                f"participant {pid!r}, field {field!r}: {item!r} contains "
                f"{' or '.join(repr(c) for c in bad)}, which the CSV format uses as a separator"
            )


def _list_cell(items: list[str]) -> str:
    text = ";".join(items)
    # Readers split a cell without ';' on '|', ',' or '/'; a trailing ';' says
    # that ';' alone separates, so one item holding a comma stays one item.
    if len(items) == 1 and any(sep in text for sep in "|,/"):
        text += ";"
    return text


def _cells(p: Participant) -> dict[str, str]:
    data = p.model_dump(mode="json")
    row: dict[str, str] = {}
    for column in COLUMNS:
        value = data[column]
        if column in LIST_FIELDS:
            _check_cell_items(p.id, column, value, key=False)
            text = _list_cell([str(v) for v in value])
        elif column in (*_UNIT_FIELDS, "attributes", "language_levels"):
            _check_cell_items(p.id, column, value.keys(), key=True)
            if column not in _UNIT_FIELDS:
                _check_cell_items(p.id, column, value.values(), key=False)
            text = _list_cell([f"{k}:{v!r}" if column in _UNIT_FIELDS else f"{k}:{v}"
                               for k, v in value.items()])
        else:
            text = "" if value is None else str(value)
        row[column] = escape_cell(text)
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
        write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt == "jsonl":
        lines = [json.dumps(p.model_dump(mode="json"), ensure_ascii=False) for p in people]
        write_atomic(path, "".join(line + "\n" for line in lines))
        return
    rows = [_cells(p) for p in people]
    if fmt == "excel":
        _write_excel(rows, path)
        return
    with writing(path) as fh:
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
    with writing_bytes(path) as fh:
        book.save(fh)


def load_program(path: str | Path | Mapping[str, Any]) -> Program:
    """Load a programme (weights, constraints, solver settings) from a JSON file or document.

    Parameters
    ----------
    path
        A JSON file's path, or the document already parsed (a mapping, as an
        HR tool or a web service receives it).

    Raises
    ------
    InputError
        Every wrong field, each a :class:`~rmatch.errors.Problem` whose
        ``field`` is its place (``constraints.0.kind``) and whose reason
        says what a misspelt key or rule kind may mean; a file that cannot
        be read or is not JSON.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = path.write_text('{"constraints": [{"kind": "shared_language"}], "seed": 3}')
    >>> load_program(path).constraints[0].kind
    'shared_language'
    >>> try:
    ...     load_program({"constraints": [{"kind": "shared_langauge"}]})
    ... except InputError as err:
    ...     print(err.problems[0].field, "|", err.problems[0].reason.rsplit(" (", 1)[1])
    constraints.0 | did you mean 'shared_language'?)
    """
    if isinstance(path, Mapping):
        return _program(path, None)
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a programme file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start}); a programme file is "
                         "JSON saved as UTF-8") from None
    try:
        data = json.loads(text, object_pairs_hook=_read.unique_keys)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: invalid JSON: {json_error(err)}") from None
    except RecursionError:
        raise InputError(f"{path}: the JSON is nested too deeply") from None
    except ValueError as err:
        raise InputError(f"{path}: {err}") from None
    return _program(data, str(path))


def _program(data: Any, name: str | None) -> Program:
    """Validate a programme document; every wrong field a Problem, with what it may mean."""
    try:
        return Program.model_validate(data)
    except ValidationError as err:
        raise InputError.of([
            Problem(plain_message(e) + (near_field(Program, e["loc"])
                                        if e["type"] == "extra_forbidden" else near_tag(e)),
                    file=name, field=".".join(str(x) for x in e["loc"]) or None)
            for e in err.errors()]) from None


def merge_sides(juniors: Sequence[Participant], seniors: Sequence[Participant], *,
                sheets: tuple[str, str] | None = None) -> list[Participant]:
    """Join one sheet per side into one roster; people on both sheets get role ``"both"``.

    Survey tools often export mentors and mentees as two sheets, and someone
    who signed up for both appears on each (same id, e.g. an e-mail). Each
    person on one sheet takes that sheet's role (a role of their own that says
    otherwise, another side or both, is an error); a person on both becomes one
    participant with role ``"both"`` (never paired with themself) whose
    fields are those given on either sheet. A field given differently on the
    two sheets is an :class:`~rmatch.errors.InputError` listing every such
    field at once (lists are joined, maps merged key by key). Wishes and
    vetoes written as names of people on either sheet are read as their ids
    (:func:`rmatch.io.names.named_wishes`). ``sheets`` names the juniors' and
    the seniors' sheet in messages (their files, as :func:`rmatch.io.sides.read_sides`
    gives them); without it they are "the juniors' sheet" and "the seniors' sheet".

    Examples
    --------
    >>> mentees = [Participant(id="a@x.org", level=2), Participant(id="b@x.org", level=1)]
    >>> mentors = [Participant(id="a@x.org", languages={"en"}), Participant(id="c@x.org")]
    >>> [(p.id, p.role) for p in merge_sides(mentees, mentors)]
    [('a@x.org', 'both'), ('b@x.org', 'junior'), ('c@x.org', 'senior')]
    >>> merge_sides(mentees, mentors)[0].languages, merge_sides(mentees, mentors)[0].level
    (frozenset({'en'}), 2)
    """
    by_id: dict[str, Participant] = {p.id: p for p in seniors}
    problems: list[str] = []  # Problem lines, and lines of fields that clash
    out: list[Participant] = []
    used: set[str] = set()
    named = sheets or ("", "")
    for side, group, sheet in (("junior", juniors, named[0]), ("senior", seniors, named[1])):
        for p in group:
            if p.id in used:
                continue
            other = by_id.get(p.id) if side == "junior" else None
            if other is None:
                if p.role not in (None, side):
                    # A role column that says the other side: on the wrong sheet,
                    # never moved silently.
                    problems.append(Problem(
                        f"{p.id!r} has the role {p.role!r} but is only on the {side}s' sheet: "
                        "move the row to the other sheet, or leave the role column out",
                        file=sheet or None, id=p.id, field="role"))
                out.append(p.model_copy(update={"role": side}))
                continue
            used.add(p.id)
            merged, clashes = _merge_person(p, other)
            problems += [f"{p.id!r} is on both sheets with different {field!r}"
                         + ("" if field.startswith("attributes.") else f": {why}")
                         for field, why in clashes]  # attribute values may be sensitive
            out.append(merged)
    if problems:
        raise InputError.of(problems)
    return named_wishes(out)  # a mentee's sheet may name mentors, on the other sheet


def _merge_person(a: Participant, b: Participant) -> tuple[Participant, list[tuple[str, str]]]:
    """One participant from two records of the same person; the fields that disagree."""
    data: dict[str, Any] = {"id": a.id, "role": "both"}
    clashes: list[tuple[str, str]] = []
    given_a, given_b = a.model_fields_set, b.model_fields_set
    for field in COLUMNS:
        if field in ("id", "role"):
            continue
        va, vb = getattr(a, field), getattr(b, field)
        if field in given_a and field in given_b:
            if isinstance(va, frozenset):
                data[field] = va | vb
            elif isinstance(va, dict):
                keys = sorted(k for k in set(va) & set(vb) if va[k] != vb[k])
                clashes += [(f"{field}.{k}", f"{va[k]!r} and {vb[k]!r}") for k in keys]
                data[field] = {**va, **vb}
            elif va != vb:
                clashes.append((field, f"{va!r} and {vb!r}"))
            else:
                data[field] = va
        elif field in given_a:
            data[field] = va
        elif field in given_b:
            data[field] = vb
    return Participant.model_validate(data), clashes

