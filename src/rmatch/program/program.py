"""The programme document: score weights, scoring options, rules and solver settings.

Every model is a frozen Pydantic v2 model that loads from and dumps to JSON,
so an HR tool can send a whole programme as one document.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
)

from rmatch.constraints.catalogue import Constraint, recommended_rules
from rmatch.model.participant import Unit
from rmatch.program.components import ComponentSpec

__all__ = ["SOLVERS", "Program", "ScoringOptions", "SolverName", "Weights"]


SolverName = Literal["auto", "hungarian", "flow", "cpsat", "greedy", "candidates"]
"""Every solver name (``docs/solvers.md``): ``auto`` picks the fastest exact path for the
programme; ``candidates`` is the certified path for programmes too large for one matrix;
``greedy`` is a non-optimal baseline. ``Program``, ``match``, the CLI and the docs all read
this one list."""

SOLVERS: tuple[SolverName, ...] = get_args(SolverName)


class Weights(BaseModel):
    """Weights of the score components in ``total`` (a weighted mean).

    Extra keyword weights name user components passed to :func:`rmatch.score`.

    Examples
    --------
    >>> Weights(skills=2.0).skills
    2.0
    >>> Weights(culture=0.5).as_dict()["culture"]
    0.5
    """

    model_config = ConfigDict(frozen=True, extra="allow")
    __pydantic_extra__: dict[str, Annotated[float, Field(ge=0.0, allow_inf_nan=False)]]

    generation: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)
    skills: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)
    diversity: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)

    def as_dict(self) -> dict[str, float]:
        """Return every weight, built-in and extra, by component name.

        Examples
        --------
        >>> Weights().as_dict()
        {'generation': 1.0, 'skills': 1.0, 'diversity': 1.0}
        """
        out = {"generation": self.generation, "skills": self.skills, "diversity": self.diversity}
        out.update(self.__pydantic_extra__ or {})
        return out


class ScoringOptions(BaseModel):
    """Parameters of the built-in score components (see ``docs/scoring.md``).

    Examples
    --------
    >>> ScoringOptions(age_span_years=30).age_span_years
    30.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_span_years: float = Field(default=25.0, ge=0.01, le=200, allow_inf_nan=False)
    """Age gap (years) at which the age part of ``generation`` reaches 1."""
    level_span: float = Field(default=4.0, ge=0.01, le=1_000_000, allow_inf_nan=False)
    """Level gap at which the level part of ``generation`` reaches 1."""
    level_share: Unit = 0.25
    """Share of the level gap in ``generation`` (the rest is the age gap)."""
    mutual_share: Unit = 0.25
    """Share of what the senior can teach back in ``skills``."""
    diversity_fields: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None
    """Field -> weight for ``diversity``: ``department``, ``location`` or an
    ``attributes`` key. ``None`` means department, location and every
    attribute key present, equally weighted."""


