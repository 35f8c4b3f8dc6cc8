"""Reading HR exports: read_participants, and a column-mapping screen's survey of the file.

Each row: a synthetic organisation of ``n`` employees written as a CSV export
(every field, as ``SynthOrg.write_csv`` writes it: about 230 bytes a person),
read as a programme reads it (``rm.read_participants``), surveyed as the
service's mapping screen does (``rm.survey_table``: the suggestions, the
first rows, the words to check and the value maps, from one reading), and the
same asked one by one (``suggest_columns``, ``read_table``,
``suggest_values``: three readings, the mapping screen before
``survey_table``). Best of ``--repeats`` runs each, on one thread; the survey
and the three readings must agree (checked on every row).

Run: ``python -m benchmarks reading [--sizes 10000 100000] [--seeds 0 1] [--repeats 3]``.
Writes ``benchmarks/results/reading.json`` and ``reading.md``.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import rmatch as rm
from benchmarks.common import best_of, parser, sweep_family
from rmatch import synth

SHOWN = ("role", "level", "department", "location", "timezone", "languages")


def _one_by_one(path: Path) -> dict[str, Any]:
    """What a mapping screen asked the three public readings for (before survey_table)."""
    suggested = rm.suggest_columns(path)
    rows = rm.read_table(path, [], what="the file", optional=list(suggested))
    values = rm.suggest_values(path, columns=suggested)
    distinct = {h: sorted({cells.get(h, "") for _, cells in rows} - {""})[:40]
                for h, target in suggested.items() if target in SHOWN}
    return {"suggested": suggested, "rows": len(rows),
            "preview": [cells for _, cells in rows[:5]], "distinct": distinct,
            "values": values}


def measure(n: int, seed: int, repeats: int) -> dict[str, Any]:
    org = synth.generate(n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        org.write_csv(path)
        size_mb = path.stat().st_size / 1e6
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rm.InputWarning)
            read_s, people = best_of(repeats, lambda: rm.read_participants(path))
            survey_s, survey = best_of(repeats, lambda: rm.survey_table(
                path, preview=5, fields=SHOWN))
            three_s, three = best_of(repeats, lambda: _one_by_one(path))
    assert len(people) == survey.rows == n
    assert {k: getattr(survey, k) for k in three} == three, "survey and readings differ"
    return {"file_mb": round(size_mb, 1), "read_participants_s": round(read_s, 2),
            "survey_table_s": round(survey_s, 2), "three_readings_s": round(three_s, 2),
            "faster": round(three_s / survey_s, 1)}


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [10_000, 100_000])
    cmd.add_argument("--seeds", type=int, nargs="+", default=[0],
                     help="synthetic organisations to measure each size on (a family)")
    cmd.add_argument("--repeats", type=int, default=3)
    args = cmd.parse_args(argv)
    sweep_family("reading", "Reading an HR export: the programme's reading and the mapping "
                 "screen's survey against three readings", args.sizes, args.seeds,
                 lambda n, seed: measure(n, seed, args.repeats))


if __name__ == "__main__":
    main()
