"""What the pages compute to show: the mapping screen, the dashboard, groups and changes.

Plain functions of stored data and of what a page is given (no routes), so each
is tested and reused as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

import rmatch as rm
from rmatch.app.jobs import build_inputs, program_of
from rmatch.app.matchings import result_of
from rmatch.app.people import FORMATS, Upload, named, problems_of
from rmatch.app.said import in_our_words, said
from rmatch.app.store import Matching, Programme

__all__ = [
    "ERRORS",
    "MIN_GROUP",
    "NEXT",
    "RULE_WORDS",
    "SETTING_WORDS",
    "change",
    "dashboard",
    "ids",
    "is_hint",
    "keeps_pairs",
    "next_step",
    "plain",
    "preview_change",
    "preview_text",
    "problem_line",
    "problem_rows",
    "programme_problems",
    "read_joiners",
    "sensitive_of",
    "sentence",
    "unmatched_groups",
    "wants_page",
]


# What a column can be read as, for the mapping screen's choices (rm.Participant's
# fields; a column can also be kept as an attribute or left out).


NEXT = {"draft": "Import the people, then match them", "matched": "Review the pairs and publish",
        "published": "Send the kick-off material", "running": "Record check-ins and changes",
        "closed": "Read the year-end figures"}


def next_step(programme: Programme, people: int) -> str:
    """Say in words what the programme's team does next.

    Examples
    --------
    >>> next_step(Programme(name="x", state="draft"), 0)
    'Import the people'
    """
    if programme.state == "draft":
        return "Match the people" if people else "Import the people"
    return NEXT[programme.state]


# What a person is told on an error page: a heading, and what to do next.
ERRORS = {
    400: ("Not understood", "Go back and try again."),
    403: ("Not allowed", "Ask the programme's coordinator or an administrator for the right, "
          "or reload the page if a form was open for a long time."),
    404: ("Not found", "It may have been deleted, or it is not shared with you."),
    405: ("Not found", "Use the links and buttons of the pages."),
    409: ("Not possible now", "Someone changed the programme meanwhile, or it is not in the "
          "state this needs; reload the programme's page and do it again."),
    413: ("The file is too large", "Split the file, or ask the administrator to raise the "
          "limit."),
    422: ("Not accepted", "Go back, correct what is named, and send it again."),
    429: ("Too many attempts", "Wait a little and try again."),
    500: ("Something went wrong", "Try again; if it happens again, tell the administrator."),
}


def wants_page(request: Request) -> bool:
    """Say whether an error should be a page (a browser on the pages) or JSON (the API)."""
    return (not request.url.path.startswith("/api/")
            and "text/html" in request.headers.get("accept", ""))


def sensitive_of(programme: Programme) -> list[str]:
    """Name the attributes the programme's rules mark sensitive.

    Examples
    --------
    >>> sensitive_of(Programme(rules={"sensitive_attributes": ["Gender"]}))
    ['gender']
    """
    program = rm.Program.model_validate(programme.rules or {})
    return sorted({k.casefold() for k in program.sensitive_attributes})


# The rules' names in the library's reasons ("SharedLanguage(min_level='B1') rules
# out 3"), said as HR says them on the pages.
RULE_WORDS = {
    "NoReportingLine": "the reporting-line rule", "SharedLanguage": "the shared-language rule",
    "SeniorityDirection": "the seniority rule", "MaxTimezoneGap": "the time-zone limit",
    "NoRepeat": "the no-repeat rule", "Forbid": "the pairs HR ruled out",
    "Require": "the pairs HR kept", "MinScore": "the minimum score",
    "SharedTime": "the shared-time rule", "LevelGap": "the level-gap rule",
    "AgeGap": "the age-gap rule", "MinShare": "the quota", "GroupBalance": "the fairness rule",
    "MatchAll": "the everyone-matched rule", "EvenLoad": "the even-load rule",
}
_RULE = re.compile(r"\b(" + "|".join(RULE_WORDS) + r"|SameValue|DifferentValue)"
                   r"(?:\(([^()]*)\))?")


def keeps_pairs(rules: dict[str, Any] | None) -> bool:
    """Tell whether rules (a programme document) can keep a chosen pair (stable ones cannot).

    Examples
    --------
    >>> keeps_pairs(None), keeps_pairs({"objective": "stable"})
    (True, False)
    """
    program = rm.Program.model_validate(rules or {})
    kept = rm.Require(pairs=[("junior", "senior")])
    return program.model_copy(update={"constraints": [*program.constraints, kept]}
                              ).conflict() is None


def problem_line(problem: object) -> str:
    """Say one problem of a 422 on a page: its field, then what is wrong.

    Examples
    --------
    >>> problem_line({"field": "objective", "reason": "Input should be 'stable'"})
    "objective: Input should be 'stable'"
    >>> problem_line({"field": "objective", "reason": "objective 'stable' takes ..."})
    "objective 'stable' takes ..."
    """
    if not isinstance(problem, dict):
        return str(problem)
    field, reason = str(problem.get("field") or ""), str(problem.get("reason", ""))
    return reason if not field or reason.startswith(field) else f"{field}: {reason}"


def sentence(text: str) -> str:
    """Begin a phrase of the library's with a capital letter, the rest as it is.

    Examples
    --------
    >>> sentence("stable, the best for the juniors (deferred acceptance)")
    'Stable, the best for the juniors (deferred acceptance)'
    """
    return text[:1].upper() + text[1:]


SETTING_WORDS = (
    ("(unranked='unacceptable'; no_wishes='accept_all' lets those who wished for nobody take "
     "anyone)", "(the rules page can let a person who wished for nobody take anyone)"),
    (" (unranked='unacceptable')", ""),  # the sentence has just said it in words
)


def plain(text: str) -> str:
    """Say a reason with the rules' names in words, for the pages.

    Examples
    --------
    >>> plain("no feasible senior: SharedLanguage(unknown='allow') rules out 3, "
    ...       "SameValue('location') rules out 1")
    'no feasible senior: the shared-language rule rules out 3, the same-location rule rules out 1'
    >>> plain("they did not wish for 's2', and only wished partners are acceptable "
    ...       "(unranked='unacceptable')")
    "they did not wish for 's2', and only wished partners are acceptable"
    """
    text = in_our_words(text)  # no command line here
    # The programme settings the library names in code, as the rules page words them.
    for code, words in SETTING_WORDS:
        text = text.replace(code, words)

    def say(match: re.Match[str]) -> str:
        name, args = match.group(1), match.group(2) or ""
        if name in ("SameValue", "DifferentValue"):
            field = args.split(",")[0].strip().strip("'\"") or "value"
            return f"the {'same' if name == 'SameValue' else 'different'}-{field} rule"
        return RULE_WORDS[name]

    return _RULE.sub(say, text)


MIN_GROUP = 5  # groups smaller than this are withheld, as the library's reports do


def dashboard(result: dict[str, Any] | None, people: dict[str, dict[str, Any]], *,
              fields: list[str] | None = None,
              ratings: dict[tuple[str, str], float] | None = None) -> dict[str, Any]:
    """Compute the dashboard's figures: headline numbers, parts of the score, groups.

    ``fields`` are the groupings to show (default: department and location;
    the caller adds the attributes the programme allows); ``ratings`` each
    pair's mean check-in rating. A group with fewer than five people, or
    fewer than five pairs, is withheld, and with it the next smallest when it
    would be the only one (:func:`rmatch.withheld_groups`): no one's figures
    can be singled out or derived from the totals.

    Examples
    --------
    >>> people = {"j": {"role": "junior"}, "s": {"role": "senior"}}
    >>> pairs = [{"junior_id": "j", "senior_id": "s", "score": 0.5, "components": {}}]
    >>> dashboard({"pairs": pairs}, people)["partnered"]
    2
    """
    if result is None:
        return {}
    pairs = result["pairs"]
    ratings = ratings or {}
    juniors = [k for k, p in people.items() if p.get("role") in ("junior", "both")]
    seniors = [k for k, p in people.items() if p.get("role") in ("senior", "both")]
    partnered = {x for p in pairs for x in (p["junior_id"], p["senior_id"])}
    parts: dict[str, list[float]] = {}
    for p in pairs:
        for c, v in p["components"].items():
            parts.setdefault(c, []).append(v)
    means = {c: sum(v) / len(v) for c, v in parts.items()}
    members = {*juniors, *seniors}
    groups = {name: _groups(name, members, people, pairs, partnered, ratings)
              for name in (fields or ["department", "location"])}
    bins = [0] * 10
    for p in pairs:
        bins[min(int(p["score"] * 10), 9)] += 1
    return {"juniors": len(juniors), "seniors": len(seniors), "pairs": len(pairs),
            "partnered": len(partnered & members),
            "mean": sum(p["score"] for p in pairs) / len(pairs) if pairs else None,
            "parts": sorted(means.items(), key=lambda kv: -kv[1]), "groups": groups,
            "histogram": bins}


def _groups(name: str, members: set[str], people: dict[str, dict[str, Any]],
            pairs: list[dict[str, Any]], partnered: set[str],
            ratings: dict[tuple[str, str], float]) -> dict[str, Any]:
    """One grouping's rows (people, partners, mean score and rating), small groups withheld."""

    def value_of(k: str) -> str:
        person = people.get(k, {})
        value = (person.get(name) if name in ("department", "location")
                 else (person.get("attributes") or {}).get(name))
        return str(value) if value not in (None, "") else "(not given)"

    raw = {k: value_of(k) for k in members}
    named = rm.group_names(raw.values())  # "Sales" and "SALES" one group, as matching has it
    group = {k: named[v] for k, v in raw.items()}
    size: dict[str, int] = {}
    matched: dict[str, int] = {}
    for k, value in group.items():
        size[value] = size.get(value, 0) + 1
        matched[value] = matched.get(value, 0) + (k in partnered)
    # One pass over the pairs: a pair counts once for each group its partners are in.
    n_pairs = dict.fromkeys(size, 0)
    total = dict.fromkeys(size, 0.0)
    rated: dict[str, list[float]] = {}
    for pair in pairs:
        key = (pair["junior_id"], pair["senior_id"])
        for value in {group[x] for x in key if x in group}:
            n_pairs[value] += 1
            total[value] += pair["score"]
            if key in ratings:
                rated.setdefault(value, []).append(ratings[key])
    rows: list[dict[str, Any]] = [
        {"value": v, "people": size[v], "matched": matched[v], "pairs": n_pairs[v],
         "mean": total[v] / n_pairs[v] if n_pairs[v] else None,
         "rating": sum(rated[v]) / len(rated[v]) if rated.get(v) else None} for v in size]
    withheld = rm.withheld_groups(size, {r["value"]: r["people"] < MIN_GROUP
                                         or 0 < r["pairs"] < MIN_GROUP for r in rows})
    shown = sorted((r for r in rows if r["value"] not in withheld),
                   key=lambda r: (-r["people"], r["value"]))
    return {"rows": shown, "withheld": len(withheld)}


