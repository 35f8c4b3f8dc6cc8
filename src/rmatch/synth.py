"""Seeded synthetic organisations for demos, tests and benchmarks.

:func:`generate` draws a whole organisation as numpy columns
(:class:`SynthOrg`), fast enough for a million employees in seconds;
Participant objects are made only for the people you ask for
(:meth:`SynthOrg.participants`, :func:`cohort`). Every distribution below is
a parameter of :class:`SynthConfig`.

Management tree
    Built top-down, one layer at a time from the chief executive: every
    manager has ``U{span_min..span_max}`` direct reports (default 3..12,
    mean 7.5), each of whom manages others with probability
    ``manager_share`` (0.4), except the two layers below the chief
    executive (the executives heading the departments and their leadership
    teams), who all manage. A layer of managers therefore grows
    about 3x, so 1,000,000 employees sit in about 11 layers. Generation stops
    at ``n_employees``: the last layer may be partial, filled under that
    layer's managers taken in random order so that no branch is favoured.
Levels
    ``level = deepest layer - own layer``: 0 for the deepest individual
    contributors up to the chief executive's level at the top.
Ages and generations
    Each employee's generation is drawn from ``generation_mix`` (default
    Boomers 6%, Gen X 32%, Millennials 40%, Gen Z 22%; cohorts in
    :data:`GENERATIONS`), the birth year uniformly within that cohort and
    working age (18 to 70 in ``current_year``). Birth years are then handed
    out by rank of ``age_level_correlation * level share + (1 -
    age_level_correlation) * U(0, 1)``: the oldest to the most senior, so the
    mix is exact and age rises with level (default correlation 0.8).
Tenure
    ``U(0, 1) * (age - 18) * (0.4 + 0.6 * level share)`` years, reported as
    the attribute ``tenure`` in bands (``<2y``, ``2-5y``, ``5-10y``,
    ``10-20y``, ``20y+``).
Departments and offices
    Department: that of one's branch executive (layer 1); the chief
    executive is in ``Executive``. Office: the manager's with probability
    ``colocation`` (0.7), else drawn from ``offices`` by share; the office
    gives the IANA time zone and the local language; English is added with
    probability ``english_share`` (0.85).
Skills and goals
    Eight digital/emerging skills (:data:`DIGITAL_SKILLS`), each held with
    probability ``digital_rate * youth`` where ``youth = clip((60 - age) /
    40, 0.05, 0.95)``; eight leadership/domain skills
    (:data:`LEADERSHIP_SKILLS`), each held with probability
    ``leadership_rate * seniority`` (level share clipped to 0.05..0.95).
    Proficiency ``U(0.3, 1)``. Goals point the other way: digital goals with
    probability ``goal_rate * (1 - youth)``, leadership goals with
    ``goal_rate * (1 - seniority)``, never for a skill already held;
    priority ``U(0.3, 1)``.
Diversity attributes
    ``attributes``: key -> {value: probability}; default ``gender`` (F 0.48,
    M 0.48, X 0.04) and ``background`` (five values, equal shares).
Previous partners
    ``previous_rounds`` earlier programme rounds, each pairing at random up
    to ``n_employees // 100`` juniors with as many seniors drawn by the
    :func:`cohort` rules (fewer when either pool is smaller); both sides
    record the other in ``previous_partners``.

Examples
--------
>>> from rmatch import synth
>>> org = synth.generate(500, seed=1)
>>> juniors, seniors = synth.cohort(org, 20, 10, seed=1)
>>> len(org), len(juniors), len(seniors)
(500, 20, 10)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rmatch.model.generations import GENERATIONS as COHORTS
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant

__all__ = [
    "DIGITAL_SKILLS",
    "GENERATIONS",
    "LEADERSHIP_SKILLS",
    "OFFICES",
    "SynthConfig",
    "SynthOrg",
    "cohort",
    "cohort_roles",
    "generate",
    "org_chart",
]

IntArray = npt.NDArray[np.int64]

DIGITAL_SKILLS = ("genai", "data analysis", "cloud", "social media", "automation",
                  "cybersecurity", "ux design", "python")
LEADERSHIP_SKILLS = ("strategy", "negotiation", "people management", "finance",
                     "stakeholder management", "public speaking", "domain expertise",
                     "change management")
SKILLS = DIGITAL_SKILLS + LEADERSHIP_SKILLS
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Finance", "People", "Operations",
               "Legal", "Product", "Data", "Customer Success")
GENERATIONS: dict[str, tuple[int, int]] = {
    # The working generations of the one cohort table (rmatch.model.generations).
    name.lower().replace(" ", "_"): (first, last) for name, first, last in COHORTS
    if name in ("Boomers", "Gen X", "Millennials", "Gen Z")
}
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
TENURE_BANDS = ((2, "<2y"), (5, "2-5y"), (10, "5-10y"), (20, "10-20y"), (200, "20y+"))


class SynthConfig(BaseModel):
    """Parameters of the synthetic organisation (see the module docstring).

    Examples
    --------
    >>> SynthConfig(generation_mix={"gen_z": 1.0}).generation_mix
    {'gen_z': 1.0}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    span_min: int = Field(default=3, ge=1)
    span_max: int = Field(default=12, ge=1)
    manager_share: float = Field(default=0.4, gt=0, le=1)
    generation_mix: dict[str, float] = Field(default_factory=lambda: {
        "boomers": 0.06, "gen_x": 0.32, "millennials": 0.40, "gen_z": 0.22})
    age_level_correlation: float = Field(default=0.8, ge=0, le=1)
    current_year: int = 2026
    colocation: float = Field(default=0.7, ge=0, le=1)
    offices: tuple[tuple[str, str, str, float], ...] = OFFICES
    english_share: float = Field(default=0.85, ge=0, le=1)
    digital_rate: float = Field(default=0.45, ge=0, le=1)
    leadership_rate: float = Field(default=0.55, ge=0, le=1)
    goal_rate: float = Field(default=0.45, ge=0, le=1)
    attributes: dict[str, dict[str, float]] = Field(default_factory=lambda: {
        "gender": {"F": 0.48, "M": 0.48, "X": 0.04},
        "background": dict.fromkeys(
            ("engineering", "business", "humanities", "science", "vocational"), 0.2),
    })
    previous_rounds: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> SynthConfig:
        if self.span_max < self.span_min:
            raise ValueError("span_max must be >= span_min")
        unknown = set(self.generation_mix) - set(GENERATIONS)
        if unknown:
            raise ValueError(f"unknown generation(s) {sorted(unknown)}; "
                             f"known: {sorted(GENERATIONS)}")
        if sum(self.generation_mix.values()) <= 0:
            raise ValueError("generation_mix needs a positive share")
        return self