class Program(BaseModel):
    """A whole programme: score weights, constraints and solver settings.

    Examples
    --------
    >>> from rmatch.constraints.pairwise import SharedLanguage
    >>> prog = Program(constraints=[SharedLanguage()], seed=7)
    >>> Program.model_validate_json(prog.model_dump_json()) == prog
    True
    >>> [c.kind for c in Program().constraints]  # the recommended HR rules
    ['no_reporting_line', 'shared_language', 'seniority_direction']
    >>> Program(constraints=[]).constraints, Program().uses_recommended_rules
    ([], True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: Weights = Field(default_factory=Weights)
    constraints: list[Constraint] = Field(default_factory=recommended_rules)
    """The rules; when not given, :func:`~rmatch.constraints.catalogue.recommended_rules`
    (nobody in their own reporting line, a shared language where both
    partners' languages are known, the senior not below the junior); ``[]``
    turns every rule off."""
    components: list[ComponentSpec] = Field(default_factory=list)
    """Score components defined as data (``rmatch.program.components``), weighted by name in
    ``weights`` (default: each component's maximum points)."""
    objective: Literal["max_pairs", "max_score", "stable", "best_stable"] = "max_pairs"
    """``"max_pairs"``: the most pairs, then the highest total score;
    ``"max_score"``: the highest total score, even with fewer pairs;
    ``"stable"``: a stable matching by deferred acceptance (no two people who
    would both rather be together), optimal for the ``proposing`` side;
    ``"best_stable"``: the stable matching of highest total score (exact)."""
    stable_by: Literal["wishes", "scores"] = "scores"
    """With ``objective="stable"``: preferences from each person's ranked ``wishes``
    (then the rest by score), or from the pair scores alone."""
    proposing: Literal["juniors", "seniors"] = "juniors"
    """With ``objective="stable"``: the side that proposes, whose optimum the matching is."""
    unranked: Literal["acceptable", "unacceptable"] = "acceptable"
    """With ``stable_by="wishes"``: whether a person accepts partners they did not wish for
    (``"unacceptable"``: a pair needs both to have wished for each other)."""
    no_wishes: Literal["accept_none", "accept_all"] = "accept_none"
    """With ``unranked="unacceptable"``: whom a person who wished for nobody accepts. The
    default, as in the peer library, is nobody; ``"accept_all"`` lets them take anyone the
    rules allow, by score (a self-match where mentees rank and mentors do not)."""
    solver: SolverName = "auto"
    time_limit_s: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    seed: int = 0
    sensitive_attributes: frozenset[str] = frozenset()
    scoring: ScoringOptions = Field(default_factory=ScoringOptions)
    memory_limit_gb: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Most memory the programme's matrices may take, in GB; ``None``: 80% of the
    memory available when it is scored. Checked before anything is allocated."""
    reference_date: date | None = None
    """Date at which time-zone offsets are taken; ``None`` takes the larger
    gap of 15 January and 15 July (so daylight saving never hides a gap)."""

    @field_serializer("sensitive_attributes")
    def _sorted(self, value: frozenset[str]) -> list[str]:
        return sorted(value)

    @property
    def assignment_objective(self) -> Literal["max_pairs", "max_score"]:
        """The objective of the assignment solvers (a stable matching is found otherwise).

        Examples
        --------
        >>> Program(objective="max_score").assignment_objective
        'max_score'
        """
        return "max_score" if self.objective == "max_score" else "max_pairs"

    def is_sensitive(self, field: str) -> bool:
        """Tell whether a field or attribute key is sensitive (case does not count).

        Examples
        --------
        >>> Program(sensitive_attributes={"gender"}).is_sensitive("Gender")
        True
        """
        return field.casefold() in {k.casefold() for k in self.sensitive_attributes}

    @property
    def stable(self) -> bool:
        """Whether the objective is a stable matching (``"stable"`` or ``"best_stable"``).

        Examples
        --------
        >>> Program(objective="best_stable").stable, Program().stable
        (True, False)
        """
        return self.objective in ("stable", "best_stable")

    def conflict(self) -> str | None:
        """Say why this programme's objective cannot run with its rules, or None when it can.

        Known from the document alone, before any data: a stable matching
        (``objective`` ``"stable"`` or ``"best_stable"``) takes pairwise rules
        only, since quotas, balances, loads and required pairs need pairs it
        does not choose; :class:`~rmatch.constraints.programme.EvenLoad` comes
        one at a time, with ``MatchAll`` and pair rules only, under
        ``"max_pairs"``. :func:`rmatch.match` refuses with this sentence; the
        service refuses such rules when they are set.

        Examples
        --------
        >>> import rmatch as rm
        >>> rm.Program(objective="stable").conflict() is None
        True
        >>> print(rm.Program(objective="stable", constraints=[rm.MatchAll(side="juniors")])
        ...       .conflict())  # doctest: +ELLIPSIS
        objective 'stable' takes pairwise rules only; MatchAll(side='juniors') would need ...
        """
        from rmatch.constraints.pairwise import Require
        from rmatch.constraints.programme import EvenLoad, GlobalRule, MatchAll

        if self.stable:
            rules = [c.label() for c in self.constraints
                     if isinstance(c, (GlobalRule, Require))]
            return (f"objective {self.objective!r} takes pairwise rules only; "
                    f"{', '.join(rules)} would need pairs a stable matching does not choose: "
                    "use objective 'max_pairs', or drop them") if rules else None
        loads = [c.label() for c in self.constraints if isinstance(c, EvenLoad)]
        if len(loads) > 1:
            return (f"{' and '.join(loads)}: one EvenLoad at a time (the loads of one side are "
                    "evened out)")
        other = [c.label() for c in self.constraints
                 if isinstance(c, GlobalRule) and not isinstance(c, (MatchAll, EvenLoad))]
        if loads and other:
            return (f"{loads[0]} combines with MatchAll and the pair rules, not with "
                    f"{', '.join(other)}")
        if loads and self.objective != "max_pairs":
            return (f"{loads[0]} puts the most pairs first: use objective 'max_pairs', not "
                    f"{self.objective!r}")
        return None

    @property
    def uses_recommended_rules(self) -> bool:
        """True when the constraints were not given, so the recommended rules apply."""
        return "constraints" not in self.model_fields_set