def preview_change(people_rows: list[dict[str, Any]], before: dict[str, Any] | None,
                   after: dict[str, Any], limit: int) -> dict[str, Any]:
    """Count what new rules change: pairs, people with another partner, parts of the fit.

    Both matchings are solved here, on the programme's latest people (up to
    ``limit`` junior-senior pairs: the rules page asks while someone moves a
    slider). Parts of the fit (skills, generation, ...) do not depend on the
    weights, so their means compare across weightings; totals do not.
    """
    juniors, seniors, org = build_inputs(people_rows)
    if len(juniors) * len(seniors) > limit:
        return {"too_large": True}
    try:
        with rm.caught_warnings():  # the matching itself reports its data gaps
            old = rm.match(juniors, seniors, program_of(before), org=org)
            new = rm.match(juniors, seniors, program_of(after), org=org)
    except (rm.InputError, rm.InfeasibleError) as err:
        return {"error": said(err)}
    a = {(p.junior_id, p.senior_id) for p in old.pairs}
    b = {(p.junior_id, p.senior_id) for p in new.pairs}

    def means(result: rm.MatchResult) -> dict[str, float]:
        names = {c for p in result.pairs for c in p.components}
        return {c: sum(p.components.get(c, 0.0) for p in result.pairs) / len(result.pairs)
                for c in names} if result.pairs else {}

    was, now = means(old), means(new)
    return {"before": len(a), "after": len(b), "changed": len(b - a),
            "moved": len({x for pair in a ^ b for x in pair}),
            "parts": [(c, was.get(c, 0.0), now[c]) for c in sorted(now)
                      if round(was.get(c, 0.0), 2) != round(now[c], 2)]}


