"""Pair briefs for the kick-off and the programme report, as Markdown and HTML.

A brief turns one pair's scores into talking points: which of the senior's
learning goals the junior can cover, what the senior can teach back, and the
generational and organisational distance the pair bridges. The report
describes the whole programme: coverage, score distribution, gaps, shares,
the balance of match quality across groups, the constraints and the solve.

Both only show what the result already holds plus the non-sensitive fields
of the people in it: attribute keys listed in ``Program.sensitive_attributes``
never appear in a brief, and appear in a report only when the caller names
them in ``groups=`` (then as group aggregates, with groups smaller than
``min_group_size`` suppressed). Names appear only with ``names=True``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, PrivateAttr

from rmatch._files import write_atomic
from rmatch.errors import InputError
from rmatch.result import html_table, pair_indices, provides

IntArray = npt.NDArray[np.int64]

if TYPE_CHECKING:
    from rmatch.arrays import ParticipantArrays
    from rmatch.result import MatchResult
    from rmatch.scoring import ScoreMatrix

__all__ = [
    "ConstraintSummary",
    "Distribution",
    "GroupBalanceSummary",
    "GroupSummary",
    "PairBrief",
    "Report",
    "Topic",
    "Unmatched",
    "brief",
    "briefs",
    "generation_of",
    "report",
    "write_briefs",
]

GENERATIONS: tuple[tuple[str, int, int], ...] = (
    # Birth-year cohorts (Pew Research Center), the same as rmatch.synth uses.
    ("Silent Generation", 1928, 1945),
    ("Boomers", 1946, 1964),
    ("Gen X", 1965, 1980),
    ("Millennials", 1981, 1996),
    ("Gen Z", 1997, 2012),
    ("Gen Alpha", 2013, 2030),
)


def generation_of(birth_year: float | None) -> str | None:
    """Name the generational cohort of a birth year (None when unknown).

    Examples
    --------
    >>> generation_of(1999), generation_of(1970), generation_of(None)
    ('Gen Z', 'Gen X', None)
    """
    if birth_year is None or np.isnan(birth_year):
        return None
    for name, first, last in GENERATIONS:
        if first <= birth_year <= last:
            return name
    return None


def _generation_codes(birth_years: npt.NDArray[np.float64]) -> IntArray:
    """Index into GENERATIONS for each birth year, -1 when unknown or outside them."""
    firsts = np.array([first for _, first, _ in GENERATIONS], dtype=np.float64)
    code = np.searchsorted(firsts, birth_years, side="right") - 1
    last = GENERATIONS[-1][2]
    out: IntArray = np.where(np.isnan(birth_years) | (code < 0) | (birth_years > last), -1,
                             code).astype(np.int64)
    return out


_FROZEN = ConfigDict(frozen=True)


class Topic(BaseModel):
    """A skill one partner can teach the other, for a goal the other has.

    ``strength`` is ``priority * proficiency``, the term it adds to the
    ``skills`` component before normalisation.

    Examples
    --------
    >>> Topic(skill="genai", priority=1.0, proficiency=0.8, strength=0.8).strength
    0.8
    """

    model_config = _FROZEN

    skill: str
    priority: float
    proficiency: float
    strength: float


class PairBrief(BaseModel):
    """Talking points for one pair's kick-off, from the data behind its score.

    Render with :meth:`to_markdown` or :meth:`to_html`; build with
    :meth:`MatchResult.brief <rmatch.MatchResult.brief>` or
    :meth:`MatchResult.briefs <rmatch.MatchResult.briefs>`.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j", birth_year=2000, skills={"genai": 0.9})],
    ...                [rm.Participant(id="s", birth_year=1968, level=5,
    ...                                goals={"genai": 1.0, "tiktok": 0.5})])
    >>> b = res.briefs()[0]
    >>> [t.skill for t in b.junior_teaches], b.uncovered_goals, b.age_gap_years
    (['genai'], ['tiktok'], 32)
    """

    model_config = _FROZEN

    junior_id: str
    senior_id: str
    junior_name: str | None = None
    senior_name: str | None = None
    score: float
    components: dict[str, float]
    junior_teaches: list[Topic]
    senior_teaches: list[Topic]
    uncovered_goals: list[str]
    age_gap_years: int | None
    junior_generation: str | None
    senior_generation: str | None
    level_gap: int
    shared_languages: list[str]
    differences: dict[str, tuple[str, str]]
    reporting_distance: int | None

    def _who(self, side: Literal["junior", "senior"]) -> str:
        pid, name = ((self.junior_id, self.junior_name) if side == "junior"
                     else (self.senior_id, self.senior_name))
        return f"{name} ({pid})" if name else pid

    def _sections(self) -> list[tuple[str, list[str]]]:
        j, s = self._who("junior"), self._who("senior")
        teach = [_topic_line(t) for t in self.junior_teaches]
        if self.uncovered_goals:
            teach.append("goals to find other help for: " + ", ".join(self.uncovered_goals))
        back = [_topic_line(t) for t in self.senior_teaches]
        bridge = []
        if self.age_gap_years is not None:
            gens = ""
            if self.junior_generation and self.senior_generation:
                gens = (f" ({self.junior_generation} and {self.senior_generation})"
                        if self.junior_generation != self.senior_generation
                        else f" (both {self.junior_generation})")
            bridge.append(f"age gap: {self.age_gap_years} years{gens}")
        bridge.append(f"level gap: {self.level_gap}")
        if self.reporting_distance is not None:
            bridge.append(f"reporting lines meet {self.reporting_distance} steps apart")
        bridge += [f"{name}: {a} / {b}" for name, (a, b) in self.differences.items()]
        if self.shared_languages:
            bridge.append("shared languages: " + ", ".join(self.shared_languages))
        parts = ", ".join(f"{k} {v:.2f}" for k, v in self.components.items())
        return [
            ("Score", [f"{self.score:.3f} ({parts})"]),
            (f"What {j} can teach", teach or ["no listed goal of the senior is covered"]),
            (f"What {s} can teach back", back or ["no listed goal of the junior is covered"]),
            ("The distance this pair bridges", bridge),
        ]

    def to_markdown(self) -> str:
        """Render the brief as Markdown.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.briefs()[0].to_markdown().splitlines()[0]
        '# Reverse-mentoring pair: j (junior mentor) and s (senior mentee)'
        """
        lines = ["# " + _md(f"Reverse-mentoring pair: {self._who('junior')} (junior mentor) "
                            f"and {self._who('senior')} (senior mentee)"), ""]
        for title, items in self._sections():
            lines += [f"## {_md(title)}", "", *(f"- {_md(item)}" for item in items), ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        """Render the brief as a self-contained HTML page.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.briefs()[0].to_html().startswith("<!DOCTYPE html>")
        True
        """
        title = f"Reverse-mentoring pair: {self._who('junior')} and {self._who('senior')}"
        return _page(title, f"<h1>{html.escape(title)}</h1>\n{self._html_body()}")

    def _html_body(self) -> str:
        return "\n".join(f"<h2>{html.escape(head)}</h2><ul>"
                         + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
                         for head, items in self._sections())

    def _repr_html_(self) -> str:
        # Notebooks: the brief without the page around it.
        return f"<div>{self._html_body()}</div>"


def _topic_line(t: Topic) -> str:
    return (f"{t.skill}: learner's priority {t.priority:.2f}, teacher's proficiency "
            f"{t.proficiency:.2f} (strength {t.strength:.2f})")


_MD_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~&])")
_MD_LINE_START = re.compile(r"^(\s*)([+=-])")
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def _md(text: str) -> str:
    """Make user data (ids, names, skills, attribute keys and values) inert in Markdown.

    Line breaks and other control characters become spaces (a newline in a
    department must not start a heading), every character that makes markup
    is backslash-escaped, and so is what would start a list or a heading.
    """
    text = _MD_BREAKS.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if _MD_NUMBERED.match(text):  # "1. x" would start a numbered list: escape the dot
        return _MD_NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _topics(goals: npt.NDArray[np.float32], skills: npt.NDArray[np.float32],
            vocab: Sequence[str]) -> list[Topic]:
    # float64: a tiny priority times a proficiency must not underflow to "no topic".
    strength = goals.astype(np.float64) * skills
    order = np.argsort(-strength, kind="stable")
    return [Topic(skill=vocab[t], priority=float(goals[t]), proficiency=float(skills[t]),
                  strength=float(strength[t])) for t in order.tolist() if strength[t] > 0]


def _value(people: ParticipantArrays, name: str, k: int) -> str | None:
    code = int(people.attribute(name)[k])
    key = name if name in ("department", "location") else "attr:" + name
    return people.vocab[key][code] if code >= 0 else None


def _reporting_distance(sm: ScoreMatrix, jid: str, sid: str) -> int | None:
    if sm.org is None or jid not in sm.org or sid not in sm.org:
        return None
    up_j = [jid, *sm.org.chain(jid)]
    up_s = {m: d for d, m in enumerate([sid, *sm.org.chain(sid)])}
    for d, m in enumerate(up_j):
        if m in up_s:
            return d + up_s[m]
    return None


@provides("brief")
def brief(result: MatchResult, junior_id: str, senior_id: str, *,
          names: bool = False) -> PairBrief:
    """Build the brief of one pair (it need not be in the result).

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j", level=0)], [rm.Participant(id="s", level=4)])
    >>> brief(res, "j", "s").level_gap
    4
    """
    sm = result.scores
    js, ss = sm.juniors, sm.seniors
    i, k = js.index(junior_id), ss.index(senior_id)
    vocab = js.vocab["skills"]
    by, bs = js.birth_year[i], ss.birth_year[k]
    differences: dict[str, tuple[str, str]] = {}
    for name in ("department", "location", *sorted(js.attributes)):
        if sm.program.is_sensitive(name):
            continue
        a, b = _value(js, name, i), _value(ss, name, k)
        if a is not None and b is not None and a != b:
            differences[name] = (a, b)
    lang = js.vocab["languages"]
    shared = np.flatnonzero(js.languages[i] & ss.languages[k]).tolist()
    goals = ss.goals[k]
    return PairBrief(
        junior_id=junior_id,
        senior_id=senior_id,
        junior_name=js.people[i].name if names else None,
        senior_name=ss.people[k].name if names else None,
        score=float(sm.total[i, k]),
        components={n: float(v[i, k]) + 0.0 for n, v in sm.components.items()},
        junior_teaches=_topics(goals, js.skills[i], vocab),
        senior_teaches=_topics(js.goals[i], ss.skills[k], vocab),
        uncovered_goals=[vocab[t] for t in np.flatnonzero((goals > 0) & (js.skills[i] <= 0))],
        age_gap_years=None if np.isnan(by) or np.isnan(bs) else int(by - bs),
        junior_generation=generation_of(float(by)),
        senior_generation=generation_of(float(bs)),
        level_gap=int(ss.level[k] - js.level[i]),
        shared_languages=[lang[t] for t in shared],
        differences=differences,
        reporting_distance=_reporting_distance(sm, junior_id, senior_id),
    )


@provides("briefs")
def briefs(result: MatchResult, *, names: bool = False) -> list[PairBrief]:
    """Build the brief of every pair in the result, in the result's order.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> [b.senior_id for b in briefs(res)]
    ['s']
    """
    return [brief(result, p.junior_id, p.senior_id, names=names) for p in result.pairs]


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "_"


def _plain(text: str) -> bool:
    return _safe_name(text) == text and "--" not in text


def write_briefs(result: MatchResult, directory: str | Path, *,
                 fmt: Literal["md", "html"] = "md", names: bool = False) -> list[Path]:
    """Write one brief file per pair (``JUNIOR--SENIOR.md`` or ``.html``); return the paths.

    Examples
    --------
    >>> import tempfile, rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> [p.name for p in write_briefs(res, tempfile.mkdtemp(), fmt="html")]
    ['j--s.html']
    """
    if fmt not in ("md", "html"):
        raise InputError(f"brief format must be 'md' or 'html', not {fmt!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    all_briefs = briefs(result, names=names)
    stems = [brief_file_stem(b.junior_id, b.senior_id) for b in all_briefs]
    # Names that differ only in case are one file on Windows and macOS.
    folded = Counter(stem.casefold() for stem in stems)
    paths = []
    for b, stem in zip(all_briefs, stems, strict=True):
        if folded[stem.casefold()] > 1:
            stem = brief_file_stem(b.junior_id, b.senior_id, digest=True)
        path = out / f"{stem}.{fmt}"
        write_atomic(path, b.to_markdown() if fmt == "md" else b.to_html())
        paths.append(path)
    return paths


def brief_file_stem(junior_id: str, senior_id: str, *, digest: bool = False) -> str:
    """File name (without suffix) of a pair's brief: readable, unique, no path separators.

    Ids made only of letters, digits, ``.``, ``_`` and ``-`` are used as they
    are (unless they hold ``--``); any other id is reduced to those characters
    and the name gets 8 hex digits of a hash of the two exact ids, so
    ``müller`` and ``möller``, or ``a b`` and ``a/b``, never share a file.
    ``digest=True`` adds the hash anyway (for names that differ only in case).

    Examples
    --------
    >>> brief_file_stem("j1", "s1")
    'j1--s1'
    >>> brief_file_stem("müller", "s1") != brief_file_stem("möller", "s1")
    True
    """
    stem = f"{_safe_name(junior_id)}--{_safe_name(senior_id)}"
    if _plain(junior_id) and _plain(senior_id) and not digest:
        return stem
    tag = hashlib.sha256(f"{junior_id}\x00{senior_id}".encode()).hexdigest()[:8]
    return f"{stem}-{tag}"


# --- the programme report -------------------------------------------------


class Distribution(BaseModel):
    """Summary statistics of a set of numbers (all None when it is empty).

    Examples
    --------
    >>> Distribution.of([1.0, 2.0, 3.0]).median
    2.0
    """

    model_config = _FROZEN

    count: int
    mean: float | None = None
    min: float | None = None
    p10: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    p90: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, values: npt.ArrayLike) -> Distribution:
        """Summarise an array of numbers.

        Examples
        --------
        >>> Distribution.of([]).count
        0
        """
        v = np.asarray(values, dtype=np.float64)
        if v.size == 0:
            return cls(count=0)
        q = np.quantile(v, [0.1, 0.25, 0.5, 0.75, 0.9])
        return cls(count=int(v.size), mean=float(v.mean()), min=float(v.min()),
                   p10=float(q[0]), p25=float(q[1]), median=float(q[2]), p75=float(q[3]),
                   p90=float(q[4]), max=float(v.max()))


class PairLine(BaseModel):
    """One pair as the report lists it: ids and score.

    Examples
    --------
    >>> PairLine(junior_id="j", senior_id="s", score=0.5).score
    0.5
    """

    model_config = _FROZEN

    junior_id: str
    senior_id: str
    score: float


class Unmatched(BaseModel):
    """A participant left without a partner, and why.

    Examples
    --------
    >>> Unmatched(id="j", side="junior", reason="capacity is 0").side
    'junior'
    """

    model_config = _FROZEN

    id: str
    side: Literal["junior", "senior"]
    reason: str


class GroupSummary(BaseModel):
    """Match quality of one group of participants.

    Examples
    --------
    >>> GroupSummary(group="Sales", people=3, matched=2, pairs=2, mean_score=0.5).matched
    2
    """

    model_config = _FROZEN

    group: str
    people: int | None
    matched: int | None
    pairs: int | None
    mean_score: float | None
    suppressed: bool = False
    """The row standing for the withheld groups of a sensitive attribute: those
    under ``min_group_size`` people, and as many more as it takes that no
    withheld group's figures can be derived from the others and the totals.
    Neither their names nor their numbers are shown."""


class GroupBalanceSummary(BaseModel):
    """Mean pair score by group of one attribute on one side, and the largest gap.

    Examples
    --------
    >>> GroupBalanceSummary(attribute="location", side="senior", groups=[], gap=None).side
    'senior'
    """

    model_config = _FROZEN

    attribute: str
    side: Literal["junior", "senior"]
    groups: list[GroupSummary]
    gap: float | None


class ConstraintSummary(BaseModel):
    """What one constraint did: pairs it ruled out, or whether a global rule holds.

    Examples
    --------
    >>> ConstraintSummary(label="SharedLanguage", scope="pairwise", pairs_ruled_out=3,
    ...                   detail="rules out 3 of 9 pairs").pairs_ruled_out
    3
    """

    model_config = _FROZEN

    label: str
    scope: Literal["pairwise", "global"]
    pairs_ruled_out: int | None = None
    holds: bool | None = None
    detail: str


class Report(BaseModel):
    """The programme report: structured, and as Markdown or self-contained HTML.

    Build with :meth:`MatchResult.report <rmatch.MatchResult.report>`; in a
    notebook it displays itself as HTML.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j", birth_year=2000)],
    ...                [rm.Participant(id="s", birth_year=1970, level=3)])
    >>> r = res.report()
    >>> r.pairs, r.age_gap.median, r.status
    (1, 30.0, 'optimal')
    """

    model_config = _FROZEN

    juniors: int
    seniors: int
    pairs: int
    matched_juniors: int
    matched_seniors: int
    places_juniors: int
    places_seniors: int
    unmatched: list[Unmatched]
    pair_list: list[PairLine] = []
    """Every pair, best score first (ids only: names stay out of reports)."""
    score: Distribution
    histogram: list[int]
    """Pairs per score bin: [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]."""
    components: dict[str, float]
    """Mean of each score component over the pairs."""
    age_gap: Distribution
    """Senior's age minus junior's, in years, over pairs where both are known."""
    generations: dict[str, int]
    """Pairs by "junior generation -> senior generation"."""
    level_gap: Distribution
    cross_department_share: float | None
    cross_location_share: float | None
    balance: list[GroupBalanceSummary]
    constraints: list[ConstraintSummary]
    blocking_pairs: int | None = None
    """Pairs of people who would both rather be together (``MatchResult.stability``)."""
    people_touched: int | None = None
    stability_cost: float | None = None
    """Total score this result has above a stable assignment (None: not priced)."""
    solver: str
    status: str
    objective: float
    bound: float
    gap: float
    wall_time_s: float
    _result: MatchResult | None = PrivateAttr(default=None)

    def to_markdown(self) -> str:
        """Render the report as Markdown.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.report().to_markdown().splitlines()[0]
        '# Reverse-mentoring programme report'
        """
        out = ["# Reverse-mentoring programme report", ""]
        for title, head, rows, note in self._tables():
            out += [f"## {_md(title)}", ""]
            if note:
                out += [_md(note), ""]
            out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
            out.append("")
        return "\n".join(out)

    def to_html(self, *, plots: bool = True, result: MatchResult | None = None) -> str:
        """Render the report as one self-contained HTML page.

        With ``plots=True`` and matplotlib installed, the score histogram, the
        gap distributions and the component heatmap of the result the report
        was built from (or of ``result``) are embedded as PNG images; the
        histogram is also drawn in CSS, so the page reads without them.

        Examples
        --------
        >>> import rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> "<table>" in res.report().to_html(plots=False)
        True
        """
        body = ["<h1>Reverse-mentoring programme report</h1>", self._html_body()]
        result = result if result is not None else self._result
        images = _plot_images(result) if plots and result is not None else None
        if images:
            body.append("<h2>Plots</h2>")
            body += [f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
                     for alt, data in images]
        elif images is not None:
            body.append(f"<p>{html.escape(PLOTS_OMITTED)}</p>")
        return _page("Reverse-mentoring programme report", "\n".join(body))

    def _repr_html_(self) -> str:
        return "<div>" + self._html_body() + "</div>"

    def _html_body(self) -> str:
        parts = []
        for title, head, rows, note in self._tables():
            parts.append(f"<h2>{html.escape(title)}</h2>")
            if note:
                parts.append(f"<p>{html.escape(note)}</p>")
            if title == "Score distribution":
                parts.append(_css_histogram(self.histogram))
            parts.append(html_table(head, rows))
        return "\n".join(parts)

    def write(self, path: str | Path, *, result: MatchResult | None = None) -> Path:
        """Write the report to ``.md`` or ``.html`` (by suffix); return the path.

        Examples
        --------
        >>> import tempfile, rmatch as rm
        >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
        >>> res.report().write(tempfile.mkdtemp() + "/report.md").suffix
        '.md'
        """
        out = Path(path)
        suffix = out.suffix.lower()
        if suffix == ".md":
            text = self.to_markdown()
        elif suffix in (".html", ".htm"):
            text = self.to_html(result=result)
        else:
            raise InputError(f"{out}: a report must end in .md or .html")
        write_atomic(out, text)
        return out

    def _tables(self) -> list[tuple[str, list[str], list[list[str]], str]]:
        """(title, header, rows, a note under the title) of every table of the report."""
        def pct(x: float | None) -> str:
            return "n/a" if x is None else f"{100 * x:.1f}%"

        def num(x: float | None, fmt: str = ".3f") -> str:
            return "n/a" if x is None else format(x, fmt)

        proof = ("optimal: no assignment under these rules has more pairs or a higher "
                 "total score" if self.status == "optimal" else
                 "the best found within the time limit; the bound is the most any "
                 "assignment could score, and the gap how far this one may be from it")
        tables: list[tuple[str, list[str], list[list[str]], str]] = [
            ("Coverage", ["", "juniors", "seniors"], [
                ["in the programme", str(self.juniors), str(self.seniors)],
                ["places (capacity)", str(self.places_juniors), str(self.places_seniors)],
                ["matched", str(self.matched_juniors), str(self.matched_seniors)],
                ["unmatched", str(self.juniors - self.matched_juniors),
                 str(self.seniors - self.matched_seniors)],
                ["pairs", str(self.pairs), ""],
            ], ""),
            ("Solve", ["solver", "status", "total score", "bound", "gap", "time"], [
                [self.solver, self.status, f"{self.objective:.4f}", f"{self.bound:.4f}",
                 pct(self.gap), f"{self.wall_time_s:.3f} s"]], proof),
        ]
        dists = [("pair score", self.score, ".3f"), ("age gap (years)", self.age_gap, ".1f"),
                 ("level gap", self.level_gap, ".1f")]
        tables.append(("Score distribution",
                       ["", "pairs", "mean", "min", "p10", "median", "p90", "max"],
                       [[name, str(d.count), *(num(getattr(d, f), fmt) for f in (
                           "mean", "min", "p10", "median", "p90", "max"))]
                        for name, d, fmt in dists], ""))
        tables.append(("Components", ["component", "mean over pairs"],
                       [[k, f"{v:.3f}"] for k, v in self.components.items()], ""))
        tables.append(("Bridges", ["", "pairs"], [
            ["cross-department", pct(self.cross_department_share)],
            ["cross-location", pct(self.cross_location_share)],
            *([f"generations {k}", str(v)] for k, v in self.generations.items()),
        ], ""))
        for bal in self.balance:
            rows = [[g.group, *(("suppressed",) * 4 if g.suppressed else (
                str(g.people), str(g.matched), str(g.pairs), num(g.mean_score)))]
                for g in bal.groups]
            note = (f"How well each group of {bal.side}s was matched, by {bal.attribute}: "
                    f"people in the group, how many got a partner, their pairs, and the mean "
                    f"score of those pairs. The gap ({num(bal.gap)}) is the highest group "
                    "mean minus the lowest; near 0 means every group got matches of the same "
                    "quality.")
            tables.append((f"Balance by {bal.attribute} ({bal.side}s), gap {num(bal.gap)}",
                           ["group", "people", "matched", "pairs", "mean score"], rows, note))
        if self.constraints:
            tables.append(("Constraints", ["constraint", "scope", "effect"],
                           [[c.label, c.scope, c.detail] for c in self.constraints], ""))
        if self.unmatched:
            tables.append(("Unmatched", ["id", "side", "reason"],
                           [[u.id, u.side, u.reason] for u in self.unmatched], ""))
        if self.blocking_pairs is not None:
            tables.append(("Stability", ["blocking pairs", "people touched",
                                         "score above a stable assignment"],
                           [[str(self.blocking_pairs), str(self.people_touched),
                             num(self.stability_cost, ".4f")]],
                           "A blocking pair is two people who would both rather be paired "
                           "with each other than with a partner they have (by score). An "
                           "assignment with the most pairs and the best total can have some; "
                           "taking the best remaining pair first gives one with none, at the "
                           "cost shown."))
        if self.pair_list:
            tables.append(("Pairs", ["junior", "senior", "score"],
                           [[p.junior_id, p.senior_id, f"{p.score:.3f}"]
                            for p in self.pair_list], "Best score first."))
        return tables


def _css_histogram(counts: Sequence[int]) -> str:
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


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>\n{body}\n</body></html>\n")


PLOTS_OMITTED = ("Plots omitted: they need matplotlib (pip install 'rmatch[plot]'); "
                 "every figure they show is in the tables above.")


def _plot_images(result: MatchResult) -> list[tuple[str, str]]:
    """Render the report's plots as base64 PNGs; none without matplotlib."""
    from rmatch import plot

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


