"""Run one benchmark by name: ``python -m benchmarks NAME [options]`` (``--help`` per benchmark)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "core": "rmatch.match end to end against scipy's assignment solver alone",
    "scale": "large programmes on candidates against the dense solvers; --huge, --scoring",
    "global": "programme-wide rules (MinShare, GroupBalance, MatchAll) per size",
    "many": "many programmes at once (processes or Dask)",
    "rounds": "rotation rounds",
    "over_time": "re-matching, suggestions, stability and calibration",
    "synth": "synthetic organisations",
    "suite": "rmatch beside scipy and every peer tool (--quick, --full)",
    "service": "the programme service: read latency during a solve; API against library",
    "reading": "reading HR exports; a mapping screen's survey against three readings",
    "left_out": "many people left out, each with a reason, under a long Forbid list",
    "explain": "explanations' costs priced from the optimum against solving again",
}
MODULES = {"global": "global_rules"}  # "global" is a Python keyword


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the named benchmark; without a name, list them."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in BENCHMARKS:
        print("usage: python -m benchmarks NAME [options]\n")
        for name, text in BENCHMARKS.items():
            print(f"  {name:10} {text}")
        return 0 if not args or args[0] in ("-h", "--help") else 2
    module = importlib.import_module(f"benchmarks.{MODULES.get(args[0], args[0])}")
    module.main(args[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
