"""What an input may have meant: a misspelt key of a programme, grades of a known scheme."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

__all__ = ["grade_scheme", "near_field", "near_tag", "numbered_grades", "plain_message"]

# Grade schemes whose order is public, most junior first, each grade with the
# ways HR exports write it (compared case- and space-insensitively). Numbered
# grades are never ordered by their number alone: the UK Civil Service's
# Grade 6 is above its Grade 7, the US General Schedule's GS-15 above GS-1.
_SCHEMES: dict[str, list[tuple[str, ...]]] = {
    "the UK Civil Service's": [
        ("AA", "Administrative Assistant"), ("AO", "Administrative Officer"),
        ("EO", "Executive Officer"), ("HEO", "Higher Executive Officer"),
        ("SEO", "Senior Executive Officer"), ("Grade 7", "G7"), ("Grade 6", "G6"),
        ("SCS1", "SCS PB1", "SCS Pay Band 1", "Deputy Director"),
        ("SCS2", "SCS PB2", "SCS Pay Band 2", "Director"),
        ("SCS3", "SCS PB3", "SCS Pay Band 3", "Director General"),
        ("SCS4", "Permanent Secretary")],
    # German public-sector pay groups (TVöD, TV-L): E 1 the lowest, E 15 Ü the highest.
    "the German public sector's (TVöD, TV-L)": [
        *((f"E{k}", f"E {k}", f"EG {k}", f"EG{k}", f"Entgeltgruppe {k}") for k in range(1, 16)),
        ("E15Ü", "E 15 Ü", "EG 15 Ü", "EG15Ü", "Entgeltgruppe 15 Ü")],
    # The US federal General Schedule: GS-1 the lowest, then the Senior Executive Service.
    "the US General Schedule's": [
        *((f"GS-{k}", f"GS{k}", f"GS {k}", f"GS-{k:02d}", f"GS{k:02d}", f"GS {k:02d}")
          for k in range(1, 16)),
        ("SES", "Senior Executive Service")],
}


def near_field(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """Return " (did you mean 'x'?)" for an unknown key at ``loc`` of ``model``, or "".

    ``loc`` is a pydantic error's location: the fields, list positions and
    the ``kind`` tags of unions down to the unknown key, whose own place
    (the constraint or component of that kind, say) gives the names to
    compare with.

    Examples
    --------
    >>> from rmatch.program.program import Program
    >>> near_field(Program, ("objectiv",))
    " (did you mean 'objective'?)"
    >>> near_field(Program, ("constraints", 0, "even_load", "sid"))
    " (did you mean 'side'?)"
    >>> near_field(Program, ("zzz",))
    ''
    """
    here: Any = model
    for step in loc[:-1]:
        here = _inner(here, step)
        if here is None:
            return ""
    if not (isinstance(here, type) and issubclass(here, BaseModel)):
        return ""
    near = difflib.get_close_matches(str(loc[-1]), list(here.model_fields), n=1, cutoff=0.7)
    return f" (did you mean {near[0]!r}?)" if near else ""


def near_tag(error: Mapping[str, Any]) -> str:
    """Return " (did you mean 'x'?)" for a misspelt ``kind`` tag in a pydantic error, or "".

    Examples
    --------
    >>> near_tag({"type": "union_tag_invalid", "ctx": {"tag": "shared_langauge",
    ...           "expected_tags": "'forbid', 'shared_language'"}})
    " (did you mean 'shared_language'?)"
    >>> near_tag({"type": "missing"})
    ''
    """
    ctx = error.get("ctx") or {}
    if error.get("type") != "union_tag_invalid" or "tag" not in ctx:
        return ""
    expected = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
    near = difflib.get_close_matches(str(ctx["tag"]), expected, n=1, cutoff=0.7)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _inner(kind: Any, step: int | str) -> Any:
    """Return the type one step of a validation error's location leads to from ``kind``."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        field = kind.model_fields.get(str(step))
        return None if field is None else field.annotation
    args = [a for a in get_args(kind) if a is not type(None)]
    if get_origin(kind) is list and isinstance(step, int):
        return args[0] if args else None
    if get_origin(kind) is Annotated:  # a union picked by its "kind" tag
        return _inner(args[0], step)
    if args:  # a union: the member whose "kind" is the step, or the one model
        tagged = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)
                  and "kind" in a.model_fields and a.model_fields["kind"].default == step]
        if tagged:
            return tagged[0]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return _inner(models[0], step) if len(models) == 1 else None
    return None


