"""Large programmes: rmatch's candidate path against dense assignment solvers.

For each size, one synthetic cohort with the everyday HR rules:

- rmatch ``match`` end to end from the participants (``solver="auto"``,
  which takes the candidate path at this size: exact, with a certificate);
- OR-Tools' ``LinearSumAssignment`` and (up to ``--scipy-max``) scipy's
  ``linear_sum_assignment`` on the dense matrix of the same instance, timed
  from the matrix in memory (scoring not counted for them);
- the candidate solve on the in-memory matrix for several ``k`` (candidates
  per person): the objective of the first solve (the candidates alone,
  ranked by prices from a solved sample) and of the second (after one scan)
  against the optimum, and the scans the certificate took.

Same objective for all (most pairs, then most score) is checked, not assumed.
Run: ``python -m benchmarks scale [--sizes 5000 10000] [--scipy-max 5000]``.
Writes ``benchmarks/results/scale.json`` and ``scale.md``. Programmes beyond
the dense matrix's reach (100,000 per side) run with ``--huge N`` and are
recorded in ``scale_huge_*.json``/``.md`` (``--seeds 0 1 2``: one row per
organisation, a family); ``--huge 30000 --seniors 90000 --capacity 3`` gives
each junior three places. ``--scoring 10000`` times
scoring alone beside numpy's matrix product and copy (``scale_scoring.*``).
``--crossover 2000 3000 4000`` times ``rm.match`` end to end on the dense path
and on candidates at each size (best of 2, ``scale_crossover.*``): where
``matching.CANDIDATE_CELLS`` should sit. ``--blocks 100000 --seeds 1`` times
scoring one wide block (the first pass's), one tall (a scan's, one group of
seniors) and one of ten groups (``scale_blocks.*``). ``--first-pass 100000
--seeds 1`` times the first pass on one thread and on two, whole, its
scoring alone and its selection alone (``scale_first_pass.*``). ``--solves
100000 --seeds 1`` runs the programme and times each of its full solves both
ways on the same candidates, the assignment solver (with its maximum matching
and the residual step) and the min-cost flow (with the residual step), in
turns as to which goes first (``scale_solves.*``).
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from ortools.graph.python import linear_sum_assignment as ort_lsa
from scipy.optimize import linear_sum_assignment

import rmatch as rm
from benchmarks.common import PROGRAM, best_of, cohort, save
from rmatch.solvers.certificate import DenseSource, certify_and_solve

ORT_SCALE = 2**20  # OR-Tools wants integers: scores to 2**-20, one pair worth more than all


def _lexicographic(total: np.ndarray, feasible: np.ndarray) -> np.ndarray:
    """Weights for "most pairs, then most score" on a dense solver: big + score, 0 if ruled out."""
    big = float(min(total.shape) + 1)
    return np.where(feasible, total.astype(np.float64) + big, 0.0)


def _value(total: np.ndarray, feasible: np.ndarray, r: np.ndarray, c: np.ndarray
           ) -> tuple[int, float]:
    keep = feasible[r, c]
    return int(keep.sum()), float(total[r[keep], c[keep]].astype(np.float64).sum())


def ortools_dense(total: np.ndarray, feasible: np.ndarray) -> tuple[int, float]:
    """OR-Tools' assignment on every pair (scaled integer costs)."""
    n, m = total.shape
    assert n == m, "OR-Tools' assignment wants a square matrix"
    big = (n + 1) * ORT_SCALE
    cost = -(np.rint(total.astype(np.float64) * ORT_SCALE).astype(np.int64) + big)
    cost[~feasible] = 0
    solver = ort_lsa.SimpleLinearSumAssignment()
    tails = np.repeat(np.arange(n, dtype=np.int32), m)
    heads = np.tile(np.arange(m, dtype=np.int32), n)
    solver.add_arcs_with_cost(tails, heads, cost.ravel())
    del tails, heads, cost
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("OR-Tools assignment failed")
    cols = np.array([solver.right_mate(i) for i in range(n)])
    return _value(total, feasible, np.arange(n), cols)


