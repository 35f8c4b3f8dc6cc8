"""Gaps in the data that change what a programme's scores and rules can do.

A sign-up form without birth years, an export without grades, a roster
without managers: rmatch still pairs everyone, but a component then scores
nothing and a rule protects nobody. :func:`data_gaps` says so in one line per
gap before a match (``rm.match`` warns with these lines, ``rmatch validate``
prints them), so that nobody trusts a protection the data cannot give.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import numpy as np

from rmatch.constraints.base import field_key
from rmatch.constraints.fields import AgeGap, FieldRule, LevelGap
from rmatch.constraints.pairwise import (
    MaxTimezoneGap,
    NoReportingLine,
    SeniorityDirection,
    SharedLanguage,
    SharedTime,
)
from rmatch.model.arrays import group_names
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import Participant, fold
from rmatch.model.text import unaccented
from rmatch.model.timezones import resolve_zone
from rmatch.program.program import Program

__all__ = ["data_gaps", "generation_unknown", "short_forms", "swapped_sides", "unknown_wishes"]


def generation_unknown(juniors: Sequence[Participant], seniors: Sequence[Participant]) -> bool:
    """Tell whether no pair has both birth years or both levels: ``generation`` is 0 for all.

    The weights are left as the programme gives them (a total must not
    depend on which people are scored together: ``rm.recommend`` scores one
    person against a side); :func:`data_gaps` says that every total is then
    lower by generation's share and how to leave it out.

    Examples
    --------
    >>> generation_unknown([Participant(id="j")], [Participant(id="s", birth_year=1970)])
    True
    >>> generation_unknown([Participant(id="j", level=1)], [Participant(id="s", level=5)])
    False
    """
    def some(people: Sequence[Participant], field: str) -> bool:
        return any(getattr(p, field) is not None for p in people)

    return not any(some(juniors, f) and some(seniors, f) for f in ("birth_year", "level"))


def _skills_unknown(juniors: Sequence[Participant], seniors: Sequence[Participant],
                    mutual: float) -> bool:
    """Whether no senior's goal is a junior's skill (nor, when that counts, the other way).

    Then ``skills`` is 0 for every pair: a form with a skills column for
    both sides and no goals column scores none of them.
    """
    def keys(people: Sequence[Participant], field: str) -> set[str]:
        return {k for p in people for k, v in getattr(p, field).items() if v > 0}

    if keys(juniors, "skills") & keys(seniors, "goals"):
        return False
    return not (mutual > 0 and keys(seniors, "skills") & keys(juniors, "goals"))


def unknown_wishes(juniors: Sequence[Participant], seniors: Sequence[Participant]
                   ) -> list[tuple[str, str, str]]:
    """Return ``(person, field, id)`` for each wish or veto naming nobody on the other side.

    A form's wishes and vetoes (``avoid``) name people by id; one typed in
    another case, or naming someone who did not enrol, counts for nothing:
    the wish scores no pair and the veto protects nobody. Not an error (a
    wished-for mentor may have left), but worth a look. A person on both
    sides may name anyone of either.

    Examples
    --------
    >>> unknown_wishes([Participant(id="j", wishes=["S1", "s2"], avoid={"x"})],
    ...                [Participant(id="s1")])
    [('j', 'wishes', 'S1'), ('j', 'wishes', 's2'), ('j', 'avoid', 'x')]
    """
    named = [p for p in [*juniors, *seniors] if p.wishes or p.avoid]
    if not named:  # most programmes: nobody names anyone
        return []
    junior_ids, senior_ids = {p.id for p in juniors}, {p.id for p in seniors}
    out, seen = [], set()
    for p in named:
        if p.id in seen:  # a person on both sides: once
            continue
        seen.add(p.id)
        # The other side of each of the person's roles (no set made per person:
        # at 100,000 a side a union a person took minutes).
        sides = [s for s, mine in ((senior_ids, junior_ids), (junior_ids, senior_ids))
                 if p.id in mine]

        def unknown(other: str, sides: list[set[str]] = sides) -> bool:
            return not any(other in s for s in sides)

        out += [(p.id, "wishes", other) for other in p.wishes if unknown(other)]
        out += [(p.id, "avoid", other) for other in sorted(p.avoid) if unknown(other)]
    return out


def swapped_sides(juniors: Sequence[Participant], seniors: Sequence[Participant]
                  ) -> str | None:
    """Say how the junior side is the more senior one, when it is: ``"(median ... against ...)"``.

    A form's "Mentor" is a junior in reverse mentoring, and the value map
    ``rmatch columns`` proposes reads it so; a classic programme's file (the
    seniors mentor) read with that map has its sides swapped, and the rules
    that compare levels then rule out most pairs. Levels decide where both
    sides give them, birth years otherwise: by the medians with three or more
    a side, with two when every junior is above every senior. ``rmatch
    columns`` turns its proposed role words round when this says so.

    Examples
    --------
    >>> old = [Participant(id=f"j{i}", birth_year=1960 + i) for i in range(3)]
    >>> swapped_sides(old, [Participant(id=f"s{i}", birth_year=1995 + i) for i in range(3)])
    '(median year of birth 1961 against 1996)'
    """
    for field, word, seniors_higher in (("level", "level", True),
                                        ("birth_year", "year of birth", False)):
        mine = [v for p in juniors if (v := getattr(p, field)) is not None]
        theirs = [v for p in seniors if (v := getattr(p, field)) is not None]
        if len(mine) < 2 or len(theirs) < 2:
            continue
        a, b = float(np.median(mine)), float(np.median(theirs))
        # Three a side or more: the medians; two: every junior above every senior.
        apart = (min(mine) > max(theirs)) if seniors_higher else (max(mine) < min(theirs))
        if ((len(mine) >= 3 and len(theirs) >= 3) or apart) and (
                (a > b) if seniors_higher else (a < b)):
            return f"(median {word} {a:g} against {b:g})"
        return None
    return None


def _swapped(juniors: Sequence[Participant], seniors: Sequence[Participant]) -> str | None:
    """Return the data-gap line of :func:`swapped_sides`, or None."""
    medians = swapped_sides(juniors, seniors)
    return None if medians is None else (
        f"the juniors are more senior than the seniors {medians}: are the sides swapped? In "
        "reverse mentoring the junior side mentors (a form's 'Mentor' is a junior): check the "
        "role column and its value map")


GROUPS_LOOKED_AT = 2_000
"""A field with more distinct values than this is no grouping (an employee number kept as
an attribute): its values are not compared for short forms."""


# A short form written with dots or an ampersand: "H.R.", "R&D", "M&A".
_DOTTED = re.compile(r"[^\W\d_]+(?:[.&/][^\W\d_]+)*")
# Words left out of a name's initials: "R&D" for "Research and Development".
_LINKS = frozenset({"and", "of", "the", "for", "und", "et", "y", "e", "de", "der", "des", "du"})


def _contracts(short: str, word: str) -> bool:
    """Tell whether ``short`` contracts ``word`` as HR systems do ("mktg", "ops", "mgmt").

    Its first and last letters are the word's, the others consonants in the
    word's order, and the word is at least three letters longer (so "sao" is no
    contraction of "santiago", "it" none of "institute"; "dept" is missed).
    """
    if not 3 <= len(short) <= 5 or len(word) < len(short) + 3 \
            or short[0] != word[0] or short[-1] != word[-1] \
            or any(letter in "aeiouy" for letter in short[1:-1]):
        return False
    rest = iter(word[1:-1])
    return all(letter in rest for letter in short[1:-1])


# Departments as exports in six languages name them (folded, without accents), and their
# usual short forms: one group written in two languages ("RH" beside "HR") when systems
# of two countries are merged. Only names no other department takes.
_DEPARTMENTS = {
    "human resources": ("hr", "rh", "recursos humanos", "ressources humaines", "risorse umane",
                        "personalabteilung", "personalwesen", "personeelszaken"),
    "finance": ("finanzas", "finances", "finanzen", "financas", "finanza", "financien"),
    "sales": ("ventas", "ventes", "vertrieb", "verkauf", "vendas", "vendite", "verkoop"),
    "it": ("ti", "informatica", "informatique", "edv", "tecnologia da informacao",
           "tecnologias de la informacion"),
    "legal": ("juridico", "juridique", "rechtsabteilung", "legale", "juridisch",
              "juridica", "affaires juridiques"),
    "procurement": ("purchasing", "compras", "achats", "einkauf", "acquisti", "inkoop"),
    "communications": ("comunicacion", "communication", "kommunikation", "comunicacao",
                       "comunicazione", "communicatie"),
    "research": ("investigacion", "recherche", "forschung", "pesquisa", "ricerca",
                 "onderzoek"),
    "customer service": ("atencion al cliente", "service client", "kundenservice",
                         "atendimento ao cliente", "servizio clienti", "klantenservice"),
}
_ENGLISH_SHORT = {"human resources": "hr"}
"""The English short form a department's English name has among its spellings."""
_SAME_DEPARTMENT = {word: english for english, words in _DEPARTMENTS.items()
                    for word in (english, *words)}


