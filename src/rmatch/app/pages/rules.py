"""The rules page: HR's rules as switches with one plain sentence each, weights, quotas in words.

What the page shows is read from the programme document and written back
to it (:func:`rmatch.app.actions.set_rules`, as ``PUT .../rules`` does);
rules the page has no switch for (forbidden pairs, group balance, ...) are
kept as they are and listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rmatch as rm

__all__ = ["CHOICES", "QUOTAS", "SWITCHES", "WEIGHTS", "RulesForm", "form_kept", "form_of",
           "program_document"]


@dataclass(frozen=True)
class Switch:
    """One rule the page turns on and off, in words."""

    name: str
    sentence: str
    rule: rm.Constraint


SWITCHES = (
    Switch("no_reporting_line", "No one is paired with their manager or their manager's "
           "manager.", rm.NoReportingLine(depth=2)),
    Switch("shared_language", "Partners share a working language, at B1 level or better "
           "(people whose languages are not known are not held back).",
           rm.SharedLanguage(unknown="allow", min_level="B1")),
    Switch("seniority_direction", "The senior partner is at least as senior, and as old, as "
           "the junior.", rm.SeniorityDirection(allow_equal=True)),
    Switch("no_repeat", "No one meets a partner from an earlier round again.", rm.NoRepeat()),
)


@dataclass(frozen=True)
class Choice:
    """One programme setting the page offers as a list: its field, question and answers."""

    field: str
    question: str
    answers: tuple[tuple[str, str], ...]


# How the pairs are chosen: the programme document's objective and, for stable
# pairings, whose preferences and which stable pairing (rm.Program's fields).
CHOICES = (
    Choice("objective", "Aim", (
        ("max_pairs", "As many pairs as possible, then the best fit"),
        ("max_score", "The best total fit, even with fewer pairs"),
        ("stable", "Stable pairs: no two people who would both rather be together"),
        ("best_stable", "The best-fitting of all stable pairings"))),
    Choice("stable_by", "Stable pairs only: each person's preferences come from", (
        ("scores", "the fit scores"),
        ("wishes", "their wish lists, then the fit"))),
    Choice("proposing", "Stable pairs only: of the stable pairings, the one best for", (
        ("juniors", "the juniors"),
        ("seniors", "the seniors"))),
    Choice("unranked", "Wish lists only: someone a person did not wish for is", (
        ("acceptable", "still acceptable, after the wished ones"),
        ("unacceptable", "not acceptable: a pair needs both to have wished for each other"))),
    Choice("no_wishes", "Wish lists only, when not wished for is not acceptable: "
           "a person who wished for nobody", (
               ("accept_none", "is not paired"),
               ("accept_all", "takes anyone the rules allow, by fit"))),
)
QUOTAS = (("department", "of the pairs cross departments"),
          ("location", "of the pairs cross locations"))
WEIGHTS = (("generation", "Bridge generations (age and level apart)"),
           ("skills", "Match what the junior can teach to what the senior wants to learn"),
           ("diversity", "Mix backgrounds (department, location and the other fields)"))


@dataclass
class RulesForm:
    """The page's view of a programme's rules."""

    on: dict[str, bool]
    tz_hours: float | None
    quotas: dict[str, int]
    weights: dict[str, float]
    others: list[str]
    chosen: dict[str, str]


def form_of(doc: dict[str, Any] | None) -> RulesForm:
    """Read a programme document into the page's switches, quotas, weights and other rules.

    Examples
    --------
    >>> form_of(None).on["no_reporting_line"]  # the recommended rules by default
    True
    """
    program = rm.Program.model_validate(doc or {})
    on = {s.name: False for s in SWITCHES}
    tz: float | None = None
    quotas = {field: 0 for field, _ in QUOTAS}
    others = []
    for rule in program.constraints:
        switch = next((s for s in SWITCHES if s.rule == rule), None)
        if switch is not None:
            on[switch.name] = True
        elif isinstance(rule, rm.MaxTimezoneGap) and rule.missing == "forbid":
            tz = rule.hours
        elif isinstance(rule, rm.MinShare) and rule.attribute in quotas and not rule.same \
                and not rule.at_most:
            quotas[rule.attribute] = round(100 * rule.share)
        else:
            others.append(rule.label())
    weights = program.weights.model_dump()
    return RulesForm(on, tz, quotas, {k: float(weights.get(k, 1.0)) for k, _ in WEIGHTS},
                     others, {c.field: str(getattr(program, c.field)) for c in CHOICES})


def form_kept(doc: dict[str, Any] | None, saved: dict[str, Any] | None) -> RulesForm:
    """Return the page's choices as sent when they read as a programme, else the saved ones.

    A page refused for what its choices mean (a stable aim with a quota) shows
    them again to be mended; one with a value that is not a number shows the
    saved rules.

    Examples
    --------
    >>> form_kept({"objective": "stable"}, None).chosen["objective"]
    'stable'
    >>> form_kept({"objective": "fair"}, None).chosen["objective"]
    'max_pairs'
    """
    try:
        return form_of(doc)
    except ValueError:
        return form_of(saved)


def program_document(doc: dict[str, Any] | None, form: dict[str, str]) -> dict[str, Any]:
    """Write the page's choices into the programme document (other rules and keys kept).

    Examples
    --------
    >>> program_document(None, {"shared_language": "on", "tz": "4"})["constraints"][1]
    {'kind': 'max_timezone_gap', 'hours': 4.0}
    >>> doc = program_document(None, {"objective": "stable", "stable_by": "wishes",
    ...                               "proposing": "juniors"})
    >>> doc["objective"], doc["stable_by"], "proposing" in doc  # defaults left out
    ('stable', 'wishes', False)
    """
    old = rm.Program.model_validate(doc or {})
    kept = [r for r in old.constraints
            if not any(s.rule == r for s in SWITCHES)
            and not isinstance(r, rm.MaxTimezoneGap)
            and not (isinstance(r, rm.MinShare) and r.attribute in dict(QUOTAS)
                     and not r.same and not r.at_most)]
    rules: list[rm.Constraint] = [s.rule for s in SWITCHES if form.get(s.name) == "on"]
    if form.get("tz", "").strip():
        rules.append(rm.MaxTimezoneGap(hours=float(form["tz"])))
    for field, _ in QUOTAS:
        share = float(form.get(f"quota_{field}") or 0)
        if share > 0:
            rules.append(rm.MinShare(attribute=field, share=share / 100))
    weights = {k: float(form.get(f"w_{k}", 1.0)) for k, _ in WEIGHTS}
    out = dict(doc or {})
    # The kind always (it names the rule), the other fields where they differ from the default.
    out["constraints"] = [{"kind": r.kind, **r.model_dump(mode="json", exclude_defaults=True)}
                          for r in [*rules, *kept]]
    out["weights"] = {**(out.get("weights") or {}), **weights}
    for choice in CHOICES:  # written where chosen, left out at the default
        answer = form.get(choice.field)
        if answer is None:
            continue
        if answer == rm.Program.model_fields[choice.field].default:
            out.pop(choice.field, None)
        else:
            out[choice.field] = answer
    return out
