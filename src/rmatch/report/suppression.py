"""Which groups a table of groups must withhold so that none of their figures can be derived."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

__all__ = ["withheld_groups"]

K = TypeVar("K")


def withheld_groups(sizes: Mapping[K, int], small: Mapping[K, bool]) -> set[K]:
    """Choose the groups whose figures a table must not show, so that none can be derived.

    Every group with a cell under the threshold (``small``) is withheld. When
    that is a single group, the next smallest is withheld with it
    (complementary suppression, as statistical offices do): a table that also
    shows totals must not let a total minus the shown groups give one
    withheld group's figures. So zero or at least two groups go. The report
    uses it for sensitive attributes; HR tools building their own tables of
    groups can use the same rule.

    Parameters
    ----------
    sizes
        Each group's number of people.
    small
        Whether a group has a figure under the threshold (e.g. fewer than
        five people, or fewer than five in pairs).

    Returns
    -------
    set
        The groups to withhold.

    Examples
    --------
    >>> import rmatch as rm
    >>> sorted(rm.withheld_groups({"A": 3, "B": 20, "C": 9}, {"A": True, "B": False,
    ...                                                      "C": False}))
    ['A', 'C']
    """
    out = {code for code, is_small in small.items() if is_small}
    if len(out) == 1 and len(sizes) > 1:
        rest = sorted((n, str(code), code) for code, n in sizes.items() if code not in out)
        out.add(rest[0][2])
    return out