def _translations(values: Sequence[str]) -> dict[str, str]:
    """Map each department named in another language to a value naming it too.

    That other is its English name where one is written ("Human Resources",
    "HR"), else the first written.
    """
    by_name: dict[str, list[str]] = {}
    for value in values:
        name = _SAME_DEPARTMENT.get(" ".join(re.findall(r"[^\W\d_]+",
                                                        unaccented(fold(value)))))
        if name is not None:
            by_name.setdefault(name, []).append(value)
    out: dict[str, str] = {}
    for name, written in by_name.items():
        english = [v for v in written if fold(v) in (name, _ENGLISH_SHORT.get(name))]
        kept = (english or written)[0]
        # English spellings among themselves ("HR", "Human Resources") are short forms'.
        out |= {v: kept for v in written if v != kept and v not in english}
    return out


def short_forms(values: Sequence[str]) -> dict[str, str]:
    """Return each value that looks like the short form of another, and that other.

    Two systems merged into one export write one group two ways: "F" and
    "Female", "HR" and "Human Resources", "Eng" and "Engineering". A short
    form is up to five letters: the start of a one-word value ("F", "Eng"),
    a contraction of it ("Mktg", "Ops", "Mgmt": its first and last letters
    and others in order), or the initials of a value of several words ("HR",
    "NB" for "Non-binary", "R&D" for "Research and Development", without
    "and", "of" and the like). Values are compared without case or dots; a
    short form that fits several values is left out (the user knows which).
    A department named in two languages is one group too ("RH" and "HR",
    "Ventas" and "Sales", "Recursos Humanos" and "Human Resources"), mapped
    to its English name where the values write one.

    Examples
    --------
    >>> short_forms(["F", "Female", "M", "Male", "HR", "Human Resources", "IT", "Sales"])
    {'F': 'Female', 'M': 'Male', 'HR': 'Human Resources'}
    >>> short_forms(["M", "Male", "Marketing"])
    {}
    >>> short_forms(["Mktg", "Marketing", "Ops", "Operations", "R&D", "Research and Development"])
    {'Mktg': 'Marketing', 'Ops': 'Operations', 'R&D': 'Research and Development'}
    >>> short_forms(["HR", "RH", "Ventas", "Sales", "Vertrieb", "Finanzas", "Legal", "Jurídico"])
    {'RH': 'HR', 'Ventas': 'Sales', 'Vertrieb': 'Sales', 'Jurídico': 'Legal'}
    """
    longs: dict[str, list[str]] = {}
    ends: dict[tuple[str, str], list[tuple[str, str]]] = {}  # a word's first and last letters
    for value in values:
        words = re.findall(r"[^\W\d_]+", fold(value))
        if len(words) == 1 and len(words[0]) > 2:
            for k in range(1, min(4, len(words[0]) - 2) + 1):
                longs.setdefault(words[0][:k], []).append(value)
            ends.setdefault((words[0][0], words[0][-1]), []).append((words[0], value))
        elif len(words) > 1:
            initials = {"".join(w[0] for w in words),
                        "".join(w[0] for w in words if w not in _LINKS)}
            for letters in initials:
                if len(letters) < 2:  # "E Commerce" without its "e" is no "C"
                    continue
                longs.setdefault(letters, []).append(value)
    out = {}
    for value in values:
        folded = fold(value).rstrip(".")
        short = re.sub(r"[.&/]", "", folded) if _DOTTED.fullmatch(folded) else folded
        if not short.isalpha() or len(short) > 5:
            continue
        found = {v for v in longs.get(short, ()) if v != value} if len(short) <= 4 else set()
        found |= {v for word, v in ends.get((short[0], short[-1]), ())
                  if v != value and _contracts(short, word)}
        if len(found) == 1:
            out[value] = found.pop()
    # A short form of a name in another language ("RH", "Recursos Humanos") goes on to
    # the name the values write in English, where they write one.
    named = _translations(values)
    merged = {value: named.get(long, long) for value, long in out.items()}
    return {value: other for value, other in (named | merged).items() if value != other}


