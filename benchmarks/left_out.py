"""Programmes that leave many people out: each one's reason, under a long Forbid list.

Each row: a synthetic cohort of ``n`` juniors and ``n`` seniors where HR
forbids every junior half of the seniors (``n * n / 2`` pairs in one
``Forbid``, as a file of conflicts of interest grows), and a quarter of the
juniors give no time zone under a time-zone limit (the reason says so):
``rm.match`` end to end, which gives every person left out a reason.
Before the reasons found a rule's pairs by the block's ids, each reason
normalised and searched every forbidden pair again: at 1,000 per side 150 s.

Run: ``python -m benchmarks left_out [--sizes 500 1000 2000] [--repeats 1]``.
Writes ``benchmarks/results/left_out.json`` and ``left_out.md``.
"""

from __future__ import annotations

import warnings

import rmatch as rm
from benchmarks.common import best_of, cohort, parser, sweep


def measure(n: int, repeats: int) -> dict[str, object]:
    """Time ``rm.match`` on one cohort with its forbidden pairs; count the people left out."""
    org, juniors, seniors = cohort(n)
    juniors = [j.model_copy(update={"timezone": None}) if k % 4 == 0 else j
               for k, j in enumerate(juniors)]
    forbid = rm.Forbid(pairs=[(j.id, s.id) for j in juniors for s in seniors[::2]])
    program = rm.Program(constraints=[forbid, rm.MaxTimezoneGap(hours=6)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.DataGapWarning)  # the zones left out, on purpose
        seconds, result = best_of(repeats, lambda: rm.match(juniors, seniors, program, org=org))
    left_out = len(result.unmatched_juniors) + len(result.unmatched_seniors)
    assert len(result.unmatched_reasons) == left_out
    return {"n per side": n, "forbidden pairs": len(forbid.pairs), "pairs": len(result.pairs),
            "left out": left_out, "match_s": seconds, "status": result.status}


def main(argv: list[str] | None = None) -> None:
    cmd = parser(__doc__, [500, 1000, 2000])
    cmd.add_argument("--repeats", type=int, default=1)
    args = cmd.parse_args(argv)
    sweep("left_out", "rm.match with many people left out, under a long Forbid (seconds)",
          args.sizes, lambda n: measure(n, args.repeats))


if __name__ == "__main__":
    main()