def grade_scheme(grades: Sequence[str]) -> tuple[str, dict[str, int]] | None:
    """Return a known scheme's name and a level for each grade, when every grade is in one.

    Levels count from 1 for the scheme's most junior grade; the grades come
    in the scheme's order. A proposal to check, never applied: an
    organisation may rank its grades otherwise.

    Examples
    --------
    >>> grade_scheme(["Grade 6", "heo", "SCS 1"])
    ("the UK Civil Service's", {'heo': 4, 'Grade 6': 7, 'SCS 1': 8})
    >>> grade_scheme(["Grade 6", "Band B"]) is None
    True
    >>> grade_scheme(["E12", "E4", "EG 9"])
    ("the German public sector's (TVöD, TV-L)", {'E4': 4, 'EG 9': 9, 'E12': 12})
    """
    def key(text: str) -> str:
        return "".join(text.casefold().split())

    for name, scheme in _SCHEMES.items():
        level = {key(alias): k for k, aliases in enumerate(scheme, start=1) for alias in aliases}
        if grades and all(key(g) in level for g in grades):
            return name, {g: level[key(g)] for g in sorted(grades, key=lambda g: level[key(g)])}
    return None


# "L3", "Band 5", "E-7", and the same with the title after it ("L3 - Senior Associate",
# "Band 5 (Manager)", as HR systems write a grade with its name).
_NUMBERED = re.compile(r"^\s*(\D*?)[\s._-]*(\d{1,3})\s*(?:$|[-\u2013\u2014:(/|]\s*\D.*$)")


def numbered_grades(grades: Sequence[str]) -> dict[str, int] | None:
    """Return each numbered grade's own number where most grades are one word and a number.

    A proposal to check, in the numbers' order: "L10" after "L9", where a
    sort by letters put it after "L1". A grade without a number beside them
    ("Director" among "L1".."L9") is left out, for the user to place: the
    caller names it. None when fewer than two grades, or fewer than half,
    are numbered, or the numbered ones share no prefix.

    Examples
    --------
    >>> numbered_grades(["L2", "L10", "L1"])
    {'L1': 1, 'L2': 2, 'L10': 10}
    >>> numbered_grades(["Band 3", "band 5"]), numbered_grades(["L2", "M3"])
    ({'Band 3': 3, 'band 5': 5}, None)
    >>> numbered_grades(["L1", "L8", "Director"]), numbered_grades(["L1", "VP", "Director"])
    ({'L1': 1, 'L8': 8}, None)
    >>> numbered_grades(["L1 - Analyst", "L5 - Director", "L6 (VP)"])
    {'L1 - Analyst': 1, 'L5 - Director': 5, 'L6 (VP)': 6}
    """
    found = [m for g in grades if (m := _NUMBERED.match(g)) is not None]
    if (len(found) < 2 or 2 * len(found) < len(grades)
            or len({m.group(1).casefold() for m in found}) != 1):
        return None
    return {m.string: int(m.group(2)) for m in sorted(found, key=lambda m: int(m.group(2)))}


_BOUNDS = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than"),
           "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}


def plain_message(error: Mapping[str, Any]) -> str:
    """Say one of pydantic's errors in words: a number out of bounds with its bound.

    Examples
    --------
    >>> plain_message({"type": "greater_than_equal", "msg": "Input should be greater than or "
    ...                "equal to 0", "input": -1, "ctx": {"ge": 0}})
    'out of range: it must be at least 0'
    >>> plain_message({"type": "value_error", "msg": "Value error, not a zone", "input": "x"})
    'not a zone'
    """
    bound = _BOUNDS.get(str(error.get("type")))
    ctx = error.get("ctx") or {}
    if bound is not None and bound[0] in ctx:
        # Not the value: a year of birth is personal data, and errors reach logs.
        return f"out of range: it must be {bound[1]} {ctx[bound[0]]}"
    return str(error["msg"]).removeprefix("Value error, ")
