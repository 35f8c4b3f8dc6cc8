"""Three HR exports shaped like real ones, and the truth they were written from.

- a Workday-style Excel worker report: a merged banner, two report-parameter
  rows, the header on row 4, Excel-number ids, managers by name with some
  manager ids blank, a hidden column, a blank level, a footer;
- a Microsoft Forms sign-up survey (CSV, UTF-8 with a BOM): multi-line
  answers, a resubmission with the e-mail typed in capitals, a ticked option
  holding a comma, Forms' trailing ``;``;
- a SuccessFactors-style UTF-16 semicolon export: decimal commas, dotted
  dates with one two-digit year, CEFR levels and German language names,
  ``NO_MANAGER``, an ambiguous ``IST`` and ``GMT`` for London.

``write_exports(folder)`` writes them; ``EMPLOYEES`` is the truth every value
read is compared with, and ``MAPS`` holds the exact maps docs/hr-data.md
uses. ``python -m tests.io.exports examples/exports`` refreshes the copies in
``examples/exports``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Employee:
    """One person as the HR system knows them (the truth)."""

    number: int
    name: str
    email: str
    role: str | None  # "junior", "senior" or None (not in the programme)
    level: int | None
    born: tuple[int, int, int]
    manager: int | None
    department: str
    city: str
    zone: str
    windows_zone: str
    languages: dict[str, str | None] = field(default_factory=dict)  # code -> level


EMPLOYEES = [
    Employee(1001, "Grace Hopper", "grace.hopper@acme.com", "senior", 12, (1961, 3, 9), None,
             "Executive", "Paris", "Europe/Paris", "(GMT+01:00) Paris",
             {"en": "native", "fr": "C1"}),
    Employee(1002, "Alan Turing", "alan.turing@acme.com", "senior", 10, (1968, 6, 23), 1001,
             "Engineering", "London", "Europe/London", "(GMT) Dublin, Edinburgh, Lisbon, London",
             {"en": "native"}),
    Employee(1003, "Ada Lovelace", "ada.lovelace@acme.com", "senior", 10, (1970, 12, 10), 1001,
             "Sales", "Paris", "Europe/Paris", "(GMT+01:00) Paris", {"en": "C2", "fr": "native"}),
    Employee(1004, "Hugo Ramos", "hugo.ramos@acme.com", "senior", 8, (1975, 2, 14), 1002,
             "Engineering", "Lisbon", "Europe/Lisbon", "(GMT) Dublin, Edinburgh, Lisbon, London",
             {"pt": "native", "en": "C1"}),
    Employee(1005, "Mei Chen", "mei.chen@acme.com", "senior", 8, (1979, 8, 1), 1003,
             "Sales", "Singapore", "Asia/Singapore", "(GMT+08:00) Kuala Lumpur, Singapore",
             {"zh": "native", "en": "C1"}),
    Employee(1006, "Ravi Kumar", "ravi.kumar@acme.com", "junior", 3, (1996, 5, 30), 1004,
             "Engineering", "Kolkata", "Asia/Kolkata",
             "(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi", {"hi": "native", "en": "C1"}),
    Employee(1007, "Sofia Rossi", "sofia.rossi@acme.com", "junior", 2, (1999, 5, 3), 1004,
             "Engineering", "Lisbon", "Europe/Lisbon", "(GMT) Dublin, Edinburgh, Lisbon, London",
             {"it": "native", "pt": "B1", "en": "B2"}),
    Employee(1008, "Lukas Weber", "lukas.weber@acme.com", "junior", 2, (1998, 11, 21), 1005,
             "Sales", "Berlin", "Europe/Berlin", "(GMT+01:00) Amsterdam, Berlin, Bern, Rome",
             {"de": "native", "en": "C1"}),
    Employee(1009, "Amara Okafor", "amara.okafor@acme.com", "junior", 1, (2001, 1, 17), 1002,
             "Engineering", "London", "Europe/London", "(GMT) Dublin, Edinburgh, Lisbon, London",
             {"en": "native", "fr": "A2"}),
    Employee(1010, "Tom Dupont", "tom.dupont@acme.com", "junior", None, (1997, 7, 4), 1003,
             "Sales", "Paris", "Europe/Paris", "(GMT+01:00) Paris", {"fr": "native",
                                                                    "en": "A2"}),
    Employee(1011, "Yuki Sato", "yuki.sato@acme.com", "junior", 2, (2000, 9, 12), 1005,
             "Sales", "Tokyo", "Asia/Tokyo", "(GMT+09:00) Osaka, Sapporo, Tokyo",
             {"ja": "native", "en": "B2"}),
    Employee(1012, "Noah Smith", "noah.smith@acme.com", "junior", 3, (1995, 4, 2), 1001,
             "Executive", "New York", "America/New_York", "(GMT-05:00) Eastern Time (US & Canada)",
             {"en": "native", "es": "A2"}),
    Employee(1013, "Lena Fischer", "lena.fischer@acme.com", None, 5, (1988, 10, 8), 1002,
             "Engineering", "Berlin", "Europe/Berlin", "(GMT+01:00) Amsterdam, Berlin, Bern, Rome",
             {"de": "native", "en": "C1"}),
]
BY_NUMBER = {e.number: e for e in EMPLOYEES}
HIDDEN_COLUMN = "Cost Center"

_LEVEL_WORDS = {"A2": "Basic", "B1": "Intermediate", "B2": "Intermediate", "C1": "Fluent",
                "C2": "Fluent", "native": "Native"}
_NAMES_EN = {"en": "English", "fr": "French", "pt": "Portuguese", "zh": "Mandarin",
             "hi": "Hindi", "it": "Italian", "de": "German", "ja": "Japanese", "es": "Spanish"}
_NAMES_DE = {"en": "Englisch", "fr": "Französisch", "pt": "Portugiesisch", "zh": "Chinesisch",
             "hi": "Hindi", "it": "Italienisch", "de": "Deutsch", "ja": "Japanisch",
             "es": "Spanisch"}
_CEFR_DE = {"native": "Muttersprache"}

# The exact maps docs/hr-data.md walks through, one set per export.
MAPS: dict[str, dict[str, Any]] = {
    "workday": {
        "columns": {"Employee ID": "id", "Worker": "name", "Email": "email",
                    "Programme Role": "role", "Manager": "manager_name",
                    "Manager ID": "manager_id", "Job Level": "level",
                    "Date of Birth": "birth_year", "Supervisory Organization": "department",
                    "Location": "location", "Time Zone": "timezone", "Languages": "languages",
                    HIDDEN_COLUMN: None},
        "values": {"role": {"Mentor (junior)": "junior", "Mentee": "senior",
                            "Not taking part": None}},
    },
    "forms": {
        "columns": {"ID": None, "Start time": None, "Completion time": None, "Email": "id",
                    "Name": "name", "Which role would you like?": "role",
                    "Topics I can share": "skills", "Topics I want to learn": "goals",
                    "Languages you can mentor in": "languages",
                    "Tell us about yourself (optional)": None},
        "values": {"role": {"Reverse mentor (I'm early in my career)": "junior",
                            "Mentee (senior leader)": "senior"}},
        "duplicates": "keep_last",
    },
    "workday_for_forms": {  # the Excel report as the HR side of the sign-up form
        "columns": {"Employee ID": None, "Worker": "name", "Email": "id",
                    "Programme Role": None, "Manager": "manager_name", "Manager ID": None,
                    "Job Level": "level", "Date of Birth": "birth_year",
                    "Supervisory Organization": "department", "Location": "location",
                    "Time Zone": "timezone", "Languages": "languages", HIDDEN_COLUMN: None},
    },
    "successfactors": {
        "columns": {"USERID": "id", "FIRSTNAME": "name", "LASTNAME": "name", "EMAIL": "email",
                    "MANAGER": "manager_id", "JOBLEVEL": "level", "DATEOFBIRTH": "birth_year",
                    "DEPARTMENT": "department", "LOCATION": "location", "TIMEZONE": "timezone",
                    "LANGUAGES": "languages", "MENTORING_ROLE": "role",
                    "MAX_MENTEES": "capacity"},
        "values": {"manager_id": {"NO_MANAGER": None},
                   "timezone": {"IST": "Asia/Kolkata", "GMT": "Europe/London"},
                   "role": {"Reverse Mentor": "junior", "Mentee": "senior", "-": None}},
        "date_format": "%d.%m.%Y",
    },
}

# The sign-up form: who signed up, with what they say about themselves.
FORM_TOPICS = {
    1001: ("", "GenAI tools;Podcasts, newsletters & personal brand;"),
    1002: ("", "Podcasts, newsletters & personal brand;"),
    1003: ("", "GenAI tools;Social media;"),
    1004: ("", "Social media;"),  # the first submission; the second (in capitals) wins
    1006: ("GenAI tools;Social media;", ""),
    1007: ("Podcasts, newsletters & personal brand;", ""),
    1009: ("GenAI tools;", ""),
    1011: ("Social media;Podcasts, newsletters & personal brand;", ""),
    1012: ("GenAI tools;Podcasts, newsletters & personal brand;", ""),
}
HUGO_LATER = ("", "GenAI tools;Podcasts, newsletters & personal brand;")
SF_CAPACITY = {1001: "2,0", 1003: "1,0"}


def _languages_text(e: Employee, names: dict[str, str], sep: str, german: bool) -> str:
    items = []
    for code, level in e.languages.items():
        said = ("" if level is None else _CEFR_DE.get(level, level) if german
                else _LEVEL_WORDS.get(level, ""))
        items.append(f"{names[code]} ({said})" if said else names[code])
    return sep.join(items)


def write_workday(path: Path) -> None:
    """The Excel worker report (needs openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Worker Report"
    headers = ["Employee ID", "Worker", "Email", "Programme Role", "Manager", "Manager ID",
               "Job Level", "Date of Birth", HIDDEN_COLUMN, "Supervisory Organization",
               "Location", "Time Zone", "Languages"]
    sheet["A1"] = "Reverse Mentoring Pilot - Worker Report"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A2"], sheet["B2"] = "Effective as of", datetime(2026, 11, 30)
    sheet["A3"], sheet["B3"] = "Organisation", "Acme Group"
    sheet.append(headers)
    roles = {"junior": "Mentor (junior)", "senior": "Mentee", None: "Not taking part"}
    for e in EMPLOYEES:
        manager = BY_NUMBER[e.manager] if e.manager else None
        # Workday leaves the manager id blank for some workers: the name is there.
        manager_id = float(e.manager) if e.manager and e.number not in (1009, 1010) else None
        sheet.append([float(e.number), e.name, e.email, roles[e.role],
                      manager.name if manager else None, manager_id, e.level,
                      datetime(*e.born), f"CC-{e.department[:3].upper()}", e.department,
                      e.city, e.windows_zone, _languages_text(e, _NAMES_EN, "; ", False)])
    sheet.append([])
    sheet.append([f"Count: {len(EMPLOYEES)}"])
    sheet.append(["Confidential - contains personal data. Do not distribute."])
    sheet.column_dimensions["I"].hidden = True
    book.save(path)


def forms_text() -> str:
    """The Forms sign-up export, as text (the file adds a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["ID", "Start time", "Completion time", "Email", "Name",
                     "Which role would you like?", "Topics I can share", "Topics I want to learn",
                     "Languages you can mentor in", "Tell us about yourself (optional)"])
    role = {"junior": "Reverse mentor (I'm early in my career)",
            "senior": "Mentee (senior leader)"}
    n = 0
    for number, (share, learn) in FORM_TOPICS.items():
        e = BY_NUMBER[number]
        n += 1
        about = ("I lead a team of 40.\nHappy to learn.\n\nMornings work best." if n % 3 == 0
                 else "")
        langs = ";".join(_NAMES_EN[c] for c in e.languages) + ";"
        writer.writerow([n, f"11/{n}/26 9:{n:02d}:00", f"11/{n}/26 9:{n + 5:02d}:00", e.email,
                         e.name, role[str(e.role)], share, learn, langs, about])
    hugo = BY_NUMBER[1004]
    writer.writerow([n + 1, "11/20/26 10:00:00", "11/20/26 10:04:00", "Hugo.ramos@Acme.com",
                     hugo.name, role["senior"], *HUGO_LATER,
                     ";".join(_NAMES_EN[c] for c in hugo.languages) + ";",
                     "Second try:\nI changed my topics."])
    return out.getvalue()


def successfactors_text() -> str:
    """The SuccessFactors export, as text (the file is UTF-16 with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["USERID", "FIRSTNAME", "LASTNAME", "EMAIL", "MANAGER", "JOBLEVEL",
                     "DATEOFBIRTH", "DEPARTMENT", "LOCATION", "TIMEZONE", "LANGUAGES",
                     "MENTORING_ROLE", "MAX_MENTEES"])
    zones = {"Europe/Paris": "CET", "Europe/London": "GMT", "Europe/Lisbon": "WET",
             "Asia/Singapore": "SGT", "Asia/Kolkata": "IST", "Europe/Berlin": "CET",
             "Asia/Tokyo": "JST", "America/New_York": "EST"}
    roles = {"junior": "Reverse Mentor", "senior": "Mentee", None: "-"}
    for e in EMPLOYEES:
        first, last = e.name.split(" ", 1)
        y, m, d = e.born
        # One two-digit year, as one careless HR entry writes it.
        born = f"{d:02d}.{m:02d}.{y % 100:02d}" if e.number == 1007 else f"{d:02d}.{m:02d}.{y}"
        writer.writerow([f"u{e.number}", first, last, e.email.upper() if e.number == 1008
                         else e.email, f"u{e.manager}" if e.manager else "NO_MANAGER",
                         "" if e.level is None else e.level, born, e.department, e.city,
                         zones[e.zone], _languages_text(e, _NAMES_DE, ", ", True),
                         roles[e.role], SF_CAPACITY.get(e.number, "1,0")])
    return out.getvalue()


def write_exports(folder: Path) -> dict[str, Path]:
    """Write the three exports and their maps; return the export paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"workday": folder / "workday_workers.xlsx", "forms": folder / "forms_signup.csv",
             "successfactors": folder / "successfactors_users.csv"}
    write_workday(paths["workday"])
    paths["forms"].write_bytes(b"\xef\xbb\xbf" + forms_text().encode("utf-8"))
    paths["successfactors"].write_bytes(successfactors_text().encode("utf-16"))
    for name, maps in MAPS.items():
        for kind in ("columns", "values"):
            if kind in maps:
                (folder / f"{name}_{kind}.json").write_text(
                    json.dumps(maps[kind], indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return paths


if __name__ == "__main__":
    write_exports(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/exports"))
