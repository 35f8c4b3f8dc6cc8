"""Many programmes at once: the same results as solving each alone, locally or on Dask."""

from __future__ import annotations

import os

import pytest

import rmatch as rm


def _cohorts(k: int = 4, n: int = 40) -> list[rm.Cohort]:
    out = []
    for c in range(k):
        org = rm.synth.generate(10 * n, seed=c)
        juniors, seniors = rm.synth.cohort(org, n, n, seed=c)
        out.append(rm.Cohort(name=f"country-{c}", juniors=juniors, seniors=seniors,
                             org=org.org_chart()))
    return out


def _same(a: rm.MatchResult, b: rm.MatchResult) -> bool:
    return ([(p.junior_id, p.senior_id) for p in a.pairs]
            == [(p.junior_id, p.senior_id) for p in b.pairs]
            and a.objective == b.objective and a.unmatched_reasons == b.unmatched_reasons)


def test_local_processes_give_each_cohorts_own_result() -> None:
    cohorts = _cohorts()
    alone = [rm.match(c.juniors, c.seniors, c.program, org=c.org) for c in cohorts]
    for processes in (1, 2):
        together = rm.match_many(cohorts, processes=processes)
        assert len(together) == len(cohorts)
        assert all(_same(a, b) for a, b in zip(alone, together, strict=True))
        # Explanations and reports work on results sent back from a worker.
        first = together[0]
        assert first.explain(first.pairs[0].junior_id).partners == alone[0].explain(
            alone[0].pairs[0].junior_id).partners
        first.check()
    with pytest.raises(rm.InputError, match="given twice"):
        rm.match_many([cohorts[0], cohorts[0]])
    with pytest.raises(rm.InputError, match="item 1 is a dict"):
        rm.match_many([cohorts[0], {"name": "x"}])  # type: ignore[list-item]


def test_what_the_data_cannot_tell_comes_back_from_every_worker_named_by_cohort() -> None:
    cohorts = _cohorts(2, 20)
    # The second country's export has no languages: a gap only it has.
    bare = [p.model_copy(update={"languages": {}}) for p in cohorts[1].juniors + cohorts[1].seniors]
    cohorts[1] = cohorts[1].model_copy(update={"juniors": bare[:20], "seniors": bare[20:]})
    expected = [rm.data_gaps(c.juniors, c.seniors, c.program, org=c.org) for c in cohorts]
    assert not expected[0]
    assert any("language" in line for line in expected[1])
    for processes in (1, 2):
        with pytest.warns(rm.DataGapWarning) as said:
            results = rm.match_many(cohorts, processes=processes)
        assert [r.data_gaps for r in results] == expected
        assert [str(w.message) for w in said] == [f"cohort 'country-1': {line}"
                                                  for line in expected[1]]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_dask_cluster_gives_the_same_results() -> None:
    distributed = pytest.importorskip("distributed")
    cohorts = _cohorts(3, 30)
    alone = [rm.match(c.juniors, c.seniors, c.program, org=c.org) for c in cohorts]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        together = rm.match_many(cohorts, client=client)
    assert all(_same(a, b) for a, b in zip(alone, together, strict=True))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_concurrent_calls_on_one_client_never_see_each_others_cohorts() -> None:
    """Two callers each name a cohort "PT": each gets its own people's pairs back."""
    from concurrent.futures import ThreadPoolExecutor

    distributed = pytest.importorskip("distributed")
    big, small = _cohorts(1, 30)[0], _cohorts(1, 2)[0]
    calls = [[big.model_copy(update={"name": "PT"})], [small.model_copy(update={"name": "PT"})]]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, ThreadPoolExecutor(2) as pool:
        for _ in range(3):  # the same names, call after call
            results = list(pool.map(lambda c: rm.match_many(c, client=client)[0], calls))
            for cohort, res in zip(calls, results, strict=True):
                ids = {p.id for p in [*cohort[0].juniors, *cohort[0].seniors]}
                assert {p.junior_id for p in res.pairs} | {p.senior_id for p in res.pairs} <= ids
                assert len(res.pairs) + len(res.unmatched_juniors) == len(cohort[0].juniors)


CAMPAIGN = int(os.environ.get("RMATCH_DASK_CAMPAIGN", "2"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_campaign_of_concurrent_calls_each_gets_exactly_its_own_results() -> None:
    """Rounds of four callers at once, each with a random list of cohorts whose names collide.

    Every result is compared with the cohort solved alone (same pairs, same
    objective, same reasons). CI runs two rounds; a campaign sets
    ``RMATCH_DASK_CAMPAIGN`` (rounds; see docs/limits.md for the last one).
    """
    import random
    from concurrent.futures import ThreadPoolExecutor

    distributed = pytest.importorskip("distributed")
    pool_of = [c.model_copy(update={"name": name})
               for c, name in zip(_cohorts(4, 12) + _cohorts(2, 3),
                                  ["PT", "PT", "ES", "FR", "ES", "PT"], strict=True)]
    alone = {id(c): rm.match(c.juniors, c.seniors, c.program, org=c.org) for c in pool_of}
    rng = random.Random(0)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, ThreadPoolExecutor(4) as threads:
        for _ in range(CAMPAIGN):
            # One call may not name a cohort twice; across calls the names collide freely.
            calls = []
            for _caller in range(4):
                by_name = {c.name: c for c in rng.sample(pool_of, rng.randint(1, len(pool_of)))}
                calls.append(list(by_name.values()))
            results = list(threads.map(lambda c: rm.match_many(c, client=client), calls))
            for cohorts, got in zip(calls, results, strict=True):
                assert len(got) == len(cohorts)
                for cohort, res in zip(cohorts, got, strict=True):
                    assert _same(alone[id(cohort)], res)
