"""Rendering shared by briefs and reports: Markdown escaping, the HTML page, plots as images."""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ConfigDict

if TYPE_CHECKING:
    from rmatch.result.match_result import MatchResult

__all__ = ["FROZEN", "PLOTS_OMITTED", "css_histogram", "md", "page", "plot_images"]


FROZEN = ConfigDict(frozen=True)


_MD_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~&])")


_MD_LINE_START = re.compile(r"^(\s*)([+=-])")


# "1. x" starts a numbered list, "0.333" does not: a list needs a space after the dot.
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def md(text: str) -> str:
    r"""Make user data (ids, names, skills, attribute keys and values) inert in Markdown.

    Line breaks and other control characters become spaces (a newline in a
    department must not start a heading), every character that makes markup
    is backslash-escaped, and so is what would start a list or a heading; a
    number's decimal point is not (it starts nothing).

    Examples
    --------
    >>> print(md("0.333"), md("1. Sales"), md("- all"), md("<b>"))
    0.333 1\. Sales \- all \<b\>
    """
    text = _MD_BREAKS.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if _MD_NUMBERED.match(text):  # "1. x" would start a numbered list: escape the dot
        return _MD_NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def css_histogram(counts: Sequence[int]) -> str:
    """Draw a histogram of ten bins as HTML bars (no image, no script).

    Examples
    --------
    >>> css_histogram([0, 2]).count('class="bar"')
    2
    """
    top = max(counts, default=0) or 1
    bars = "".join(
        f'<div class="bar" title="{k / 10:.1f}-{(k + 1) / 10:.1f}: {c} pairs" '
        f'style="height:{100 * c / top:.0f}%"></div>' for k, c in enumerate(counts))
    return f'<div class="hist">{bars}</div><div class="axis">score 0 to 1, ten bins</div>'


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
th{background:#f2f2f2}
.hist{display:flex;align-items:flex-end;height:6rem;gap:2px;width:30rem}
.bar{flex:1;background:#3b6ea5;min-height:1px}
.axis{font-size:.8rem;color:#555;margin-bottom:1rem}
img{max-width:100%}
"""


def page(title: str, body: str) -> str:
    """Wrap an HTML body in a whole page with the report's CSS; the title is escaped.

    Examples
    --------
    >>> "<title>a &lt;b&gt;</title>" in page("a <b>", "<p>x</p>")
    True
    """
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>\n{body}\n</body></html>\n")


PLOTS_OMITTED = ("Plots omitted: they need matplotlib (pip install 'rmatch[plot]'); "
                 "every figure they show is in the tables above.")


def plot_images(result: MatchResult) -> list[tuple[str, str]]:
    """Render the report's plots as base64 PNGs; none without matplotlib."""
    from rmatch.report import plot

    if not plot.available():
        return []
    images = []
    for alt, fig in (("score histogram", plot.score_histogram(result)),
                     ("generational and level gaps", plot.gap_distribution(result)),
                     ("score components by pair", plot.component_heatmap(result))):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
        images.append((alt, base64.b64encode(buf.getvalue()).decode("ascii")))
    return images
