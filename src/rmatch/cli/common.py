"""What the ``rmatch`` commands share: reading inputs, printing and writing results, options.

Every error reaches the user as one line on stderr (``rmatch: error: ...``)
and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rmatch.errors import InputError, Problem
from rmatch.io.documents import json_error
from rmatch.io.files import refuse_inputs
from rmatch.io.join import enrich
from rmatch.io.sides import read_sides
from rmatch.io.tables import load_program, read_participants, split_roles
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant
from rmatch.model.text import counted
from rmatch.program.program import SOLVERS, Program

__all__ = [
    "EXIT_ERROR",
    "TERMINAL_PAIRS",
    "count",
    "finite",
    "json_file",
    "limit",
    "listed_by",
    "load",
    "read_people",
    "read_roster",
    "reading_options",
    "roster_options",
    "roster_words",
    "rules_line",
    "seconds",
    "sides_options",
    "solver_options",
]

EXIT_ERROR = 1
TERMINAL_PAIRS = 20
"""Pairs shown on a terminal before "... N more" (all of them when output is piped)."""


def json_file(path: str | None, what: str) -> Any:
    """Read a JSON file named on the command line (``None`` when not given).

    Examples
    --------
    >>> json_file(None, "column map") is None
    True
    """
    if path is None:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not a JSON {what}: {json_error(err)}") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not a JSON {what} ({err})") from None
    except RecursionError:
        raise InputError(f"{path}: not a JSON {what} (nested too deeply)") from None


def read_roster(args: argparse.Namespace, path: str, *, check_managers: bool
                 ) -> list[Participant]:
    """Read a roster with the column map, level map and reading options of the command.

    Examples
    --------
    >>> import tempfile
    >>> args = argparse.Namespace(columns=None, level_map=None, date_format=None,
    ...                           encoding=None, unknown_columns="warn")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "r.csv").write_text("id,role" + chr(10) + "j,junior")
    ...     [p.id for p in read_roster(args, str(Path(tmp) / "r.csv"), check_managers=False)]
    ['j']
    """
    return read_participants(path, check_managers=check_managers,
                             columns=_json_object(args.columns, "column map"),
                             sheet=getattr(args, "sheet", None), **_reading(args))


def read_people(args: argparse.Namespace, path: str, *, check_managers: bool
                ) -> list[Participant]:
    """Read the roster, or with ``--seniors-file`` one file per side (``read_sides``)."""
    seniors_file = getattr(args, "seniors_file", None)
    if not seniors_file:
        return read_roster(args, path, check_managers=check_managers)
    # One file per side: --sheet is the juniors' file's.
    return read_sides(path, seniors_file, columns=_json_object(args.columns, "column map"),
                      sheet=getattr(args, "sheet", None),
                      seniors_sheet=getattr(args, "seniors_sheet", None), **_reading(args))


def _reading(args: argparse.Namespace) -> dict[str, Any]:
    """Return the reading options of a command, but for the column map and the sheet."""
    return {"level_map": _json_object(args.level_map, "level map"),
            "date_format": args.date_format, "encoding": args.encoding,
            "unknown_columns": args.unknown_columns,
            "values": _json_object(getattr(args, "values", None), "value map"),
            "duplicates": getattr(args, "duplicates", "error"),
            "header_row": getattr(args, "header_row", None),
            "defaults": _defaults(getattr(args, "default", None))}


def _defaults(given: list[str] | None) -> dict[str, str] | None:
    """Read ``--default FIELD=VALUE`` (repeated) into the reader's ``defaults``.

    Examples
    --------
    >>> _defaults(["timezone=Europe/London", "languages = en; pt"])
    {'timezone': 'Europe/London', 'languages': 'en; pt'}
    """
    if not given:
        return None
    out: dict[str, str] = {}
    for item in given:
        target, eq, value = item.partition("=")
        if not eq or not target.strip() or not value.strip():
            raise InputError(f"--default {item!r}: write FIELD=VALUE, e.g. "
                             "--default timezone=Europe/London")
        if target.strip() in out:
            raise InputError(f"--default gives {target.strip()!r} twice")
        out[target.strip()] = value.strip()
    return out


def _json_object(path: str | None, what: str) -> Any:
    """Read a JSON object from a file (None when no file is named)."""
    value = json_file(path, what)
    if value is not None and not isinstance(value, dict):
        raise InputError(f"{path}: the {what} must be a JSON object")
    return value


def load(args: argparse.Namespace) -> tuple[list[Participant], list[Participant],
                                             Program, OrgChart | None]:
    """Read the roster, programme and org chart a roster command names.

    Refuses outputs that would overwrite an input; people without a role
    serve the org chart only (said on stderr). An error with several
    problems names the ``rmatch validate`` command that lists them all.
    """
    try:
        return _load(args)
    except InputError as err:
        raise listed_by(err, ["validate", *roster_words(args)]) from None


def _unknown_manager(problem: str) -> bool:
    return getattr(problem, "kind", None) == "manager_not_in_roster"


def _chart(people: Sequence[Participant], outside: bool) -> OrgChart:
    """Return the org chart the roster's managers make, outside managers at its top if asked."""
    try:
        org = OrgChart.from_participants(people, outside="top" if outside else "error")
    except InputError as err:  # one file per side is read without the check
        if not any(_unknown_manager(p) for p in err.problems):
            raise  # a cycle, an id twice
        said = (": give the full org chart (--org FILE or --hr-data EXPORT), or read such "
                "managers as outside the programme (--no-check-managers)")
        raise InputError.of([f"{p}{said}" if _unknown_manager(p) else p
                             for p in err.problems]) from None
    outside_count = len(org) - len({p.id for p in people})
    if outside_count:
        print(f"note: {outside_count} managers not in the roster "
              "are read as outside the programme: the reporting-line rule sees the chain "
              "within the roster only", file=sys.stderr)
    return org