def _written_twice(people: Sequence[Participant], program: Program) -> list[str]:
    """Say where a field the programme groups by writes one group two ways ("F", "Female")."""
    # Distinct values only, in comprehensions: a loop per person took 0.8 s at 100,000 a side.
    pairs_given = {(k, v) for p in people if p.attributes for k, v in p.attributes.items()}
    distinct: dict[str, set[str]] = {
        "department": {p.department for p in people if p.department is not None},
        "location": {p.location for p in people if p.location is not None}}
    for key, value in pairs_given:
        distinct.setdefault(fold(key), set()).add(value)
    keys = sorted(k for k in distinct if k not in ("department", "location"))
    used = {fold(field_key(f)) for rule in program.constraints for f in rule.fields().values()}
    if program.weights.diversity > 0:
        used |= ({"department", "location", *keys} if program.scoring.diversity_fields is None
                 else {fold(field_key(f))
                       for f, w in program.scoring.diversity_fields.items() if w > 0})
    out = []
    for field in [f for f in ("department", "location", *keys) if f in used]:
        named = sorted(set(group_names(distinct[field]).values()))
        if len(named) > GROUPS_LOOKED_AT or not (pairs := short_forms(named)):
            continue
        what = ("department" if field == "department" else "location"
                if field == "location" else f"attribute {field!r}")
        target = field if field in ("department", "location") else f"attributes.{field}"
        if program.is_sensitive(field):  # its values are never said: counts only
            out.append(f"the sensitive {what} has {len(pairs)} value(s) that look like the "
                       "short form of another: each spelling is a group of its own, so "
                       "pairs within one count as mixed and the rules count them apart; map "
                       f"each to one spelling with a value map of {target!r} (CLI: --values "
                       "FILE.json)")
            continue
        shown = ", ".join(f"{a!r} and {b!r}" for a, b in list(pairs.items())[:5])
        out.append(f"{what} {shown}{' (and more)' if len(pairs) > 5 else ''} look like one "
                   "group written two ways: as two groups, pairs within one count as mixed "
                   "and the rules count them apart; if they are one, read the file with "
                   "values= (CLI: --values FILE.json) set to "
                   f"{json.dumps({target: pairs}, ensure_ascii=False)}")
    return out


