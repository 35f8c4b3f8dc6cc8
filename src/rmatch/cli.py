"""The ``rmatch`` command: demo, match, report, validate, rounds, rematch, suggest, columns, synth.

Every error reaches the user as one line on stderr (``rmatch: error: ...``)
and a non-zero exit status, never a traceback; reading warnings are lines
``rmatch: warning: ...`` on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError

from rmatch import synth
from rmatch._files import refuse_inputs, write_atomic, writing
from rmatch.constraints import (
    MaxTimezoneGap,
    NoReportingLine,
    SeniorityDirection,
    SharedLanguage,
)
from rmatch.errors import InputError, InputWarning, Problem, RmatchError
from rmatch.io import (
    load_program,
    read_participants,
    split_roles,
    suggest_columns,
    write_participants,
)
from rmatch.matching import match
from rmatch.models import SOLVERS, OrgChart, Participant, Program
from rmatch.result import MatchResult
from rmatch.solvers import Progress

__all__ = ["main"]

EXIT_ERROR = 1
TERMINAL_PAIRS = 20
"""Pairs shown on a terminal before "... N more" (all of them when output is piped)."""


def _table(result: MatchResult, limit: int | None) -> str:
    names = sorted({k for p in result.pairs for k in p.components})
    head = ["junior", "senior", "score", *names]
    rows = [[p.junior_id, p.senior_id, f"{p.score:.3f}",
             *(f"{p.components[k]:.3f}" for k in names)] for p in result.pairs]
    shown = rows if limit is None else rows[:limit]
    widths = [max(len(h), *(len(r[c]) for r in shown)) if shown else len(h)
              for c, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in shown]
    if len(shown) < len(rows):
        lines.append(f"... {len(rows) - len(shown)} more pairs (use -o FILE for all)")
    return "\n".join(lines)


def _report(result: MatchResult, limit: int | None) -> str:
    parts = [_table(result, limit), "", result.summary()]
    if result.unmatched_reasons:
        parts.append("\nunmatched:")
        parts += [f"  {pid}: {why}" for pid, why in result.unmatched_reasons.items()]
    return "\n".join(parts)


class _ProgressBar:
    """One stderr line, rewritten in place: phase, incumbent, bound, gap, time."""

    shown = False

    def __call__(self, p: Progress) -> None:
        if p.stage:  # the candidate path: its step and what it found
            print(f"\r{p.stage}: {p.note} {p.elapsed_s:.1f}s\033[K", end="", file=sys.stderr,
                  flush=True)
            self.shown = True
            return
        what = "pairs" if p.phase == 1 else "score"
        width = 20
        filled = round(width * (1 - min(p.gap, 1.0)))
        bar = "#" * filled + "." * (width - filled)
        print(f"\rsolving ({what}) [{bar}] incumbent {p.incumbent:.4f} bound {p.bound:.4f} "
              f"gap {100 * p.gap:.2f}% {p.elapsed_s:.1f}s", end="", file=sys.stderr, flush=True)
        self.shown = True


_progress_bar = _ProgressBar()


def _write_result(result: MatchResult, out: Path, *, per_person: bool = False) -> None:
    suffix = out.suffix.lower()
    if suffix == ".json" and not per_person:
        result.to_json(out)
    elif suffix == ".csv":
        import csv

        from rmatch.io import _escape

        names = sorted({k for p in result.pairs for k in p.components})
        with writing(out) as fh:
            writer = csv.writer(fh)
            if per_person:
                writer.writerows(_per_person_rows(result))
                return
            writer.writerow(["junior_id", "senior_id", "score", *names])
            for p in result.pairs:
                writer.writerow([_escape(p.junior_id), _escape(p.senior_id), repr(p.score),
                                 *(repr(p.components[k]) for k in names)])
    else:
        raise InputError(f"{out}: the output must end in .csv"
                         + ("" if per_person else " or .json"))


def _per_person_rows(result: MatchResult) -> Iterator[list[str]]:
    """One row per person and side (for mail merges): partners and scores, or why none."""
    from rmatch.io import _escape

    sm = result.scores
    yield ["id", "side", "partners", "scores", "unmatched_reason"]
    for side, ids in (("junior", sm.junior_ids), ("senior", sm.senior_ids)):
        mine: dict[str, list[tuple[str, float]]] = {pid: [] for pid in ids}
        for p in result.pairs:
            me, other = (p.junior_id, p.senior_id) if side == "junior" else (p.senior_id,
                                                                             p.junior_id)
            mine[me].append((other, p.score))
        for pid, partners in mine.items():
            why = "" if partners else result.unmatched_reasons.get(pid, "")
            yield [_escape(pid), side, _escape(";".join(o for o, _ in partners)),
                   ";".join(f"{sc:.4f}" for _, sc in partners), _escape(why)]


def _cmd_demo(args: argparse.Namespace) -> int:
    org_data = synth.generate(args.employees, seed=args.seed)
    juniors, seniors = synth.cohort(org_data, args.juniors, args.seniors, seed=args.seed)
    program = Program(
        constraints=[NoReportingLine(), SharedLanguage(), SeniorityDirection(),
                     MaxTimezoneGap(hours=6)],
        seed=args.seed,
    )
    result = match(juniors, seniors, program, org=org_data.org_chart(), solver=args.solver)
    print(f"rmatch demo: a synthetic organisation of {len(org_data)} employees, "
          f"{len(juniors)} juniors and {len(seniors)} seniors (seed {args.seed})")
    print("constraints: " + ", ".join(c.label() for c in program.constraints))
    print()
    print(_report(result, args.limit))
    if result.pairs:
        first = result.pairs[0].junior_id
        print(f"\nwhy {first!r} got their partner:")
        print(result.explain(first).text())
    if args.output:
        _write_result(result, Path(args.output))
    return 0


def _json_file(path: str | None, what: str) -> Any:
    if path is None:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not a JSON {what} ({err})") from None


def _read_roster(args: argparse.Namespace, path: str, *, check_managers: bool
                 ) -> list[Participant]:
    columns = _json_file(args.columns, "column map")
    level_map = _json_file(args.level_map, "level map")
    for value, what in ((columns, "column map"), (level_map, "level map")):
        if value is not None and not isinstance(value, dict):
            raise InputError(f"the {what} must be a JSON object (header -> field)")
    return read_participants(path, columns=columns, level_map=level_map,
                             date_format=args.date_format, encoding=args.encoding,
                             unknown_columns=args.unknown_columns,
                             check_managers=check_managers)


def _load(args: argparse.Namespace) -> tuple[list[Participant], list[Participant],
                                             Program, OrgChart | None]:
    refuse_inputs([getattr(args, "output", None), getattr(args, "briefs", None)],
                  [args.roster, args.program, args.org, args.columns, args.level_map])
    people = _read_roster(args, args.roster, check_managers=not args.org)
    juniors, seniors, others = split_roles(people)
    if not juniors or not seniors:
        raise InputError(
            f"{args.roster}: found {len(juniors)} juniors and {len(seniors)} seniors; "
            "the 'role' column must mark both sides (junior, senior or both)"
        )
    program = load_program(args.program) if args.program else Program()
    if args.no_rules:
        program = program.model_copy(update={"constraints": []})
    if args.org:
        org: OrgChart | None = OrgChart.from_participants(
            read_participants(args.org, unknown_columns="keep"))
    elif others or any(p.manager_id for p in people):
        org = OrgChart.from_participants(people)
    else:
        org = None
    if others:
        print(f"note: {len(others)} employees without a role are used for the org chart only",
              file=sys.stderr)
    return juniors, seniors, program, org


def _rules_line(program: Program) -> str:
    labels = ", ".join(c.label() for c in program.constraints) or "none"
    if program.uses_recommended_rules:
        return (f"rules: the recommended HR rules ({labels}); give a programme file with "
                "constraints, or --no-rules, to change them")
    return f"rules: {labels}"


def _limit(args: argparse.Namespace) -> int | None:
    if args.limit is not None:
        return int(args.limit)
    return TERMINAL_PAIRS if sys.stdout.isatty() else None


def _cmd_match(args: argparse.Namespace) -> int:
    if args.per_person and not args.output:
        raise InputError("--per-person needs -o FILE.csv")
    juniors, seniors, program, org = _load(args)
    if args.time_limit is not None:
        program = program.model_copy(update={"time_limit_s": args.time_limit})
    print(_rules_line(program))
    result = match(juniors, seniors, program, org=org, solver=args.solver,
                   progress=None if args.quiet else _progress_bar)
    if not args.quiet and _progress_bar.shown:
        print(file=sys.stderr)  # end the progress line
    print(_report(result, _limit(args)))
    for pid in args.explain or []:
        print()
        print(result.explain(pid).text())
    if args.output:
        _write_result(result, Path(args.output), per_person=args.per_person)
        print(f"\nwrote {args.output}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from rmatch.report import write_briefs

    if Path(args.output).suffix.lower() not in (".md", ".html", ".htm"):
        raise InputError(f"{args.output}: a report must end in .md or .html")
    juniors, seniors, program, org = _load(args)
    print(_rules_line(program))
    result = match(juniors, seniors, program, org=org, solver=args.solver,
                   progress=None if args.quiet else _progress_bar)
    if not args.quiet and _progress_bar.shown:
        print(file=sys.stderr)
    groups = [g.strip() for g in args.groups.split(",") if g.strip()] if args.groups else None
    out = result.report(groups=groups).write(args.output)
    print(result.summary())
    print(f"wrote {out}")
    if args.briefs:
        paths = write_briefs(result, args.briefs, fmt=args.brief_format, names=args.names)
        print(f"wrote {len(paths)} pair briefs to {args.briefs}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    try:
        juniors, seniors, program, org = _load(args)
        from rmatch.scoring import check_field_names, score

        sm = score(juniors, seniors, program, org=org)
        check_field_names(sm)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        hints = sum(isinstance(p, Problem) and p.reason.startswith("hint: ")
                    for p in err.problems)
        print(f"rmatch: {len(err.problems) - hints} problem(s) found", file=sys.stderr)
        return EXIT_ERROR
    lonely_j = [sm.junior_ids[i] for i in np.flatnonzero(~sm.feasible.any(axis=1))]
    lonely_s = [sm.senior_ids[k] for k in np.flatnonzero(~sm.feasible.any(axis=0))]
    print(_rules_line(program))
    print(f"{args.roster}: {len(juniors)} juniors, {len(seniors)} seniors, "
          f"{int(sm.feasible.sum())} feasible pairs of {sm.feasible.size}: OK")
    for pid in lonely_j + lonely_s:
        print(f"warning: {pid!r} has no feasible partner under the programme's constraints")
    return 0


def _cmd_rounds(args: argparse.Namespace) -> int:
    from rmatch.rounds import plan_rounds

    juniors, seniors, program, org = _load(args)
    print(_rules_line(program))
    plan = plan_rounds(juniors, seniors, program, rounds=args.rounds, org=org)
    print(plan.summary())
    for k, result in enumerate(plan.rounds, start=1):
        print(f"\nround {k}:")
        print(_table(result, _limit(args)))
    uncovered = [*plan.uncovered_juniors, *plan.uncovered_seniors]
    if uncovered:
        print("\nwithout a partner in any round: " + ", ".join(uncovered))
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".json":
            plan.to_json(out)
        elif out.suffix.lower() == ".csv":
            import csv

            from rmatch.io import _escape

            with writing(out) as fh:
                writer = csv.writer(fh)
                writer.writerow(["round", "junior_id", "senior_id", "score"])
                for k, result in enumerate(plan.rounds, start=1):
                    writer.writerows([k, _escape(p.junior_id), _escape(p.senior_id),
                                      repr(p.score)] for p in result.pairs)
        else:
            raise InputError(f"{out}: the output must end in .csv or .json")
        print(f"\nwrote {out}")
    if args.report:
        print(f"wrote {plan.write_report(args.report)}")
    return 0


def _read_pairs(path: str) -> list[tuple[str, str]]:
    """Previous pairs from a CSV with junior_id and senior_id columns (as -o writes)."""
    import csv

    from rmatch._values import parse_text

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not {"junior_id", "senior_id"} <= set(reader.fieldnames or []):
                raise InputError(f"{path}: previous pairs need the columns junior_id and "
                                 "senior_id (as `rmatch match -o pairs.csv` writes them)")
            return [(parse_text(r["junior_id"]), parse_text(r["senior_id"])) for r in reader]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None


def _cmd_rematch(args: argparse.Namespace) -> int:
    from rmatch.rematching import rematch

    refuse_inputs([args.output], [args.previous])
    previous = _read_pairs(args.previous)
    juniors, seniors, program, org = _load(args)
    print(_rules_line(program))
    change = {c.strip() for c in (args.change or "").split(",") if c.strip()}
    out = rematch(previous, juniors, seniors, program, change=change,
                  allow_changes=args.allow_changes, change_cost=args.change_cost, org=org)
    print(out.text())
    print()
    print(_report(out.result, _limit(args)))
    if args.output:
        _write_result(out.result, Path(args.output))
        print(f"\nwrote {args.output}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from rmatch.calibration import calibrate, read_feedback

    refuse_inputs([args.output], [args.feedback, args.roster, args.program])
    pairs, outcomes = read_feedback(args.feedback)
    people = _read_roster(args, args.roster, check_managers=False)
    juniors, seniors, _ = split_roles(people)
    program = load_program(args.program) if args.program else Program()
    fit = calibrate(pairs, outcomes, program, juniors=juniors, seniors=seniors)
    print(fit.text())
    if args.output:
        if not fit.predicts:
            print(f"\nnot writing {args.output}: the outcomes give no reason to change the "
                  "weights")
            return 0
        write_atomic(args.output, fit.program(program).model_dump_json(indent=2) + "\n")
        print(f"\nwrote {args.output}: the programme with the fitted weights")
    return 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from rmatch.suggest import recommend

    juniors, seniors, program, org = _load(args)
    me = next((p for p in [*juniors, *seniors] if p.id == args.id), None)
    if me is None:
        raise InputError(f"{args.roster}: no junior or senior has the id {args.id!r}")
    side: Literal["junior", "senior"] = args.side or (
        "senior" if me.role == "senior" else "junior")
    candidates = seniors if side == "junior" else juniors
    print(_rules_line(program))
    found = recommend(me, candidates, program, k=args.k, side=side, org=org)
    print(f"best {len(found)} partners for {side} {me.id!r} that every rule allows:")
    for suggestion in found:
        print(f"  {suggestion}")
    if not found:
        print("  none: every candidate is ruled out by the programme's rules")
    return 0


def _cmd_columns(args: argparse.Namespace) -> int:
    proposal = suggest_columns(args.roster, encoding=args.encoding)
    text = json.dumps(proposal, indent=2, ensure_ascii=False)
    if args.output:
        out = Path(args.output)
        if out.exists() and not args.force:
            raise InputError(f"{out} exists; pass --force to replace it")
        refuse_inputs([out], [args.roster])
        write_atomic(out, text + "\n")
        print(f"wrote {out}: edit it, then pass it as --columns {out}")
    else:
        print(text)
    left_out = [h for h, t in proposal.items() if t is None]
    if left_out:
        print(f"left out (null): {', '.join(left_out)}", file=sys.stderr)
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    config = synth.SynthConfig(previous_rounds=args.previous_rounds)
    org = synth.generate(args.employees, seed=args.seed, config=config)
    rows_j, rows_s = synth.cohort_rows(org, args.juniors, args.seniors, seed=args.seed)
    roles = {**dict.fromkeys(rows_j.tolist(), "junior"), **dict.fromkeys(rows_s.tolist(), "senior")}
    out = Path(args.output)
    if out.suffix.lower() == ".csv":
        org.write_csv(out, roles)
    else:
        people = org.participants()
        write_participants([p.model_copy(update={"role": roles.get(i)}) if i in roles else p
                            for i, p in enumerate(people)], out)
    print(f"wrote {args.output}: {len(org)} employees, {len(rows_j)} juniors, "
          f"{len(rows_s)} seniors")
    for side, asked, got in (("juniors", args.juniors, len(rows_j)),
                             ("seniors", args.seniors, len(rows_s))):
        if got < asked:
            print(f"note: asked for {asked} {side}, but only {got} of the {len(org)} employees "
                  f"qualify as {side}; use more --employees", file=sys.stderr)
    return 0


def _reading_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--columns", metavar="MAP.json",
                     help="column map: JSON object header -> field, attributes.KEY or null "
                          "(`rmatch columns ROSTER` suggests one)")
    cmd.add_argument("--level-map", metavar="MAP.json",
                     help="JSON object grade name -> level number (higher is more senior)")
    cmd.add_argument("--date-format", metavar="FMT",
                     help="how dates of birth are written when not ISO, e.g. %%d/%%m/%%Y")
    cmd.add_argument("--encoding", help="text encoding when not UTF-8 (e.g. cp1252)")
    cmd.add_argument("--unknown-columns", choices=("warn", "error", "keep"), default="warn",
                     help="columns neither known nor mapped: leave out with a warning "
                          "(default), fail, or keep as attributes")


def _count(minimum: int) -> Any:
    """Build an argparse type for a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value
    return parse


