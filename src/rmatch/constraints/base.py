"""What every rule shares: the pair context it is evaluated on, its base class, field keys."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from rmatch.errors import InputError
from rmatch.model.participant import IdSides, Participant, normalise_id

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays
    from rmatch.model.orgchart import OrgChart

__all__ = ["DEFAULT_REFERENCE_DATES", "BaseRule", "BoolMatrix", "IntMatrix", "PairContext",
           "field_key", "field_text", "ids_to_indices"]

BoolMatrix = npt.NDArray[np.bool_]
IntMatrix = npt.NDArray[np.int64]


# Without a reference date, offsets are taken on one winter and one summer
# day of a fixed year: the larger gap counts, so daylight saving never hides
# a gap, and the result does not change with the day the programme runs.
DEFAULT_REFERENCE_DATES = (date(2026, 1, 15), date(2026, 7, 15))


@dataclass(frozen=True)
class PairContext:
    """Everything a constraint may look at to decide which pairs are allowed.

    Examples
    --------
    >>> from rmatch.model.arrays import build_arrays
    >>> from rmatch.model.participant import Participant
    >>> js, ss = build_arrays([Participant(id="j")], [Participant(id="s")])
    >>> ctx = PairContext(js, ss, np.ones((1, 1), np.float32))
    >>> ctx.shape
    (1, 1)
    """

    juniors: ParticipantArrays
    seniors: ParticipantArrays
    total: npt.NDArray[np.float32]
    org: OrgChart | None = None
    reference_date: date | None = None
    block: bool = False
    """True for a block of the programme's rows and columns (explanations): ids
    named by a constraint may then lie outside it without being an error."""

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of juniors, number of seniors)``."""
        return len(self.juniors), len(self.seniors)


class BaseRule(BaseModel):
    """What every rule is: a frozen model with a ``kind``, a label and a mask of allowed pairs.

    Examples
    --------
    >>> from rmatch.constraints import MinScore
    >>> isinstance(MinScore(value=0.2), BaseRule)
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def label(self) -> str:
        """Return a short human-readable name, as used in explanations.

        Examples
        --------
        >>> from rmatch.constraints import SharedLanguage
        >>> SharedLanguage().label()
        'SharedLanguage'
        """
        # Options left at None (NoReportingLine's whole chain) say nothing; lists
        # (Forbid's pairs) neither, and are not dumped (500,000 pairs: 9 ms a label).
        lists = {k for k, v in self.__dict__.items() if isinstance(v, list)}
        fields = {k: v for k, v in self.model_dump(exclude=lists).items()
                  if k != "kind" and v is not None}
        args = ", ".join(f"{k}={v!r}" for k, v in fields.items() if not isinstance(v, list))
        return f"{type(self).__name__}({args})" if args else type(self).__name__

    def fields(self) -> dict[str, str]:
        """Return the participant fields the rule reads: option name -> field key.

        Checks of field names (a misspelt attribute) and of sensitivity use it.

        Examples
        --------
        >>> from rmatch.constraints import MinShare, SharedLanguage
        >>> MinShare(attribute="gender", share=0.5).fields(), SharedLanguage().fields()
        ({'attribute': 'gender'}, {})
        """
        return {}

    def blank_of(self, person: Participant) -> str | None:
        """Name what ``person`` leaves blank that makes this rule forbid their every pair.

        None when the rule allows a blank (or reads nothing the person
        could leave blank). Unmatched reasons and ``data_gaps`` say it.

        Examples
        --------
        >>> from rmatch.constraints import MaxTimezoneGap, SharedLanguage
        >>> MaxTimezoneGap(hours=3).blank_of(Participant(id="j"))
        'time zone'
        >>> SharedLanguage(unknown="allow").blank_of(Participant(id="j"))
        """
        return None

    def mask(self, ctx: PairContext) -> BoolMatrix:  # pragma: no cover - overridden
        """Return the juniors x seniors matrix of allowed pairs."""
        raise NotImplementedError

    def why(self, ctx: PairContext) -> str:
        """Say in words why the rule rules out the one pair of ``ctx`` (1 x 1), which it does.

        A judged matching's broken rules and an explanation's alternatives
        say it beside the rule's label. Never a sensitive value: a rule on a
        field says what it asks, not the partners' values.

        Examples
        --------
        >>> from rmatch.constraints import NoRepeat
        >>> from rmatch.model.arrays import build_arrays
        >>> js, ss = build_arrays([Participant(id="j", previous_partners=["s"])],
        ...                       [Participant(id="s")])
        >>> NoRepeat().why(PairContext(js, ss, np.ones((1, 1), np.float32)))
        'they were partners before'
        """
        return "rules out this pair"

    def restrict(self, ctx: PairContext, allowed: BoolMatrix) -> None:
        """Clear in ``allowed`` (juniors x seniors, in place) the pairs the rule rules out.

        The same as ``allowed &= self.mask(ctx)``, which is what it does
        unless a rule does better: scoring applies every rule this way, and
        the rules checked on every pair of a large programme write straight
        into ``allowed`` instead of making a matrix of their own (a fresh
        matrix a rule, and a pass to combine it, cost more than the checks).

        Examples
        --------
        >>> import numpy as np
        >>> from rmatch.constraints import SeniorityDirection
        >>> from rmatch.model.arrays import build_arrays
        >>> from rmatch.model.participant import Participant
        >>> js, ss = build_arrays([Participant(id="j", level=1)],
        ...                       [Participant(id="a", level=0), Participant(id="b", level=2)])
        >>> allowed = np.ones((1, 2), bool)
        >>> SeniorityDirection().restrict(PairContext(js, ss, np.zeros((1, 2), np.float32)),
        ...                               allowed)
        >>> allowed.tolist()
        [[False, True]]
        """
        allowed &= self.mask(ctx)


def field_key(field: str) -> str:
    """Return the name :meth:`ParticipantArrays.attribute` takes for a field.

    ``department`` and ``location`` are fields; ``attributes.KEY`` (or a bare
    ``KEY``) is an attribute.

    Examples
    --------
    >>> field_key("attributes.gender"), field_key("department")
    ('gender', 'department')
    """
    return field.removeprefix("attributes.")


def field_text(person: Participant, field: str) -> str | None:
    """Return what a person gives for a rule's field: ``department``, ``location`` or an attribute.

    Examples
    --------
    >>> field_text(Participant(id="a", attributes={"site": "B"}), "attributes.site")
    'B'
    """
    key = field_key(field)
    return getattr(person, key) if key in ("department", "location") else person.attributes.get(key)


class _PairIndex:
    """A rule's id pairs as stored (NFC), and each junior's and senior's partners in them."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        # Ids compared as stored (NFC): a pair typed on another system still names them.
        self.pairs = [(normalise_id(j), normalise_id(s)) for j, s in pairs]
        self.by_junior: dict[str, list[str]] = {}
        self.by_senior: dict[str, list[str]] = {}
        for j, s in self.pairs:
            self.by_junior.setdefault(j, []).append(s)
            self.by_senior.setdefault(s, []).append(j)