@dataclass(frozen=True)
class SynthOrg:
    """A synthetic organisation as numpy columns; row ``i`` is employee ``ids[i]``.

    Examples
    --------
    >>> org = generate(100, seed=3)
    >>> org.participants([0])[0].manager_id is None, int(org.manager[1])
    (True, 0)
    """

    manager: IntArray
    level: IntArray
    birth_year: IntArray
    department: IntArray
    office: IntArray
    english: npt.NDArray[np.bool_]
    skills: npt.NDArray[np.uint8]  # proficiency in percent, 0: not held
    goals: npt.NDArray[np.uint8]  # priority in percent, 0: not a goal
    attributes: dict[str, tuple[tuple[str, ...], IntArray]]
    previous: npt.NDArray[np.int64]  # (k, 2) pairs of rows paired in earlier rounds
    config: SynthConfig = field(repr=False)

    def __len__(self) -> int:
        return len(self.manager)

    def id_of(self, row: int) -> str:
        """Return the id of a row (``e`` and the zero-padded row number).

        Examples
        --------
        >>> generate(120, seed=1).id_of(7)
        'e007'
        """
        return f"e{row:0{len(str(max(len(self) - 1, 0)))}d}"

    @property
    def ids(self) -> tuple[str, ...]:
        """Every employee's id, in row order (made on first use: a million take a second).

        Examples
        --------
        >>> generate(3, seed=1).ids
        ('e0', 'e1', 'e2')
        """
        cached: tuple[str, ...] | None = self.__dict__.get("_ids")
        if cached is None:
            width = len(str(max(len(self) - 1, 0)))
            cached = tuple(f"e{i:0{width}d}" for i in range(len(self)))
            object.__setattr__(self, "_ids", cached)
        return cached

    def org_chart(self) -> OrgChart:
        """Return the reporting lines of every employee.

        Examples
        --------
        >>> len(generate(50, seed=1).org_chart())
        50
        """
        ids = self.ids
        managers = {e: (None if m < 0 else ids[m]) for e, m in zip(ids, self.manager.tolist(),
                                                                   strict=True)}
        return OrgChart(managers=managers)

    def participants(self, rows: Sequence[int] | IntArray | None = None,
                     role: Literal["junior", "senior"] | None = None) -> list[Participant]:
        """Make Participant objects for some rows (all by default).

        Examples
        --------
        >>> p = generate(30, seed=2).participants([5], role="junior")[0]
        >>> p.id, p.role
        ('e05', 'junior')
        """
        idx = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        partners: dict[int, set[int]] = {}
        for a, b in self.previous.tolist():
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        cfg = self.config
        attr_cols = [(key, values, codes) for key, (values, codes) in self.attributes.items()]
        out = []
        for i in idx.tolist():  # one object per employee asked for; no draws here
            loc, zone, lang, _ = cfg.offices[self.office[i]]
            srow, grow = self.skills[i], self.goals[i]
            m = int(self.manager[i])
            out.append(Participant.model_construct(
                id=self.ids[i], name=None, role=role,
                birth_year=int(self.birth_year[i]), level=int(self.level[i]),
                department="Executive" if self.department[i] < 0
                else DEPARTMENTS[self.department[i]],
                location=loc, timezone=zone,
                languages=frozenset({lang, "en"} if self.english[i] else {lang}),
                manager_id=None if m < 0 else self.ids[m],
                skills={SKILLS[t]: int(srow[t]) / 100 for t in np.flatnonzero(srow)},
                goals={SKILLS[t]: int(grow[t]) / 100 for t in np.flatnonzero(grow)},
                attributes={key: values[codes[i]] for key, values, codes in attr_cols},
                capacity=1,
                previous_partners=frozenset(self.ids[k] for k in partners.get(i, ())),
            ))
        return out

    def write_csv(self, path: str | Path, roles: dict[int, str] | None = None) -> None:
        """Write every employee as a roster CSV, fast (no Participant objects).

        ``roles`` maps rows to ``"junior"`` / ``"senior"``. The file reads back
        with :func:`rmatch.read_participants`.

        Examples
        --------
        >>> import tempfile, pathlib, rmatch
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "org.csv"
        >>> org = generate(40, seed=1)
        >>> org.write_csv(path, roles={3: "junior"})
        >>> rmatch.read_participants(path) == org.participants(
        ...     role=None)[:3] + org.participants([3], role="junior") + org.participants(
        ...     range(4, 40))
        True
        """
        from rmatch.io.files import writing
        from rmatch.io.tables import COLUMNS

        roles = roles or {}
        cfg = self.config
        partners: dict[int, list[str]] = {}
        for a, b in self.previous.tolist():
            partners.setdefault(a, []).append(self.ids[b])
            partners.setdefault(b, []).append(self.ids[a])
        office_cells = [(loc, zone, lang) for loc, zone, lang, _ in cfg.offices]
        depts = [*DEPARTMENTS, "Executive"]  # code -1 indexes the last
        skill_text = _map_cells(self.skills)
        goal_text = _map_cells(self.goals)
        attr_cols = [(key, values, codes.tolist()) for key, (values, codes)
                     in self.attributes.items()]
        manager = self.manager.tolist()
        with writing(path) as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            for i, (eid, lvl, by, dep, off, eng) in enumerate(zip(
                    self.ids, self.level.tolist(), self.birth_year.tolist(),
                    self.department.tolist(), self.office.tolist(), self.english.tolist(),
                    strict=True)):
                loc, zone, lang = office_cells[off]
                langs = ";".join(sorted({lang, "en"})) if eng else lang
                attrs = ";".join(f"{key}:{values[codes[i]]}" for key, values, codes in attr_cols)
                # By name, so that a new field (blank here) moves no column.
                row = {"id": eid, "role": roles.get(i, ""), "birth_year": by, "level": lvl,
                       "department": depts[dep], "location": loc, "timezone": zone,
                       "languages": langs,
                       "manager_id": "" if manager[i] < 0 else self.ids[manager[i]],
                       "skills": skill_text[i], "goals": goal_text[i], "attributes": attrs,
                       "capacity": 1, "previous_partners": ";".join(sorted(partners.get(i, ())))}
                writer.writerow([row.get(column, "") for column in COLUMNS])


