"""The ``rmatch`` commands, one function each, and the table the parser is built from.

A command is a :class:`Command`: its name, one line of help, the options it
adds to its parser and the function that runs it (taking the parsed
arguments, returning the exit status).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from rmatch import synth
from rmatch.cli.columns import columns_options, run_columns
from rmatch.cli.common import (
    EXIT_ERROR,
    TERMINAL_PAIRS,
    count,
    finite,
    json_file,
    limit,
    listed_by,
    load,
    names_of,
    read_people,
    reading_options,
    roster_options,
    roster_words,
    rules_line,
    seconds,
    sides_options,
    solver_options,
)
from rmatch.cli.outputs import report_text, table, write_result
from rmatch.cli.terminal import done_solving, progress_bar
from rmatch.constraints.pairwise import (
    MaxTimezoneGap,
    NoReportingLine,
    SeniorityDirection,
    SharedLanguage,
)
from rmatch.errors import InputError, Problem
from rmatch.io.files import refuse_inputs, write_atomic, writing
from rmatch.io.tables import load_program, split_roles, write_participants
from rmatch.model.participant import IdSides, Participant, normalise_id
from rmatch.model.text import counted
from rmatch.program.gaps import data_gaps, unknown_wishes
from rmatch.program.program import SOLVERS, Program
from rmatch.solvers.match import match

__all__ = ["COMMANDS", "Command"]

Options = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class Command:
    """One ``rmatch`` command: name, help, the options it takes and what it runs.

    Examples
    --------
    >>> [c.name for c in COMMANDS][:3]
    ['demo', 'match', 'report']
    """

    name: str
    help: str
    options: tuple[Options, ...]
    run: Callable[[argparse.Namespace], int]


def _cmd_demo(args: argparse.Namespace) -> int:
    org_data = synth.generate(args.employees, seed=args.seed)
    juniors, seniors = synth.cohort(org_data, args.juniors, args.seniors, seed=args.seed)
    program = Program(
        constraints=[NoReportingLine(depth=2), SharedLanguage(), SeniorityDirection(),
                     MaxTimezoneGap(hours=6)],
        seed=args.seed,
    )
    result = match(juniors, seniors, program, org=org_data.org_chart(), solver=args.solver)
    done_solving()
    print(f"rmatch demo: a synthetic organisation of {counted(len(org_data), 'employee')}, "
          f"{counted(len(juniors), 'junior')} and {counted(len(seniors), 'senior')} "
          f"(seed {args.seed})")
    _say_fewer(args, len(org_data), len(juniors), len(seniors))
    print("constraints: " + ", ".join(c.label() for c in program.constraints))
    print()
    print(report_text(result, args.limit))
    if result.pairs:
        first = result.pairs[0].junior_id
        print(f"\nwhy {first!r} got their partner:")
        print(result.explain(first).text())
    if args.output:
        write_result(result, Path(args.output))
    return 0


def _cmd_match(args: argparse.Namespace) -> int:
    if args.per_person and not args.output:
        raise InputError("--per-person needs -o FILE.csv")
    if args.names and not args.output:
        raise InputError("--names needs -o FILE.csv (names are written, never printed)")
    juniors, seniors, program, org = load(args)
    if args.time_limit is not None:
        program = program.model_copy(update={"time_limit_s": args.time_limit})
    # Each person to explain, by id or name, found before the solve: a typo
    # should not cost a large programme's solve to be told.
    explain = [_who(text, juniors, seniors, args.roster) for text in args.explain or []]
    print(rules_line(program))
    result = match(juniors, seniors, program, org=org, solver=args.solver,
                   progress=None if args.quiet else progress_bar)
    done_solving()
    if not args.quiet and progress_bar.shown:
        print(file=sys.stderr)  # end the progress line
    print(report_text(result, limit(args)))
    for pid in explain:
        print()
        print(result.explain(pid).text())
    if args.output:
        write_result(result, Path(args.output), per_person=args.per_person, names=args.names)
        print(f"\nwrote {args.output}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from rmatch.report.briefs import write_briefs

    if Path(args.output).suffix.lower() not in (".md", ".html", ".htm"):
        raise InputError(f"{args.output}: a report must end in .md or .html")
    if args.briefs and Path(args.briefs).exists() and not Path(args.briefs).is_dir():
        # Checked before anything is written: a failing command writes nothing.
        raise InputError(f"{args.briefs}: --briefs names a file; give a folder")
    juniors, seniors, program, org = load(args)
    print(rules_line(program))
    result = match(juniors, seniors, program, org=org, solver=args.solver,
                   progress=None if args.quiet else progress_bar)
    done_solving()
    if not args.quiet and progress_bar.shown:
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
        juniors, seniors, program, org = load(args)
        from rmatch.scoring.matrix import check_field_names, score

        sm = score(juniors, seniors, program, org=org)
        check_field_names(sm)
        if args.pairs:
            from rmatch.io.small_tables import read_matching

            n_pairs = len(read_matching(args.pairs, sm.junior_ids, sm.senior_ids,
                                        what="the matching to judge",
                                        sheet=args.pairs_sheet,
                                        names=names_of(juniors, seniors)))
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        hints = sum(isinstance(p, Problem) and p.reason.startswith("hint: ")
                    for p in err.problems)
        print(f"rmatch: {len(err.problems) - hints} problem(s) found", file=sys.stderr)
        return EXIT_ERROR
    lonely_j = [sm.junior_ids[i] for i in np.flatnonzero(~sm.feasible.any(axis=1))]
    lonely_s = [sm.senior_ids[k] for k in np.flatnonzero(~sm.feasible.any(axis=0))]
    print(rules_line(program))
    print(f"{args.roster}: {counted(len(juniors), 'junior')}, "
          f"{counted(len(seniors), 'senior')}, "
          f"{int(sm.feasible.sum())} feasible pairs of {sm.feasible.size}: OK")
    if args.pairs:
        print(f"{args.pairs}: {n_pairs} pairs, each of a junior and a senior of the programme, "
              "none twice: OK")
    for line in data_gaps(juniors, seniors, program, org=org):
        print(f"warning: {line}")  # the lines rm.match warns with
    sides = IdSides((p.id for p in juniors), (p.id for p in seniors), pairs=False)
    for pid, field, other in unknown_wishes(juniors, seniors):
        side: Literal["junior", "senior"] = "senior" if pid in sides.juniors else "junior"
        print(f"warning: {field} of {pid!r}: {sides.why_not(other, side)}")
    if sm.feasible.size and not sm.feasible.any():
        # One line, not one a person: a roster whose sides are swapped (or a
        # rule that fits nobody) leaves everyone alone, thousands of lines.
        print("warning: no pair is allowed under the programme's constraints: nobody can be "
              "matched (`rmatch match` gives each person's reasons)")
        return 0
    for pid in lonely_j + lonely_s:
        print(f"warning: {pid!r} has no feasible partner under the programme's constraints")
    return 0


def _cmd_rounds(args: argparse.Namespace) -> int:
    from rmatch.lifecycle.rounds import plan_rounds

    juniors, seniors, program, org = load(args)
    print(rules_line(program))
    plan = plan_rounds(juniors, seniors, program, rounds=args.rounds, org=org)
    done_solving()
    print(plan.summary())
    for k, result in enumerate(plan.rounds, start=1):
        print(f"\nround {k}:")
        print(table(result, limit(args)))
    uncovered = [*plan.uncovered_juniors, *plan.uncovered_seniors]
    if uncovered:
        print("\nwithout a partner in any round: " + ", ".join(uncovered))
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".json":
            plan.to_json(out)
        elif out.suffix.lower() == ".csv":
            import csv

            from rmatch.io.tables import escape_cell

            with writing(out) as fh:
                writer = csv.writer(fh)
                writer.writerow(["round", "junior_id", "senior_id", "score"])
                for k, result in enumerate(plan.rounds, start=1):
                    writer.writerows([k, escape_cell(p.junior_id), escape_cell(p.senior_id),
                                      repr(p.score)] for p in result.pairs)
        else:
            raise InputError(f"{out}: the output must end in .csv or .json")
        print(f"\nwrote {out}")
    if args.report:
        print(f"wrote {plan.write_report(args.report)}")
    return 0


def _cmd_rematch(args: argparse.Namespace) -> int:
    from rmatch.io.small_tables import read_matching
    from rmatch.lifecycle.rematch import rematch

    refuse_inputs([args.output], [args.previous])
    juniors, seniors, program, org = load(args)
    try:
        # Against the people now: a pair's id that is nobody's is someone who
        # left (said by rematch); one of the other side, or in another case,
        # is an error by row.
        previous = read_matching(args.previous, [p.id for p in juniors],
                                 [p.id for p in seniors], what="previous pairs",
                                 unknown="keep", sheet=args.previous_sheet,
                                 names=names_of(juniors, seniors))
    except InputError as err:  # a short file: every problem and hint, a line each
        raise InputError("\n  ".join(str(p) for p in err.problems), err.problems) from None
    print(rules_line(program))
    # Ids or names; one that is neither stays as typed, for rematch to refuse with a hint.
    by_id = {p.id: p for p in [*juniors, *seniors]}
    change = {_id_named(c, args.roster, by_id) or c.strip()
              for c in (args.change or "").split(",") if c.strip()}
    out = rematch(previous, juniors, seniors, program, change=change,
                  allow_changes=args.allow_changes, change_cost=args.change_cost, org=org)
    done_solving()
    print(out.text())
    print()
    print(report_text(out.result, limit(args)))
    if args.output:
        write_result(out.result, Path(args.output))
        print(f"\nwrote {args.output}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from rmatch.analysis.judge import evaluate
    from rmatch.io.small_tables import read_matching

    refuse_inputs([args.output, args.report], [args.pairs])
    if args.report and Path(args.report).suffix.lower() not in (".md", ".html", ".htm"):
        # Checked before anything is read: a failing command writes nothing.
        raise InputError(f"{args.report}: a report must end in .md or .html")
    try:
        juniors, seniors, program, org = load(args)
        pairs = read_matching(args.pairs, [p.id for p in juniors], [p.id for p in seniors],
                              what="the matching to judge",
                              sheet=args.pairs_sheet, names=names_of(juniors, seniors))
        print(rules_line(program))
        result = evaluate(pairs, juniors, seniors, program, org=org)
    except InputError as err:
        # One line, as every error; validate lists the rest.
        raise listed_by(err, ["validate", *roster_words(args), "--pairs", args.pairs,
                              *(["--pairs-sheet", args.pairs_sheet] if args.pairs_sheet
                                else [])]) from None
    done_solving()
    print(f"{args.pairs}: {len(result.pairs)} pairs, total score {result.objective:.4f}")
    best = result.optimum
    if best is not None:
        what = "rmatch's stable matching" if program.stable else "the optimum"
        print(f"{what} under these rules: {best.pairs} pairs, total score "
              f"{best.objective:.4f}" + ("" if best.status == "optimal" else
                                         f" (at most {best.bound:.4f})"))
        if best.pairs == len(result.pairs) and best.objective > result.objective:
            print(f"this matching scores {100 * (1 - result.objective / best.objective):.1f}% "
                  "less with as many pairs")
    if result.violations:
        print(f"\n{len(result.violations)} rule(s) broken:")
        for v in result.violations:
            who = ", ".join(x for x in (v.junior_id, v.senior_id) if x) or "the programme"
            print(f"  {v.rule}: {who}: {v.detail}")
    else:
        print("no rule broken")
    print()
    print(report_text(result, limit(args)))
    if args.output:
        write_result(result, Path(args.output))
        print(f"\nwrote {args.output}")
    if args.report:
        # The programme report with its section "Your matching against the optimum".
        print(f"{'' if args.output else chr(10)}wrote {result.report().write(args.report)}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from rmatch.lifecycle.calibration import calibrate, read_feedback

    refuse_inputs([args.output], [args.feedback, args.roster, args.program, args.columns,
                                  args.level_map, args.values, args.outcome_values,
                                  args.seniors_file])
    people = read_people(args, args.roster, check_managers=False)
    juniors, seniors, _ = split_roles(people)
    # Each id against the roster, by the feedback file's rows.
    scale = json_file(args.outcome_values, "outcome value map")
    if scale is not None and not isinstance(scale, dict):
        raise InputError(f"{args.outcome_values}: the outcome value map must be a JSON object")
    pairs, outcomes = read_feedback(args.feedback, [p.id for p in juniors],
                                    [p.id for p in seniors],
                                    names={p.id: p.name for p in people}, values=scale)
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
    from rmatch.lifecycle.suggest import recommend

    juniors, seniors, program, org = load(args)
    me = _person(args, juniors, seniors)
    side: Literal["junior", "senior"] = args.side or (
        "senior" if me.role == "senior" else "junior")
    candidates = seniors if side == "junior" else juniors
    print(rules_line(program))
    found = recommend(me, candidates, program, k=args.k, side=side, org=org)
    print(f"best {len(found)} partner{'' if len(found) == 1 else 's'} for {side} {me.id!r} "
          "that every rule allows:")
    for suggestion in found:
        print(f"  {suggestion}")
    if not found:
        print("  none: every candidate is ruled out by the programme's rules")
    return 0


def _person(args: argparse.Namespace, juniors: list[Participant],
            seniors: list[Participant]) -> Participant:
    """Return the participant ``args.id`` names: their id, else their name (one person's)."""
    wanted = _who(args.id, juniors, seniors, args.roster)
    return next(p for p in [*juniors, *seniors] if p.id == wanted)


def _who(text: str, juniors: list[Participant], seniors: list[Participant],
         roster: str) -> str:
    """Return the id of the junior or senior a typed id or name gives, else an error."""
    wanted = _id_named(text, roster, {p.id: p for p in [*juniors, *seniors]})
    if wanted is None:
        hint = IdSides((p.id for p in juniors), (p.id for p in seniors)).case_hint(
            normalise_id(text.strip()))
        raise InputError(f"{roster}: no junior or senior has the id or name {text!r}{hint}")
    return wanted


def _id_named(text: str, roster: str, by_id: dict[str, Participant]) -> str | None:
    """Return the id a typed id or name gives (the name said), None when it is no one's.

    An analyst types a person's name as often as their id, as pairs files and
    wishes read it ("Ana Lima", "Lima, Ana", "Ana Lima (E1)"); a name two
    people share is an error naming their ids.
    """
    from rmatch.io.names import ids_by_name, named_by

    wanted = normalise_id(text.strip())
    if wanted in by_id:
        return wanted
    ids = named_by(ids_by_name((p.name, pid) for pid, p in by_id.items()), text.strip(),
                   lambda t: normalise_id(t) if normalise_id(t) in by_id else None)
    if len(ids) > 1:
        raise InputError(f"{roster}: {text!r} is the name of {len(ids)} people "
                         f"({', '.join(map(repr, ids))}): give the id")
    if ids:
        print(f"{text!r}: the name of {ids[0]!r}")
        return ids[0]
    return None


def _cmd_synth(args: argparse.Namespace) -> int:
    config = synth.SynthConfig(previous_rounds=args.previous_rounds)
    org = synth.generate(args.employees, seed=args.seed, config=config)
    roles = synth.cohort_roles(org, args.juniors, args.seniors, seed=args.seed)
    n_juniors = sum(r == "junior" for r in roles.values())
    n_seniors = len(roles) - n_juniors
    out = Path(args.output)
    if out.suffix.lower() == ".csv":
        org.write_csv(out, roles)
    else:
        people = org.participants()
        write_participants([p.model_copy(update={"role": roles.get(i)}) if i in roles else p
                            for i, p in enumerate(people)], out)
    print(f"wrote {args.output}: {counted(len(org), 'employee')}, "
          f"{counted(n_juniors, 'junior')}, {counted(n_seniors, 'senior')}")
    _say_fewer(args, len(org), n_juniors, n_seniors)
    return 0


def _say_fewer(args: argparse.Namespace, employees: int, juniors: int, seniors: int) -> None:
    """Note on stderr each side the synthetic organisation could not fill as asked."""
    for side, asked, got in (("juniors", args.juniors, juniors),
                             ("seniors", args.seniors, seniors)):
        if got < asked:
            print(f"note: asked for {asked} {side}, but only {got} of the "
                  f"{counted(employees, 'employee')} qualify as {side}; use more --employees",
                  file=sys.stderr)


# A synthetic organisation costs about 1 GB and half a minute per million employees
# (this machine class); the CLI refuses sizes that would take the machine down
# rather than finding out after minutes. rm.synth.generate in Python has no cap.
EMPLOYEES = count(1, 2_000_000, "about 1 GB per million employees; rm.synth.generate in "
                  "Python takes more")


def _demo_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--employees", type=EMPLOYEES, default=800)
    cmd.add_argument("--juniors", type=count(0), default=30)
    cmd.add_argument("--seniors", type=count(0), default=30)
    cmd.add_argument("--seed", type=count(0), default=0)
    cmd.add_argument("--solver", choices=SOLVERS, default=None,
                     help=f"solver: {', '.join(SOLVERS)} (greedy is a non-optimal baseline)")
    cmd.add_argument("--limit", type=count(0), default=None, help="show at most this many pairs")
    cmd.add_argument("-o", "--output", help="write the pairs to OUT.csv or OUT.json")


def _limit_option(cmd: argparse.ArgumentParser, what: str = "show at most this many pairs"
                  ) -> None:
    cmd.add_argument("--limit", type=count(0), default=None,
                     help=f"{what} (default: {TERMINAL_PAIRS} on a terminal, all when the "
                          "output is piped)")


def _match_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("-o", "--output", help="write the pairs to OUT.csv or OUT.json")
    cmd.add_argument("--per-person", action="store_true",
                     help="with -o OUT.csv: one row per person (id, side, partners, "
                          "scores, why unmatched), for mail merges")
    cmd.add_argument("--names", action="store_true",
                     help="with -o OUT.csv: add names and e-mails (personal data, so only "
                          "when asked)")
    cmd.add_argument("--explain", action="append", metavar="ID",
                     help="explain this participant's pairing (an id or a name; repeatable)")
    _limit_option(cmd)
    cmd.add_argument("--time-limit", type=seconds, default=None, metavar="SECONDS",
                     help="stop a CP-SAT solve after this long (programme's default: 60)")


def _report_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("-o", "--output", required=True,
                     help="write the report to OUT.md or OUT.html (self-contained)")
    cmd.add_argument("--groups", metavar="A,B",
                     help="fields to show match quality by (default: department, "
                          "location and every non-sensitive attribute)")
    cmd.add_argument("--briefs", metavar="DIR", help="write one brief per pair here")
    cmd.add_argument("--brief-format", choices=("md", "html"), default="md")
    cmd.add_argument("--names", action="store_true",
                     help="put names in the briefs (left out by default)")


def _rounds_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--rounds", type=count(1), required=True,
                     help="number of rounds (e.g. 4 for a year of quarters)")
    cmd.add_argument("-o", "--output", help="write the plan to OUT.csv or OUT.json")
    cmd.add_argument("--report", metavar="OUT.md|OUT.html",
                     help="write the plan's report, one page per round")
    _limit_option(cmd, "pairs shown per round")


