"""The programme report: coverage, score distribution, gaps, shares, balance, rules and solve.

The report is data first (Pydantic summaries), rendered afterwards. It shows
what the result holds plus the non-sensitive fields of the people in it:
sensitive attribute keys appear only when the caller names them in
``groups=`` (then as group aggregates, with groups smaller than
``min_group_size`` suppressed).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field, PrivateAttr

from rmatch.errors import InputError
from rmatch.io.files import write_atomic
from rmatch.model.generations import GENERATIONS, generation_codes
from rmatch.report.render import FROZEN, PLOTS_OMITTED, css_histogram, md, page, plot_images
from rmatch.report.suppression import withheld_groups
from rmatch.result.html import html_table
from rmatch.result.match_result import pair_indices, proven
from rmatch.result.pairs import Optimum, Violation

if TYPE_CHECKING:
    from rmatch.result.match_result import MatchResult
    from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["ConstraintSummary", "Distribution", "GroupBalanceSummary", "GroupSummary", "PairLine",
           "Report", "Unmatched", "report"]


class Distribution(BaseModel):
    """Summary statistics of a set of numbers (all None when it is empty).

    Examples
    --------
    >>> Distribution.of([1.0, 2.0, 3.0]).median
    2.0
    """

    model_config = FROZEN

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

    model_config = FROZEN

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

    model_config = FROZEN

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

    model_config = FROZEN

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

    model_config = FROZEN

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

    model_config = FROZEN

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

    model_config = FROZEN

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
    blocking_by: Literal["score", "wishes"] = "score"
    """How blocking pairs were counted (``StabilityReport.by``)."""
    solver: str
    status: str
    objective: float
    bound: float
    gap: float
    wall_time_s: float
    optimum: Optimum | None = None
    """For a matching judged by ``rm.evaluate``: the best one under the same programme."""
    violations: list[Violation] = Field(default_factory=list)
    """Rules the matching breaks (``rm.evaluate``)."""
    data_gaps: list[str] = Field(default_factory=list)
    """What the data cannot tell (``MatchResult.data_gaps``): counts, never a person."""
    stable: bool = False  # the programme's objective is a stable matching (Program.stable)
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
            out += [f"## {md(title)}", ""]
            if note:
                out += [md(note), ""]
            out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            out += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
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
        body = ["<h1>Reverse-mentoring programme report</h1>", self.html_body()]
        result = result if result is not None else self._result
        images = plot_images(result) if plots and result is not None else None
        if images:
            body.append("<h2>Plots</h2>")
            body += [f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
                     for alt, data in images]
        elif images is not None:
            body.append(f"<p>{html.escape(PLOTS_OMITTED)}</p>")
        return page("Reverse-mentoring programme report", "\n".join(body))

    def _repr_html_(self) -> str:
        return "<div>" + self.html_body() + "</div>"

    def html_body(self) -> str:
        """Return the report's tables as an HTML fragment (no page, no plots), values escaped.

        Examples
        --------
        >>> import rmatch as rm
        >>> rep = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]).report()
        >>> rep.html_body().startswith("<h2>")
        True
        """
        parts = []
        for title, head, rows, note in self._tables():
            parts.append(f"<h2>{html.escape(title)}</h2>")
            if note:
                parts.append(f"<p>{html.escape(note)}</p>")
            if title == "Score distribution":
                parts.append(css_histogram(self.histogram))
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

        proof = proven(self.status, self.solver, self.objective, self.bound,
                       () if self.optimum is None
                       else (self.optimum.objective, self.optimum.bound))
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
        if self.data_gaps:  # a rule protects only what the files show
            tables.append(("What the data cannot tell", ["found before pairing"],
                           [[line] for line in self.data_gaps], ""))
        if self.optimum is not None:
            best = self.optimum
            tables.append(("Your matching against the optimum",
                           ["", "pairs", "total score", "rules broken"], [
                               ["this matching", str(self.pairs), f"{self.objective:.4f}",
                                str(len(self.violations))],
                               ["the optimum under the same rules", str(best.pairs),
                                f"{best.objective:.4f}", "0"]],
                           "the same scores and rules as rmatch's own matching; "
                           + ("the optimum is rmatch's stable matching" if self.stable else
                              "the optimum has the most pairs, then the highest total score")
                           + ("" if best.status == "optimal"
                              else f" (at most {best.bound:.4f})")))
        if self.violations:
            tables.append(("Rules broken", ["rule", "junior", "senior", "what"],
                           [[v.rule, v.junior_id or "", v.senior_id or "", v.detail]
                            for v in self.violations], ""))
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
            # "Millennials -> Boomers" in words: Markdown escapes any ">" (it showed "-\>").
            *([f"generations {k.replace(' -> ', ' to ')}", str(v)]
              for k, v in self.generations.items()),
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
                           "with each other than with a partner they have ("
                           + ("by their wishes: one wished for higher above one lower, "
                              "any wished one above the others)"
                              if self.blocking_by == "wishes" else "by score)")
                           + (". The programme asks for a stable matching: one with none."
                              if self.stable else
                              ". An assignment with the most pairs and the best total can "
                              "have some; taking the best remaining pair first gives one with "
                              "none, at the cost shown.")))
        if self.pair_list:
            tables.append(("Pairs", ["junior", "senior", "score"],
                           [[p.junior_id, p.senior_id, f"{p.score:.3f}"]
                            for p in self.pair_list], "Best score first."))
        return tables


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
    # Every figure a group row shows is a cell: people, pairs (its mean is one
    # score when there are few) and, when the report lists this side's
    # unmatched people by id, how many of the group are unmatched (0 would say
    # that everyone listed belongs to another group).
    listed = not matched.all()
    small = {code: sizes[code] < min_size
             or int((codes[idx] == code).sum()) < min_size
             or (listed and int((~matched & (codes == code)).sum()) < min_size)
             for code in codes_present}
    withheld = withheld_groups(sizes, small) if sensitive else set()
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


def _every_pair(sm: ScoreMatrix, result: MatchResult
                ) -> tuple[dict[str, float | int | str | None], dict[int, int]]:
    """Look at every pair once: count the blocking pairs and what each rule rules out.

    On a programme solved on candidates every block is scored anew: one pass, not two.
    """
    from rmatch.analysis.blocking import count_blocking
    from rmatch.constraints.pairwise import Require
    from rmatch.constraints.programme import GLOBAL_CONSTRAINTS

    pairwise = [c for c in sm.program.constraints
                if not isinstance(c, (*GLOBAL_CONSTRAINTS, Require))]
    counts = [0] * len(pairwise)

    def rules_in(start: int, total: object, _: object) -> None:
        if pairwise:
            here = sm.ruled_out_in(pairwise, start, np.asarray(total))
            counts[:] = [a + b for a, b in zip(counts, here, strict=True)]

    found = count_blocking(result, each_block=rules_in)
    return ({"blocking_pairs": found.count, "blocking_by": found.by,
             "people_touched": found.people_touched, "stability_cost": found.cost},
            dict(zip(map(id, pairwise), counts, strict=True)))


def _constraints(sm: ScoreMatrix, result: MatchResult, min_group_size: int,
                 ruled_out: dict[int, int]) -> list[ConstraintSummary]:
    from rmatch.analysis.explain import rule_status
    from rmatch.constraints.pairwise import Require
    from rmatch.constraints.programme import GLOBAL_CONSTRAINTS

    out = []
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
            n = ruled_out[id(con)]
            out.append(ConstraintSummary(label=label, scope="pairwise", pairs_ruled_out=n,
                                         detail=f"rules out {n} of {sm.total.size} pairs"))
    return out


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
    stability, ruled_out = _every_pair(sm, result)
    rows, cols = pair_indices(result)
    js, ss = sm.juniors, sm.seniors
    scores = sm.total[rows, cols].astype(np.float64)
    age = js.birth_year[rows] - ss.birth_year[cols]
    age = age[~np.isnan(age)]
    level = ss.level[cols] - js.level[rows]
    gj, gs = generation_codes(js.birth_year[rows]), generation_codes(ss.birth_year[cols])
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
        level_gap=Distribution.of(level[~np.isnan(level)]),  # pairs with both levels known
        cross_department_share=None if sm.program.is_sensitive("department")
        else _share(js.department[rows], ss.department[cols]),
        cross_location_share=None if sm.program.is_sensitive("location")
        else _share(js.location[rows], ss.location[cols]),
        balance=[_balance(sm, rows, cols, scores, attr, side, min_group_size)
                 for attr in groups for side in ("senior", "junior")],
        constraints=_constraints(sm, result, min_group_size, ruled_out),
        **stability,
        optimum=result.optimum, violations=result.violations, stable=sm.program.stable,
        data_gaps=result.data_gaps,
        solver=result.solver, status=result.status, objective=result.objective,
        bound=result.bound,
        gap=(result.bound - result.objective) / max(abs(result.bound), 1e-12)
        if result.bound > 0 else 0.0,
        wall_time_s=result.wall_time_s,
    )
    out._result = result  # for the plots of to_html(); not part of the dump
    return out
