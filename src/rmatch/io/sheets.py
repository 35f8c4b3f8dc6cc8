"""Where the data is: sources (paths, open files) into headers and rows of raw cells.

CSV with any of ``,`` ``;`` tab ``|``, JSON, JSON Lines or Excel. CSV and
Excel find their header row under titles and report parameters, and stop at
the footer; every row keeps the number a spreadsheet shows for it. Nothing
here knows the participant fields: ``rmatch.io.read`` parses the cells.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rmatch.errors import InputError, InputWarning, Problem, warn
from rmatch.io import encodings
from rmatch.io import values as values
from rmatch.io.documents import flattened, json_items, unique_keys
from rmatch.io.layout import HEADER_SCAN, grouped, locate, rows_text

__all__ = ["FORMATS", "MAX_ROSTER_BYTES", "Source", "Table", "load_table",
           "source_name", "unique_keys"]

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".xlsx": "excel", ".xlsm": "excel"}
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
Source = str | os.PathLike[str] | IO[str] | IO[bytes]



@dataclass
class Table:
    """A roster as headers and rows of raw cells, before any field is parsed."""

    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    """(row number as a spreadsheet or editor shows it, header -> raw cell)."""
    problems: list[Problem]
    """Rows that could not be split into cells (wrong cell count, a stray quote)."""
    hidden: set[str] = field(default_factory=set)
    """Headers of hidden columns (Excel): read, never suggested for a field."""
    sheets: list[str] = field(default_factory=list)
    """The workbook's sheets (Excel; empty otherwise), in their order."""
    sheet: str | None = None
    """The sheet read (Excel)."""
    objects: frozenset[str] = frozenset()
    """Headers of JSON objects also read as columns by path (``work`` of ``work.site``)."""


# --------------------------------------------------------------------------- sources


# Spreadsheets in a format rmatch does not read, by suffix and by their first
# bytes (a file renamed keeps them): what each is and how to save it readable.
_FOREIGN = {".xls": "the old Excel format (.xls, Excel 97-2003)",
            ".xlsb": "an Excel binary workbook (.xlsb)",
            ".ods": "an OpenDocument spreadsheet (.ods, LibreOffice or OpenOffice)",
            ".numbers": "an Apple Numbers document"}
_SAVE_AS = ("open it in the program that made it and save it as an Excel workbook (.xlsx) "
            "or as 'CSV UTF-8'")


def _foreign(name: str, head: bytes | str) -> str | None:
    """Say what a spreadsheet rmatch cannot read is, from its suffix or first bytes."""
    start = head if isinstance(head, bytes) else head.encode("utf-8", "replace")
    if start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .xls, .xlsb
        return _FOREIGN[".xls"]
    if start.startswith(b"PK\x03\x04") and b"mimetypeapplication/vnd.oasis" in start:
        return _FOREIGN[".ods"]
    if Path(name).suffix.lower() in _FOREIGN:
        kind = _FOREIGN[Path(name).suffix.lower()]
        if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            # HR systems' "Export to Excel" often writes a web page named .xls.
            kind = "a web page or XML file named like a spreadsheet"
        return kind
    return None


def _format(name: str, fmt: str | None, head: bytes | str) -> str:
    foreign = _foreign(name, head) if fmt is None or fmt == "excel" else None
    if foreign:
        raise InputError(f"{name}: {foreign} is not read; {_SAVE_AS}")
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

MAX_UNPACKED_BYTES = 512 * 1024**2
"""A workbook whose parts unpack to more is refused before it is opened.

An export of 100,000 people unpacks to about 110 MB (10 times its file) and
takes about 1.5 GB to read; a 1 MB file can unpack to 300 MB of identical
rows (5.6 GB and 3.5 minutes to read here), so a small upload could stop a
service. Above 16 MB, a workbook that unpacks to more than ``MAX_RATIO``
times its size is refused too.
"""
MAX_RATIO = 100


def source_name(source: Source) -> str:
    """Name a source as every reader's message does: its path, an open file's name, or <stream>.

    Examples
    --------
    >>> source_name("roster.csv"), source_name(io.StringIO("id"))
    ('roster.csv', '<stream>')
    """
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, (str, os.PathLike)) else "<stream>"


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
        return source_name(source), source.read()
    raise InputError(f"cannot read a roster from a {type(source).__name__}; "
                     "give a path or an open file")