def _missing(people: Sequence[Participant], field: str) -> int:
    return sum(getattr(p, field) is None for p in people)


def _offices_as_zones(people: Sequence[Participant]) -> str | None:
    """Say how to read offices as time zones, when some offices given name one ("Lisbon")."""
    zoned: dict[str, bool] = {}
    for office in {p.location for p in people if p.location}:
        try:
            resolve_zone(office)
        except ValueError:
            zoned[office] = False  # "Remote", "Home": the copy's reading names those rows
        else:
            zoned[office] = True
    counted = sum(zoned.get(p.location or "", False) for p in people)
    if not counted:
        return None
    return (f"{counted} of them {'gives' if counted == 1 else 'give'} an office that names a "
            "time zone: the office column read as the time zone too gives it (a column map "
            "such as {'Office': ['location', 'timezone']}; on the columns screen, 'location and "
            "timezone')")


_ONE_ZONE = ("a file without a time-zone column takes one for everyone with "
             "defaults={'timezone': ...} (CLI: --default timezone=...)")


def _of(n: int, total: int, verb: str) -> str:
    """Say "n of total participants have", the verb agreeing ("1 of 6 participants has")."""
    if n == 1:
        verb = "has" if verb == "have" else verb + "s"
    return f"{n} of {total} participants {verb}"


