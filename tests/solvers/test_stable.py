"""Stable matchings by deferred acceptance: brute force over every matching is the oracle."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pytest

import rmatch as rm
from rmatch.solvers.stable import deferred_acceptance, preference_ranks

IntMatrix = npt.NDArray[np.int64]


def _matchings(acceptable: npt.NDArray[np.bool_], cap_p: IntMatrix,
               cap_r: IntMatrix) -> list[frozenset[tuple[int, int]]]:
    """Every set of mutually acceptable pairs within the capacities."""
    edges = [(int(a), int(b)) for a, b in np.argwhere(acceptable).tolist()]
    out = []
    for size in range(len(edges) + 1):
        for chosen in itertools.combinations(edges, size):
            deg_p = np.bincount([p for p, _ in chosen], minlength=len(cap_p))
            deg_r = np.bincount([r for _, r in chosen], minlength=len(cap_r))
            if (deg_p <= cap_p).all() and (deg_r <= cap_r).all():
                out.append(frozenset(chosen))
    return out


def _blocking(m: frozenset[tuple[int, int]], rank_p: IntMatrix, rank_r: IntMatrix,
              cap_p: IntMatrix, cap_r: IntMatrix) -> list[tuple[int, int]]:
    """Pairs outside ``m`` where each is free or prefers the other to a partner."""
    out = []
    n, k = rank_p.shape
    for p in range(n):
        for r in range(k):
            if (p, r) in m or rank_p[p, r] < 0 or rank_r[r, p] < 0:
                continue
            mine = [rank_p[p, x] for q, x in m if q == p]
            theirs = [rank_r[r, q] for q, x in m if x == r]
            wants_p = len(mine) < cap_p[p] or rank_p[p, r] < max(mine)
            wants_r = len(theirs) < cap_r[r] or rank_r[r, p] < max(theirs)
            if wants_p and wants_r:
                out.append((p, r))
    return out


def _random_prefs(rng: np.random.Generator, n: int, k: int) -> tuple[IntMatrix, IntMatrix]:
    rank_p = np.argsort(rng.random((n, k)), axis=1).argsort(axis=1)
    rank_r = np.argsort(rng.random((k, n)), axis=1).argsort(axis=1)
    rank_p[rng.random((n, k)) < 0.2] = -1  # some partners unacceptable
    rank_r[rng.random((k, n)) < 0.2] = -1
    return rank_p.astype(np.int64), rank_r.astype(np.int64)


@pytest.mark.parametrize("seed", range(80))
def test_deferred_acceptance_is_stable_and_best_for_the_proposers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    rank_p, rank_r = _random_prefs(rng, n, k)
    # One-to-one, or one-to-many (hospital-resident) with receivers of capacity up to 2.
    cap_p = np.ones(n, np.int64)
    cap_r = rng.integers(1, 3, k) if seed % 2 else np.ones(k, np.int64)
    acceptable = (rank_p >= 0) & (rank_r.T >= 0)
    if acceptable.sum() > 10:
        acceptable &= rng.random((n, k)) < 0.6
        rank_p = np.where(acceptable, rank_p, -1)
    p, r = deferred_acceptance(rank_p, rank_r, cap_p, cap_r)
    found = frozenset(zip(p.tolist(), r.tolist(), strict=True))
    assert len(found) == len(p)  # no pair twice
    stable = [m for m in _matchings((rank_p >= 0) & (rank_r.T >= 0), cap_p, cap_r)
              if not _blocking(m, rank_p, rank_r, cap_p, cap_r)]
    assert found in stable
    # Proposer-optimal: every proposer likes their partner at least as well as
    # in any stable matching (unmatched is worst).
    worst = k + 1

    def partner_rank(m: frozenset[tuple[int, int]], who: int) -> int:
        return min((int(rank_p[who, x]) for q, x in m if q == who), default=worst)

    for other in stable:
        for who in range(n):
            assert partner_rank(found, who) <= partner_rank(other, who)


def _people(rng: np.random.Generator, n: int, k: int, wishes: bool
            ) -> tuple[list[rm.Participant], list[rm.Participant]]:
    skills = ["genai", "cloud", "data", "ux"]
    juniors = [rm.Participant(id=f"j{i}", skills={s: float(rng.random()) for s in skills},
                              wishes=[f"s{x}" for x in rng.permutation(k)[:2]] if wishes
                              else [], birth_year=int(rng.integers(1995, 2004)))
               for i in range(n)]
    seniors = [rm.Participant(id=f"s{x}", goals={s: float(rng.random()) for s in skills},
                              capacity=int(rng.integers(1, 3)),
                              wishes=[f"j{i}" for i in rng.permutation(n)[:2]] if wishes
                              else [], birth_year=int(rng.integers(1960, 1980)))
               for x in range(k)]
    return juniors, seniors


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("by", ["scores", "wishes"])
@pytest.mark.parametrize("proposing", ["juniors", "seniors"])
def test_match_with_objective_stable_has_no_blocking_pair(seed: int, by: str,
                                                          proposing: str) -> None:
    rng = np.random.default_rng(seed)
    juniors, seniors = _people(rng, 6, 4, by == "wishes")
    program = rm.Program(constraints=[rm.Forbid(pairs=[("j0", "s0")])], objective="stable",
                         stable_by=by, proposing=proposing)
    result = rm.match(juniors, seniors, program)
    result.check()
    assert result.solver == f"deferred acceptance ({proposing} proposing)"
    sm = result.scores
    rank_j, rank_s = preference_ranks(sm, by, "acceptable")  # type: ignore[arg-type]
    rows = np.array([sm.juniors.index(p.junior_id) for p in result.pairs], dtype=np.int64)
    cols = np.array([sm.seniors.index(p.senior_id) for p in result.pairs], dtype=np.int64)
    chosen = frozenset(zip(rows.tolist(), cols.tolist(), strict=True))
    assert not _blocking(chosen, rank_j, rank_s, sm.juniors.capacity, sm.seniors.capacity)
    assert ("j0", "s0") not in {(p.junior_id, p.senior_id) for p in result.pairs}
    # The stability report agrees: no two people would both rather be together.
    assert result.stability(by="wishes" if by == "wishes" else "score").blocking_pairs == []
    # The summary says what was proven: stable and the proposers' best, not the best total.
    assert f"the best stable matching for the {proposing}" in result.summary()
    assert "proven the best possible" not in result.summary()


@pytest.mark.parametrize("seed", range(16))
def test_a_stable_matching_is_explained_by_preferences(seed: int) -> None:
    # Every feasible alternative gets the reason the definition of stability gives, read
    # here from the ranks themselves; no re-solve prices it (no required pair). The same
    # for a matching judged under the same rules: one pair fewer may leave blocking pairs.
    rng = np.random.default_rng(500 + seed)
    juniors, seniors = _people(rng, 5, 4, True)
    program = rm.Program(constraints=[rm.Forbid(pairs=[("j0", "s0")])], objective="stable",
                         stable_by="wishes", unranked="unacceptable",
                         no_wishes="accept_all" if seed % 2 else "accept_none",
                         proposing="seniors" if seed % 4 > 1 else "juniors")
    solved = rm.match(juniors, seniors, program)
    judged = rm.evaluate([(p.junior_id, p.senior_id) for p in solved.pairs[1:]], juniors,
                         seniors, program)
    for result in (solved, judged):
        _check_stable_reasons(result)


@pytest.mark.parametrize("seed", range(12))
def test_a_matching_judged_under_a_stable_objective_is_judged_by_stability(seed: int) -> None:
    rng = np.random.default_rng(900 + seed)
    juniors, seniors = _people(rng, 5, 4, True)
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes")
    solved = rm.match(juniors, seniors, program)
    other = rm.match(juniors, seniors, program.model_copy(update={"proposing": "seniors"}))
    key = {(p.junior_id, p.senior_id) for p in solved.pairs}
    for pairs in (solved.pairs, other.pairs, solved.pairs[1:]):
        judged = rm.evaluate([(p.junior_id, p.senior_id) for p in pairs], juniors, seniors,
                             program)
        sm = judged.scores
        rank_j, rank_s = preference_ranks(sm, "wishes", "acceptable")
        chosen = frozenset((sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id))
                           for p in pairs)
        blocking = {(sm.junior_ids[i], sm.senior_ids[k]) for i, k in _blocking(
            chosen, rank_j, rank_s, sm.juniors.capacity, sm.seniors.capacity)}
        # Each blocking pair is a broken promise of the programme, and only those.
        assert {(v.junior_id, v.senior_id) for v in judged.violations
                if v.rule == "stable matching"} == blocking
        # "optimal" is the juniors' own stable matching, not any with as many pairs.
        same = {(p.junior_id, p.senior_id) for p in pairs} == key
        assert (judged.status == "optimal") == same
    report = rm.evaluate([(p.junior_id, p.senior_id) for p in solved.pairs[1:]], juniors,
                         seniors, program).report().to_markdown()
    assert "the optimum is rmatch's stable matching" in report
    # The report's stability section counted "by score" and told the max-pairs
    # story ("the most pairs and the best total can have some") for a programme
    # that asked for a matching stable by wishes.
    own = solved.report()
    assert own.blocking_by == "wishes"
    assert own.blocking_pairs == 0
    text = own.to_markdown()
    assert "(by their wishes: one wished for higher above one lower" in text
    assert "The programme asks for a stable matching: one with none." in text
    assert "the best total can have some" not in text


@pytest.mark.parametrize("seed", range(8))
def test_a_stable_programme_rematches_stably_when_changes_are_allowed(seed: int) -> None:
    rng = np.random.default_rng(1300 + seed)
    by = "scores" if seed % 2 else "wishes"
    juniors, seniors = _people(rng, 6, 4, by == "wishes")
    program = rm.Program(constraints=[], objective="stable", stable_by=by)
    first = rm.match(juniors, seniors, program)
    gone = first.pairs[0].senior_id
    left = [p for p in seniors if p.id != gone]
    with pytest.raises(rm.InputError, match="allow_changes=True"):
        rm.rematch(first, juniors, left, program)
    again = rm.rematch(first, juniors, left, program, allow_changes=True)
    # The stable matching of who is left, by the true preferences (no bonus), and every
    # previous pair in it counted as kept.
    fresh = rm.match(juniors, left, program)
    now = {(p.junior_id, p.senior_id) for p in again.result.pairs}
    assert now == {(p.junior_id, p.senior_id) for p in fresh.pairs}
    before = {(p.junior_id, p.senior_id) for p in first.pairs}
    assert set(again.kept) == now & before


def test_capacity_zero_is_said_as_such_in_a_stable_explanation() -> None:
    juniors = [rm.Participant(id="j1", wishes=["s1"]), rm.Participant(id="j2", capacity=0)]
    seniors = [rm.Participant(id="s1"), rm.Participant(id="s0", capacity=0)]
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes")
    result = rm.match(juniors, seniors, program)
    assert {a.partner_id: a.reason for a in result.explain("j1").alternatives} == {
        "s0": "'s0' has capacity 0"}
    assert {a.partner_id: a.reason for a in result.explain("j2").alternatives} == {
        "s1": "'j2' has capacity 0", "s0": "'s0' has capacity 0"}


def _check_stable_reasons(result: rm.MatchResult) -> None:
    sm = result.scores
    rank_j, rank_s = preference_ranks(sm, "wishes", "unacceptable")
    chosen = frozenset((sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id))
                       for p in result.pairs)
    blocking = set(_blocking(chosen, rank_j, rank_s, sm.juniors.capacity,
                             sm.seniors.capacity))
    if result.solver != "evaluated":
        assert not blocking  # a solved stable matching has none
    for side, mine, cap in (("junior", rank_j, sm.juniors.capacity),
                            ("senior", rank_s, sm.seniors.capacity)):
        ids = sm.junior_ids if side == "junior" else sm.senior_ids
        others = sm.senior_ids if side == "junior" else sm.junior_ids
        for me, pid in enumerate(ids):
            why = result.explain(pid, alternatives=len(others))
            pairs = [(me, o) if side == "junior" else (o, me) for o in range(len(others))]
            partners = [o for o in range(len(others)) if pairs[o] in chosen]
            listed = [others.index(a.partner_id) for a in why.alternatives]
            # Ordered by the person's own preference, the unacceptable last.
            keys = [(mine[me, o] < 0, mine[me, o]) for o in listed]
            assert keys == sorted(keys)
            for alt, o in zip(why.alternatives, listed, strict=True):
                assert alt.cost is None
                if not alt.feasible:
                    continue
                i, k = pairs[o]
                if mine[me, o] < 0:
                    assert alt.reason.startswith(f"they did not wish for {alt.partner_id!r}")
                elif (rank_s[k, i] if side == "junior" else rank_j[i, k]) < 0:
                    assert alt.reason.startswith(f"{alt.partner_id!r} did not wish for them")
                elif (i, k) in blocking:
                    assert "a blocking pair (this matching is not stable)" in alt.reason
                elif len(partners) >= cap[me] and \
                        mine[me, o] > max(mine[me, x] for x in partners):
                    assert alt.reason.startswith("they prefer the partners they have")
                else:  # the other one is full with people they prefer
                    assert "whom they prefer (a stable matching)" in alt.reason


def test_unwished_partners_can_be_unacceptable() -> None:
    juniors = [rm.Participant(id="j1", wishes=["s1"]), rm.Participant(id="j2", wishes=[])]
    seniors = [rm.Participant(id="s1", wishes=["j1", "j2"]), rm.Participant(id="s2")]
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes",
                         unranked="unacceptable")
    result = rm.match(juniors, seniors, program)
    assert [(p.junior_id, p.senior_id) for p in result.pairs] == [("j1", "s1")]
    # Why, in their terms: j2 and s2 wished for nobody, so they accept nobody.
    for who, other in (("j2", "senior"), ("s2", "junior")):
        assert result.unmatched_reasons[who] == (
            f"wished for none of the 2 feasible {other}s, and only wished partners are "
            "acceptable (unranked='unacceptable'; no_wishes='accept_all' lets those who "
            "wished for nobody take anyone)")
    # A wish for someone not in the programme (or ruled out) is said as such.
    gone = rm.match([juniors[0], juniors[1].model_copy(update={"wishes": ["s9"]})], seniors,
                    program)
    assert gone.unmatched_reasons["j2"] == (
        "their wish 's9' is not among the 2 feasible seniors, and only wished partners are "
        "acceptable (unranked='unacceptable')")
    # Their wish taken by someone preferred, and the senior with room unwished by them.
    rival = rm.match([juniors[0], juniors[1].model_copy(update={"wishes": ["s1"]})], seniors,
                     program)
    assert rival.unmatched_reasons["j2"] == (
        "1 of the 2 feasible seniors still has room, but they did not wish for that senior, "
        "and only wished partners are acceptable (unranked='unacceptable')")
    anyone = rm.match(juniors, seniors, program.model_copy(update={"unranked": "acceptable"}))
    assert len(anyone.pairs) == 2


@pytest.mark.parametrize("seed", range(16))
def test_who_refused_whom_is_said_of_the_unmatched_beside_room(seed: int) -> None:
    rng = np.random.default_rng(1700 + seed)
    juniors, seniors = _people(rng, 6, 4, True)
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes",
                         unranked="unacceptable",
                         no_wishes="accept_all" if seed % 2 else "accept_none")
    result = rm.match(juniors, seniors, program)
    counts_j, counts_s = result.pair_counts()
    people = {p.id: p for p in (*juniors, *seniors)}
    for pid, reason in result.unmatched_reasons.items():
        if " room, but " not in reason:
            continue
        me = people[pid]
        junior = any(j.id == pid for j in juniors)
        others = seniors if junior else juniors
        counts = counts_s if junior else counts_j
        free = [o for o in others if counts[o.id] < o.capacity]

        def takes_any(p: rm.Participant) -> bool:
            return program.no_wishes == "accept_all" and not p.wishes

        i_refuse = 0 if takes_any(me) else sum(o.id not in me.wishes for o in free)
        they_refuse = sum(not takes_any(o) and pid not in o.wishes for o in free)
        assert f"{len(free)} of the " in reason
        that = "that senior" if junior else "that junior"
        if i_refuse == len(free):
            said = f"they did not wish for {that if len(free) == 1 else 'any of them'}"
        elif they_refuse == len(free):
            said = (f"{that} did not wish for them" if len(free) == 1 else
                    "none of them wished for them")
        else:
            said = "each either was not wished for by them or did not wish for them"
        assert f" room, but {said}, and only wished partners are acceptable" in reason


def _ranks_by_definition(sm: rm.ScoreMatrix, people: list[rm.Participant],
                         others: tuple[str, ...], scores: npt.NDArray[np.float64],
                         feasible: npt.NDArray[np.bool_], accept_all: bool) -> IntMatrix:
    """Each person's rank of each other (wishes first, then score, then order); -1 if not
    acceptable: ruled out, or unwished unless the person wished for nobody and may accept all."""
    out = np.full((len(people), len(others)), -1, np.int64)
    for i, p in enumerate(people):
        ok = [k for k in range(len(others)) if feasible[i, k]
              and (others[k] in p.wishes or (accept_all and not p.wishes))]
        key = {k: (p.wishes.index(others[k]) if others[k] in p.wishes else len(others),
                   -scores[i, k], k) for k in ok}
        for r, k in enumerate(sorted(ok, key=key.__getitem__)):
            out[i, k] = r
    return out


@pytest.mark.parametrize("seed", range(24))
def test_people_who_wished_for_nobody_may_accept_anyone(seed: int) -> None:
    """A self-match: mentees rank a few mentors, most mentors rank nobody."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    juniors, seniors = _people(rng, n, k, wishes=True)
    # Some juniors wish for nobody, most seniors too; one wish names someone not enrolled.
    juniors = [j.model_copy(update={"wishes": [] if rng.random() < 0.25 else j.wishes})
               for j in juniors]
    seniors = [s.model_copy(update={"wishes": s.wishes if rng.random() < 0.3 else [],
                                    "capacity": 1}) for s in seniors]
    juniors[0] = juniors[0].model_copy(update={"wishes": ["gone", *juniors[0].wishes][:2]})
    program = rm.Program(constraints=[], objective="stable", stable_by="wishes",
                         unranked="unacceptable", no_wishes="accept_all")
    result = rm.match(juniors, seniors, program)
    sm = result.scores
    scores = sm.total.astype(np.float64)
    rank_j = _ranks_by_definition(sm, juniors, sm.senior_ids, scores, sm.feasible, True)
    rank_s = _ranks_by_definition(sm, seniors, sm.junior_ids, scores.T, sm.feasible.T, True)
    assert np.array_equal(preference_ranks(sm, "wishes", "unacceptable")[0], rank_j)
    cap_j, cap_s = np.ones(n, np.int64), np.ones(k, np.int64)
    stable = [m for m in _matchings((rank_j >= 0) & (rank_s.T >= 0), cap_j, cap_s)
              if not _blocking(m, rank_j, rank_s, cap_j, cap_s)]
    found = frozenset((sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id))
                      for p in result.pairs)
    assert found in stable

    def partner_rank(m: frozenset[tuple[int, int]], who: int) -> int:
        return min((int(rank_j[who, x]) for q, x in m if q == who), default=k + 1)

    for other in stable:  # the juniors' optimum among every stable matching
        assert all(partner_rank(found, who) <= partner_rank(other, who) for who in range(n))
    for pair in result.pairs:  # a junior who wished is never given someone else
        me = next(j for j in juniors if j.id == pair.junior_id)
        assert not me.wishes or pair.senior_id in me.wishes
    assert result.stability(by="wishes").blocking_pairs == []
    # The default (as the peer library): a person who wished for nobody accepts nobody.
    strict = rm.match(juniors, seniors, program.model_copy(update={"no_wishes": "accept_none"}))
    assert all(next(j for j in juniors if j.id == p.junior_id).wishes
               and next(s for s in seniors if s.id == p.senior_id).wishes
               for p in strict.pairs)