def preview_text(count: dict[str, Any]) -> str:
    """Say in one or two sentences what :func:`preview_change` counted.

    Examples
    --------
    >>> print(preview_text({"before": 60, "after": 60, "changed": 12, "moved": 24,
    ...                     "parts": [("skills", 0.24, 0.31)]}))
    With these choices 12 of 60 pairs change: 24 people get another partner. Skills 0.24 → 0.31.
    """
    if count.get("too_large"):
        return ("The programme is too large to count while you choose: save the rules and "
                "match to see what changes.")
    if "error" in count:
        return f"With these choices there is no matching: {count['error']}"
    if not count["changed"] and count["before"] == count["after"]:
        return "With these choices the pairs stay the same."
    text = (f"With these choices {count['changed']} of {count['after']} pairs change: "
            f"{count['moved']} people get another partner.")
    if count["before"] != count["after"]:
        text += f" {count['after']} pairs instead of {count['before']}."
    parts = "; ".join(f"{c.capitalize()} {a:.2f} → {b:.2f}" for c, a, b in count["parts"])
    return f"{text} {parts}." if parts else text


def ids(text: str) -> list[str]:
    """Split ids typed one per line or separated by commas or semicolons.

    Examples
    --------
    >>> ids("j1, j2; j3")
    ['j1', 'j2', 'j3']
    """
    return [x.strip() for x in re.split(r"[\n,;]", text) if x.strip()]