def data_gaps(juniors: Sequence[Participant], seniors: Sequence[Participant],
              program: Program | None = None, *, org: OrgChart | None = None) -> list[str]:
    """Return one line per gap in the data that changes the result, for a person to read.

    Checked: the sides themselves (juniors more senior than the seniors by
    their median level, or year of birth: role words read the other way
    round), birth years and levels (the ``generation`` component, and the
    rules that compare them), managers while :class:`NoReportingLine`
    applies, languages while :class:`SharedLanguage` applies, availability
    while :class:`SharedTime` applies, time zones while
    :class:`MaxTimezoneGap` applies, the field of a rule told to forbid a
    pair where it is blank (``missing="forbid"``), and a group the programme compares
    written two ways ("F" and "Female", "HR" and "Human Resources": a
    sensitive attribute's values are not said). Counts only, never a
    person's values.

    Parameters
    ----------
    juniors, seniors
        The two sides, as for :func:`rmatch.match`.
    program
        The programme whose weights and rules decide which gaps matter;
        ``Program()`` by default.
    org
        The full org chart, as for :func:`rmatch.match`; otherwise built from
        the participants' ``manager_id``.

    Examples
    --------
    >>> import rmatch as rm
    >>> form = [rm.Participant(id="j1", birth_year=2001), rm.Participant(id="j2", birth_year=1999)]
    >>> rules = rm.Program(constraints=[rm.NoReportingLine()])
    >>> rm.data_gaps(form, [rm.Participant(id="s1", birth_year=1970)], rules)
    ['3 of 3 participants have no known manager: NoReportingLine cannot keep them from \
being paired within their own reporting line']
    """
    program = program or Program()
    # Each person once: someone on both sides is one participant with one blank.
    people = list({p.id: p for p in [*juniors, *seniors]}.values())
    total = len(people)
    if not juniors or not seniors:
        # No pair to score: what a pair's score or rules would miss is moot
        # (an empty side is said by the result, each person unmatched with why).
        return []
    out: list[str] = []
    if (swapped := _swapped(juniors, seniors)) is not None:
        out.append(swapped)
    years, levels = _missing(people, "birth_year"), _missing(people, "level")
    if program.weights.generation > 0:
        if generation_unknown(juniors, seniors):
            out.append("no pair has both birth years or both levels: generation scores 0 for "
                       "every pair, which lowers every total by its weight's share (weights "
                       "generation=0 leaves it out)")
        elif years == total or not (_missing(juniors, "birth_year") < len(juniors)
                                    and _missing(seniors, "birth_year") < len(seniors)):
            out.append("no pair has both birth years: generation compares levels only")
        elif years:
            out.append(f"{_of(years, total, 'have')} no birth year: their pairs' "
                       "generation compares levels only")
    # Said only where someone gives skills or goals: they were meant to count.
    # A roster without any (most HR exports) scores skills 0 for every pair
    # too, which no one reading it would expect otherwise.
    if (program.weights.skills > 0 and any(p.skills or p.goals for p in people)
            and _skills_unknown(juniors, seniors, program.scoring.mutual_share)):
        out.append("no senior's goals name a junior's skill (nor any junior's goals a "
                   "senior's skill): skills scores 0 for every pair, which lowers every "
                   "total by its weight's share (a goals column, such as 'Wants to learn', "
                   "gives it something to compare; weights skills=0 leaves it out)")
    rules = program.constraints
    # A rule told to forbid a pair whose field is blank leaves everyone without
    # it with no partner at all: said, as the time-zone limit is below.
    for rule in rules:
        if isinstance(rule, (FieldRule, LevelGap, AgeGap)):
            blanks = [b for p in people if (b := rule.blank_of(p)) is not None]
            if blanks:
                out.append(f"{_of(len(blanks), total, 'give')} no {blanks[0]}: "
                           f"{rule.label()} leaves them without a partner")
    # SeniorityDirection compares birth years too: where both sides give
    # some, it still rules pairs out (a junior born before the senior), so
    # "allows their pairs" would be untrue of it (a form with the roles
    # swapped then left everyone unmatched "by SeniorityDirection" under a
    # line saying it allowed them).
    by_years = any(p.birth_year is not None for p in juniors) and any(
        p.birth_year is not None for p in seniors)
    compares_levels = [r.label() for r in rules if (isinstance(r, SeniorityDirection)
                                                    and not by_years)
                       or (isinstance(r, LevelGap) and r.missing == "allow")]
    years_only = [r.label() for r in rules if isinstance(r, SeniorityDirection) and by_years]
    if levels:
        what = ("no participant has a level" if levels == total
                else f"{_of(levels, total, 'have')} no level")
        if compares_levels:
            out.append(f"{what}: {', '.join(compares_levels)} cannot compare their levels and "
                       "allows their pairs")
        if years_only:
            out.append(f"{what}: {', '.join(years_only)} compares only their birth years "
                       "there (a junior born before the senior is ruled out)")
    lines = [r for r in rules if isinstance(r, NoReportingLine)]
    if lines:
        # The chart's own mapping (each employee's manager, None at the top):
        # its methods check each id, which cost about a second at 100,000 a side.
        loose = (sum(org.managers.get(p.id) is None for p in people) if org is not None
                 else sum(p.manager_id is None for p in people))
        # One person at the top of the chart has no manager by right.
        if loose > 1:
            out.append(f"{_of(loose, total, 'have')} no known manager: "
                       f"{lines[0].label()} cannot keep them from being paired within their "
                       "own reporting line")
    timed = [r for r in rules if isinstance(r, SharedTime)]
    untimed = sum(not p.availability or p.timezone is None for p in people) if timed else 0
    if untimed:
        effect = ("pairs them with anyone" if timed[0].missing == "allow"
                  else "leaves them without a partner")
        # Slots but no zone: an office column that names cities reads as the zone
        # too; else a one-office file with no time-zone column, fixed by a default.
        zoneless = [p for p in people if p.availability and p.timezone is None]
        fix = (f" ({len(zoneless)} {'gives' if len(zoneless) == 1 else 'give'} slots but no "
               f"time zone: {_offices_as_zones(zoneless) or _ONE_ZONE})" if zoneless else "")
        out.append(f"{_of(untimed, total, 'give')} no availability or no time zone: "
                   f"{timed[0].label()} {effect}{fix}")
    # A time-zone limit on people without one: by default no pair of theirs is
    # allowed, and each was said unmatched as "MaxTimezoneGap rules out 2" alone.
    gaps = [r for r in rules if isinstance(r, MaxTimezoneGap)]
    unzoned = [p for p in people if p.timezone is None] if gaps else []
    if unzoned:
        effect = ("pairs them with anyone" if gaps[0].missing == "allow"
                  else "leaves them without a partner")
        out.append(f"{_of(len(unzoned), total, 'give')} no time zone: "
                   f"{gaps[0].label()} {effect} ({_offices_as_zones(unzoned) or _ONE_ZONE})")
    dangling = unknown_wishes(juniors, seniors)
    if dangling:
        wishes = sum(field == "wishes" for _, field, _ in dangling)
        parts = [f"{n} {word}{'es' if n > 1 else ''}" for n, word in
                 ((wishes, "wish"), (len(dangling) - wishes, "veto")) if n]
        who = len({pid for pid, _, _ in dangling})
        verb = "names" if len(dangling) == 1 else "name"
        # Two lists read apart (one file a side): a mentee's choice written as a name.
        names = {fold(p.name) for p in (*juniors, *seniors) if p.name}
        as_names = sum(fold(other) in names for _, _, other in dangling) if names else 0
        hint = (f"; {as_names} of them {'is' if as_names == 1 else 'are'} the name of someone "
                "in the programme: rm.merge_sides reads such names as ids when it joins one "
                "sheet per side" if as_names else "")
        out.append(f"{' and '.join(parts)} of {who} participant{'s' if who > 1 else ''} {verb} "
                   "nobody on the other side of the programme: they count for nothing "
                   f"(rmatch validate names them){hint}")
    out += _written_twice(people, program)
    shared = [r for r in rules if isinstance(r, SharedLanguage)]
    speechless = sum(not p.languages for p in people) if shared else 0
    if speechless:
        effect = ("pairs them with anyone" if shared[0].unknown == "allow"
                  else "leaves them without a partner")
        out.append(f"{_of(speechless, total, 'give')} no language: "
                   f"{shared[0].label()} {effect}")
    return out