def _seconds(text: str) -> float:
    """Read a finite, positive number of seconds (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``rmatch`` command.

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--seed", "3"]).seed
    3
    """
    parser = argparse.ArgumentParser(
        prog="rmatch", description="Exact, explained junior-to-senior mentoring pairs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    solver_help = f"solver: {', '.join(SOLVERS)} (greedy is a non-optimal baseline)"

    demo = sub.add_parser("demo", help="match a built-in synthetic organisation")
    demo.add_argument("--employees", type=_count(1), default=800)
    demo.add_argument("--juniors", type=_count(0), default=30)
    demo.add_argument("--seniors", type=_count(0), default=30)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--solver", choices=SOLVERS, default=None, help=solver_help)
    demo.add_argument("--limit", type=_count(0), default=None,
                      help="show at most this many pairs")
    demo.add_argument("-o", "--output", help="write the pairs to OUT.csv or OUT.json")
    demo.set_defaults(func=_cmd_demo)

    for name, func, text in (("match", _cmd_match, "match the juniors and seniors of a roster"),
                             ("report", _cmd_report,
                              "match a roster and write the programme report and pair briefs"),
                             ("validate", _cmd_validate, "list every problem in a roster"),
                             ("rounds", _cmd_rounds,
                              "plan rotation rounds: no pair twice, the most people covered"),
                             ("suggest", _cmd_suggest,
                              "list the best feasible partners for one person"),
                             ("rematch", _cmd_rematch,
                              "re-match after leavers, joiners and requests to change")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("roster", help="roster file (.csv, .json, .jsonl, .xlsx)")
        cmd.add_argument("--program", help="programme file (JSON)")
        cmd.add_argument("--org", help="full org chart as a roster file (id, manager_id)")
        cmd.add_argument("--no-rules", action="store_true",
                         help="apply no pairwise rules (the recommended HR rules apply when "
                              "the programme names none)")
        _reading_options(cmd)
        cmd.set_defaults(func=func)
        if name in ("match", "report"):
            cmd.add_argument("--solver", choices=SOLVERS, default=None, help=solver_help)
            cmd.add_argument("-q", "--quiet", action="store_true",
                             help="no progress line on stderr")
        if name == "rematch":
            cmd.add_argument("--previous", required=True, metavar="PAIRS.csv",
                             help="the previous pairs (junior_id, senior_id columns)")
            cmd.add_argument("--change", metavar="ID,ID",
                             help="people who asked for a new partner")
            cmd.add_argument("--allow-changes", action="store_true",
                             help="let other pairs change when that makes a better programme")
            cmd.add_argument("--change-cost", type=float, default=0.1,
                             help="score given up per changed pair (default 0.1)")
            cmd.add_argument("-o", "--output", help="write the new pairs to OUT.csv or OUT.json")
            cmd.add_argument("--limit", type=_count(0), default=None,
                             help="pairs shown (default: 20 on a terminal)")
        if name == "suggest":
            cmd.add_argument("id", help="the person's id")
            cmd.add_argument("--k", type=_count(1), default=5, help="how many (default 5)")
            cmd.add_argument("--side", choices=("junior", "senior"), default=None,
                             help="for a person on both sides: which side to suggest for")
        if name == "rounds":
            cmd.add_argument("--rounds", type=_count(1), required=True,
                             help="number of rounds (e.g. 4 for a year of quarters)")
            cmd.add_argument("-o", "--output", help="write the plan to OUT.csv or OUT.json")
            cmd.add_argument("--report", metavar="OUT.md|OUT.html",
                             help="write the plan's report, one page per round")
            cmd.add_argument("--limit", type=_count(0), default=None,
                             help=f"pairs shown per round (default: {TERMINAL_PAIRS} on a "
                                  "terminal, all when the output is piped)")
        if name == "report":
            cmd.add_argument("-o", "--output", required=True,
                             help="write the report to OUT.md or OUT.html (self-contained)")
            cmd.add_argument("--groups", metavar="A,B",
                             help="fields to show match quality by (default: department, "
                                  "location and every non-sensitive attribute)")
            cmd.add_argument("--briefs", metavar="DIR", help="write one brief per pair here")
            cmd.add_argument("--brief-format", choices=("md", "html"), default="md")
            cmd.add_argument("--names", action="store_true",
                             help="put names in the briefs (left out by default)")
        if name == "match":
            cmd.add_argument("-o", "--output", help="write the pairs to OUT.csv or OUT.json")
            cmd.add_argument("--per-person", action="store_true",
                             help="with -o OUT.csv: one row per person (id, side, partners, "
                                  "scores, why unmatched), for mail merges")
            cmd.add_argument("--explain", action="append", metavar="ID",
                             help="explain this participant's pairing (repeatable)")
            cmd.add_argument("--limit", type=_count(0), default=None,
                             help=f"show at most this many pairs (default: {TERMINAL_PAIRS} "
                                  "on a terminal, all when the output is piped)")
            cmd.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDS",
                             help="stop a CP-SAT solve after this long (programme's default: 60)")

    cal = sub.add_parser("calibrate", help="fit the component weights to past outcomes")
    cal.add_argument("feedback", help="CSV: junior_id, senior_id, outcome (rating or met)")
    cal.add_argument("roster", help="the roster the pairs came from")
    cal.add_argument("--program", help="programme file whose weights are fitted (JSON)")
    cal.add_argument("-o", "--output", help="write the programme with the fitted weights")
    _reading_options(cal)
    cal.set_defaults(func=_cmd_calibrate)

    cols = sub.add_parser("columns", help="print a suggested column map for a roster's "
                                         "headers, to edit and pass as --columns")
    cols.add_argument("roster", help="roster file (.csv, .json, .jsonl, .xlsx)")
    cols.add_argument("--encoding", help="text encoding when not UTF-8 (e.g. cp1252)")
    cols.add_argument("-o", "--output", help="write the map to this JSON file")
    cols.add_argument("--force", action="store_true", help="replace the output file")
    cols.set_defaults(func=_cmd_columns)

    syn = sub.add_parser("synth", help="write a synthetic organisation as a roster")
    syn.add_argument("--employees", type=_count(1), default=1000)
    syn.add_argument("--juniors", type=_count(0), default=50)
    syn.add_argument("--seniors", type=_count(0), default=50)
    syn.add_argument("--seed", type=int, default=0)
    syn.add_argument("--previous-rounds", type=_count(0), default=0,
                     help="earlier programme rounds to record as previous partners")
    syn.add_argument("-o", "--output", required=True, help="roster file to write")
    syn.set_defaults(func=_cmd_synth)
    return parser


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Show rmatch's reading warnings as one plain line each, as they happen."""
    def show(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
        print(f"rmatch: warning: {message}", file=sys.stderr)

    with warnings.catch_warnings():  # restores the filters and showwarning on exit
        warnings.simplefilter("always", InputWarning)
        warnings.showwarning = show
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["demo", "--employees", "200", "--juniors", "3", "--seniors", "3",
    ...       "--limit", "0"])  # doctest: +ELLIPSIS
    rmatch demo: ...
    0
    """
    args = build_parser().parse_args(argv)
    try:
        with _warnings_to_stderr():
            status: int = args.func(args)
    except RmatchError as err:
        print(f"rmatch: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except ValidationError as err:  # a model built from arguments: one line, no traceback
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        print(f"rmatch: error: {where}: {first['msg']}", file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:
        print("rmatch: error: out of memory; split the programme into smaller cohorts, or set "
              "memory_limit_gb in the programme to fail early", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # Whoever read the output (`rmatch demo | head`) has stopped: not our error. Point
        # stdout at /dev/null so that the interpreter's final flush fails quietly too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        print(f"rmatch: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        if _progress_bar.shown:
            print(file=sys.stderr)  # end the progress line first
        print("rmatch: interrupted; nothing was written", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