def _load(args: argparse.Namespace) -> tuple[list[Participant], list[Participant],
                                             Program, OrgChart | None]:
    hr_data = getattr(args, "hr_data", None)
    seniors_file = getattr(args, "seniors_file", None)
    refuse_inputs([getattr(args, "output", None), getattr(args, "briefs", None),
                   getattr(args, "report", None)],
                  [args.roster, args.program, args.org, args.columns, args.level_map,
                   getattr(args, "values", None), hr_data, getattr(args, "hr_columns", None),
                   getattr(args, "hr_values", None), seniors_file])
    if hr_data and args.org:
        raise InputError("give the org chart once: --hr-data is the org chart, so leave out "
                         "--org")
    people = read_people(args, args.roster, check_managers=not (
        args.org or hr_data or getattr(args, "no_check_managers", False)))
    employees: list[Participant] = []
    if hr_data:
        employees = read_participants(
            hr_data, columns=_json_object(args.hr_columns, "column map"),
            values=_json_object(args.hr_values, "value map"), level_map=_json_object(
                args.level_map, "level map"), date_format=args.date_format,
            encoding=args.encoding, unknown_columns="warn", header_row=None,
            duplicates=args.duplicates)
        people = enrich(people, employees)
    juniors, seniors, others = split_roles(people)
    if not juniors or not seniors:
        raise InputError(
            f"{args.roster}: found {counted(len(juniors), 'junior')} and "
            f"{counted(len(seniors), 'senior')}; "
            "the 'role' column must mark both sides (junior, senior or both): `rmatch "
            f"columns {args.roster}` proposes a column map and the value map for the role "
            "words"
        )
    program = load_program(args.program) if args.program else Program()
    if args.no_rules:
        program = program.model_copy(update={"constraints": []})
    if hr_data:
        # Everyone in the HR export, and the sign-ups it does not have.
        known = {p.id for p in employees}
        org: OrgChart | None = OrgChart.from_participants(
            [*employees, *(p for p in people if p.id not in known)])
    elif args.org:
        org = OrgChart.from_participants(read_participants(args.org, unknown_columns="keep"))
    elif others or any(p.manager_id for p in people):
        org = _chart(people, getattr(args, "no_check_managers", False))
    else:
        org = None
    if others:
        print(f"note: {len(others)} employees without a role are used for the org chart only",
              file=sys.stderr)
    return juniors, seniors, program, org


def names_of(*sides: list[Participant]) -> dict[str, str | None]:
    """Each person's name by id, for a file of pairs that names people (``read_matching``).

    Examples
    --------
    >>> names_of([Participant(id="j1", name="Ana")], [Participant(id="s1")])
    {'j1': 'Ana', 's1': None}
    """
    return {p.id: p.name for side in sides for p in side}