def _share(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> float | None:
    known = (a >= 0) & (b >= 0)
    return float((a[known] != b[known]).mean()) if known.any() else None


def _balance(sm: ScoreMatrix, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64],
             scores: npt.NDArray[np.float64], attribute: str, side: Literal["junior", "senior"],
             min_size: int) -> GroupBalanceSummary:
    people = sm.juniors if side == "junior" else sm.seniors
    idx = rows if side == "junior" else cols
    codes = people.attribute(attribute)
    key = attribute if attribute in ("department", "location") else "attr:" + attribute
    names = people.vocab.get(key, ())
    matched = np.zeros(len(people), dtype=np.bool_)
    matched[idx] = True
    sensitive = sm.program.is_sensitive(attribute)
    codes_present = np.unique(codes).tolist()
    sizes = {code: int((codes == code).sum()) for code in codes_present}
    withheld = _withheld(sizes, min_size) if sensitive else set()
    groups = []
    for code in codes_present:
        if code in withheld:
            continue
        members = codes == code
        in_pairs = codes[idx] == code
        n_pairs = int(in_pairs.sum())
        label = names[code] if code >= 0 else "(not given)"
        groups.append(GroupSummary(
            group=label, people=sizes[code], matched=int(matched[members].sum()),
            pairs=n_pairs, mean_score=float(scores[in_pairs].mean()) if n_pairs else None))
    if withheld:
        # One row for all withheld groups, without their names or figures.
        groups.append(GroupSummary(group=f"{len(withheld)} groups withheld", people=None,
                                   matched=None, pairs=None, mean_score=None,
                                   suppressed=True))
    means = [g.mean_score for g in groups if g.mean_score is not None]
    return GroupBalanceSummary(attribute=attribute, side=side, groups=groups,
                               gap=max(means) - min(means) if means else None)


