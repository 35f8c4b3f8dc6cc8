"""``rmatch columns``: the column map and value maps proposed for a roster's headers.

The proposal goes to stdout as JSON (or to ``-o MAP.json``, never over a map
edited by hand without ``--force``), what to check to stderr: the guesses it
is not sure of, hidden columns, the JSON objects read by their paths, the
values of the role, level and time-zone columns, and the proposed value map.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rmatch.cli.common import sheet_options
from rmatch.errors import InputError
from rmatch.io.files import refuse_inputs, write_atomic

__all__ = ["columns_options", "run_columns"]


def run_columns(args: argparse.Namespace) -> int:
    """Print (or write) the column map and value maps proposed for a roster's headers.

    Examples
    --------
    >>> import contextlib, io, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stderr(io.StringIO()):
    ...     _ = (Path(tmp) / "r.csv").write_text("Employee ID,Grade" + chr(10) + "e1,L1")
    ...     args = argparse.Namespace(
    ...         roster=str(Path(tmp) / "r.csv"), encoding=None, header_row=None, sheet=None,
    ...         seniors_file=None, seniors_sheet=None, output=str(Path(tmp) / "m.json"),
    ...         values_output=None, force=False)
    ...     run_columns(args)  # doctest: +ELLIPSIS
    ...     json.loads((Path(tmp) / "m.json").read_text())
    wrote ...m.json: edit it, then pass it as --columns ...m.json
    0
    {'Employee ID': 'id', 'Grade': 'level'}
    """
    from rmatch.io import survey
    from rmatch.io.columns import MOST_COMPARED, column_keys, guesses, suggest
    from rmatch.io.sheets import Table, load_table

    table = load_table(args.roster, None, args.encoding, None, header_row=args.header_row,
                       sheet=args.sheet)
    if args.seniors_file:  # one map for both files, as --seniors-file reads them
        other = load_table(args.seniors_file, None, args.encoding, None,
                           sheet=args.seniors_sheet)
        table = Table(f"{table.name} + {other.name}",
                      list(dict.fromkeys([*table.headers, *other.headers])),
                      [*table.rows, *other.rows], [], table.hidden | other.hidden)
    keys = column_keys(table.headers, table.objects)
    twice = sorted({h for h in table.headers
                    if sum(keys[o] == keys[h] for o in table.headers) > 1})
    if twice:
        # A map has one entry per header: it cannot tell two same-named columns apart.
        raise InputError(f"{args.roster}: header(s) {', '.join(repr(h) for h in twice)} are "
                         "given more than once (ignoring case and spaces): rename one of each "
                         "in the file, then run rmatch columns again")
    proposal = suggest(table.headers, hidden=table.hidden, objects=table.objects,
                       rows=[cells for _, cells in table.rows])
    proposed_values = survey.proposed_values(table, proposal)
    outputs = [(args.output, proposal, "--columns"), (args.values_output, proposed_values,
                                                     "--values")]
    for path, data, flag in outputs:
        if not path:
            continue
        out = Path(path)
        if out.exists() and not args.force:
            raise InputError(f"{out} exists; pass --force to replace it")
        refuse_inputs([out], [args.roster, args.seniors_file])
        write_atomic(out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {out}: edit it, then pass it as {flag} {out}")
    if not args.output:
        print(json.dumps(proposal, indent=2, ensure_ascii=False))
    # A JSON object whose paths are columns is read by them, not left out.
    objects = [h for h, t in proposal.items() if t is None and h in table.objects]
    left_out = [h for h, t in proposal.items() if t is None and h not in table.objects]
    if left_out:
        print(f"left out (null): {', '.join(left_out)}", file=sys.stderr)
    if objects:
        print(f"objects read by their paths (map one whole only to skills, goals, "
              f"language_levels or attributes): {', '.join(objects)}", file=sys.stderr)
    for header in table.headers[:MOST_COMPARED]:  # as suggest compares them
        found = guesses(header)
        if header not in table.hidden and header not in table.objects and found \
                and found[0][1] < 100:
            shown = ", ".join(f"{t or 'null'} ({s:.0f})" for t, s in found)
            print(f"guesses for {header!r}: {shown}", file=sys.stderr)
    hidden = [h for h in table.headers if h in table.hidden]
    if hidden:
        print(f"hidden in the workbook (never suggested): {', '.join(hidden)}", file=sys.stderr)
    # The distinct values of the fields whose cells need a map, for the user
    # to check (role words, grades, time zones); never names or attributes.
    for target, cells in survey.distinct_cells(table, proposal).items():
        if target in ("role", "level", "timezone") and cells:
            shown = ", ".join(repr(c) for c in cells[:20])
            more = f" and {len(cells) - 20} more" if len(cells) > 20 else ""
            print(f"values of {target}: {shown}{more}", file=sys.stderr)
        if target == "level" and "level" not in proposed_values \
                and (numbered := _numbered(cells)):
            # Said, never written into the value map: some schemes count down
            # (the UK's Grade 6 is above its Grade 7), which only the user knows.
            rest = [c for c in cells if c not in numbered]
            own = f" (with a number of your own for {', '.join(map(repr, rest))})" if rest \
                else ""
            print("each grade's own number, to check (where a higher number is less "
                  f"senior, turn them round) and add to the value map as \"level\"{own}: "
                  + json.dumps(numbered, ensure_ascii=False), file=sys.stderr)
    if proposed_values and not args.values_output:
        print("proposed value map (check it, save it, pass it as --values FILE): "
              + json.dumps(proposed_values, ensure_ascii=False), file=sys.stderr)
    return 0


def _numbered(cells: list[str]) -> dict[str, int] | None:
    """Each grade's own number where grades are numbered names ("Band 3"); None for numbers."""
    from rmatch.io.hints import numbered_grades

    named = [c for c in cells if not c.strip().lstrip("+-").isdigit()]
    return numbered_grades(cells) if named else None


def columns_options(cmd: argparse.ArgumentParser) -> None:
    """Add the ``columns`` command's options: the roster, its sheet and encoding, the outputs.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> columns_options(parser)
    >>> parser.parse_args(["r.csv", "-o", "map.json"]).output
    'map.json'
    """
    cmd.add_argument("roster", help="roster file (.csv, .json, .jsonl, .xlsx)")
    cmd.add_argument("--encoding", help="text encoding when not UTF-8 (e.g. cp1252)")
    sheet_options(cmd)
    cmd.add_argument("--seniors-file", metavar="FILE", help="one file per side: one map for "
                     "the roster (the juniors') and this file (the seniors')")
    cmd.add_argument("--seniors-sheet", metavar="NAME|N", help="the seniors' file's sheet")
    cmd.add_argument("-o", "--output", help="write the map to this JSON file")
    cmd.add_argument("--values-output", metavar="FILE.json",
                     help="write the proposed value maps (role words, 'no manager') here")
    cmd.add_argument("--force", action="store_true", help="replace the output file")
