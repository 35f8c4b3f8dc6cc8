"""Synthetic organisations: valid trees, the documented distributions, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

import rmatch as rm
from rmatch import synth


@pytest.fixture(scope="module")
def org() -> synth.SynthOrg:
    return synth.generate(20_000, seed=11, config=synth.SynthConfig(previous_rounds=2))


def test_same_seed_same_org_other_seed_other_org() -> None:
    a, b, c = synth.generate(500, seed=1), synth.generate(500, seed=1), synth.generate(500, 2)
    assert np.array_equal(a.manager, b.manager)
    assert np.array_equal(a.skills, b.skills)
    assert a.participants() == b.participants()
    assert not np.array_equal(a.birth_year, c.birth_year)


def test_tree_is_valid_with_spans_in_range(org: synth.SynthOrg) -> None:
    n = len(org)
    assert int((org.manager < 0).sum()) == 1
    kids = np.flatnonzero(org.manager >= 0)
    assert (org.manager[kids] < kids).all(), "parents come before children"
    assert len(org.org_chart()) == n  # OrgChart also rejects cycles and unknown managers
    # Levels: one below the manager's, the chief executive at the top.
    assert (org.level[kids] == org.level[org.manager[kids]] - 1).all()
    assert org.level[0] == org.level.max()
    spans = np.bincount(org.manager[kids], minlength=n)
    managers = np.flatnonzero(spans)
    cfg = org.config
    assert spans.max() <= cfg.span_max
    # Only the managers of the last, partial layer can fall short of span_min.
    assert np.mean(spans[managers] >= cfg.span_min) > 0.95
    assert 0.05 < len(managers) / n < 0.3



@pytest.mark.parametrize(("n", "seed"), [(2000, 1), (3500, 0), (20_000, 11)])
def test_departments_share_the_organisation(n: int, seed: int) -> None:
    # Regression: the partial last layer once went to the first branches in
    # order, and most executives had no reports, so a 2,000-person
    # organisation was three quarters Marketing.
    org = synth.generate(n, seed=seed)
    layer = int(org.level.max()) - org.level
    reports = np.bincount(org.manager[org.manager >= 0], minlength=len(org))
    assert (reports[(layer >= 1) & (layer <= 2)] > 0).all(), "department leaders all manage"
    sizes = np.bincount(org.department[org.department >= 0])
    heads = int((layer == 1).sum())
    assert sizes.max() < len(org) * max(0.5, 2.5 / heads)
    juniors, seniors = synth.cohort(org, 60, 60, seed=seed)
    for side in (juniors, seniors):
        assert len({p.department for p in side}) >= min(4, heads)


def test_generational_mix_and_age_rising_with_level(org: synth.SynthOrg) -> None:
    cfg = org.config
    for name, share in cfg.generation_mix.items():
        lo, hi = synth.GENERATIONS[name]
        got = np.mean((org.birth_year >= lo) & (org.birth_year <= hi))
        assert got == pytest.approx(share, abs=0.02), name
    age = cfg.current_year - org.birth_year
    assert ((age >= 18) & (age <= 70)).all()
    assert np.corrcoef(age, org.level)[0, 1] > 0.4
    flat = synth.generate(5000, seed=3, config=synth.SynthConfig(age_level_correlation=0))
    assert abs(np.corrcoef(2026 - flat.birth_year, flat.level)[0, 1]) < 0.1


def test_skills_point_young_to_digital_and_seniors_to_leadership(org: synth.SynthOrg) -> None:
    age = org.config.current_year - org.birth_year
    young, old = age < 32, age > 50
    k = len(synth.DIGITAL_SKILLS)
    digital = (org.skills[:, :k] > 0).sum(axis=1)
    leadership = (org.skills[:, k:] > 0).sum(axis=1)
    wants_digital = (org.goals[:, :k] > 0).sum(axis=1)
    assert digital[young].mean() > digital[old].mean()
    assert leadership[old].mean() > leadership[young].mean()
    assert wants_digital[old].mean() > wants_digital[young].mean()
    assert not ((org.skills > 0) & (org.goals > 0)).any(), "nobody wants a skill they have"
    held = org.skills[org.skills > 0]
    assert held.min() >= 30
    assert held.max() <= 100


def test_offices_zones_languages_and_attributes(org: synth.SynthOrg) -> None:
    people = org.participants(range(0, len(org), 37))
    offices = {loc: (zone, lang) for loc, zone, lang, _ in synth.OFFICES}
    for p in people:
        assert p.location is not None
        zone, lang = offices[p.location]
        assert p.timezone == zone
        assert lang in p.languages
        assert set(p.attributes) == {"gender", "background", "tenure"}
    gender = org.attributes["gender"]
    f_share = np.mean(gender[1] == gender[0].index("F"))
    assert f_share == pytest.approx(0.48, abs=0.02)


def test_previous_partners_are_symmetric_cohort_pairs(org: synth.SynthOrg) -> None:
    # Each round pairs up to n // 100 juniors, fewer when the senior pool is smaller.
    _, pool_s = synth.cohort_rows(org, len(org), len(org))
    assert len(org.previous) == 2 * min(len(org) // 100, len(pool_s))
    rows = np.unique(org.previous)
    people = {p.id: p for p in org.participants(rows)}
    for a, b in org.previous.tolist():
        ida, idb = org.id_of(a), org.id_of(b)
        assert idb in people[ida].previous_partners
        assert ida in people[idb].previous_partners
        assert org.level[a] <= 1 < org.level[b]


def test_cohort_follows_its_rules(org: synth.SynthOrg) -> None:
    juniors, seniors = synth.cohort(org, 100, 50, seed=4)
    assert len(juniors) == 100
    assert len(seniors) == 50
    assert all(p.role == "junior" and p.level is not None and p.level <= 1
               for p in juniors)
    assert all(2026 - (p.birth_year or 0) <= 35 for p in juniors)
    top = int(org.level.max())
    assert all(p.role == "senior" and p.level is not None
               and p.level >= max(2, top - 3) for p in seniors)
    assert not {p.id for p in juniors} & {p.id for p in seniors}
    result = rm.match(juniors, seniors, rm.Program(constraints=[rm.NoReportingLine(),
                                                                rm.NoRepeat()]),
                      org=org.org_chart())
    result.check()


def test_a_large_cohort_reaches_down_a_level_at_a_time_for_its_seniors(
        org: synth.SynthOrg) -> None:
    # The top four levels hold a few hundred people whatever the size: a cohort asking for
    # more takes the next levels down, the highest first, never the juniors' levels.
    top = int(org.level.max())
    held = int(np.count_nonzero(org.level >= top - 3))
    _, rows_s = synth.cohort_rows(org, 10, held + 500, seed=3)
    assert len(rows_s) == held + 500
    lowest = int(org.level[rows_s].min())
    assert lowest == top - 4
    assert np.count_nonzero(org.level >= lowest + 1) < held + 500
    assert lowest >= 2
    _, same = synth.cohort_rows(org, 10, held, seed=3)
    assert int(org.level[same].min()) == top - 3
    _, everyone = synth.cohort_rows(org, 10, len(org), seed=3)
    assert set(everyone.tolist()) == set(np.flatnonzero(org.level >= 2).tolist())


def test_csv_written_fast_reads_back_as_the_same_people(tmp_path: Path) -> None:
    org = synth.generate(300, seed=5, config=synth.SynthConfig(previous_rounds=1))
    rows_j, rows_s = synth.cohort_rows(org, 10, 5, seed=5)
    roles = {**dict.fromkeys(rows_j.tolist(), "junior"),
             **dict.fromkeys(rows_s.tolist(), "senior")}
    assert synth.cohort_roles(org, 10, 5, seed=5) == roles
    org.write_csv(tmp_path / "org.csv", roles)
    back = rm.read_participants(tmp_path / "org.csv")
    expected = [p.model_copy(update={"role": roles.get(i)})
                for i, p in enumerate(org.participants())]
    assert back == [rm.Participant.model_validate(p.model_dump()) for p in expected]


def test_config_is_validated() -> None:
    with pytest.raises(ValidationError, match="unknown generation"):
        synth.SynthConfig(generation_mix={"silent": 1.0})
    with pytest.raises(ValidationError, match="span_max must be >= span_min"):
        synth.SynthConfig(span_min=5, span_max=2)


def test_tiny_organisations() -> None:
    assert len(synth.generate(0)) == 0
    one = synth.generate(1)
    assert one.participants()[0].manager_id is None