def rules_line(program: Program) -> str:
    """One line naming the rules that apply.

    Examples
    --------
    >>> rules_line(Program(constraints=[]))
    'rules: none'
    >>> rules_line(Program(constraints=[], objective="stable", stable_by="wishes"))
    'rules: none; objective stable (by wishes, juniors proposing)'
    """
    labels = ", ".join(c.label() for c in program.constraints) or "none"
    # An objective other than the default changes what "best" means: said with the rules.
    aim = "" if program.objective == "max_pairs" else f"; objective {program.objective}"
    if program.stable:
        aim += f" (by {program.stable_by}" + (
            f", {program.proposing} proposing" if program.objective == "stable" else "") + ")"
    if program.uses_recommended_rules:
        return (f"rules: the recommended HR rules ({labels}){aim}; give a programme file with "
                "constraints, or --no-rules, to change them")
    return f"rules: {labels}{aim}"


def limit(args: argparse.Namespace) -> int | None:
    """How many pairs to print: ``--limit``, or 20 on a terminal and all when piped."""
    if args.limit is not None:
        return int(args.limit)
    return TERMINAL_PAIRS if sys.stdout.isatty() else None


def reading_options(cmd: argparse.ArgumentParser) -> None:
    """Add the options that say how to read a roster (column map, level map, ...).

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> reading_options(parser)
    >>> parser.parse_args(["--encoding", "cp1252"]).encoding
    'cp1252'
    """
    cmd.add_argument("--columns", metavar="MAP.json",
                     help="column map: JSON object header -> field, attributes.KEY or null "
                          "(`rmatch columns ROSTER` suggests one)")
    cmd.add_argument("--level-map", metavar="MAP.json",
                     help="JSON object grade name -> level number (higher is more senior)")
    cmd.add_argument("--date-format", metavar="FMT",
                     help="how dates of birth are written when not ISO, e.g. %%d/%%m/%%Y")
    cmd.add_argument("--values", metavar="MAP.json",
                     help="value maps: JSON object field -> {cell as written: value or null}, "
                          "e.g. {\"role\": {\"Mentee\": \"senior\"}} (`rmatch columns ROSTER` "
                          "proposes one)")
    cmd.add_argument("--duplicates", choices=("error", "keep_last", "keep_first"),
                     default="error",
                     help="an id on more than one row (ignoring case): fail (default), or keep "
                          "the last or first row (a sign-up form's resubmissions)")
    sheet_options(cmd)
    cmd.add_argument("--encoding", help="text encoding when not UTF-8 (e.g. cp1252)")
    cmd.add_argument("--default", action="append", metavar="FIELD=VALUE",
                     help="a value for every row that gives none, as a cell would write it "
                          "(repeat for more fields): --default timezone=Europe/London")
    cmd.add_argument("--unknown-columns", choices=("warn", "error", "keep"), default="warn",
                     help="columns neither known nor mapped: leave out with a warning "
                          "(default), fail, or keep as attributes")


def sheet_options(cmd: argparse.ArgumentParser) -> None:
    """Add ``--header-row`` and ``--sheet``: where in a file the roster is.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> sheet_options(parser)
    >>> parser.parse_args(["--header-row", "4"]).header_row
    4
    """
    cmd.add_argument("--header-row", type=count(1), metavar="N",
                     help="the header's row as the spreadsheet shows it (found by default)")
    cmd.add_argument("--sheet", metavar="NAME|N",
                     help="the Excel sheet to read: its name, or its number from 1")



def count(minimum: int, maximum: int | None = None, why: str = "") -> Any:
    """Build an argparse type for a whole number from ``minimum`` to ``maximum``.

    ``why`` says, after the refusal, why the maximum is there: a bound on a
    count that drives memory or time (an organisation's size) is refused at
    once rather than found out after minutes.

    Examples
    --------
    >>> count(0, 9)("3")
    3
    """
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, not {value:,}"
                                             + (f" ({why})" if why else ""))
        return value
    return parse


def finite(minimum: float) -> Any:
    """Build an argparse type for a finite number of at least ``minimum`` (no NaN, no inf).

    Examples
    --------
    >>> finite(0.0)("0.25")
    0.25
    """
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value < minimum:
            raise argparse.ArgumentTypeError(f"must be a finite number of at least {minimum:g}"
                                             f", not {text}")
        return value
    return parse