# The last rules' pair lists, by identity (each kept alive beside a copy of its items
# and its index): the reasons of 200 people left out asked a Forbid of 80,000 pairs
# for each one's row, and each ask normalised and searched every pair again (25 s).
_INDEXES: OrderedDict[int, tuple[list[tuple[str, str]], list[tuple[str, str]], _PairIndex]] \
    = OrderedDict()
_INDEXES_KEPT = 8


def _pair_index(pairs: list[tuple[str, str]]) -> _PairIndex:
    kept = _INDEXES.get(id(pairs))
    # The same list with the same items (a rule is frozen, its list is not: a pair
    # changed anywhere in it is indexed again). Items compare by identity first, so
    # an unchanged list of 80,000 pairs is checked in about a millisecond.
    if kept is not None and kept[0] is pairs and kept[1] == pairs:
        return kept[2]
    index = _PairIndex(pairs)
    _INDEXES[id(pairs)] = (pairs, list(pairs), index)
    while len(_INDEXES) > _INDEXES_KEPT:
        _INDEXES.popitem(last=False)
    return index


def ids_to_indices(
    pairs: list[tuple[str, str]], ctx: PairContext, what: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows and columns of (junior id, senior id) pairs; unknown ids are an ``InputError``.

    On a block of the programme (``ctx.block``) pairs outside the block are skipped.

    Examples
    --------
    >>> from rmatch.model import Participant, build_arrays
    >>> js, ss = build_arrays([Participant(id="j")], [Participant(id="s")])
    >>> ctx = PairContext(js, ss, np.zeros((1, 1), np.float32))
    >>> [a.tolist() for a in ids_to_indices([("j", "s")], ctx, "Forbid")]
    [[0], [0]]
    """
    sides = IdSides(ctx.juniors.ids, ctx.seniors.ids)
    jpos, spos = sides.juniors, sides.seniors
    index = _pair_index(pairs)
    if ctx.block:  # a block's own pairs, found by its ids: not every pair a block
        if len(jpos) <= len(spos):
            pairs = [(j, s) for j in jpos for s in index.by_junior.get(j, ()) if s in spos]
        else:
            pairs = [(j, s) for s in spos for j in index.by_senior.get(s, ()) if j in jpos]
    else:
        pairs = index.pairs
    problems = []
    for n, (jid, sid) in enumerate(pairs, start=1):
        if jid not in jpos:
            problems.append(f"{what} pair {n}: {sides.why_not(jid, 'junior')}")
        if sid not in spos:
            problems.append(f"{what} pair {n}: {sides.why_not(sid, 'senior')}")
    if problems:
        raise InputError("; ".join(problems[:5]), problems)
    rows = np.array([jpos[j] for j, _ in pairs], dtype=np.int64)
    cols = np.array([spos[s] for _, s in pairs], dtype=np.int64)
    return rows, cols
