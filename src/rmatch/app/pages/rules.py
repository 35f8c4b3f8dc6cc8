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

__all__ = ["QUOTAS", "SWITCHES", "WEIGHTS", "RulesForm", "form_of", "program_document"]


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
                     others)


def program_document(doc: dict[str, Any] | None, form: dict[str, str]) -> dict[str, Any]:
    """Write the page's choices into the programme document (other rules and keys kept).

    Examples
    --------
    >>> program_document(None, {"shared_language": "on", "tz": "4"})["constraints"][1]
    {'kind': 'max_timezone_gap', 'hours': 4.0}
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
    return out
