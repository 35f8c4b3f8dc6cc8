"""Pair briefs for the kick-off: one pair's scores as talking points, in Markdown and HTML.

A brief turns one pair's scores into talking points: which of the senior's
learning goals the junior can cover, what the senior can teach back, and the
generational and organisational distance the pair bridges. Attribute keys
listed in ``Program.sensitive_attributes`` never appear in a brief; names
appear only with ``names=True``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from rmatch.errors import InputError
from rmatch.io.files import write_atomic
from rmatch.model.generations import generation_of
from rmatch.report.render import FROZEN, md, page

if TYPE_CHECKING:
    from rmatch.model.arrays import ParticipantArrays
    from rmatch.result.match_result import MatchResult
    from rmatch.scoring.matrix import ScoreMatrix

__all__ = ["BRIEFS_MANIFEST", "PairBrief", "Topic", "brief", "brief_file_stem", "briefs",
           "write_briefs"]


IntArray = npt.NDArray[np.int64]


class Topic(BaseModel):
    """A skill one partner can teach the other, for a goal the other has.

    ``strength`` is ``priority * proficiency``, the term it adds to the
    ``skills`` component before normalisation.

    Examples
    --------
    >>> Topic(skill="genai", priority=1.0, proficiency=0.8, strength=0.8).strength
    0.8
    """

    model_config = FROZEN

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

    model_config = FROZEN

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
    level_gap: int | None
    """The senior's level minus the junior's; None when either is unknown."""
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
        if self.level_gap is not None:
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
        lines = ["# " + md(f"Reverse-mentoring pair: {self._who('junior')} (junior mentor) "
                            f"and {self._who('senior')} (senior mentee)"), ""]
        for title, items in self._sections():
            lines += [f"## {md(title)}", "", *(f"- {md(item)}" for item in items), ""]
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
        return page(title, f"<h1>{html.escape(title)}</h1>\n{self._html_body()}")

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
        level_gap=_whole_or_none(float(ss.level[k] - js.level[i])),
        shared_languages=[lang[t] for t in shared],
        differences=differences,
        reporting_distance=_reporting_distance(sm, junior_id, senior_id),
    )


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

    The folder keeps a list of the briefs written there (``.rmatch-briefs``):
    writing again removes the briefs of pairs that no longer exist, and never
    touches a file rmatch did not write.

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
    written = {p.name for p in paths}
    for stale in sorted(_written_before(out) - written):
        (out / stale).unlink(missing_ok=True)
    write_atomic(out / BRIEFS_MANIFEST, json.dumps(sorted(written), indent=0) + "\n")
    return paths


BRIEFS_MANIFEST = ".rmatch-briefs"
"""The list of brief files rmatch wrote in a folder (JSON): the only files it removes."""


def _written_before(folder: Path) -> set[str]:
    """Brief files an earlier run listed in the folder's manifest (plain names only)."""
    try:
        names = json.loads((folder / BRIEFS_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(names, list):
        return set()
    return {n for n in names if isinstance(n, str) and Path(n).name == n
            and n not in ("", ".", "..") and n.endswith((".md", ".html"))}


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


def _whole_or_none(value: float) -> int | None:
    """Return a difference of levels as a whole number; None where a level is unknown."""
    return None if np.isnan(value) else int(value)
