"""How fast rmatch.synth generates organisations (issue 4: a million employees in seconds).

Run: ``python -m benchmarks synth [--sizes 10000 100000 1000000]``.
Writes ``benchmarks/results/synth.json`` and ``synth.md``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import rmatch as rm
from benchmarks.common import best_of, parser, sweep


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [10_000, 100_000, 1_000_000])
    cmd.add_argument("--repeats", type=int, default=2)
    args = cmd.parse_args(argv)

    def measure(n: int) -> dict[str, Any]:
        seconds, org = best_of(args.repeats, partial(rm.synth.generate, n, 0))
        return {"employees": n, "generate_s": seconds, "levels": int(org.level.max()) + 1}

    sweep("synth", "rmatch.synth.generate (seconds, best of runs)", args.sizes, measure)


if __name__ == "__main__":
    main()