def _suggest_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("id", help="the person's id")
    cmd.add_argument("--k", type=count(1), default=5, help="how many (default 5)")
    cmd.add_argument("--side", choices=("junior", "senior"), default=None,
                     help="for a person on both sides: which side to suggest for")


def _rematch_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--previous", required=True, metavar="PAIRS.csv",
                     help="the previous pairs: junior_id and senior_id columns (as -o "
                          "writes them), or a team's own sheet whose two columns are told "
                          "apart by their ids")
    cmd.add_argument("--previous-sheet", metavar="NAME|N",
                     help="the Excel sheet of the previous pairs: its name, or its number "
                          "from 1 (the first by default)")
    cmd.add_argument("--change", metavar="ID,ID",
                     help="people who asked for a new partner (ids or names)")
    cmd.add_argument("--allow-changes", action="store_true",
                     help="let other pairs change when that makes a better programme")
    cmd.add_argument("--change-cost", type=finite(0.0), default=0.1,
                     help="score given up per changed pair (default 0.1)")
    cmd.add_argument("-o", "--output", help="write the new pairs to OUT.csv or OUT.json")
    _limit_option(cmd, "pairs shown")


def _validate_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--pairs", metavar="PAIRS.csv",
                     help="also check a matching to judge (junior_id, senior_id columns, as "
                          "rmatch evaluate reads it): every id known, no pair twice")
    _pairs_sheet_option(cmd)


