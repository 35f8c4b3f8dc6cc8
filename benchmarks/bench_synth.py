"""How fast rmatch.synth generates organisations (issue 4: a million employees in seconds).

Run: ``python benchmarks/bench_synth.py [--sizes 10000 100000 1000000]``.
Writes ``benchmarks/results/synth.json`` and ``synth.md``.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, save

import rmatch as rm


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    for n in args.sizes:
        seconds, org = best_of(args.repeats, partial(rm.synth.generate, n, 0))
        rows.append({"employees": n, "generate_s": seconds, "levels": int(org.level.max()) + 1})
        print(rows[-1], flush=True)
    print(save("synth", rows, list(rows[0]), "rmatch.synth.generate (seconds, best of runs)"))


if __name__ == "__main__":
    main()
