"""Which columns of a pairs file hold the juniors and which the seniors.

The standard headers (``junior_id``, ``senior_id``) say it; without them the
values do: the one column whose every value is a junior's id and the one
whose every value is a senior's (never the header's name: in reverse
mentoring the mentor is the junior, and teams write it both ways); or, when
both columns hold both sides (a survey each side answered: "Your name",
"Your partner"), each row's junior and senior whichever column each is in.
An id typed as ``00124`` that a spreadsheet turned into the number 124 is
read as that id when it can be no one else's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from rmatch.errors import InputError, InputWarning, Problem, warn
from rmatch.io.columns import header_key
from rmatch.io.sheets import Table
from rmatch.io.values import parse_text
from rmatch.model.participant import IdSides, normalise_id

__all__ = ["headers_twice", "nobodys", "pair_columns", "restored_id", "scalar_text"]


def pair_columns(table: Table, sides: IdSides, what: str, *, keep: bool
                 ) -> tuple[Table, tuple[str, str]]:
    """Return the table and its juniors' and seniors' columns: by header, or by their values.

    A survey both sides answered ("Your name", "Your partner") has each side
    in both columns: each row's junior and senior are then read whichever
    column each is in, as two columns added to the table, said in a warning.
    """
    given = {header_key(h): h for h in table.headers}  # "Junior ID" is junior_id
    if "juniorid" in given and "seniorid" in given:
        return table, (given["juniorid"], given["seniorid"])
    if not keep and (turned := _either_way(table, sides)) is not None:
        return turned, ("junior_id", "senior_id")
    return table, _by_values(table, sides, what, keep=keep)


def _either_way(table: Table, sides: IdSides) -> Table | None:
    """Each row's junior and senior from the two columns holding only the programme's people.

    None unless exactly two columns hold nobody else and every row's two
    people are one junior and one senior in a single way (someone on both
    sides paired with another such person could be either: then the columns
    must be named).
    """
    people = sides.juniors.keys() | sides.seniors.keys()
    two = [h for h in table.headers if (ids := _ids_in(table, h)) and set(ids) <= people]
    if len(two) != 2:
        return None
    rows, turned = [], 0
    for row, cells in table.rows:
        a, b = (normalise_id(scalar_text(cells.get(h))) for h in two)
        # A blank partner goes on the side the other person is not on, for the
        # reading to name its row ("the cell is empty").
        forth = (a in sides.juniors or not a) and (b in sides.seniors or not b)
        back = (b in sides.juniors or not b) and (a in sides.seniors or not a)
        if forth == back:
            return None  # a pair of one side, or a pair either way round
        turned += back
        rows.append((row, {**cells, "junior_id": b if back else a,
                           "senior_id": a if back else b}))
    if turned in (0, len(rows)):
        return None  # one column of juniors, one of seniors: read by their values
    warn(f"{table.name}: no junior_id and senior_id columns: read {two[0]!r} and {two[1]!r} "
         "as each row's junior and senior, whichever column each is in (a survey both sides "
         f"answered; {turned} of {len(rows)} rows give the senior first)", InputWarning,
         stacklevel=3)
    headers = [h for h in table.headers if h not in two] + ["junior_id", "senior_id"]
    return dataclasses.replace(table, headers=headers, rows=rows)


def _ids_in(table: Table, header: str) -> list[str]:
    """Return the non-empty cells of a column, as ids."""
    out = []
    for _, cells in table.rows:
        text = scalar_text(cells.get(header))
        if text:
            out.append(normalise_id(text))
    return out


def scalar_text(raw: Any) -> str:
    """Return a cell as stripped text; "" for null and for a JSON list or object (no id)."""
    return "" if raw is None or isinstance(raw, (dict, list)) else parse_text(raw).strip()


def restored_id(sides: IdSides, pid: str, side: Literal["junior", "senior"]) -> str | None:
    """Return the one id of ``side`` that the number ``pid`` is with its zeros, or None.

    A spreadsheet stores an id typed as ``001000`` as the number 1000 unless
    the column is text: written as a number (digits, no leading zero), it can
    only be the id it stands for, when exactly one id of that side is.
    """
    known = sides.juniors if side == "junior" else sides.seniors
    if pid in known or not (pid.isascii() and pid.isdigit()) or pid.startswith("0"):
        return None
    found = sides.near(pid, side)
    return found if found is not None and found.lstrip("0") == pid else None


def nobodys(sides: IdSides, pid: str) -> bool:
    """Whether an id is nobody's now, nor someone's written otherwise: one who left."""
    return (pid not in sides.juniors and pid not in sides.seniors
            and sides.near(pid, "junior") is None and sides.near(pid, "senior") is None)


def _by_values(table: Table, sides: IdSides, what: str, *, keep: bool = False
               ) -> tuple[str, str]:
    """Return the juniors' and the seniors' columns of a table without the standard headers.

    Taken only when exactly one column holds juniors' ids alone and exactly one
    seniors' ids alone (with ``keep``: ids of theirs and of nobody, most of them
    theirs); otherwise an error with, as hints, the columns that hold mostly one
    side's ids (whatever their case: reading then names each miss).
    """
    held = {h: _ids_in(table, h) for h in table.headers}

    def only(side: Literal["junior", "senior"]) -> list[str]:
        mine = sides.juniors if side == "junior" else sides.seniors

        def of(i: str) -> bool:  # the side's id, or one with its zeros lost
            return i in mine or restored_id(sides, i, side) is not None

        if not keep:
            return [h for h, ids in held.items() if ids and all(map(of, ids))]
        return [h for h, ids in held.items() if 2 * sum(map(of, ids)) > len(ids)
                and all(of(i) or nobodys(sides, i) for i in ids)]

    of_juniors, of_seniors = only("junior"), only("senior")
    # A form's "Email" and "Name" both say who answered: one column, not two to choose from.
    of_juniors, same_j = _one_person(table, of_juniors, held)
    of_seniors, same_s = _one_person(table, of_seniors, held)
    if len(of_juniors) == 1 and len(of_seniors) == 1:
        also = ", or nobody's now: people who left" if keep else ""
        same = [f"{h!r} names the same people as {c!r}" for c, others in
                ((of_juniors[0], same_j), (of_seniors[0], same_s)) for h in others]
        warn(f"{table.name}: no junior_id and senior_id columns: read "
             f"{of_juniors[0]!r} as the juniors' ids and {of_seniors[0]!r} as the "
             f"seniors' (every value in each is one of theirs{also}"
             f"{''.join('; ' + x for x in same)}); name the columns junior_id and "
             "senior_id to say so", InputWarning, stacklevel=3)
        return of_juniors[0], of_seniors[0]
    problems = [Problem(f"{what}: need the column(s) junior_id, senior_id (found "
                        f"{', '.join(table.headers) or 'none'})", file=table.name),
                *headers_twice(table)]
    twice = {h for h in table.headers
             if sum(header_key(o) == header_key(h) for o in table.headers) > 1}
    for side, known in (("juniors", sides.juniors), ("seniors", sides.seniors)):
        one: Literal["junior", "senior"] = "junior" if side == "juniors" else "senior"
        for h, ids in held.items():
            if h in twice:  # one name, two columns: a hint could not say which
                continue
            # Ids written otherwise (another case, leading zeros lost) count:
            # once the column is named, reading says of each what it may be.
            near, misses = [], []
            for i in ids:
                if i not in known:
                    found = sides.near(i, one)
                    if found is None:
                        misses.append(i)
                    else:
                        near.append((i, found))
            if ids and 2 * len(misses) < len(ids):
                others = "" if not misses else (
                    "; not one: " + ", ".join(map(repr, misses[:3]))
                    + (f" and {len(misses) - 3} more" if len(misses) > 3 else ""))
                written = "" if not near else (
                    f"; {len(near)} written otherwise, e.g. {near[0][0]!r} for {near[0][1]!r}")
                problems.append(Problem(
                    f"hint: column {h!r} holds {side}' ids ({len(ids) - len(misses)} of "
                    f"{len(ids)} values{others}{written}); name it {one}_id",
                    file=table.name))
    if len(table.sheets) > 1:
        others = ", ".join(repr(n) for n in table.sheets if n != table.sheet)
        problems.append(Problem(f"hint: this is the sheet {table.sheet!r}; the workbook also "
                                f"has {others}: choose the sheet of the pairs", file=table.name))
    raise InputError.of(problems)


def _one_person(table: Table, columns: list[str], held: dict[str, list[str]]
                ) -> tuple[list[str], list[str]]:
    """Return the one column to read when several name the same person on every row.

    The fullest column (the first of them on a tie) and the others; the
    columns unchanged when any row names two people in them.
    """
    if len(columns) < 2:
        return columns, []
    for _, cells in table.rows:
        if len({normalise_id(scalar_text(cells.get(h))) for h in columns} - {""}) > 1:
            return columns, []
    best = max(columns, key=lambda h: len(held[h]))
    return [best], [h for h in columns if h != best]


def headers_twice(table: Table) -> list[Problem]:
    """Name each header given more than once, as headers match (case, spaces, ``_`` aside)."""
    spelt: dict[str, list[str]] = {}
    for h in table.headers:
        spelt.setdefault(header_key(h), []).append(h)
    return [Problem(f"the header {ways[0]!r} is given {len(ways)} times" if len(set(ways)) == 1
                    else f"the headers {', '.join(map(repr, ways))} are one column (headers "
                    "match whatever their case, spaces and underscores): rename one",
                    file=table.name, row=1)
            for ways in spelt.values() if len(ways) > 1]