def _decode(name: str, data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except (LookupError, ValueError) as err:  # ValueError: a name holding a NUL byte
            found = encodings.readings(data) if isinstance(err, UnicodeDecodeError) else []
            said = f"; {encodings.advice(data, found)}" if found else ""
            raise InputError(f"{name}: cannot read it as {encoding!r}: {err}{said}") from None
        if (better := encodings.misread(data, encoding)) is not None:
            warn(f"{name}: read as {encoding!r}, its accented letters come out as "
                 f"symbols or capitals inside words; they read as letters in "
                 f"{encodings.WORDS[better]}: check the names, or read it with "
                 f"encoding={better!r} (CLI: --encoding {better})",
                 InputWarning, stacklevel=5)
        return text
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:  # cut short (an odd number of bytes) or damaged
            raise InputError(f"{name}: the file starts as UTF-16 text but byte {err.start} "
                             f"cannot be read ({err.reason}): it may be cut short; export "
                             "it again") from None
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as err:
        row = data.count(b"\n", 0, err.start) + 1
        found = encodings.readings(data)
        raise InputError(Problem(
            f"the file is not UTF-8 text (byte 0x{data[err.start]:02x}); "
            f"{encodings.advice(data, found)}, or re-save it "
            "as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8)", file=name, row=row,
            kind="encoding", value=" or ".join(found) or None)) from None
    if (doubled := encodings.doubly_encoded(text)) is not None:
        row, chars = doubled
        warn(f"{name}: row {row}: {chars!r} looks like one accented letter read "
             "wrongly and saved again (UTF-8 opened as Windows text): check the "
             "names, and export the file again from where it came", InputWarning,
             stacklevel=5)
    return text


def load_table(source: Source, fmt: str | None, encoding: str | None,
               delimiter: str | None, *, header_row: int | None = None,
               sheet: str | int | None = None) -> Table:
    """Read a source into headers and rows of raw cells.

    ``header_row`` (as a spreadsheet numbers rows) applies to CSV and Excel
    (JSON has no header row); ``sheet`` (a name, an index from 0, or a tab's
    number from 1 as text) to Excel, and to a JSON object as the key of the
    people's list (:func:`rmatch.io.documents.json_items`).
    """
    name, data = _read_source(source)
    kind = _format(name, fmt, data[:64])
    if kind == "excel":
        if isinstance(data, str):
            raise InputError(f"{name}: an Excel workbook must be opened in binary mode ('rb')")
        return _excel_table(name, data, header_row, sheet)
    if sheet is not None and kind == "csv":
        raise InputError(f"{name}: sheet= picks a sheet of an Excel workbook (or a list of a "
                         "JSON object); this is csv")
    text = _decode(name, data, encoding) if isinstance(data, bytes) else data
    # A byte-order mark left in the text (a file opened as utf-8, not utf-8-sig)
    # would become part of the first header and hide it.
    text = text.lstrip("\ufeff")
    if kind == "csv":
        return _csv_table(name, text, delimiter, header_row)
    if header_row is not None:
        raise InputError(f"{name}: header_row= applies to CSV and Excel; {kind} has no header "
                         "row")
    return _json_table(name, text, kind, sheet)


def _sniff(text: str) -> str:
    """Pick the delimiter on which the most early rows agree about their cell count.

    The first 50 records are tried, not the first line alone: a title line
    above the header may hold no separator at all, and a comma inside the
    cells of a semicolon file splits rows unevenly. Ties go to the larger
    count, then to the comma.
    """
    best, best_key = ",", (0, 0)
    for sep in _DELIMITERS:
        reader = csv.reader(io.StringIO(text[:200_000], newline=""), delimiter=sep)
        counts: Counter[int] = Counter()
        try:
            for _, cells in zip(range(HEADER_SCAN), reader, strict=False):
                if any(c.strip() for c in cells):
                    counts[len(cells)] += 1
        except csv.Error:
            pass
        agree, size = max(((n, k) for k, n in counts.items() if k > 1), default=(0, 0))
        if (agree, size) > best_key:
            best, best_key = sep, (agree, size)
    return best


def _csv_table(name: str, text: str, delimiter: str | None,
               header_row: int | None = None) -> Table:
    """Split CSV text into records, find the header and the footer, keep the rows between.

    Rows are numbered as a spreadsheet shows the file: record after record,
    however many lines a quoted cell spans (a blank line is a row too).
    """
    sep = delimiter or _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records: list[tuple[int, int, int, list[str]]] = []  # (row, first line, last line, cells)
    problems: list[Problem] = []
    line = 0
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(f"cannot split the row into cells: {err}", file=name,
                                    row=len(records) + 1))
            break
        line = reader.line_num
        records.append((len(records) + 1, start, line, cells))
    found = locate(name, [(r[0], r[3]) for r in records], header_row, counted=True)
    problems = found.problems + problems
    if found.index is None:
        if not problems:
            problems.append(Problem("the file is empty: a roster starts with a header row",
                                    file=name))
        return Table(name, [], [], problems)
    headers = grouped(name, found.headers or [c.strip() for c in records[found.index][3]],
                      [(r[0], r[3]) for r in records], found.index)
    rows: list[tuple[int, dict[str, Any]]] = []
    body = records[found.index + 1 + found.skip:found.end]
    # A column with no header and nothing in it (a table that starts further
    # right, a trailing separator) holds nothing to read: left out, not "'' twice".
    void = {k for k, h in enumerate(headers) if not h and all(
        len(cells) != len(headers) or not cells[k].strip() for *_, cells in body)}
    if void:
        keep = [k for k in range(len(headers)) if k not in void]
        headers = [headers[k] for k in keep]
        body = [(row, start, end_line, [cells[k] for k in keep] if len(cells) == len(keep)
                 + len(void) else cells) for row, start, end_line, cells in body]
    for row, start, end_line, cells in body:
        if not cells:
            continue  # an empty line is not a participant
        if len(cells) != len(headers):
            # Checked before blankness: ",," under a one-column header is a
            # separator the header does not have, not an empty row.
            problems.append(Problem(_cell_count(cells, headers, sep, end_line - start),
                                    file=name, row=row, id=cells[0].strip() or None))
            continue
        if not any(c.strip() for c in cells):
            continue  # a row of empty cells is not a participant
        # A record of one line holds no line inside a cell (most rows: a test of
        # each cell took a second for 100,000 rows).
        if end_line > start and any(_swallows_rows(c, sep, len(headers)) for c in cells):
            # Rows taken in by a stray quote (the cell count can still match):
            # name them, do not read them as one person.
            problems.append(Problem(
                f"a quote (\") opened in this row closes only {end_line - start} line(s) "
                "further on, taking in what look like rows: check for a stray quote",
                file=name, row=row, id=cells[0].strip() or None))
            continue
        rows.append((row, dict(zip(headers, cells, strict=True))))
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