def _pairs_sheet_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--pairs-sheet", metavar="NAME|N",
                     help="the Excel sheet of the pairs: its name, or its number from 1 "
                          "(the first by default)")


def _evaluate_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("pairs", metavar="PAIRS.csv",
                     help="the matching to judge: junior_id and senior_id columns, or two "
                          "columns of the programme's people, each row's junior and senior "
                          "told apart by who they are (said in a warning)")
    _pairs_sheet_option(cmd)
    cmd.add_argument("-o", "--output", help="write the judged pairs with their scores")
    cmd.add_argument("--report", metavar="OUT.md|OUT.html",
                     help="write the programme report of the judged matching, with its "
                          "section \"Your matching against the optimum\"")
    _limit_option(cmd, "pairs shown")


def _calibrate_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("feedback", help="CSV: junior_id, senior_id, outcome (rating or met), "
                     "or a survey's own columns (the pair by ids or names)")
    cmd.add_argument("roster", help="the roster the pairs came from")
    cmd.add_argument("--program", help="programme file whose weights are fitted (JSON)")
    cmd.add_argument("--outcome-values", metavar="MAP.json", help="the number of each "
                     "outcome in words, e.g. {\"Agree\": 4, \"Strongly agree\": 5} (an error "
                     "proposes it for a known scale)")
    cmd.add_argument("-o", "--output", help="write the programme with the fitted weights")
    sides_options(cmd)
    reading_options(cmd)