def warm_up() -> None:
    """Load (or compile, on a machine's first run) the compiled kernels before any clock starts.

    The candidate path's own kernels serve only large programmes: a small one
    runs through them here with their thresholds lowered for the while.
    """
    import importlib

    org, juniors, seniors = cohort(50)
    rm.match(juniors, seniors, PROGRAM, org=org)
    saved = []
    for module, name in (("rmatch.solvers.select", "COMPILED_FROM_PAIRS"),
                         ("rmatch.solvers.sparse", "COMPILED_FROM_ARCS")):
        try:  # an older rmatch (a side-by-side run) has no such kernels
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, name):
            saved.append((mod, name, getattr(mod, name)))
            setattr(mod, name, 0)
    try:
        rm.match(juniors, seniors, PROGRAM, org=org, solver="candidates")
    finally:
        for mod, name, value in saved:
            setattr(mod, name, value)
    try:  # the repair of a re-solve (rmatch.solvers.repair), on the smallest programme
        from rmatch.solvers.repair import repair
        from rmatch.solvers.sparse import solved
    except ImportError:
        return
    one = np.ones(2, np.int64)
    _, _, pot = solved(2, 2, np.array([0, 1]), np.array([0, 0]), np.array([9, 8]), one, one,
                       "max_pairs")
    repair(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([9, 5, 8]), one, one,
           "max_pairs", np.array([True, False, False]), pot, budget=10**6)  # tried: compiled


def measure(n: int, scipy_max: int, ks: list[int]) -> dict[str, object]:
    org, juniors, seniors = cohort(n)
    start = time.perf_counter()
    res = rm.match(juniors, seniors, PROGRAM, org=org)
    t_rmatch = time.perf_counter() - start
    sm = rm.score(juniors, seniors, PROGRAM, org=org)
    row: dict[str, object] = {"n": n, "rmatch_solver": res.solver,
                              "rmatch_s": round(t_rmatch, 2), "pairs": len(res.pairs),
                              "objective": round(res.objective, 4), "status": res.status}
    start = time.perf_counter()
    ort = ortools_dense(sm.total, sm.feasible)
    t_ort = time.perf_counter() - start
    row["ortools_s"] = round(t_ort, 2)
    row["ortools_same"] = ort[0] == len(res.pairs) and abs(ort[1] - res.objective) < 1e-3
    t_scipy = float("inf")
    if n <= scipy_max:
        start = time.perf_counter()
        r, c = linear_sum_assignment(_lexicographic(sm.total, sm.feasible), maximize=True)
        t_scipy = time.perf_counter() - start
        row["scipy_s"] = round(t_scipy, 2)
        sp = _value(sm.total, sm.feasible, r, c)
        row["scipy_same"] = sp[0] == len(res.pairs) and abs(sp[1] - res.objective) < 1e-3
    else:
        row["scipy_s"], row["scipy_same"] = "-", "-"
    row["vs_best_dense"] = f"{min(t_ort, t_scipy) / t_rmatch:.1f}x"
    for k in ks:
        out = certify_and_solve(DenseSource(sm.total, sm.feasible), sm.juniors.capacity,
                                sm.seniors.capacity, "max_pairs", k=k)
        for rnd, label in ((0, "first"), (1, "second")):
            pairs, value = out.found[min(rnd, len(out.found) - 1)]
            gap = (res.objective - value) / res.objective if pairs == len(res.pairs) else None
            row[f"k{k}_{label}"] = ("short of pairs" if gap is None else f"{100 * gap:.4f}%")
        row[f"k{k}_rounds"] = out.rounds
    print(row, flush=True)
    return row


