"""The mapping screen's parts: what a file's columns read as, the choices made there.

A file uploaded to the mapping screen is shown as its headers with their
suggested targets, its first rows and the distinct values of the columns whose
words need a map; the form's choices (maps, duplicates, encoding, sheet) make the
upload it reads.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException

import rmatch as rm
from rmatch.app.pages.views import problem_rows
from rmatch.app.people import FORMATS, Upload, json_form, named, problems_of, read_files
from rmatch.app.said import notes_of
from rmatch.app.store import PendingUpload

__all__ = ["BOTH", "DUPLICATES", "ENCODINGS", "Choices", "columns_view", "encoding_of",
           "header_row_of", "join_view"]

TARGETS = [*(f for f in rm.Participant.model_fields if f != "attributes"), "manager_name"]
BOTH = "location+timezone"
"""The screen's one choice of two fields: an office named by its city, read as the time
zone too (the column map's ``["location", "timezone"]``)."""
PREVIEW_ROWS = 5
SHOWN_COLUMNS = 300
"""Columns the mapping screen lists (a survey of 2,000 columns made a page of 2.3 MB); the
others are read as suggested, and said so."""
DISTINCT_OF = ("role", "level", "department", "location", "timezone", "languages")
"""The fields whose words the mapping screen lists to check (a department written two ways,
"HR" and "Human Resources", shows there before a match says it)."""
MAX_HEADER_ROW = 1000
"""The deepest header row the mapping screen takes (a report's title block is a few rows)."""


def columns_view(content: bytes, filename: str, columns: dict[str, Any] | None,
                 encoding: str = "", sheet: str = "", header_row: int | None = None
                 ) -> dict[str, Any]:
    """Gather what the mapping screen shows of one file (a 422 for a file that is not a table).

    The headers with their suggested (or chosen) targets, the first rows, and
    the distinct values of the role, level, department, location, time-zone and
    language columns;
    ``encoding``, ``sheet`` and ``header_row`` as chosen on the page ("" for
    UTF-8, the first sheet; None: the header row found by the reader).
    """
    enc, tab = encoding or None, sheet or None

    def source() -> io.BytesIO:
        return named(content, filename)

    fmt = FORMATS.get(Path(filename).suffix.lower())
    try:
        with rm.caught_warnings() as caught:
            # One reading: the suggestions, the first rows, the words to check and the
            # value maps proposed (three readings took 14-17 s for 100,000 people).
            survey = rm.survey_table(source(), columns=columns, format=fmt, encoding=enc,
                                     sheet=tab, header_row=header_row, preview=PREVIEW_ROWS,
                                     fields=DISTINCT_OF)
    except rm.InputError as err:
        raise HTTPException(422, {"problems": problems_of(err, filename)}) from None
    # What the reading noticed (a title above the header, a footer skipped): once each.
    notes = notes_of(caught, (rm.InputWarning,))
    # A column read as two fields is one choice on the screen ("location+timezone").
    chosen = {h: t if t is None or isinstance(t, str) else "+".join(t)
              for h, t in survey.columns.items()}
    distinct = {f"{header} ({(chosen[header] or '').replace('+', ' and ')})": words
                for header, words in survey.distinct.items()}
    shown = survey.headers[:SHOWN_COLUMNS]
    return {"headers": survey.headers, "shown": shown,
            "more": len(survey.headers) - len(shown), "chosen": chosen,
            "suggested": survey.suggested,
            "preview": [[cells.get(h, "") for h in shown] for cells in survey.preview],
            "rows": survey.rows, "distinct": distinct,
            "values": survey.values, "targets": TARGETS, "notes": notes}


DUPLICATES = {"error": "list them as problems", "keep_last": "keep the last row (a form sent "
              "again)", "keep_first": "keep the first row"}

ENCODINGS = {"": "UTF-8 (most files; any with a byte-order mark is found by itself)",
             "cp1252": "Windows (cp1252): an older Excel's \"CSV (Comma delimited)\"",
             "mac_roman": "Mac Roman: an older Excel for Mac's CSV",
             "cp850": "DOS (cp850): an older DOS or ERP program's export",
             "latin-1": "Latin-1 (ISO 8859-1)"}
"""The text encodings the import pages offer for a CSV file ("": UTF-8, the reader's own)."""


def encoding_of(value: str | None) -> str:
    """Return the encoding chosen on a page ("" for UTF-8); 422 for one the pages do not offer.

    Examples
    --------
    >>> encoding_of("cp1252"), encoding_of(None)
    ('cp1252', '')
    """
    if not value:
        return ""
    if value not in ENCODINGS:
        raise HTTPException(422, {"problems": [{"field": "encoding", "reason": (
            f"the encoding is one of {', '.join(k for k in ENCODINGS if k)} or UTF-8")}]})
    return value


def header_row_of(value: str | None) -> int | None:
    """Return the header row typed on a page (None when empty); 422 for one that is no row.

    Examples
    --------
    >>> header_row_of(" 3 "), header_row_of("")
    (3, None)
    """
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_HEADER_ROW:
        raise HTTPException(422, {"problems": [{"field": "header_row", "reason": (
            f"the header row is a row's number, from 1 to {MAX_HEADER_ROW} as the "
            f"spreadsheet numbers them, not {text[:40]!r}")}]})
    return int(text)


@dataclass
class Choices:
    """What the mapping screen's form chose: column and value maps, duplicates, encoding.

    ``None`` column maps and absent texts mean the suggestions (the first
    view of the screen); a text typed empty means no map.
    """

    columns: dict[str, Any] | None = None
    hr_columns: dict[str, Any] | None = None
    texts: dict[str, str] = dataclasses.field(default_factory=dict)
    duplicates: str = "error"
    encoding: str = ""
    sheet: str = ""
    """The people's sheet of a workbook ("" for the first): a name or a tab's number."""
    seniors_columns: dict[str, Any] | None = None
    """One file per side: the seniors' file's column map."""
    seniors_sheet: str = ""
    """One file per side: the seniors' sheet ("" for the first), as ``sheet``."""
    managers_outside: bool = False
    """A manager in no file is someone outside the programme (a sign-up form's line managers)."""
    header_row: int | None = None
    """The row of the people's file's headers, from 1 (None: found by the reader)."""

    @classmethod
    def of(cls, form: dict[str, str], view: dict[str, Any], hr_view: dict[str, Any] | None,
           seniors_view: dict[str, Any] | None = None) -> Choices:
        """Read the posted form (``col:``, ``hcol:``, ``scol:HEADER``, maps, duplicates, ...).

        Examples
        --------
        >>> Choices.of({"col:Mail": "id", "col:Team": "attributes", "col:Office": BOTH},
        ...            {"headers": ["Mail", "Team", "Office"]}, None).columns
        {'Mail': 'id', 'Team': 'attributes.team', 'Office': ['location', 'timezone']}
        """

        def chosen(prefix: str, headers: list[str], view: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
            # "an attribute" is one choice in the list, named after its header. A
            # column the screen did not list keeps what it was read as.
            targets = {h: form.get(f"{prefix}:{h}") or None if f"{prefix}:{h}" in form
                       else (view or {}).get("chosen", {}).get(h) for h in headers}
            return {h: f"attributes.{h.strip().casefold()}" if t == "attributes"
                    else t.split("+") if isinstance(t, str) and "+" in t else t
                    for h, t in targets.items()}

        return cls(chosen("col", view["headers"], view),
                   chosen("hcol", hr_view["headers"], hr_view) if hr_view else None,
                   {k: form[k] for k in ("values", "hr_values", "level_map", "defaults")
                    if k in form},
                   form.get("duplicates", "error") if form.get("duplicates") in DUPLICATES
                   else "error", encoding_of(form.get("encoding")),
                   form.get("sheet", "").strip()[:200],
                   chosen("scol", seniors_view["headers"], seniors_view) if seniors_view
                   else None,
                   form.get("seniors_sheet", "").strip()[:200],
                   form.get("managers_outside") == "on", header_row_of(form.get("header_row")))

    def upload(self, pending: PendingUpload, values: dict[str, Any] | None,
               hr_values: dict[str, Any] | None) -> Upload:
        """Make the upload these choices read (422 for a map that is not JSON)."""

        def typed(key: str, what: str, proposed: dict[str, Any] | None
                  ) -> dict[str, Any] | None:
            return json_form(self.texts[key], what) if key in self.texts else proposed

        level_map = typed("level_map", "level map", None)
        options: dict[str, Any] = {"level_map": level_map} if level_map else {}
        defaults = typed("defaults", "values for everyone", None)
        if defaults:
            options["defaults"] = defaults
        if self.duplicates != "error":
            options["duplicates"] = self.duplicates
        if self.encoding:
            options["encoding"] = self.encoding
        if self.sheet:
            options["sheet"] = self.sheet
        if self.seniors_sheet and pending.seniors_content is not None:
            options["seniors_sheet"] = self.seniors_sheet
        if self.managers_outside:
            options["managers_outside"] = True
        if self.header_row is not None:
            options["header_row"] = self.header_row
        hr = ((pending.hr_content, pending.hr_filename)
              if pending.hr_content is not None and pending.hr_filename else None)
        seniors = ((pending.seniors_content, pending.seniors_filename)
                   if pending.seniors_content is not None and pending.seniors_filename
                   else None)
        return Upload(pending.content, pending.filename, self.columns,
                      typed("values", "value map", values), None, options, hr,
                      self.hr_columns, typed("hr_values", "HR value map", hr_values),
                      seniors, self.seniors_columns)


def join_view(upload: Upload) -> dict[str, Any]:
    """Show how the sign-ups meet the HR export: found, not found, facts that differ.

    Read with the maps chosen on the page; when either file does not read
    yet, the answer says so (the problems are listed when the file is read).
    Ids are compared ignoring case, as :func:`rmatch.enrich` joins them.
    """
    try:
        with rm.caught_warnings():  # the reading's notes come when the file is read
            signups, employees = read_files(upload)
        if employees is None:
            return {}
        with rm.caught_warnings() as caught:
            rm.enrich(signups, employees)
    except HTTPException as err:
        return {"unread": problem_rows(err)}
    except rm.InputError as err:
        return {"unread": problems_of(err)}
    known = {p.id.casefold() for p in employees}
    missing = [p.id for p in signups if p.id.casefold() not in known]
    # What enrich warns about: sign-ups with no HR record, facts the two disagree on.
    notes = notes_of(caught, (Warning,))
    return {"signups": len(signups), "found": len(signups) - len(missing),
            "missing": missing, "employees": len(employees),
            "others": len(employees) - (len(signups) - len(missing)), "notes": notes}