def test_stable_refuses_rules_it_cannot_honour_in_words() -> None:
    juniors, seniors = [rm.Participant(id="j")], [rm.Participant(id="s")]
    program = rm.Program(constraints=[rm.MatchAll(side="juniors")], objective="stable")
    with pytest.raises(rm.InputError, match="objective 'stable' takes pairwise rules only"):
        rm.match(juniors, seniors, program)
    # The programme says so itself, before any data (the service refuses such rules).
    assert program.conflict() is not None
    assert "MatchAll" in str(program.conflict())
    for fine in (program.model_copy(update={"objective": "max_pairs"}),
                 rm.Program(objective="best_stable", constraints=[rm.NoReportingLine()])):
        assert fine.conflict() is None
    best = program.model_copy(update={"objective": "best_stable",
                                      "constraints": [rm.Require(pairs=[("j", "s")])]})
    assert "objective 'best_stable'" in str(best.conflict())
    with pytest.raises(rm.InputError, match="objective 'best_stable' takes pairwise"):
        rm.match(juniors, seniors, best)
    with pytest.raises(rm.InputError, match="plan_rounds plans the rounds together"):
        rm.plan_rounds(juniors, seniors, rm.Program(objective="stable"), rounds=1)


@pytest.mark.parametrize("seed", range(25))
def test_best_stable_is_the_highest_scoring_stable_matching(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    by = "wishes" if seed % 2 else "scores"
    juniors, seniors = _people(rng, int(rng.integers(2, 5)), int(rng.integers(2, 4)),
                               by == "wishes")
    forbid = [(j.id, s.id) for j in juniors for s in seniors if rng.random() < 0.3]
    program = rm.Program(constraints=[rm.Forbid(pairs=forbid)], objective="best_stable",
                         stable_by=by)
    result = rm.match(juniors, seniors, program)
    result.check()
    sm = result.scores
    rank_j, rank_s = preference_ranks(sm, by, "acceptable")  # type: ignore[arg-type]
    acceptable = (rank_j >= 0) & (rank_s.T >= 0)
    if acceptable.sum() > 12:
        return  # too many pairs for brute force
    cap_j, cap_s = sm.juniors.capacity, sm.seniors.capacity
    stable = [m for m in _matchings(acceptable, cap_j, cap_s)
              if not _blocking(m, rank_j, rank_s, cap_j, cap_s)]
    best = max(sum(float(sm.total[i, k]) for i, k in m) for m in stable)
    chosen = frozenset((sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id))
                       for p in result.pairs)
    assert chosen in stable
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.status == "optimal"
    assert "proven the highest total score of all stable matchings" in result.summary()
    # It is never below the juniors' own optimum, a stable matching too.
    proposed = rm.match(juniors, seniors, program.model_copy(update={"objective": "stable"}))
    assert result.objective >= proposed.objective - 1e-9
