"""An HR-tool style integration: roster and programme files in, pairs, report and briefs out.

Run it as HR tooling would, from a scheduler or a back office job::

    python examples/hr_tool.py examples/roster.csv examples/program.json --out out/

It writes ``pairs.csv`` (ids and scores only, safe to open in a spreadsheet),
``result.json`` (the whole result for the HR system), ``report.html`` (for
leadership) and one brief per pair in ``briefs/`` (for the kick-off), and
exits 0. Bad input exits 1 with one line naming the row, id and field; an
infeasible programme exits 2 with every reason, one per line.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import rmatch as rm
from rmatch.report.briefs import write_briefs


def run(roster: Path, program_file: Path, out: Path) -> rm.MatchResult:
    """Match the roster under the programme and write every output to ``out``."""
    people = rm.read_participants(roster)
    juniors = [p for p in people if p.role == "junior"]
    seniors = [p for p in people if p.role == "senior"]
    program = rm.load_program(program_file)
    # Everyone in the file (with or without a role) makes up the org chart.
    result = rm.match(juniors, seniors, program, org=rm.OrgChart.from_participants(people))
    result.check()
    out.mkdir(parents=True, exist_ok=True)
    with (out / "pairs.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["junior_id", "senior_id", "score"])
        writer.writerows([p.junior_id, p.senior_id, f"{p.score:.4f}"] for p in result.pairs)
    result.to_json(out / "result.json")
    result.report().write(out / "report.html")
    write_briefs(result, out / "briefs", fmt="md", names=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, and turn rmatch's errors into exit codes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roster", type=Path)
    parser.add_argument("program", type=Path)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args(argv)
    try:
        result = run(args.roster, args.program, args.out)
    except rm.InfeasibleError as err:
        print(f"infeasible: {err}", file=sys.stderr)
        for reason in err.reasons:
            print(f"  {reason}", file=sys.stderr)
        return 2
    except rm.RmatchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{len(result.pairs)} pairs, {len(result.unmatched_juniors)} juniors and "
          f"{len(result.unmatched_seniors)} seniors unmatched; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
