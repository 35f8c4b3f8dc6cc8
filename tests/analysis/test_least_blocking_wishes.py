"""least_blocking by wishes: the fewest blocking pairs among optimal assignments, brute force."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import rmatch as rm


def _blocking_by_wishes(pairs: set[tuple[str, str]], juniors: list[rm.Participant],
                        seniors: list[rm.Participant], unacceptable: bool,
                        accept_all: bool = False) -> int:
    """Count blocking pairs with each person valuing others by their wish rank (independent).

    ``accept_all``: someone who wished for nobody may take anyone (valued alike, at 0).
    """
    def value(person: rm.Participant, other: str) -> int:
        return len(person.wishes) - person.wishes.index(other) if other in person.wishes else 0

    count = 0
    for j in juniors:
        for s in seniors:
            if (j.id, s.id) in pairs:
                continue
            vj, vs = value(j, s.id), value(s, j.id)
            if unacceptable and ((vj == 0 and not (accept_all and not j.wishes))
                                 or (vs == 0 and not (accept_all and not s.wishes))):
                continue
            mine = [value(j, b) for a, b in pairs if a == j.id]
            theirs = [value(s, a) for a, b in pairs if b == s.id]
            wants_j = len(mine) < j.capacity or vj > min(mine)
            wants_s = len(theirs) < s.capacity or vs > min(theirs)
            count += wants_j and wants_s
    return count


@pytest.mark.parametrize("seed", range(30))
def test_least_blocking_by_wishes_is_the_brute_force_minimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    # Everyone alike: every assignment with the most pairs is optimal (all scores tie).
    jids, sids = [f"j{i}" for i in range(n)], [f"s{k}" for k in range(m)]
    juniors = [rm.Participant(id=j, wishes=[sids[x] for x in rng.permutation(m)[
        :int(rng.integers(0, m + 1))]]) for j in jids]
    seniors = [rm.Participant(id=s, capacity=int(rng.integers(1, 3)), wishes=[
        jids[x] for x in rng.permutation(n)[:int(rng.integers(0, n + 1))]]) for s in sids]
    unacceptable = seed % 2 == 0
    accept_all = seed % 4 == 0  # with unacceptable: who wished for nobody may take anyone
    program = rm.Program(constraints=[], stable_by="wishes",
                         unranked="unacceptable" if unacceptable else "acceptable",
                         no_wishes="accept_all" if accept_all else "accept_none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rm.match(juniors, seniors, program)
        out = result.least_blocking(by="wishes")
    size = len(result.pairs)
    sm = result.scores
    everything = [(j, s) for j in jids for s in sids]
    caps = {s.id: s.capacity for s in seniors}
    best = None
    for chosen in itertools.combinations(everything, size):
        if len({j for j, _ in chosen}) < size:  # one partner per junior
            continue
        if any(sum(b == s for _, b in chosen) > caps[s] for s in sids):
            continue
        total = sum(float(sm.total[sm.juniors.index(j), sm.seniors.index(s)]) for j, s in chosen)
        if abs(total - result.objective) > 1e-6:  # not an optimal assignment
            continue
        blocking = _blocking_by_wishes(set(chosen), juniors, seniors, unacceptable,
                                       accept_all)
        best = blocking if best is None else min(best, blocking)
    assert out.proven
    assert out.blocking_pairs == best
    found = {(p.junior_id, p.senior_id) for p in out.result.pairs}
    assert _blocking_by_wishes(found, juniors, seniors, unacceptable, accept_all) == best
    assert len(found) == size
    assert out.result.objective == pytest.approx(result.objective)
    assert len(out.result.stability(by="wishes").blocking_pairs) == best
