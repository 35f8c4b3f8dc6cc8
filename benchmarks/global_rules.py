"""The exact solver under global rules: time to optimal, or the gap reached.

Issue 3's target: with ``MinShare`` + ``GroupBalance`` (and the everyday
pairwise rules), proven optimal at 1,000 x 1,000 within 60 s on 2 cores, and a
gap under 1% at 2,000.

Three scenarios, so that the rules are measured where they bind:

- ``everyday``: at least 60% of pairs cross offices, and the mean pair score
  of women and men seniors within 0.02 (on synthetic cohorts the optimum
  without the rules often meets them already);
- ``share``: at least half the pairs share an office, which binds hard
  (most good pairs cross offices);
- ``share-cpsat``: ``share`` forced through the dense CP-SAT path (what
  ``auto`` did before the candidate path took programme-wide rules);
- ``share+balance``: both of the binding share rule and the 0.02 balance;
- ``balance``: women and men seniors' mean pair scores within 0.002, which
  the optimum without it breaks (on candidates: exchanges, then the core search);
- ``coverage``: everyone on both sides takes up to 3 partners and must get at
  least one (``MatchAll`` on both sides), solved as one min-cost flow;
  ``coverage-cpsat`` forces the same programme through CP-SAT for contrast;
- ``coverage-peer`` / ``coverage-peer-cpsat``: the same on the peer's real
  500 x 500 sample (``shared/peers/mentor-match/large``, its rules as
  ``examples/mentor_match_programme.json`` with the most pairs first), where
  the optimum without the rule leaves 15 people uncovered, so the rule binds.

From 10 million pairs ``auto`` solves on candidate pairs (``docs/scale.md``),
so ``--sizes 5000 10000`` measures the rules there; ``--dense-max`` keeps the
forced dense scenarios to the sizes that are worth waiting for.

Run: ``python -m benchmarks global [--sizes 300 1000 2000] [--time-limit 60]
[--scenarios everyday share share+balance] [--dense-max 5000] [--seeds 0 1 2]``
(several seeds: a family of organisations, a row each).
Writes ``benchmarks/results/global.json`` and ``global.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import rmatch as rm
from benchmarks.common import PROGRAM, cohort, save

SCENARIOS: dict[str, list[rm.Constraint]] = {
    "everyday": [rm.MinShare(attribute="location", share=0.6),
                 rm.GroupBalance(attribute="gender", max_gap=0.02)],
    "share": [rm.MinShare(attribute="location", share=0.5, same=True)],
    "share+balance": [rm.MinShare(attribute="location", share=0.5, same=True),
                      rm.GroupBalance(attribute="gender", max_gap=0.02)],
    "share-cpsat": [rm.MinShare(attribute="location", share=0.5, same=True)],
    "balance": [rm.GroupBalance(attribute="gender", max_gap=0.002)],
    "coverage": [rm.MatchAll(side="juniors"), rm.MatchAll(side="seniors")],
    "coverage-cpsat": [rm.MatchAll(side="juniors"), rm.MatchAll(side="seniors")],
}
SCENARIOS["coverage-peer"] = SCENARIOS["coverage"]
SCENARIOS["coverage-peer-cpsat"] = SCENARIOS["coverage"]
CAPACITY = {"coverage": 3, "coverage-cpsat": 3, "coverage-peer": 3, "coverage-peer-cpsat": 3}
ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT.parent / "shared" / "peers" / "mentor-match" / "large"


def _peer_programme() -> tuple[list[rm.Participant], list[rm.Participant], rm.Program]:
    import runpy

    read_survey = runpy.run_path(str(ROOT / "examples" / "peer_survey.py"))["read_survey"]
    juniors, seniors, _ = rm.split_roles(read_survey(PEERS))
    program = rm.load_program(ROOT / "examples" / "mentor_match_programme.json")
    return juniors, seniors, program.model_copy(update={"objective": "max_pairs"})


def measure(n: int, time_limit: float, scenario: str = "everyday",
            seed: int = 0) -> dict[str, object]:
    org: rm.OrgChart | None
    if scenario.startswith("coverage-peer"):
        juniors, seniors, base = _peer_programme()
        org, n = None, len(juniors)
    else:
        org, juniors, seniors = cohort(n, seed=seed)
        base = PROGRAM
    if scenario in CAPACITY:
        juniors = [p.model_copy(update={"capacity": CAPACITY[scenario]}) for p in juniors]
        seniors = [p.model_copy(update={"capacity": CAPACITY[scenario]}) for p in seniors]
    rules = SCENARIOS[scenario]
    program = base.model_copy(update={"constraints": [*base.constraints, *rules],
                                      "time_limit_s": time_limit})
    relaxed = rm.match(juniors, seniors, base, org=org)
    start = time.perf_counter()
    try:
        res = rm.match(juniors, seniors, program, org=org,
                       solver="cpsat" if scenario.endswith("-cpsat") else None)
    except rm.RmatchError as err:
        return {"scenario": scenario, "n": n, "seed": seed, "status": f"error: {err}",
                "time_s": time.perf_counter() - start}
    gap = (res.bound - res.objective) / max(res.bound, 1e-9)
    return {"scenario": scenario, "n": n, "seed": seed, "solver": res.solver,
            "status": res.status,
            "time_s": res.wall_time_s,
            "pairs": len(res.pairs),
            "objective": res.objective, "bound": res.bound, "gap_pct": 100 * gap,
            "relaxed_objective": relaxed.objective, "relaxed_pairs": len(relaxed.pairs)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 2000])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS),
                        choices=list(SCENARIOS))
    parser.add_argument("--dense-max", type=int, default=None,
                        help="largest size for the scenarios forced through cpsat")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="organisations to measure (a family: one row each)")
    parser.add_argument("--out", default="global",
                        help="results name: benchmarks/results/OUT.json and OUT.md")
    args = parser.parse_args(argv)
    rows = []
    for scenario in args.scenarios:
        # The peer's sample has one size: measure it once.
        sizes = args.sizes[:1] if scenario.startswith("coverage-peer") else args.sizes
        if scenario.endswith("-cpsat") and args.dense_max is not None:
            sizes = [n for n in sizes if n <= args.dense_max]
        for n in sizes:
            for seed in args.seeds if not scenario.startswith("coverage-peer") else [0]:
                rows.append(measure(n, args.time_limit, scenario, seed))
                print(rows[-1], flush=True)
    cols = list(dict.fromkeys(k for r in rows for k in r))  # first-seen order
    for r in rows:
        for c in cols:
            r.setdefault(c, "")
    print(save(args.out, rows, cols, "Exact solve with programme-wide rules"))


if __name__ == "__main__":
    main()