def _withheld(sizes: dict[int, int], min_size: int) -> set[int]:
    """Choose the groups whose figures a report must not show, so that none can be derived.

    Every group under ``min_size`` people is withheld. When that is a single
    group, the next smallest is withheld with it (complementary suppression):
    the report also shows totals, and a total minus the shown groups must not
    give one withheld group's figures. So zero or at least two groups go.
    """
    small = {code for code, n in sizes.items() if n < min_size}
    if len(small) == 1 and len(sizes) > 1:
        rest = sorted((n, code) for code, n in sizes.items() if code not in small)
        small.add(rest[0][1])
    return small


def _stability(result: MatchResult) -> dict[str, float | int | None]:
    report = result.stability()
    return {"blocking_pairs": len(report.blocking_pairs),
            "people_touched": report.people_touched, "stability_cost": report.cost}


def _constraints(sm: ScoreMatrix, result: MatchResult,
                 min_group_size: int) -> list[ConstraintSummary]:
    from rmatch._explain import rule_status
    from rmatch.constraints import GLOBAL_CONSTRAINTS, Require

    out = []
    ctx = sm.context()
    status = {label: (ok, text) for label, ok, text
              in rule_status(sm, result, min_group_size=min_group_size)}
    for con in sm.program.constraints:
        label = con.label()
        if isinstance(con, GLOBAL_CONSTRAINTS):
            ok, text = status[label]
            out.append(ConstraintSummary(label=label, scope="global", holds=ok,
                                         detail=f"{'holds' if ok else 'does not hold'}: {text}"))
        elif isinstance(con, Require):
            out.append(ConstraintSummary(label=label, scope="pairwise", pairs_ruled_out=0,
                                         detail=f"{len(con.pairs)} pair(s) required"))
        else:
            n = int((~con.mask(ctx)).sum())
            out.append(ConstraintSummary(label=label, scope="pairwise", pairs_ruled_out=n,
                                         detail=f"rules out {n} of {sm.total.size} pairs"))
    return out


