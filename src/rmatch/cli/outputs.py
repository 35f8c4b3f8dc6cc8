"""What the commands print and write: the pairs as a table, CSV or JSON, one row a person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rmatch.errors import InputError
from rmatch.io.files import writing
from rmatch.model.text import counted
from rmatch.result.match_result import MatchResult

__all__ = ["per_person_rows", "report_text", "table", "write_result"]


def write_result(result: MatchResult, out: Path, *, per_person: bool = False,
                 names: bool = False) -> None:
    """Write the pairs to ``out`` (.csv or .json), or one row per person (.csv).

    Scores in CSV are rounded to 4 decimals (JSON keeps full precision);
    ``names`` adds each person's name and e-mail (personal data: only when
    asked), for a mail merge.

    Examples
    --------
    >>> import rmatch as rm, tempfile
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_result(res, Path(tmp) / "pairs.csv")
    ...     (Path(tmp) / "pairs.csv").read_text().splitlines()[0]
    'junior_id,senior_id,score,diversity,generation,skills'
    """
    suffix = out.suffix.lower()
    if suffix == ".json" and not per_person:
        result.to_json(out)
    elif suffix == ".csv":
        import csv

        from rmatch.io.tables import escape_cell

        parts = sorted({k for p in result.pairs for k in p.components})
        who = _people_by_id(result) if names else {}
        with writing(out) as fh:
            writer = csv.writer(fh)
            if per_person:
                writer.writerows(per_person_rows(result, names=names))
                return
            extra = ["junior_name", "junior_email", "senior_name", "senior_email"] if names \
                else []
            writer.writerow(["junior_id", "senior_id", "score", *parts, *extra])
            for p in result.pairs:
                contact = [*who.get(p.junior_id, ("", "")), *who.get(p.senior_id, ("", ""))] \
                    if names else []
                writer.writerow([escape_cell(p.junior_id), escape_cell(p.senior_id),
                                 f"{p.score:.4f}", *(f"{p.components[k]:.4f}" for k in parts),
                                 *(escape_cell(c) for c in contact)])
    else:
        raise InputError(f"{out}: the output must end in .csv"
                         + ("" if per_person else " or .json"))


def _people_by_id(result: MatchResult) -> dict[str, tuple[str, str]]:
    """Name and e-mail of everyone in the result, by id ('' where not given)."""
    sm = result.scores
    return {p.id: (p.name or "", p.email or "")
            for side in (sm.juniors.people, sm.seniors.people) for p in side}


def per_person_rows(result: MatchResult, *, names: bool = False) -> Iterator[list[str]]:
    """One row per person and side (for mail merges): partners and scores, or why none.

    With ``names``: the person's name and e-mail, and the partners' names.
    """
    from rmatch.io.tables import escape_cell

    sm = result.scores
    who = _people_by_id(result) if names else {}
    yield ["id", "side", "partners", "scores", "unmatched_reason",
           *(["name", "email", "partner_names"] if names else [])]
    for side, ids in (("junior", sm.junior_ids), ("senior", sm.senior_ids)):
        mine: dict[str, list[tuple[str, float]]] = {pid: [] for pid in ids}
        for p in result.pairs:
            me, other = (p.junior_id, p.senior_id) if side == "junior" else (p.senior_id,
                                                                             p.junior_id)
            mine[me].append((other, p.score))
        for pid, partners in mine.items():
            why = "" if partners else result.unmatched_reasons.get(pid, "")
            contact = [*who[pid], ";".join(who[o][0] for o, _ in partners)] if names else []
            yield [escape_cell(pid), side, escape_cell(";".join(o for o, _ in partners)),
                   ";".join(f"{sc:.4f}" for _, sc in partners), escape_cell(why),
                   *(escape_cell(c) for c in contact)]


def table(result: MatchResult, limit: int | None) -> str:
    """Lay the pairs out as an aligned text table, at most ``limit`` rows (all when ``None``).

    Examples
    --------
    >>> import rmatch as rm
    >>> print(table(rm.match([rm.Participant(id="j")], [rm.Participant(id="s")]), 5))
    ... # doctest: +NORMALIZE_WHITESPACE
    junior  senior  score  diversity  generation  skills
    ------  ------  -----  ---------  ----------  ------
    j       s       0.000  0.000      0.000       0.000
    """
    names = sorted({k for p in result.pairs for k in p.components})
    head = ["junior", "senior", "score", *names]
    rows = [[p.junior_id, p.senior_id, f"{p.score:.3f}",
             *(f"{p.components[k]:.3f}" for k in names)] for p in result.pairs]
    shown = rows if limit is None else rows[:limit]
    widths = [max(len(h), *(len(r[c]) for r in shown)) if shown else len(h)
              for c, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in shown]
    if len(shown) < len(rows):
        lines.append(f"... {counted(len(rows) - len(shown), 'more pair')} (use -o FILE for all)")
    return "\n".join(lines)


def report_text(result: MatchResult, limit: int | None) -> str:
    """Give the table, the summary and why each unmatched person is unmatched.

    Examples
    --------
    >>> import rmatch as rm
    >>> text = report_text(rm.match([rm.Participant(id="j")], []), None)
    >>> text.splitlines()[-1]
    '  j: no senior with free capacity'
    """
    parts = [table(result, limit), "", result.summary()]
    if result.unmatched_reasons:
        parts.append("\nunmatched:")
        parts += [f"  {pid}: {why}" for pid, why in result.unmatched_reasons.items()]
    return "\n".join(parts)