def _map_cells(values: npt.NDArray[np.uint8]) -> list[str]:
    """Render each row of a skills/goals matrix as ``name:value;...`` text."""
    texts: list[list[str]] = [[] for _ in range(values.shape[0])]
    for t, name in enumerate(SKILLS):  # a loop over 16 skills, each a column pass
        rows = np.flatnonzero(values[:, t])
        for r, v in zip(rows.tolist(), values[rows, t].tolist(), strict=True):
            texts[r].append(f"{name}:{v / 100!r}")
    return [";".join(t) for t in texts]


def _tree(n: int, cfg: SynthConfig, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """Return (manager row, layer) for ``n`` employees, parents before children."""
    manager = np.full(n, -1, dtype=np.int64)
    layer = np.zeros(n, dtype=np.int64)
    managers = kids = np.zeros(1, dtype=np.int64)
    next_row = 1
    while next_row < n:
        if len(managers) == 0:  # every branch ended in leaves: let the last layer manage
            managers = kids
        spans = rng.integers(cfg.span_min, cfg.span_max + 1, size=len(managers))
        count = int(min(spans.sum(), n - next_row))
        if count < spans.sum():
            # The last, partial layer: fill it under the managers in random
            # order, or the first branches (departments) would take it all.
            order = rng.permutation(len(managers))
            managers, spans = managers[order], spans[order]
        kids = np.arange(next_row, next_row + count)
        manager[kids] = np.repeat(managers, spans)[:count]
        layer[kids] = layer[manager[kids]] + 1
        # The executives heading departments and their direct reports (the
        # department's leadership team) all manage.
        manages = rng.random(count) < cfg.manager_share
        manages |= layer[kids] <= 2
        managers = kids[manages]
        next_row += count
    return manager, layer


def _birth_years(level: IntArray, cfg: SynthConfig, rng: np.random.Generator) -> IntArray:
    n = len(level)
    names = sorted(cfg.generation_mix)
    shares = np.array([cfg.generation_mix[g] for g in names], dtype=np.float64)
    gen = rng.choice(len(names), size=n, p=shares / shares.sum())
    lo = np.array([max(GENERATIONS[g][0], cfg.current_year - 70) for g in names])
    hi = np.array([min(GENERATIONS[g][1], cfg.current_year - 18) for g in names])
    hi = np.maximum(hi, lo)
    years = lo[gen] + np.floor(rng.random(n) * (hi[gen] - lo[gen] + 1)).astype(np.int64)
    share = level / max(1, int(level.max(initial=0)))
    rho = cfg.age_level_correlation
    key = rho * share + (1 - rho) * rng.random(n)
    out = np.empty(n, dtype=np.int64)
    out[np.argsort(key, kind="stable")] = np.sort(years)[::-1]  # oldest to the top key
    return out


def generate(n_employees: int, seed: int = 0, config: SynthConfig | None = None) -> SynthOrg:
    """Generate a whole organisation as columns; deterministic for a seed.

    Examples
    --------
    >>> org = generate(1000, seed=7)
    >>> int(org.level[0]) == int(org.level.max()), int((org.manager < 0).sum())
    (True, 1)
    """
    cfg = config or SynthConfig()
    rng = np.random.default_rng(seed)
    n = max(0, n_employees)
    manager, layer = _tree(n, cfg, rng) if n else (np.zeros(0, np.int64),) * 2
    level = int(layer.max(initial=0)) - layer
    birth = _birth_years(level, cfg, rng)
    age = cfg.current_year - birth
    # Department: that of the branch's executive (layer 1); the chief executive has none.
    branch = np.arange(n)
    for _ in range(int(layer.max(initial=0))):
        branch = np.where(layer[branch] > 1, manager[branch], branch)
    department = np.where(layer > 0, branch % len(DEPARTMENTS), -1)
    shares = np.array([o[3] for o in cfg.offices])
    office = rng.choice(len(cfg.offices), size=n, p=shares / shares.sum())
    stay = rng.random(n) < cfg.colocation
    for depth in range(1, int(layer.max(initial=0)) + 1):  # parents' offices are final first
        rows = np.flatnonzero((layer == depth) & stay)
        office[rows] = office[manager[rows]]
    english = rng.random(n) < cfg.english_share
    # float32 draws and uint8 percents: a million employees stay a few
    # hundred MB, and fresh memory is what costs time on a small machine.
    youth = np.clip((60 - age) / 40, 0.05, 0.95).astype(np.float32)[:, None]
    seniority = np.clip(level / max(1, int(level.max(initial=0))), 0.05, 0.95).astype(
        np.float32)[:, None]
    k = len(DIGITAL_SKILLS)

    def draw(p: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
        return np.asarray(rng.random((n, k), dtype=np.float32) < p)

    has = np.concatenate([draw(np.float32(cfg.digital_rate) * youth),
                          draw(np.float32(cfg.leadership_rate) * seniority)], axis=1)
    wants = np.concatenate([draw(np.float32(cfg.goal_rate) * (1 - youth)),
                            draw(np.float32(cfg.goal_rate) * (1 - seniority))], axis=1)
    wants &= ~has
    prof = rng.integers(30, 101, size=(n, 2 * k), dtype=np.uint8)
    prio = rng.integers(30, 101, size=(n, 2 * k), dtype=np.uint8)
    attributes: dict[str, tuple[tuple[str, ...], IntArray]] = {}
    for key, dist in cfg.attributes.items():
        values = tuple(dist)
        p = np.array([dist[v] for v in values], dtype=np.float64)
        attributes[key] = (values, rng.choice(len(values), size=n, p=p / p.sum()))
    share_level = level / max(1, int(level.max(initial=0)))
    tenure = rng.random(n) * np.maximum(age - 18, 0) * (0.4 + 0.6 * share_level)
    bands = np.searchsorted(np.array([b for b, _ in TENURE_BANDS]), tenure, side="right")
    attributes["tenure"] = (tuple(name for _, name in TENURE_BANDS),
                            np.minimum(bands, len(TENURE_BANDS) - 1))
    org = SynthOrg(
        manager=manager, level=level.astype(np.int64), birth_year=birth,
        department=department.astype(np.int64), office=office.astype(np.int64),
        english=english, skills=np.where(has, prof, np.uint8(0)),
        goals=np.where(wants, prio, np.uint8(0)), attributes=attributes,
        previous=np.zeros((0, 2), dtype=np.int64), config=cfg,
    )
    if cfg.previous_rounds:
        rounds = []
        per_round = max(1, n // 100)
        for _ in range(cfg.previous_rounds):
            pj, ps = _cohort_rows(org, per_round, per_round, rng)
            size = min(len(pj), len(ps))
            rounds.append(np.stack([pj[:size], rng.permutation(ps)[:size]], axis=1))
        object.__setattr__(org, "previous", np.concatenate(rounds).astype(np.int64))
    return org


def _cohort_rows(org: SynthOrg, n_juniors: int, n_seniors: int, rng: np.random.Generator,
                 max_junior_level: int = 1, max_junior_age: int = 35,
                 min_senior_level: int | None = None) -> tuple[IntArray, IntArray]:
    top = int(org.level.max(initial=0))
    if min_senior_level is None:
        # The top four levels hold a few hundred people whatever the organisation's size
        # (its depth grows with the logarithm of its size), so a larger cohort reaches down
        # a level at a time until it is full: the seniors stay the most senior available.
        floor = max(max_junior_level + 1, top - 3)
        while floor > max_junior_level + 1 and np.count_nonzero(org.level >= floor) < n_seniors:
            floor -= 1
    else:
        floor = min_senior_level
    age = org.config.current_year - org.birth_year
    pool_j = np.flatnonzero((org.level <= max_junior_level) & (age <= max_junior_age))
    pool_s = np.flatnonzero((org.level >= floor) & (org.level > max_junior_level))
    pick_j = np.sort(rng.choice(pool_j, size=min(n_juniors, len(pool_j)), replace=False))
    pick_s = np.sort(rng.choice(pool_s, size=min(n_seniors, len(pool_s)), replace=False))
    return pick_j.astype(np.int64), pick_s.astype(np.int64)


def cohort(
    org: SynthOrg, n_juniors: int, n_seniors: int, seed: int = 0,
    *, max_junior_level: int = 1, max_junior_age: int = 35,
    min_senior_level: int | None = None,
) -> tuple[list[Participant], list[Participant]]:
    """Select a programme cohort: young low-level staff and senior leaders.

    Juniors are drawn at random from employees at ``max_junior_level`` or
    below and at most ``max_junior_age`` years old; seniors from
    ``min_senior_level`` or above (default: the three levels below the top,
    and the top itself, reaching down a level at a time while they hold
    fewer than ``n_seniors``), always above ``max_junior_level``. Fewer are
    returned when the organisation has fewer eligible people.

    Examples
    --------
    >>> juniors, seniors = cohort(generate(300, seed=2), 10, 5, seed=2)
    >>> len(juniors), len(seniors), {p.role for p in juniors}
    (10, 5, {'junior'})
    """
    rng = np.random.default_rng(seed)
    pj, ps = _cohort_rows(org, n_juniors, n_seniors, rng, max_junior_level, max_junior_age,
                          min_senior_level)
    return org.participants(pj, role="junior"), org.participants(ps, role="senior")


def cohort_rows(org: SynthOrg, n_juniors: int, n_seniors: int, seed: int = 0,
                **rules: Any) -> tuple[IntArray, IntArray]:
    """Like :func:`cohort` but return the selected rows, not participants.

    Examples
    --------
    >>> js, ss = cohort_rows(generate(300, seed=2), 10, 5, seed=2)
    >>> len(js), len(ss)
    (10, 5)
    """
    return _cohort_rows(org, n_juniors, n_seniors, np.random.default_rng(seed), **rules)


def cohort_roles(org: SynthOrg, n_juniors: int, n_seniors: int, seed: int = 0,
                 **rules: Any) -> dict[int, str]:
    """Select a cohort like :func:`cohort_rows` and return its roles by row, for ``write_csv``.

    Examples
    --------
    >>> roles = cohort_roles(generate(300, seed=2), 10, 5, seed=2)
    >>> sorted(set(roles.values())), len(roles)
    (['junior', 'senior'], 15)
    """
    rows_j, rows_s = cohort_rows(org, n_juniors, n_seniors, seed, **rules)
    return {**dict.fromkeys(rows_j.tolist(), "junior"),
            **dict.fromkeys(rows_s.tolist(), "senior")}


def org_chart(n_employees: int, seed: int = 0,
              config: SynthConfig | None = None) -> list[Participant]:
    """Generate an organisation as a list of participants (no roles set).

    Examples
    --------
    >>> people = org_chart(50, seed=1)
    >>> len(people), people[0].manager_id is None, people[1].manager_id == people[0].id
    (50, True, True)
    """
    return generate(n_employees, seed, config).participants()
