"""A column map's suggestions settled by the file's cells (:func:`rmatch.io.columns.suggest`).

A header says what a column usually holds; its cells can say otherwise: an
"ID" counting 1, 2, 3 is a form's response number, a manager column of the
file's own names is ``manager_name``, a form's loosely worded question is
the role, the availability or the capacity when every answer is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from rmatch.io import values
from rmatch.io.answers import NUMBER_WORDS, PAST, YES_NO, suggest_value_maps
from rmatch.io.guessing import _FIELD_KEYS, _SUGGEST, MOST_COMPARED, guesses
from rmatch.io.headers import header_key, name_part, one_whole_name
from rmatch.model.availability import GRID_COLUMN, normalise_slots

__all__ = ["CLAIM_FROM", "settle_by_cells"]


def _cells(rows: Sequence[Mapping[str, Any]], header: str) -> list[str]:
    return [str(r[header]).strip() for r in rows
            if r.get(header) is not None and str(r[header]).strip()]


def settle_by_cells(wanted: dict[str, str | None], rows: Sequence[Mapping[str, Any]],
                     hidden: Collection[str]) -> None:
    """Correct a suggestion in place where the cells say otherwise.

    See :func:`rmatch.io.columns.suggest`, which calls it with the file's rows.

    Examples
    --------
    >>> wanted = {"ID": "id", "Email": "email"}
    >>> settle_by_cells(wanted, [{"ID": "1", "Email": "a@x"}, {"ID": "2", "Email": "b@x"}], ())
    >>> wanted
    {'ID': None, 'Email': 'id'}
    """
    ids = [h for h, t in wanted.items() if t == "id"]
    if ids:
        cells = _cells(rows, ids[0])
        # ... unless a manager column names people by it: then it is who they are.
        bosses = {c.removesuffix(".0") for h, t in wanted.items() if t == "manager_id"
                  for c in _cells(rows, h)}
        mails = [h for h, t in wanted.items() if t == "email"]
        # Only where an e-mail can be the id instead: else the numbers are the
        # only key the file has ("Emp No" 1 to 6 of a small team was left out,
        # and every row refused for having no id).
        if mails and values.counts_responses(cells) \
                and not bosses & {c.removesuffix(".0") for c in cells}:
            wanted[ids[0]] = None  # 1, 2, 3: a response number
            wanted[mails[0]] = "id"
    for header in [h for h, t in wanted.items() if t == "manager_id"]:
        cells = _cells(rows, header)
        if cells and all(values.fold(c) in YES_NO for c in cells):
            wanted[header] = None  # "Is a people manager?" answered yes or no: nobody's id
    names = _names(wanted, rows)
    managers = [h for h, t in wanted.items() if t == "manager_id"]
    for header in managers:
        cells = _cells(rows, header)
        if cells and sum(c.casefold() in names for c in cells) >= len(cells) / 2:
            wanted[header] = "manager_name"
    if any(t == "manager_name" for t in wanted.values()):
        for header in managers:  # another manager column holding ids is manager_id
            if wanted[header] == "manager_id":
                continue
            others = [h for h, t in wanted.items() if t is None and "manager" in h.casefold()
                      and "id" in header_key(h)]
            for other in others[:1]:
                wanted[other] = "manager_id"
    # A form's question ("Which best describes you?", "When are you free?")
    # guesses the field only loosely; its answers can settle it.
    _claim(wanted, rows, "role", _names_sides)
    _claim(wanted, rows, "availability", _are_slots)
    _claim(wanted, rows, "capacity", _are_counts)
    left = [h for h, t in list(wanted.items())[:MOST_COMPARED] if t is None and h not in hidden]
    # Answers that name the sides in mentoring's own words ("Reverse Mentor",
    # "Reverse Mentee") say the role whatever the header ("Participation"): no
    # other column's every answer says mentor or mentee. Else "Would you like
    # to be a reverse mentor?" answered yes or no: the side, though which one
    # "yes" means only the question says (a value map). A question about the
    # past ("Have you had a mentor before?") says no side.
    for header in left if "role" not in wanted.values() else []:
        cells = _cells(rows, header)
        if cells and all(_MENTORING.search(c.casefold()) for c in set(cells)) \
                and _names_sides(cells):
            wanted[header] = "role"
            break
    for header in left if "role" not in wanted.values() else []:
        cells = _cells(rows, header)
        asked = header.casefold()
        # "Both mentor and mentee?" answered yes or no says no side: "no" is the
        # side of the person's own file or form, which the answer does not name.
        if _MENTORING.search(asked) and not PAST.search(asked) and not _BOTH.search(asked) \
                and cells and all(values.fold(c) in YES_NO for c in cells):
            wanted[header] = "role"
            break


def _names(wanted: Mapping[str, str | None], rows: Sequence[Mapping[str, Any]]) -> set[str]:
    """Return the people's names as a manager column may write them (folded by case).

    Each name column's cells, and each row's name columns joined in reading
    order ("First Name" + "Last Name": a manager "Helena Marques").
    """
    columns = sorted((h for h, t in one_whole_name(dict(wanted)).items() if t == "name"),
                     key=lambda h: 1 if (part := name_part(h)) is None else part)
    out = {c.casefold() for h in columns for c in _cells(rows, h)}
    if len(columns) > 1:
        out |= {" ".join(str(r[h]).strip() for h in columns if r.get(h) is not None
                         and str(r[h]).strip()).casefold() for r in rows}
    return out


_BOTH = re.compile(r"\bboth\b|mentor.*mentee|mentee.*mentor|beide|les deux|ambos|entrambi")
_SIDE_OPTIONS = 12
"""The most distinct answers a role column has (junior, senior, both, in a form's words)."""
_SIDE_OPTION_LENGTH = 120
"""The longest answer a role column has ("Reverse mentor (I'm early in my career)")."""
_MENTORING = re.compile(r"mentor|mentee|mentorat|mentoria|mentoría|mentorad|tutor")


CLAIM_FROM = 80.0
"""A column left out or only guessed (not a field's name or a known header) whose
header guesses a field at least this well (one of its three best) gets that field
when every answer in its first rows fits it."""


def _claim(wanted: dict[str, str | None], rows: Sequence[Mapping[str, Any]], target: str,
           fits: Callable[[list[str]], bool]) -> None:
    if target in wanted.values():
        return
    for header in list(wanted)[:MOST_COMPARED]:
        key = header_key(header)
        if key not in _SUGGEST and key not in _FIELD_KEYS \
                and any(t == target and s >= CLAIM_FROM for t, s in guesses(header)):
            cells = _cells(rows, header)
            if cells and fits(cells):
                wanted[header] = target
                # A form's grid question ("When are you free? [Monday]", "[Tuesday]"):
                # its other rows' columns are the same field.
                asked = GRID_COLUMN.fullmatch(header)
                question = asked.group(1) if asked else None
                for other in list(wanted) if question else []:
                    row = GRID_COLUMN.fullmatch(other)
                    if row and row.group(1) == question and wanted[other] is None \
                            and fits(_cells(rows, other) or cells):
                        wanted[other] = target
                return


def _names_sides(cells: list[str]) -> bool:
    """Whether every answer says a side, and more than one side is said (a sign-up's role).

    A form's role is one of a few short options, repeated down the column: a
    column of free text (a biography, "My name is mentee 00. I am a HEO ...",
    each row its own) is no role, whatever words it uses.
    """
    distinct = set(cells)
    if len(distinct) > _SIDE_OPTIONS or any(len(c) > _SIDE_OPTION_LENGTH for c in distinct) \
            or (len(cells) > 3 and len(distinct) == len(cells)):
        return False
    said = suggest_value_maps({"role": sorted(distinct)}).get("role", {})

    def side(cell: str) -> str | None:
        plain = " ".join(cell.casefold().split())
        return plain if plain in ("junior", "senior", "both") else said.get(cell)

    sides = {side(c) for c in cells}
    return None not in sides and len(sides) > 1


def _are_counts(cells: list[str]) -> bool:
    """Whether every answer gives a count ("2", "Up to 2", "3+", "1-2"): a "how many"."""
    return all(re.search(r"\d", c) or set(re.findall(r"[a-z]+", c.casefold())) & set(
        NUMBER_WORDS) for c in cells)


def _are_slots(cells: list[str]) -> bool:
    """Whether every answer is a list of weekly slots ("Monday morning, Wed 2-4pm")."""
    try:
        for cell in cells:
            normalise_slots(values.parse_list(cell))
    except ValueError:
        return False
    return True
