"""Seeded synthetic organisations for demos, tests and benchmarks.

:func:`org_chart` builds a management tree layer by layer (spans of control
drawn from 3 to 8), so levels run from individual contributors (0) up to the
chief executive. Everything else is drawn in numpy from the level:

- age: ``25 + 30 * level / top_level + N(0, 5)`` years, clipped to 19..68;
  birth year ``2026 - age``;
- department: inherited from the executive at the top of one's branch;
- location: one of ten offices (weights below), giving the IANA time zone
  and the local language, plus English with probability 0.85;
- skills: digital skills, more likely the younger one is; leadership and
  domain skills, more likely the higher one's level; proficiency U(0.3, 1);
- goals: the opposite families (the young want leadership, seniors digital);
- attributes: ``gender`` (F 0.48, M 0.48, X 0.04) and ``background``.

Examples
--------
>>> from rmatch import synth
>>> employees = synth.org_chart(500, seed=1)
>>> juniors, seniors = synth.cohort(employees, 20, 10, seed=1)
>>> len(juniors), len(seniors)
(20, 10)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rmatch.models import Participant

__all__ = ["DIGITAL_SKILLS", "LEADERSHIP_SKILLS", "OFFICES", "cohort", "org_chart"]

DIGITAL_SKILLS = ("genai", "data analysis", "cloud", "social media", "automation",
                  "cybersecurity", "ux design", "python")
LEADERSHIP_SKILLS = ("strategy", "negotiation", "people management", "finance",
                     "stakeholder management", "public speaking", "domain expertise",
                     "change management")
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Finance", "People", "Operations",
               "Legal", "Product", "Data", "Customer Success")
OFFICES: tuple[tuple[str, str, str, float], ...] = (
    # (location, IANA zone, local language, share of staff)
    ("Lisbon", "Europe/Lisbon", "pt", 0.14),
    ("London", "Europe/London", "en", 0.16),
    ("Berlin", "Europe/Berlin", "de", 0.10),
    ("Madrid", "Europe/Madrid", "es", 0.08),
    ("New York", "America/New_York", "en", 0.14),
    ("Sao Paulo", "America/Sao_Paulo", "pt", 0.10),
    ("Mexico City", "America/Mexico_City", "es", 0.06),
    ("Bangalore", "Asia/Kolkata", "en", 0.10),
    ("Singapore", "Asia/Singapore", "en", 0.06),
    ("Tokyo", "Asia/Tokyo", "ja", 0.06),
)
BACKGROUNDS = ("engineering", "business", "humanities", "science", "vocational")
CURRENT_YEAR = 2026


def _tree(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return (manager index, depth) for a layered tree of ``n`` employees."""
    manager = np.full(n, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    start, size = 0, 1
    while start + size < n:
        spans = rng.integers(3, 9, size=size)
        child_count = min(int(spans.sum()), n - start - size)
        parents = np.repeat(np.arange(start, start + size), spans)[:child_count]
        lo = start + size
        manager[lo:lo + child_count] = parents
        depth[lo:lo + child_count] = depth[start] + 1
        start, size = lo, child_count
    return manager, depth


def org_chart(n_employees: int, seed: int = 0) -> list[Participant]:
    """Generate a whole organisation (no roles set), deterministic for a seed.

    Examples
    --------
    >>> people = org_chart(50, seed=1)
    >>> len(people), people[0].manager_id is None, people[1].manager_id == people[0].id
    (50, True, True)
    """
    rng = np.random.default_rng(seed)
    n = n_employees
    if n <= 0:
        return []
    manager, depth = _tree(n, rng)
    level = depth.max() - depth
    rel = level / max(1, int(level.max()))
    age = np.clip(np.rint(25 + 30 * rel + rng.normal(0, 5, n)), 19, 68).astype(np.int64)
    # Department: that of the branch's executive (depth 1); the CEO has none.
    branch = np.arange(n)
    for _ in range(int(depth.max())):
        branch = np.where(depth[branch] > 1, manager[branch], branch)
    dept = np.where(depth > 0, branch % len(DEPARTMENTS), -1)
    shares = np.array([o[3] for o in OFFICES])
    office = rng.choice(len(OFFICES), size=n, p=shares / shares.sum())
    english = rng.random(n) < 0.85
    youth = np.clip((60 - age) / 40, 0.05, 0.95)[:, None]
    seniority = np.clip(level / max(1, level.max()), 0.05, 0.95)[:, None]
    k = len(DIGITAL_SKILLS)
    has_digital = rng.random((n, k)) < 0.45 * youth
    has_lead = rng.random((n, k)) < 0.55 * seniority
    wants_digital = rng.random((n, k)) < 0.45 * (1 - youth)
    wants_lead = rng.random((n, k)) < 0.45 * (1 - seniority)
    prof_d = np.round(rng.uniform(0.3, 1.0, (n, k)), 2)
    prof_l = np.round(rng.uniform(0.3, 1.0, (n, k)), 2)
    prio_d = np.round(rng.uniform(0.3, 1.0, (n, k)), 2)
    prio_l = np.round(rng.uniform(0.3, 1.0, (n, k)), 2)
    gender = rng.choice(np.array(["F", "M", "X"]), size=n, p=[0.48, 0.48, 0.04])
    background = rng.choice(np.array(BACKGROUNDS), size=n)
    ids = [f"e{i:0{len(str(n))}d}" for i in range(n)]
    people = []
    for i in range(n):  # one object per employee; every draw above is vectorised
        loc, zone, lang, _ = OFFICES[office[i]]
        skills = {s: float(prof_d[i, t]) for t, s in enumerate(DIGITAL_SKILLS) if has_digital[i, t]}
        skills |= {s: float(prof_l[i, t]) for t, s in enumerate(LEADERSHIP_SKILLS)
                   if has_lead[i, t]}
        goals = {s: float(prio_d[i, t]) for t, s in enumerate(DIGITAL_SKILLS)
                 if wants_digital[i, t] and s not in skills}
        goals |= {s: float(prio_l[i, t]) for t, s in enumerate(LEADERSHIP_SKILLS)
                  if wants_lead[i, t] and s not in skills}
        people.append(Participant.model_construct(
            id=ids[i], name=None, role=None, birth_year=int(CURRENT_YEAR - age[i]),
            level=int(level[i]),
            department=None if dept[i] < 0 else DEPARTMENTS[dept[i]],
            location=loc, timezone=zone,
            languages=frozenset({lang, "en"} if english[i] else {lang}),
            manager_id=None if manager[i] < 0 else ids[manager[i]],
            skills=skills, goals=goals,
            attributes={"gender": str(gender[i]), "background": str(background[i])},
            capacity=1, previous_partners=frozenset(),
        ))
    return people


def cohort(
    employees: Sequence[Participant], n_juniors: int, n_seniors: int, seed: int = 0,
    *, max_junior_level: int = 1, max_junior_age: int = 35,
    min_senior_level: int | None = None,
) -> tuple[list[Participant], list[Participant]]:
    """Select a programme cohort: young low-level staff and senior leaders.

    Juniors are drawn at random from employees at ``max_junior_level`` or
    below and at most ``max_junior_age`` years old; seniors from
    ``min_senior_level`` or above (default: the three levels below the chief
    executive). Fewer are returned when the organisation has fewer eligible
    people.

    Examples
    --------
    >>> juniors, seniors = cohort(org_chart(300, seed=2), 10, 5, seed=2)
    >>> len(juniors), len(seniors), {p.role for p in juniors}
    (10, 5, {'junior'})
    """
    rng = np.random.default_rng(seed)
    levels = np.array([p.level for p in employees])
    top = int(levels.max(initial=0))
    floor = max(max_junior_level + 1, top - 3) if min_senior_level is None else min_senior_level
    ages = np.array([CURRENT_YEAR - (p.birth_year or CURRENT_YEAR) for p in employees])
    pool_j = np.flatnonzero((levels <= max_junior_level) & (ages <= max_junior_age))
    pool_s = np.flatnonzero((levels >= floor) & (levels > max_junior_level))
    pick_j = np.sort(rng.choice(pool_j, size=min(n_juniors, len(pool_j)), replace=False))
    pick_s = np.sort(rng.choice(pool_s, size=min(n_seniors, len(pool_s)), replace=False))
    juniors = [employees[i].model_copy(update={"role": "junior"}) for i in pick_j]
    seniors = [employees[i].model_copy(update={"role": "senior"}) for i in pick_s]
    return juniors, seniors
