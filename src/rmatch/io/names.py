"""Wishes and vetoes written as people's names, read as their ids.

Self-match sign-up forms let mentees pick mentors from a list of names, so a
wish arrives as "Ana Silva" where rmatch names people by id. One rule, used
by the reader for one file (:func:`rmatch.io.tables.read_participants`) and
by :func:`rmatch.io.tables.merge_sides` for one sheet per side: an item that
is no one's id but the name of exactly one person (any case, spacing or accents, or
"Last, First")
becomes that person's id; the name of several is left for the caller to
refuse; anything else stays as written (a wish for someone not in the
programme counts for nothing, and ``data_gaps`` says so).

Examples
--------
>>> names = ids_by_name([("Ana Silva", "s1"), ("Rui Costa", "s2")])
>>> as_ids(["ana silva", "s2", "Gone"], {"s1", "s2"}, names)
(['s1', 's2', 'Gone'], [], 1)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TypeVar

from rmatch.errors import InputError, InputWarning, warn
from rmatch.model.participant import Participant, fold
from rmatch.model.text import unaccented

__all__ = ["NAMING", "as_ids", "bare_key", "bracketed", "by_name", "ids_by_name", "look_up",
           "name_key", "named_by", "named_wishes", "names_read", "naming_words"]

_T = TypeVar("_T")


def bracketed(text: str) -> tuple[str, str] | None:
    """Split "Ana Silva (E123)" into the name and the bracketed word (None if not so written).

    As some HR reports write a person. Read by position, not by a pattern
    that backtracks: a cell of thousands of spaces stays quick.

    Examples
    --------
    >>> bracketed("Ana Silva (E123) "), bracketed("Silva, Ana [e1]"), bracketed("(E1)")
    (('Ana Silva', 'E123'), ('Silva, Ana', 'e1'), None)
    """
    text = text.rstrip()
    if not text or text[-1] not in ")]":
        return None
    start = text.rfind("(" if text[-1] == ")" else "[")
    name, tag = text[:start].rstrip(), text[start + 1:-1].strip()
    if start <= 0 or not name or not tag or any(c in "()[]" for c in tag):
        return None
    return name, tag


# Letters that carry no accent to drop but are written without one on a keyboard
# that lacks them ("Søren" as "Soren"); casefold already writes ß as ss.
_PLAIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i",
                        "ð": "d", "þ": "th"})


def name_key(name: str) -> str:
    """Return how a person's name is compared: case, spaces, accents folded; "Last, First" turned.

    Directories write "Silva, Ana" where a form writes "Ana Silva": one
    comma between two parts is read as that order. Other commas stay. A
    form's answer often drops the accents a directory keeps ("Jose Muller"
    for "José Müller").

    Examples
    --------
    >>> name_key("Silva,  Ana") == name_key("ana silva") == "ana silva"
    True
    >>> name_key("Silva, Ana, Jr"), name_key("Müller, José"), name_key("Søren Łukasz")
    ('silva, ana, jr', 'jose muller', 'soren lukasz')
    """
    folded = unaccented(fold(name)).translate(_PLAIN)
    last, comma, first = folded.partition(",")
    if comma and "," not in first and last.strip() and first.strip():
        return f"{first.strip()} {last.strip()}"
    return folded


# Titles a directory writes before a name and a form's answer leaves out; and
# degrees written after a comma ("Ana Lima, PhD"), which name_key turns to the front.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame",
                     "herr", "frau", "mme", "mlle", "sr", "sra", "srta", "dra", "dott", "ing",
                     "phd", "mba", "md", "msc"})


def bare_key(name: str) -> str:
    """Return a name's key without a title before it or a note in brackets after it.

    "Dr. Ana Lima (she/her)" in a directory is the "Ana Lima" a form's wish
    names. The key a name is compared by first is :func:`name_key`; this one
    only where that finds no one.

    Examples
    --------
    >>> bare_key("Dr. Ana Lima (she/her)"), bare_key("Prof Bo Chen [Finance]")
    ('ana lima', 'bo chen')
    >>> bare_key("Lima, Dr. Ana"), bare_key("Ana Lima, PhD"), bare_key("Sir")
    ('ana lima', 'ana lima', 'sir')
    >>> bare_key("Chen, Bo, Ph.D."), bare_key("Chen, Bo, Jr")
    ('bo chen', 'chen, bo, jr')
    """
    key = name_key(name)
    note = bracketed(key)
    # Degrees after the last commas ("Chen, Bo, PhD, MBA") first: then one comma
    # between two parts is the family name first again.
    parts = [part.strip() for part in (note[0] if note else key).split(",")]
    while len(parts) > 1 and parts[-1].replace(".", "") in _TITLES:
        parts.pop()
    words = name_key(", ".join(parts)).split()
    while len(words) > 1 and words[0].rstrip(".") in _TITLES:
        words = words[1:]
    bare = name_key(" ".join(words))
    return bare if bare else key


def by_name(people: Iterable[tuple[object, _T]]) -> dict[str, list[_T]]:
    """Return each name's key and what it names, from ``(name, thing)`` pairs.

    Each name under its :func:`name_key`, and under its :func:`bare_key` where
    no name's own key is that (names without a string skipped).

    Examples
    --------
    >>> by_name([("Dr. Ana Lima", "s1"), ("Ana Lima", "s2"), ("Bo Chen (he/him)", "j1")])
    {'dr. ana lima': ['s1'], 'ana lima': ['s2'], 'bo chen (he/him)': ['j1'], 'bo chen': ['j1']}
    """
    out: dict[str, list[_T]] = defaultdict(list)
    given = [(name, thing) for name, thing in people if isinstance(name, str) and name.strip()]
    for name, thing in given:
        out[name_key(name)].append(thing)
    exact = set(out)
    for name, thing in given:
        bare = bare_key(name)
        if bare not in exact:
            out[bare].append(thing)
    return dict(out)


def look_up(index: Mapping[str, list[_T]], text: str, *, bare: bool = True) -> list[_T]:
    """Return what a name names in an index of :func:`by_name`: by its key, else its bare key.

    ``bare=False`` looks by its key alone (a caller that reads an id in
    brackets, "Ana Lima (E1)", before the name without them).

    Examples
    --------
    >>> index = by_name([("Dr. Ana Lima (she/her)", "s1")])
    >>> look_up(index, "Ana Lima"), look_up(index, "Dr Ana Lima"), look_up(index, "Ana")
    (['s1'], ['s1'], [])
    """
    return index.get(name_key(text)) or (index.get(bare_key(text)) if bare else None) or []


def named_by(index: Mapping[str, list[str]], text: str, id_of: Callable[[str], str | None]
             ) -> list[str]:
    """Return the ids a text that is no id names, in the one order every reader looks in.

    Its name as written (any case, spacing or accents, "Last, First"); else
    the id in brackets after it ("Ana Lima (E2)" tells namesakes apart), as
    ``id_of`` reads an id (None: no one's); else the name without a title
    before it or a note in brackets after it.

    Examples
    --------
    >>> index = ids_by_name([("Ana Lima", "E1"), ("Ana Lima", "E2"), ("Dr. Bo Chen", "E3")])
    >>> def id_of(text):
    ...     return text if text in {"E1", "E2", "E3"} else None
    >>> named_by(index, "ana lima", id_of), named_by(index, "Ana Lima (E2)", id_of)
    (['E1', 'E2'], ['E2'])
    >>> named_by(index, "Bo Chen", id_of), named_by(index, "Cy Diaz", id_of)
    (['E3'], [])
    """
    found = look_up(index, text, bare=False)
    if found:
        return found
    tagged = bracketed(text)
    if tagged and (pid := id_of(tagged[1])) is not None:
        return [pid]
    return look_up(index, text)


def ids_by_name(people: Iterable[tuple[object, object]]) -> dict[str, list[str]]:
    """Return each folded name's ids, from ``(name, id)`` pairs (those without either skipped).

    Read with :func:`look_up`, which also finds a name without its title or note.

    Examples
    --------
    >>> ids_by_name([("Ana  Silva", "s1"), ("ana silva", "s3"), (None, "s2")])
    {'ana silva': ['s1', 's3']}
    """
    return by_name((name, pid) for name, pid in people if isinstance(pid, str) and pid)


def as_ids(items: Sequence[str], ids: Collection[str], names: Mapping[str, list[str]]
           ) -> tuple[list[str], list[tuple[int, list[str]]], int]:
    """Return the items with each one person's name read as their id.

    Also returns the items that name several people, as ``(position, their
    ids)`` (left as written, for the caller to refuse), and how many items
    were read as names. An id is never read as a name; a name and the same
    person's id in one list are one item.

    Examples
    --------
    >>> as_ids(["Ana", "s9"], {"s1", "s2"}, {"ana": ["s1", "s2"]})
    (['Ana', 's9'], [(0, ['s1', 's2'])], 0)
    >>> as_ids(["Hopper", "Grace", "s2"], {"s1", "s2"}, {"grace hopper": ["s1"]})  # "Last, First"
    (['s1', 's2'], [], 1)
    >>> as_ids(["Ana Lima, s2"], {"s1", "s2"}, {"ana lima": ["s1"]})  # one item, two people
    (['s1', 's2'], [], 1)
    >>> as_ids(["Ana Lima (s1)"], {"s1", "s2"}, {})  # a name with the id after it
    (['s1'], [], 1)
    """
    out: list[str] = []
    shared: list[tuple[int, list[str]]] = []
    read = 0
    items = _rejoined(_split_known(items, ids, names), ids, names)
    for k, item in enumerate(items):
        found = [] if item in ids else named_by(
            names, item, lambda text: text if text in ids else None)
        if len(found) > 1:
            shared.append((k, found))
        taken = found[0] if len(found) == 1 else item
        read += len(found) == 1
        if taken not in out:
            out.append(taken)
    return out, shared, read


def _split_known(items: Sequence[str], ids: Collection[str], names: Mapping[str, list[str]]
                 ) -> list[str]:
    """Split an item that is no one's id or name on its commas when each part is someone's.

    A list column that uses ``;`` elsewhere is split on ``;`` alone (a ticked
    option may hold a comma), so "Ana Lima, Cy Diaz" beside "Bo Chen; Ana
    Lima" came as one wish naming nobody.
    """
    def known(item: str) -> bool:
        return item in ids or bool(look_up(names, item))

    out: list[str] = []
    for item in items:
        parts = [p.strip() for p in item.split(",")]
        if "," in item and not known(item) and all(p and known(p) for p in parts):
            out += parts
        else:
            out.append(item)
    return out


def _rejoined(items: Sequence[str], ids: Collection[str], names: Mapping[str, list[str]]
              ) -> list[str]:
    """Join two items that are one name written "Last, First" and split on its comma.

    Only when neither item is anyone's id or name and the two joined are
    exactly one person's name.
    """
    def known(item: str) -> bool:
        return item in ids or bool(look_up(names, item))

    out: list[str] = []
    k = 0
    while k < len(items):
        pair = f"{items[k]}, {items[k + 1]}" if k + 1 < len(items) else ""
        if pair and not known(items[k]) and not known(items[k + 1]) \
                and len(look_up(names, pair)) == 1:
            out.append(pair)
            k += 2
        else:
            out.append(items[k])
            k += 1
    return out


def named_wishes(people: Sequence[Participant]) -> list[Participant]:
    """Return the people with wishes and vetoes written as names read as ids.

    For participants read apart (one sheet per side, joined by
    :func:`rmatch.io.tables.merge_sides`): a name shared by several people
    is an :class:`~rmatch.errors.InputError` naming the participant and the
    ids it could mean; an :class:`~rmatch.errors.InputWarning` counts the
    names read (by participant id: names are personal data).

    Examples
    --------
    >>> people = [Participant(id="j", wishes=["Ana Silva"]),
    ...           Participant(id="s1", name="Ana Silva")]
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     named_wishes(people)[0].wishes
    ['s1']
    """
    if not any(p.wishes or p.avoid or p.previous_partners for p in people):
        return list(people)  # most programmes: nobody names anyone
    ids = {p.id for p in people}
    names = ids_by_name((p.name, p.id) for p in people)
    out: list[Participant] = []
    problems: list[str] = []
    read: dict[str, int] = {}
    kinds: set[str] = set()
    for p in people:
        update: dict[str, object] = {}
        for field in NAMING:
            items = list(p.wishes) if field == "wishes" else sorted(getattr(p, field))
            if not names or all(x in ids for x in items):
                continue
            got, shared, n = as_ids(items, ids, names)
            problems += [f"{p.id!r}: {field} item {k + 1} is the name of "
                         f"{', '.join(repr(x) for x in found[:5])}: give that person's id"
                         for k, found in shared]
            if n:
                update[field] = got if field == "wishes" else frozenset(got)
                read[p.id] = read.get(p.id, 0) + n
                kinds.add(field)
        out.append(p.model_copy(update=update) if update else p)
    if problems:
        raise InputError.of(problems)
    if read:
        warn(names_read(sum(read.values()), read, naming_words(kinds)), InputWarning,
             stacklevel=3)
    return out


NAMING = ("wishes", "avoid", "previous_partners")
"""The fields that name other people, each of which may name them by name."""


def naming_words(kinds: Collection[str]) -> str:
    """Say which of the :data:`NAMING` fields names were read in.

    Examples
    --------
    >>> naming_words({"wishes"}), naming_words({"previous_partners"})
    ('wish(es) or veto(es)', 'previous partner(s)')
    """
    if set(kinds) == {"previous_partners"}:
        return "previous partner(s)"
    if "previous_partners" in kinds:
        return "wish(es), veto(es) or previous partner(s)"
    return "wish(es) or veto(es)"


def names_read(count: int, who: Iterable[str], what: str = "wish(es) or veto(es)") -> str:
    """Say how many wishes or vetoes (``what``) were read as names, for whom (ids only).

    Examples
    --------
    >>> names_read(2, ["j2", "j1", "j1"])
    "2 wish(es) or veto(es) given as a person's name read as that person's id, for 2 \
participant(s): 'j1', 'j2'"
    """
    ids = sorted(set(who))
    return (f"{count} {what} given as a person's name read as that person's id, "
            f"for {len(ids)} participant(s): {', '.join(repr(w) for w in ids[:8])}"
            f"{' and more' if len(ids) > 8 else ''}")