def seconds(text: str) -> float:
    """Read a finite, positive number of seconds (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def roster_options(cmd: argparse.ArgumentParser) -> None:
    """Add what every roster command takes: the roster, programme, org chart and reading options.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> roster_options(parser)
    >>> parser.parse_args(["people.csv", "--no-rules"]).no_rules
    True
    """
    cmd.add_argument("roster", help="roster file (.csv, .json, .jsonl, .xlsx)")
    cmd.add_argument("--program", help="programme file (JSON)")
    cmd.add_argument("--org", help="full org chart as a roster file (id, manager_id)")
    cmd.add_argument("--hr-data", metavar="EXPORT",
                     help="HR export joined with the roster (a sign-up form) by id: it fills "
                          "managers, levels and birth years, and is the org chart")
    cmd.add_argument("--hr-columns", metavar="MAP.json",
                     help="column map for the HR export (as --columns is for the roster)")
    cmd.add_argument("--hr-values", metavar="MAP.json",
                     help="value maps for the HR export (as --values is for the roster)")
    sides_options(cmd)
    cmd.add_argument("--no-rules", action="store_true",
                     help="apply no pairwise rules (the recommended HR rules apply when "
                          "the programme names none)")
    cmd.add_argument("--no-check-managers", action="store_true",
                     help="read a manager who is not in the roster as someone outside the "
                          "programme (a sign-up form's line managers): kept apart from their "
                          "own reports, the chain above them unknown (--org gives it)")
    reading_options(cmd)


def sides_options(cmd: argparse.ArgumentParser) -> None:
    """Add ``--seniors-file`` and ``--seniors-sheet``: one file per side.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> sides_options(parser)
    >>> parser.parse_args(["--seniors-file", "mentors.csv"]).seniors_file
    'mentors.csv'
    """
    cmd.add_argument("--seniors-file", metavar="FILE",
                     help="one file per side (a survey's mentees and mentors): the roster is "
                          "then the juniors' file and this the seniors', read with the same "
                          "maps; someone in both is on both sides")
    cmd.add_argument("--seniors-sheet", metavar="NAME|N",
                     help="the Excel sheet of the seniors' file (its first by default; "
                          "the same workbook twice reads both sides from two sheets)")


def solver_options(cmd: argparse.ArgumentParser) -> None:
    """Add ``--solver`` (any registered solver name) and ``--quiet``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> solver_options(parser)
    >>> parser.parse_args(["--solver", "flow"]).solver
    'flow'
    """
    cmd.add_argument("--solver", choices=SOLVERS, default=None,
                     help=f"solver: {', '.join(SOLVERS)} (greedy is a non-optimal baseline)")
    cmd.add_argument("-q", "--quiet", action="store_true", help="no progress line on stderr")


def roster_words(args: argparse.Namespace) -> list[str]:
    """Return the roster and the roster options given (not left at their defaults), as typed.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> roster_options(parser)
    >>> roster_words(parser.parse_args(["people.csv", "--no-rules", "--encoding", "cp1252"]))
    ['people.csv', '--no-rules', '--encoding', 'cp1252']
    >>> roster_words(parser.parse_args(["p.csv", "--default", "a=1", "--default", "b=2"]))
    ['p.csv', '--default', 'a=1', '--default', 'b=2']
    """
    words = [args.roster]
    options = argparse.ArgumentParser(add_help=False)
    roster_options(options)
    for action in options._actions:
        value = getattr(args, action.dest, action.default)
        if not action.option_strings or value == action.default:
            continue
        flag = action.option_strings[-1]
        if isinstance(value, list):  # a repeated option: each as typed
            words += [w for item in value for w in (flag, str(item))]
        else:
            words += [flag] if action.nargs == 0 else [flag, str(value)]  # a switch, a value
    return words


def listed_by(err: InputError, command: list[str]) -> InputError:
    """Return the error, naming the command that lists every problem when there are several.

    Examples
    --------
    >>> str(listed_by(InputError.of(["a", "b"]), ["validate", "my roster.csv"]))
    "a (+1 more problem: `rmatch validate 'my roster.csv'` shows them all)"
    >>> str(listed_by(InputError.of(["a", Problem("hint: a map")]), ["validate", "r.csv"]))
    'a (and a hint: `rmatch validate r.csv` shows them all)'
    """
    # The reader's hints (a column map to start from) are not problems: said apart.
    hints = sum(isinstance(p, Problem) and p.reason.startswith("hint: ") for p in err.problems)
    more = len(err.problems) - hints - 1
    parts = ([f"+{more} more problem{'s' if more > 1 else ''}"] if more > 0 else []) + \
        ([f"{'a' if hints == 1 else hints} hint{'s' if hints > 1 else ''}"] if hints else [])
    if not parts:
        return err
    words = " ".join(shlex.quote(w) for w in ["rmatch", *command])
    said = " and ".join(parts) if more > 0 else f"and {parts[0]}"
    return InputError(f"{err.problems[0]} ({said}: `{words}` shows them all)", err.problems)