def is_hint(problem: dict[str, Any]) -> bool:
    """Tell whether a problem row is a hint (a map to start from, an option), not a problem.

    Examples
    --------
    >>> is_hint({"reason": "hint: a level map"}), is_hint({"row": 2, "reason": "bad"})
    (True, False)
    """
    return str(problem.get("reason", "")).startswith("hint: ")


def problem_rows(err: HTTPException) -> list[dict[str, Any]]:
    """Return an error's problems as rows for the page's table (one row when it has none).

    Examples
    --------
    >>> problem_rows(HTTPException(409, "publish first"))
    [{'reason': 'publish first'}]
    """
    detail = err.detail
    if isinstance(detail, dict) and isinstance(detail.get("problems"), list):
        return list(detail["problems"])
    return [{"reason": str(detail)}]


def read_joiners(up: Upload) -> list[rm.Participant]:
    """Read a file of joiners (a roster of the new people, read as any upload)."""
    try:
        return rm.read_participants(named(up.content, up.filename),
                                    format=FORMATS.get(Path(up.filename).suffix.lower()),
                                    check_managers=False)
    except rm.InputError as err:
        raise HTTPException(422, {"problems": problems_of(err)}) from None


def programme_problems(name: str, starts_on: str, ends_on: str, rounds: int) -> list[str]:
    """Check a new programme's form; return what to correct, in words.

    Examples
    --------
    >>> programme_problems("Pilot", "2027-02-01", "2027-01-01", 1)
    ['The programme ends before it starts.']
    """
    problems = []
    if not name.strip() or len(name) > 200:
        problems.append("Give the programme a name (at most 200 characters).")
    for label, text in (("start", starts_on), ("end", ends_on)):
        if text:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                problems.append(f"The {label} date is not a date.")
    if starts_on and ends_on and not problems and ends_on < starts_on:
        problems.append("The programme ends before it starts.")
    if not 1 <= rounds <= 52:
        problems.append("Rounds: from 1 to 52.")
    return problems


def unmatched_groups(result: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Group the unmatched by reason: "every feasible junior is taken" once, with the list."""
    groups: dict[str, list[str]] = {}
    for person, reason in result["unmatched_reasons"].items():
        # The counts in a reason ("(26)") differ per person; the reason itself does not.
        groups.setdefault(re.sub(r" \(\d+\)", "", reason), []).append(person)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))


def change(db: Session, parent: Matching | None, m: Matching) -> dict[str, Any] | None:
    """Say what an override changed: the total score and who has another partner."""
    if parent is None:
        return None
    before = {(p["junior_id"], p["senior_id"]) for p in result_of(db, parent)["pairs"]}
    after = {(p["junior_id"], p["senior_id"]) for p in result_of(db, m)["pairs"]}
    moved = sorted({x for pair in before ^ after for x in pair})
    return {"score": m.objective - parent.objective, "moved": moved,
            "number": parent.number}