def _synth_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--employees", type=EMPLOYEES, default=1000)
    cmd.add_argument("--juniors", type=count(0), default=50)
    cmd.add_argument("--seniors", type=count(0), default=50)
    cmd.add_argument("--seed", type=count(0), default=0)
    cmd.add_argument("--previous-rounds", type=count(0, 100, "each round is a new cohort"),
                     default=0,
                     help="earlier programme rounds to record as previous partners")
    cmd.add_argument("-o", "--output", required=True, help="roster file to write")


COMMANDS: tuple[Command, ...] = (
    Command("demo", "match a built-in synthetic organisation", (_demo_options,), _cmd_demo),
    Command("match", "match the juniors and seniors of a roster",
            (roster_options, solver_options, _match_options), _cmd_match),
    Command("report", "match a roster and write the programme report and pair briefs",
            (roster_options, solver_options, _report_options), _cmd_report),
    Command("validate", "list every problem in a roster (and in a matching to judge)",
            (roster_options, _validate_options), _cmd_validate),
    Command("rounds", "plan rotation rounds: no pair twice, the most people covered",
            (roster_options, _rounds_options), _cmd_rounds),
    Command("suggest", "list the best feasible partners for one person",
            (roster_options, _suggest_options), _cmd_suggest),
    Command("rematch", "re-match after leavers, joiners and requests to change",
            (roster_options, _rematch_options), _cmd_rematch),
    Command("evaluate", "judge a matching made elsewhere: scores, broken rules, the optimum",
            (roster_options, _evaluate_options), _cmd_evaluate),
    Command("calibrate", "fit the component weights to past outcomes",
            (_calibrate_options,), _cmd_calibrate),
    Command("columns", "print a suggested column map for a roster's headers, to edit and "
            "pass as --columns", (columns_options,), run_columns),
    Command("synth", "write a synthetic organisation as a roster", (_synth_options,),
            _cmd_synth),
)
