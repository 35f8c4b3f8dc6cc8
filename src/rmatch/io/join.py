"""Sign-up forms joined with HR records: the form says who joins, HR says where they sit.

A sign-up form knows what people say about themselves (skills, goals,
languages, availability); the HR export knows the facts the rules need
(manager, level, birth year, department). :func:`enrich` joins the two by id,
compared as e-mail addresses behave (case and surrounding spaces do not
count), and says who has no HR record and where the two disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rmatch.errors import InputError, InputWarning, warn
from rmatch.model.participant import Participant

__all__ = ["HR_FACTS", "SELF_REPORTED", "enrich"]

HR_FACTS = ("manager_id", "level", "birth_year")
"""Fields where the HR record wins over the form (a person may not know, or say, theirs)."""
SELF_REPORTED = ("name", "email", "department", "location", "timezone", "languages",
                 "skills", "goals", "attributes")
"""Fields the form gives when it has them; the HR record fills them where the form is blank."""
_SENSITIVE_SHOWN = ("department", "location", "timezone")  # disagreements worth a word


def _key(pid: str) -> str:
    return pid.strip().casefold()


def enrich(signups: Sequence[Participant], employees: Sequence[Participant]
           ) -> list[Participant]:
    """Fill each sign-up's unknown fields from the employee record with the same id.

    The HR record wins for :data:`HR_FACTS` (manager, level, birth year);
    the form wins for what people say about themselves (skills, goals,
    languages, time zone, ...), and HR fills those only where the form is
    blank. Each joined participant takes the HR record's spelling of the id,
    the one its colleagues' ``manager_id`` use; the form's role, capacity,
    wishes and previous partners stay. One :class:`~rmatch.errors.InputWarning`
    names the sign-ups without an HR record, one the HR facts the form gave
    differently (by field and id, never the values). Build the org chart
    from all employees: ``rm.OrgChart.from_participants(employees)``.

    Parameters
    ----------
    signups
        Participants read from the sign-up form (``role`` set).
    employees
        Everyone in the HR export (ids unique ignoring case).

    Returns
    -------
    list[Participant]
        The sign-ups, in their order, with the HR facts filled in.

    Raises
    ------
    InputError
        Two employees whose ids differ only in case.

    Examples
    --------
    >>> import rmatch as rm
    >>> form = [rm.Participant(id="Ana@Acme.com", role="junior", skills={"genai": 1})]
    >>> hr = [rm.Participant(id="ana@acme.com", level=2, birth_year=1999,
    ...                      manager_id="bo@acme.com"), rm.Participant(id="bo@acme.com", level=7)]
    >>> [p] = rm.enrich(form, hr)
    >>> p.id, p.level, p.manager_id, p.skills
    ('ana@acme.com', 2, 'bo@acme.com', {'genai': 1.0})
    """
    records: dict[str, Participant] = {}
    for e in employees:
        if _key(e.id) in records:
            raise InputError(f"employees {records[_key(e.id)].id!r} and {e.id!r}: the HR data "
                             "gives one id twice (compared ignoring case)")
        records[_key(e.id)] = e
    out: list[Participant] = []
    missing: list[str] = []
    clashes: dict[str, list[str]] = {}
    for person in signups:
        record = records.get(_key(person.id))
        if record is None:
            missing.append(person.id)
            out.append(person)
            continue
        given = person.model_fields_set
        data: dict[str, Any] = person.model_dump()
        data["id"] = record.id
        for field in HR_FACTS:
            hr, form = getattr(record, field), getattr(person, field)
            if hr is not None:
                if field in given and form is not None and form != hr:
                    clashes.setdefault(field, []).append(person.id)
                data[field] = hr
        for field in SELF_REPORTED:
            form = getattr(person, field)
            hr = getattr(record, field)
            if field not in given or form in (None, frozenset(), {}):
                data[field] = hr
                if field == "languages":  # the levels come with the languages
                    data["language_levels"] = record.language_levels
            elif field in _SENSITIVE_SHOWN and hr is not None and form != hr:
                clashes.setdefault(field, []).append(person.id)
        out.append(Participant.model_validate(data))
    if missing:
        warn(f"{len(missing)} sign-up(s) have no HR record (kept with what the form "
             f"says; no manager known): {', '.join(repr(m) for m in missing[:8])}"
             f"{' and more' if len(missing) > 8 else ''}", InputWarning, stacklevel=2)
    if clashes:
        said = "; ".join(f"{field}: {', '.join(repr(i) for i in ids[:5])}"
                         f"{' and more' if len(ids) > 5 else ''}"
                         for field, ids in clashes.items())
        warn(f"the form and the HR record disagree (the HR record wins for manager, "
             f"level and birth year, the form for the rest): {said}", InputWarning,
             stacklevel=2)
    return out