@provides("report")
def report(result: MatchResult, *, groups: Sequence[str] | None = None,
           min_group_size: int = 5) -> Report:
    """Build the programme report of a result (see :meth:`MatchResult.report`).

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j", department="Eng")],
    ...                [rm.Participant(id="s", department="Sales")])
    >>> report(res).cross_department_share
    1.0
    """
    sm = result.scores
    keys = sorted(set(sm.juniors.attributes) | set(sm.seniors.attributes))
    if groups is None:
        groups = [k for k in ("department", "location", *keys)
                  if not sm.program.is_sensitive(k)]
    unknown = [g for g in groups if g not in ("department", "location", *keys)]
    if unknown:
        raise InputError(f"report groups {unknown} are not fields of these participants; "
                         f"choose from department, location{''.join(', ' + k for k in keys)}")
    rows, cols = pair_indices(result)
    js, ss = sm.juniors, sm.seniors
    scores = sm.total[rows, cols].astype(np.float64)
    age = js.birth_year[rows] - ss.birth_year[cols]
    age = age[~np.isnan(age)]
    gj, gs = _generation_codes(js.birth_year[rows]), _generation_codes(ss.birth_year[cols])
    known = (gj >= 0) & (gs >= 0)
    combos, counts = np.unique(gj[known] * len(GENERATIONS) + gs[known], return_counts=True)
    gens = {f"{GENERATIONS[c // len(GENERATIONS)][0]} -> {GENERATIONS[c % len(GENERATIONS)][0]}":
            int(n) for c, n in zip(combos.tolist(), counts.tolist(), strict=True)}
    hist = np.bincount(np.clip((scores * 10).astype(np.int64), 0, 9), minlength=10)
    unmatched = [Unmatched(id=pid, side=side, reason=result.unmatched_reasons.get(pid, ""))
                 for ids, side in ((result.unmatched_juniors, "junior"),
                                   (result.unmatched_seniors, "senior"))
                 for pid in ids]
    out = Report(
        juniors=len(js), seniors=len(ss), pairs=len(result.pairs),
        matched_juniors=len(np.unique(rows)), matched_seniors=len(np.unique(cols)),
        places_juniors=int(js.capacity.sum()), places_seniors=int(ss.capacity.sum()),
        unmatched=unmatched,
        pair_list=[PairLine(junior_id=p.junior_id, senior_id=p.senior_id, score=p.score)
                   for p in sorted(result.pairs, key=lambda p: -p.score)],
        score=Distribution.of(scores),
        histogram=hist.tolist(),
        components={k: float(v[rows, cols].astype(np.float64).mean()) if len(rows) else 0.0
                    for k, v in sm.components.items()},
        age_gap=Distribution.of(age),
        generations=dict(sorted(gens.items(), key=lambda kv: -kv[1])),
        level_gap=Distribution.of((ss.level[cols] - js.level[rows]).astype(np.float64)),
        cross_department_share=None if sm.program.is_sensitive("department")
        else _share(js.department[rows], ss.department[cols]),
        cross_location_share=None if sm.program.is_sensitive("location")
        else _share(js.location[rows], ss.location[cols]),
        balance=[_balance(sm, rows, cols, scores, attr, side, min_group_size)
                 for attr in groups for side in ("senior", "junior")],
        constraints=_constraints(sm, result, min_group_size),
        **_stability(result),
        solver=result.solver, status=result.status, objective=result.objective,
        bound=result.bound,
        gap=(result.bound - result.objective) / max(abs(result.bound), 1e-12)
        if result.bound > 0 else 0.0,
        wall_time_s=result.wall_time_s,
    )
    out._result = result  # for the plots of to_html(); not part of the dump
    return out
