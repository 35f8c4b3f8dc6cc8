"""HTML pieces shared by the result and the reports, every cell escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    pass

__all__ = ["html_table"]


def html_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return an HTML table, every cell escaped.

    Examples
    --------
    >>> html_table(["id"], [["<j>"]])
    '<table><thead><tr><th>id</th></tr></thead><tbody><tr><td>&lt;j&gt;</td></tr></tbody></table>'
    """
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    b = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>"