def _json_table(name: str, text: str, kind: str, sheet: str | int | None) -> Table:
    items = json_items(name, text, kind, sheet)
    headers: dict[str, None] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for n, item in items:
        if not isinstance(item, dict):
            problems.append(Problem("expected a JSON object", file=name, row=n))
            continue
        try:
            item = flattened(item)  # an HR API's nested objects, also as columns by path
        except ValueError as err:
            problems.append(Problem(str(err), file=name, row=n))
            continue
        except RecursionError:
            problems.append(Problem("the JSON object is nested too deeply", file=name, row=n))
            continue
        headers.update(dict.fromkeys(item))
        rows.append((n, item))
    # An object read by its paths: every value under its key an object (or none).
    # A key holding text in some records and an object in others stays one
    # column, so the text is read and each object named by row, never dropped.
    paths = {h.rsplit(".", 1)[0] for h in headers if "." in h}
    objects = frozenset(h for h in headers if h in paths and all(
        isinstance(cells.get(h), dict) or cells.get(h) is None for _, cells in rows))
    return Table(name, list(headers), rows, problems, objects=objects)


def _unpacks_to_a_sheet(name: str, data: bytes) -> None:
    """Refuse a workbook whose parts unpack to far more than a sheet of people (a zip bomb).

    The sizes are the ones the workbook declares: Python's zipfile reads no
    more of a part than its declared size, so a part that lies is cut short
    and fails to open.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            unpacked = sum(part.file_size for part in book.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a workbook: openpyxl's error says what it is
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 16 * 1024**2
                                         and unpacked > MAX_RATIO * len(data)):
        raise InputError(f"{name}: the workbook unpacks to {unpacked / 1e6:,.0f} MB from "
                         f"{len(data) / 1e6:,.1f} MB ({unpacked / max(len(data), 1):,.0f} "
                         "times), more than a sheet of people needs (100,000 people unpack "
                         "to about 110 MB, 10 times their file); save the sheet as 'CSV "
                         "UTF-8' and read that")


def _opened(openpyxl: Any, name: str, data: bytes, *, data_only: bool) -> Any:
    """Open a workbook with openpyxl; a damaged one is an InputError saying so, never a traceback.

    A damaged workbook fails anywhere inside openpyxl (an XML part that is
    not well-formed raises ElementTree's ParseError, a SyntaxError; a
    relation to a missing part a KeyError; ...), so every error but running
    out of memory is the file's.
    """
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)
    except MemoryError:
        raise
    except Exception as err:  # the file's, whatever openpyxl raised: see the docstring
        what = ("a web page or XML file, not a workbook" if data.lstrip(
            b"\xef\xbb\xbf \t\r\n").startswith(b"<") else f"not an Excel workbook that can "
                f"be read ({type(err).__name__}: {err})")
        raise InputError(f"{name}: {what}; {_SAVE_AS}") from None


def _excel_table(name: str, data: bytes, header_row: int | None,
                 sheet_choice: str | int | None) -> Table:
    """Read one sheet: only cells that exist, merged cells and lost formulas named.

    The workbook is loaded in full (not read-only) to see merged ranges,
    hidden columns and formulas, and only the cells present in the file are
    visited: a sheet whose used range claims to reach XFD1048576 costs what
    its real cells cost. Formulas take the value Excel saved with them; one
    without a saved value is an error, never a silent blank. Merged cells
    above the header (a banner) do not matter; below it they are a problem.
    """
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise InputError(f"{name}: reading Excel needs openpyxl: pip install 'rmatch[excel]'") \
            from None
    _unpacks_to_a_sheet(name, data)
    book = _opened(openpyxl, name, data, data_only=False)
    if not book.worksheets:
        raise InputError(f"{name}: the workbook has no sheet that can be read; {_SAVE_AS}")
    index = _sheet_index(name, book.sheetnames, sheet_choice)
    sheet = book.worksheets[index]
    # openpyxl keeps the cells that exist in the file in this dict, (row, column) -> cell.
    cells: dict[tuple[int, int], Any] = getattr(sheet, "_cells", {})
    formulas = {key for key, cell in cells.items() if cell.data_type == "f"}
    saved: dict[tuple[int, int], Any] = {}
    if formulas:
        values_book = _opened(openpyxl, name, data, data_only=True)
        values_sheet = values_book.worksheets[index]
        saved = {key: values_sheet.cell(*key).value for key in formulas}
    by_row: dict[int, dict[int, Any]] = defaultdict(dict)
    for (r, c), cell in cells.items():
        value = _as_shown(saved[(r, c)] if (r, c) in formulas else cell.value,
                          cell.number_format)
        if not values.is_missing(value) or (r, c) in formulas:
            by_row[r][c] = value
    rows_present = sorted(by_row)
    if not rows_present:
        return Table(name, [], [], [], sheets=book.sheetnames, sheet=book.sheetnames[index])
    records = [(r, [by_row[r].get(c) for c in range(1, max(by_row[r]) + 1)])
               for r in rows_present]
    found = locate(name, records, header_row)
    assert found.index is not None  # rows_present is not empty
    header_at = records[found.index][0]
    last = records[found.end - 1][0] if found.end > found.index + 1 else header_at
    problems: list[Problem] = []
    for merged in sheet.merged_cells.ranges:
        if merged.max_row >= header_at and merged.min_row <= last:
            problems.append(Problem(f"cells {merged.coord} are merged, which leaves every row "
                                    "but the first without a value; unmerge them and fill in "
                                    "each row", file=name, row=merged.min_row))
    width = len(found.headers) if found.headers else max(by_row[header_at])
    headers = grouped(name, found.headers or [
        values.parse_text(by_row[header_at][c]) if c in by_row[header_at] else ""
        for c in range(1, width + 1)], records, found.index)
    hidden = {h for c, h in enumerate(headers, start=1)
              if h and sheet.column_dimensions[get_column_letter(c)].hidden}
    rows: list[tuple[int, dict[str, Any]]] = []
    for r, _ in records[found.index + 1 + found.skip:found.end]:
        found_cells = by_row[r]
        lost = [f"{get_column_letter(c)}{r}" for c in found_cells
                if (r, c) in formulas and values.is_missing(found_cells[c])]
        if lost:
            problems.append(Problem(f"cell(s) {', '.join(lost)} hold a formula without a saved "
                                    "value: open the file in Excel and save it again, or paste "
                                    "the values", file=name, row=r))
        beyond = [f"{get_column_letter(c)}{r}" for c in found_cells if c > width]
        if beyond:
            problems.append(Problem(f"cell(s) {', '.join(beyond[:5])} hold values beyond the "
                                    "last header column", file=name, row=r))
        nameless = [f"{get_column_letter(c)}{r}" for c in found_cells
                    if c <= width and not headers[c - 1]
                    and not values.is_missing(found_cells[c])]
        if nameless:
            problems.append(Problem(f"cell(s) {', '.join(nameless[:5])} hold values in a column "
                                    "without a header", file=name, row=r))
        if lost or beyond or nameless:
            continue
        rows.append((r, {h: found_cells.get(c) for c, h in enumerate(headers, start=1) if h}))
    hidden_rows = [r for r, _ in rows if sheet.row_dimensions[r].hidden]
    # Struck through: how many teams mark someone who withdrew, in the row's
    # first cell (one style lookup a row).
    struck = [r for r, _ in rows if getattr(cells[r, min(by_row[r])].font, "strike", False)]
    for rows_of, what in ((hidden_rows, "are hidden in the workbook (a filter?)"),
                          (struck, "are struck through in the workbook (withdrawn?)")):
        if rows_of:
            # The file still holds them, so they are read, and said.
            warn(f"{name}: row(s) {rows_text(rows_of)} {what} and were read like "
                 "the others; delete the rows of people not taking part",
                 InputWarning, stacklevel=4)
    return Table(name, [h for h in headers if h], rows, problems, hidden, book.sheetnames,
                 book.sheetnames[index])


# A number format of zeros, with text quoted or escaped around it: "0000000", "E"0000,
# \E0000, "EMP-"00000 (how a team shows employee numbers with their zeros or letters).
_ZEROS = re.compile(r'^((?:"[^"]*"|\\.)*)(0{2,})((?:"[^"]*"|\\.)*)$')
_LITERAL = re.compile(r'"([^"]*)"|\\(.)')


def _as_shown(value: Any, number_format: Any) -> Any:
    r"""Return a whole number as its cell's format of zeros shows it ("0010040", "E0012").

    An employee number typed into a number cell loses its zeros, and a team
    gets them back on screen with a format of zeros ("0000000", or with its
    letters: "E"0000): the cell holds 10040 and shows 0010040, the id every
    other system knows. Other values come back as they are.

    Examples
    --------
    >>> _as_shown(10040, "0000000"), _as_shown(10040.0, "000000"), _as_shown(7, "General")
    ('0010040', '010040', 7)
    >>> _as_shown(12, '"E"0000'), _as_shown(12, "\\E\\-000"), _as_shown(5, '0.00')
    ('E0012', 'E-012', 5)
    """
    found = _ZEROS.match(number_format) if isinstance(number_format, str) else None
    if found is None or isinstance(value, bool) or not isinstance(value, (int, float)) \
            or value < 0 or not float(value).is_integer():
        return value

    def literal(text: str) -> str:
        return "".join(m.group(1) if m.group(1) is not None else m.group(2)
                       for m in _LITERAL.finditer(text))

    return (literal(found.group(1)) + str(int(value)).zfill(len(found.group(2)))
            + literal(found.group(3)))


def _sheet_index(name: str, names: Sequence[str], choice: str | int | None) -> int:
    """Return the index of the sheet asked for.

    By name (any case); an int is an index from 0; text that names no sheet
    but is a number is a tab's number from 1, as Excel shows them (what a
    command line or a form field gives: a sheet named "2026" is still found
    by its name).
    """
    if choice is None:
        return 0
    if isinstance(choice, int):
        if 0 <= choice < len(names):
            return choice
    else:
        folded = [values.fold(n) for n in names]
        if values.fold(choice) in folded:
            return folded.index(values.fold(choice))
        tab = choice.strip()
        if tab.isascii() and tab.isdigit() and 1 <= int(tab) <= len(names):
            return int(tab) - 1
    raise InputError(f"{name}: no sheet {choice!r}; the workbook has "
                     f"{', '.join(repr(n) for n in names)}")