def scoring(n: int) -> None:
    """Scoring n x n pairs block by block on every core, beside numpy's own speed.

    The same run times numpy writing an n x n float32 matrix from a rank-32
    product (``a @ b.T``, BLAS on every core) and copying one (``np.copyto``):
    what the machine does per pair at its fastest.
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    from rmatch.model.arrays import build_arrays
    from rmatch.scoring.blocks import ProgrammeSource
    from rmatch.scoring.malloc import reuse_freed_memory
    from rmatch.scoring.plan import default_org, plan_scores

    org, juniors, seniors = cohort(n)
    js, ss = build_arrays(juniors, seniors)
    plan = plan_scores(juniors, seniors, PROGRAM)
    src = ProgrammeSource(js, ss, plan, default_org(js, ss, PROGRAM, org))
    starts = range(0, n, src.block_rows)

    def block(start: int) -> float:
        total, _ = src.totals(slice(start, start + src.block_rows), slice(None))
        return float(total[0, 0])

    # The sides' kept arrays (skills factors, codes, chart lookups) are built
    # once, and the scoring kernel compiled, before timing.
    block(0)
    rng = np.random.default_rng(0)
    a = rng.random((n, 32), dtype=np.float32)
    b = rng.random((n, 32), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    timings = {}
    with ThreadPoolExecutor(2) as pool:
        # As the candidate path runs: one BLAS thread, freed blocks reused.
        with threadpool_limits(limits=1, user_api="blas"), reuse_freed_memory():
            timings["rmatch scoring (2 threads)"] = best_of(
                3, lambda: list(pool.map(block, starts)))[0]
        timings["numpy a @ b.T, rank 32"] = best_of(3, lambda: np.matmul(a, b.T, out=out))[0]
        copy = np.empty_like(out)

        def copy_once() -> int:
            np.copyto(copy, out)
            return 0

        timings["numpy copyto"] = best_of(3, copy_once)[0]
    rows = [{"what": name, "seconds": round(t, 3), "million_pairs_per_s": round(n * n / t / 1e6)}
            for name, t in timings.items()]
    for row in rows:
        print(row)
    save("scale_scoring", rows, ["what", "seconds", "million_pairs_per_s"],
         f"scoring {n:,} x {n:,} pairs beside numpy (same run)")


def _end_to_end(people: tuple[rm.OrgChart, list[rm.Participant], list[rm.Participant]],
                solver: str) -> tuple[float, rm.MatchResult]:
    org, juniors, seniors = people
    return best_of(2, lambda: rm.match(juniors, seniors, PROGRAM, org=org, solver=solver))


def crossover(sizes: list[int]) -> None:
    """``rm.match`` end to end, dense path vs candidate path, per size (same run)."""
    rows = []
    for n in sizes:
        people = cohort(n)
        # What "auto" runs below the threshold (1:1, dense), and the candidate path.
        dense_s, dense = _end_to_end(people, "hungarian")
        cand_s, cand = _end_to_end(people, "candidates")
        same = abs(dense.objective - cand.objective) <= 1e-6 and len(dense.pairs) == len(
            cand.pairs)
        rows.append({"n": n, "pairs_total": n * n, "dense_s": round(dense_s, 2),
                     "candidates_s": round(cand_s, 2), "faster": "candidates"
                     if cand_s < dense_s else "dense", "same_optimum": same})
        print(rows[-1], flush=True)
    print(save("scale_crossover", rows, list(rows[0]),
               "rm.match end to end: dense path vs candidate pairs (best of 2, same run)"))


def huge(n: int, n_seniors: int | None, capacity: int, seeds: list[int]) -> None:
    """Large programmes end to end from the participants, one per seed's organisation.

    Peak memory is the process's (the first seed's, then the largest so far).
    """
    rows = [_huge_one(n, n_seniors, capacity, seed) for seed in seeds]
    name = f"scale_huge_{n}x{rows[0]['seniors']}" + (f"_cap{capacity}" if capacity != 1 else "")
    save(name, rows, list(rows[0]), f"rmatch at {n:,} x {rows[0]['seniors']:,}, end to end")


def _huge_one(n: int, n_seniors: int | None, capacity: int, seed: int) -> dict[str, object]:
    org, juniors, seniors = cohort(n, seed=seed, seniors=n_seniors)
    if capacity != 1:
        juniors = [p.model_copy(update={"capacity": capacity}) for p in juniors]
    stamps: list[str] = []

    def progress(p: rm.solvers.Progress) -> None:
        if p.stage == "solve" or "every pair checked" in p.note:
            stamps.append(f"{p.elapsed_s:.0f}s {p.stage}: {p.note}")
            print(stamps[-1], flush=True)

    start = time.perf_counter()
    res = rm.match(juniors, seniors, PROGRAM, org=org, progress=progress)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    row = {"seed": seed, "juniors": n, "seniors": len(seniors), "junior_capacity": capacity,
           "solver": res.solver, "seconds": round(wall, 1), "pairs": len(res.pairs),
           "objective": round(res.objective, 3), "status": res.status,
           "bound_is_objective": res.bound == res.objective,
           "peak_gb_incl_people": round(peak, 2), "steps": " | ".join(stamps)}
    print(row, flush=True)
    return row


def blocks(n: int, seed: int) -> None:
    """Time scoring three shapes of block, one thread, best of ten.

    The first pass's wide blocks (a few juniors against every senior), a
    scan's tall ones (the scattered juniors of one group of seniors, as many
    as its budget of pairs allows) and, for reference, blocks of ten groups:
    their cost a pair tells where a pass pays beyond its pairs.
    """
    from rmatch.scoring.blocks import ProgrammeSource
    from rmatch.solvers.scan import GROUP_SIZE, GROUPS

    org, juniors, seniors = cohort(n, seed=seed)
    src = ProgrammeSource.of(juniors, seniors, PROGRAM, org)
    m = src.shape[1]
    width = max(GROUP_SIZE, m // GROUPS)
    rng = np.random.default_rng(seed)

    def scattered(count: int) -> np.ndarray:
        return np.sort(rng.choice(n, min(count, n), replace=False)).astype(np.int64)

    budget = src.block_rows * m
    first = max(0, min(n // 2, n - src.block_rows))
    shapes = [("wide (first pass)", np.arange(first, min(n, first + src.block_rows)),
               slice(None)),
              ("tall (one group)", scattered(budget // width),
               slice(m // 2, m // 2 + width)),
              ("ten groups", scattered(budget // (10 * width)),
               slice(m // 2, m // 2 + 10 * width))]
    rows = []
    for name, r, c in shapes:
        def one(r: np.ndarray = r, c: slice = c) -> object:
            return src.totals(r, c)

        one()  # kept arrays built, kernel compiled
        t = best_of(10, one)[0]
        pairs = len(r) * len(range(*c.indices(m)))
        rows.append({"block": name, "juniors": len(r), "seniors": pairs // len(r),
                     "ms": round(t * 1e3, 2), "ns_per_pair": round(t / pairs * 1e9, 2)})
        print(rows[-1])
    save("scale_blocks", rows, ["block", "juniors", "seniors", "ms", "ns_per_pair"],
         f"scoring one block of {n:,} x {n:,} (organisation {seed}), one thread, best of 10")


def first_pass(n: int, seed: int) -> None:
    """Time the first pass on one thread and on two: whole, scoring alone, selection alone.

    The whole pass (every block scored, then its candidates selected), the
    scoring alone (each block's totals and feasibility, nothing selected)
    and the selection alone (on 16 blocks scored once and read in turn: at
    100,000 per side 6.5 MB each, so from memory, as in the pass; the prices
    move by up to a millionth each turn, so that no value repeats), under
    the price sample's prices. Where the two threads lose: each half's own
    scaling, and what the whole costs beyond their sum.
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    from rmatch.scoring.blocks import ProgrammeSource
    from rmatch.scoring.malloc import reuse_freed_memory
    from rmatch.solvers import select
    from rmatch.solvers.certificate import _estimate_prices
    from rmatch.solvers.prices import _Bounds
    from rmatch.solvers.scan import (
        CANDIDATES_PER_PERSON,
        GROUP_SIZE,
        GROUPS,
        PRICE_SAMPLE,
        _Clock,
        _first_pass,
        _ordered,
    )

    org, juniors, seniors = cohort(n, seed=seed)
    src = ProgrammeSource.of(juniors, seniors, PROGRAM, org)
    m = src.shape[1]
    cap_j = np.array([p.capacity for p in juniors], np.int64)
    cap_s = np.array([p.capacity for p in seniors], np.int64)
    k, n_groups = CANDIDATES_PER_PERSON, max(1, min(m // GROUP_SIZE, GROUPS, m))
    edges = np.linspace(0, m, n_groups + 1).round().astype(np.int64)
    size = int(np.clip(np.sqrt(float(n) * m) / 6, *PRICE_SAMPLE))
    # Whole blocks only: the selection alone reads 16 of them in turn.
    starts = list(range(0, n - src.block_rows + 1, src.block_rows))
    rows = []
    with ThreadPoolExecutor(2) as two, threadpool_limits(limits=1, user_api="blas"), \
            reuse_freed_memory():
        ps = _estimate_prices(src, cap_j, cap_s, size, k, PROGRAM.seed, two)
        ps32 = ps.astype(np.float32)
        kept = [src.totals(slice(a, a + src.block_rows), slice(None)) for a in starts[:16]]
        # Compiled before timing (the kernel already is, by the blocks above).
        select.first_block(*kept[0], ps32, edges, min(k, m), 0, select.ColumnTops(m, k))

        def whole(pool: ThreadPoolExecutor | None) -> int:
            bounds = _Bounds(edges, np.full((n, n_groups), -np.inf, np.float32),
                             np.zeros((n, n_groups), np.bool_), np.zeros(n), ps)
            return len(_first_pass(src, bounds, k, pool, _Clock(None, n * m))[0])

        def scoring(pool: ThreadPoolExecutor | None) -> int:
            return len(list(_ordered(
                pool, lambda a: src.totals(slice(a, a + src.block_rows), slice(None))[0].shape,
                starts)))

        # Each turn through the kept blocks moves the seniors' prices by up to
        # a millionth, differently (a random vector rolled by the turn, never
        # upwards on the whole; made before the timing): the same values again
        # would tie with the seniors' lists (their thresholds come from those
        # very rows) and cost the selection checks that the pass, whose rows
        # all differ, never makes (one block read over and over took twice as
        # long). A turn's prices are read as the pass reads its own.
        drift = (np.random.default_rng(seed).random(m) * 1e-6).astype(np.float32)
        turns = [ps32 + np.roll(drift, t) for t in range(-(-len(starts) // len(kept)))]

        def selection(pool: ThreadPoolExecutor | None) -> int:
            tops = select.ColumnTops(m, k)

            def one(i: int) -> int:
                out = select.first_block(*kept[i % len(kept)], turns[i // len(kept)], edges,
                                         min(k, m), starts[i], tops)
                return len(out.rows)

            return sum(_ordered(pool, one, list(range(len(starts)))))

        parts: list[tuple[str, Callable[[ThreadPoolExecutor | None], int]]] = [
            ("whole pass", whole), ("scoring alone", scoring), ("selection alone", selection)]
        for threads, pool in ((2, two), (1, None)):
            for part, fn in parts:
                t, _ = best_of(1, partial(fn, pool))
                pairs = len(starts) * src.block_rows * m
                rows.append({"part": part, "threads": threads, "seconds": round(t, 2),
                             "ns_per_pair": round(t / pairs * 1e9, 3)})
                print(rows[-1], flush=True)
    save("scale_first_pass", rows, ["part", "threads", "seconds", "ns_per_pair"],
         f"the first pass at {n:,} x {m:,} (organisation {seed}) on one thread and on two")


def solves(n: int, seeds: list[int]) -> None:
    """Time each full solve of the candidate path by both solvers, side by side."""
    from rmatch.solvers import assignment, certificate, sparse

    rows: list[dict[str, object]] = []

    def both(*args: Any, **kwargs: Any) -> Any:
        if args[7] != "max_pairs":  # a price sample's solve (max_score): declined at once
            return assignment.assigned(*args, **kwargs)

        def by_assignment() -> tuple[Any, float]:
            start = time.perf_counter()
            chosen = assignment.assigned(*args, **kwargs)
            n_, m_, r, c, w, cap_j, cap_s, objective = args
            proof = None if chosen is None else sparse.checked(n_, m_, r, c, w, cap_j, cap_s,
                                                                objective, chosen)
            return (chosen if proof is not None else None), time.perf_counter() - start

        def by_flow() -> tuple[Any, float]:
            start = time.perf_counter()
            out = sparse.solved(*args, near=kwargs["near"], clamp=kwargs["clamp"])
            return out[0], time.perf_counter() - start

        first, second = (by_assignment, by_flow) if len(rows) % 2 == 0 else \
            (by_flow, by_assignment)
        a, b = first(), second()
        (chosen, t_a), (flow, t_f) = (a, b) if first is by_assignment else (b, a)
        weights = args[4]
        rows.append({"seed": seed, "solve": sum(r["seed"] == seed for r in rows),
                     "candidates": len(args[2]),
                     "from_last_prices": kwargs["near"] is not None,
                     "assignment_s": round(t_a, 2), "flow_s": round(t_f, 2),
                     "ratio": round(t_a / t_f, 2), "first": first.__name__[3:],
                     "same_total": chosen is not None
                     and int(weights[chosen].sum()) == int(weights[flow].sum())})
        print(rows[-1], flush=True)
        return chosen

    setattr(certificate, "assigned", both)  # noqa: B010 - the run's own solves, timed
    try:
        for seed in seeds:
            _huge_one(n, None, 1, seed)
    finally:
        setattr(certificate, "assigned", assignment.assigned)  # noqa: B010
    save("scale_solves", rows, list(rows[0]) if rows else ["seed"],
         f"full solves at {n:,} per side: the assignment solver against the min-cost flow")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000])
    parser.add_argument("--scipy-max", type=int, default=5000)
    parser.add_argument("--k", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--huge", type=int, default=0, help="juniors of one large programme")
    parser.add_argument("--seniors", type=int, default=None, help="with --huge (default: same)")
    parser.add_argument("--capacity", type=int, default=1, help="with --huge: junior places")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="with --huge: one programme per seed's organisation (a family)")
    parser.add_argument("--scoring", type=int, default=0, help="time scoring n x n vs numpy")
    parser.add_argument("--crossover", type=int, nargs="+", default=None,
                        help="sizes: dense path vs candidates end to end")
    parser.add_argument("--blocks", type=int, default=0,
                        help="time scoring a wide, a tall and a 10-group block at n per side")
    parser.add_argument("--first-pass", type=int, default=0,
                        help="time the first pass at n per side, whole and in its two halves")
    parser.add_argument("--solves", type=int, default=0,
                        help="time each full solve at n per side by both solvers")
    args = parser.parse_args(argv)
    if args.solves:
        solves(args.solves, args.seeds)
        return
    if args.blocks:
        blocks(args.blocks, args.seeds[0])
        return
    if args.first_pass:
        first_pass(args.first_pass, args.seeds[0])
        return
    warm_up()
    if args.crossover:
        crossover(args.crossover)
        return
    if args.scoring:
        scoring(args.scoring)
        return
    if args.huge:
        huge(args.huge, args.seniors, args.capacity, args.seeds)
        return
    rows = [measure(n, args.scipy_max, args.k) for n in args.sizes]
    columns = ["n", "rmatch_solver", "rmatch_s", "ortools_s", "scipy_s", "vs_best_dense",
               "pairs", "objective", "status", "ortools_same", "scipy_same",
               *(f"k{k}_{w}" for k in args.k for w in ("first", "second", "rounds"))]
    print(save("scale", rows, columns, "rmatch candidates vs dense assignment solvers"))


if __name__ == "__main__":
    main()
