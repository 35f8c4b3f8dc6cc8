"""Re-matching: leavers, joiners and requests, exact against brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rmatch as rm
from rmatch.cli import main


def _brute(total: np.ndarray, feasible: np.ndarray, cap_j: np.ndarray, cap_s: np.ndarray,
           keep: set[tuple[int, int]], cost: float | None) -> tuple[int, float]:
    """Best (pairs, score - cost x kept pairs broken); cost None: kept pairs required."""
    rows, cols = np.nonzero(feasible)
    k = len(rows)
    masks = (np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1
    n, m = feasible.shape
    deg_j = masks @ np.eye(n, dtype=np.int64)[rows] if k else np.zeros((1, n), np.int64)
    deg_s = masks @ np.eye(m, dtype=np.int64)[cols] if k else np.zeros((1, m), np.int64)
    ok = (deg_j <= cap_j).all(axis=1) & (deg_s <= cap_s).all(axis=1)
    is_kept = np.array([(int(r), int(c)) in keep for r, c in zip(rows, cols, strict=True)],
                       dtype=bool)
    broken = (1 - masks[:, is_kept]).sum(axis=1) if is_kept.any() else np.zeros(len(masks))
    if cost is None:
        ok &= broken == 0
        cost = 0.0
    value = masks @ total[rows, cols].astype(np.float64) - cost * broken
    counts = masks.sum(axis=1)
    best = counts[ok].max()
    return int(best), float(value[ok & (counts == best)].max())


@pytest.mark.parametrize("seed", range(80))
def test_rematch_is_exact_with_and_without_changes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    juniors = [rm.Participant(id=f"j{i}", skills={"a": float(rng.random())},
                              capacity=int(rng.integers(1, 3))) for i in range(n)]
    seniors = [rm.Participant(id=f"s{k}", goals={"a": float(rng.random())}, level=2)
               for k in range(m)]
    forbid = [(f"j{i}", f"s{k}") for i in range(n) for k in range(m) if rng.random() < 0.25]
    program = rm.Program(constraints=[rm.Forbid(pairs=forbid)])
    before = rm.match(juniors, seniors, program)
    # One junior leaves, one joins, and someone may ask to change.
    leaver = juniors[int(rng.integers(0, n))].id
    now_j = [p for p in juniors if p.id != leaver] + [
        rm.Participant(id="j9", skills={"a": float(rng.random())})]
    asked = {before.pairs[0].senior_id} if before.pairs and rng.random() < 0.5 else set()
    for allow in (False, True):
        out = rm.rematch(before, now_j, seniors, program, change=asked, allow_changes=allow,
                         change_cost=0.2)
        out.result.check()
        # The oracle's programme: the leaver's Forbid pairs no longer name anyone.
        sm = rm.score(now_j, seniors, rm.Program(constraints=[
            rm.Forbid(pairs=[pr for pr in forbid if pr[0] != leaver])]))
        feasible = sm.feasible.copy()
        present = {q.id for q in now_j}
        for p in before.pairs:
            if (p.senior_id in asked or p.junior_id in asked) and p.junior_id in present:
                feasible[sm.juniors.index(p.junior_id), sm.seniors.index(p.senior_id)] = False
        if feasible.sum() > 12:
            continue
        keep = {(sm.juniors.index(j), sm.seniors.index(s)) for j, s in
                [(p.junior_id, p.senior_id) for p in before.pairs]
                if j != leaver and j not in asked and s not in asked}
        count, best = _brute(sm.total, feasible, np.minimum(sm.juniors.capacity, m),
                             np.minimum(sm.seniors.capacity, len(now_j)), keep,
                             0.2 if allow else None)
        broken = sum(1 for r, c in keep
                     if (sm.junior_ids[r], sm.senior_ids[c]) not in
                     {(p.junior_id, p.senior_id) for p in out.result.pairs})
        assert len(out.result.pairs) == count
        assert out.result.objective - (0.2 * broken if allow else 0.0) == pytest.approx(
            best, abs=1e-5)
        if not allow:
            assert set(out.kept) == {(sm.junior_ids[r], sm.senior_ids[c]) for r, c in keep}
        # Every previous pair is kept or broken with a reason; nothing is silently lost.
        accounted = set(out.kept) | {(c.junior_id, c.senior_id) for c in out.broken}
        assert accounted == {(p.junior_id, p.senior_id) for p in before.pairs}
        assert all(c.reason for c in out.broken)


def test_rematch_says_why_each_pair_ended() -> None:
    js = [rm.Participant(id="j1"), rm.Participant(id="j2"), rm.Participant(id="j3")]
    ss = [rm.Participant(id="s1"), rm.Participant(id="s2"), rm.Participant(id="s3")]
    before = [("j1", "s1"), ("j2", "s2"), ("j3", "s3")]
    program = rm.Program(constraints=[rm.Forbid(pairs=[("j3", "s3")])])
    out = rm.rematch(before, js[:2] + js[2:], ss[1:], program, change={"j2"})
    reasons = {(c.junior_id, c.senior_id): c.reason for c in out.broken}
    assert reasons[("j1", "s1")] == "'s1' left"
    assert reasons[("j2", "s2")] == "'j2' asked to change"
    assert reasons[("j3", "s3")].startswith("now ruled out by Forbid")
    assert ("j2", "s2") not in {(p.junior_id, p.senior_id) for p in out.result.pairs}
    assert "broke ('j1', 's1'): 's1' left" in out.text()
    # The pair refused says why in the rule's own words, not Forbid's alone.
    said = out.result.explain("j2").text()
    assert "Forbid(reason='asked for a new partner')" in said
    assert "the programme forbids this pair (asked for a new partner)" in said


def test_cli_rematch_reads_the_previous_pairs_file(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    roster = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"
    previous, new = tmp_path / "pairs.csv", tmp_path / "new.csv"
    assert main(["match", str(roster), "-o", str(previous), "-q"]) == 0
    first = previous.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    capsys.readouterr()
    assert main(["rematch", str(roster), "--previous", str(previous), "--change", first,
                 "-o", str(new)]) == 0
    out = capsys.readouterr().out
    assert f"'{first}' asked to change" in out
    before = previous.read_text(encoding="utf-8").splitlines()[1]
    assert ",".join(before.split(",")[:2]) not in new.read_text(encoding="utf-8")
    assert main(["rematch", str(roster), "--previous", str(previous), "-o",
                 str(previous)]) == 1  # never over an input
    # The person who asked, typed by name ("Last, First" has a comma: "First Last").
    named = next(p for p in rm.read_participants(roster) if p.id == first)
    assert named.name
    capsys.readouterr()
    assert main(["rematch", str(roster), "--previous", str(previous), "--change",
                 named.name.upper()]) == 0
    out = capsys.readouterr().out
    assert f"{named.name.upper()!r}: the name of {first!r}" in out
    assert f"'{first}' asked to change" in out


def test_cli_rematch_reads_a_teams_own_sheet_with_leavers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Last round's pairs as a team keeps them: a title, "Mentor"/"Mentee"
    # headers (the mentor is the junior), a note, and a pair whose senior has
    # left since. Read by the ids' sides, the leaver said by rematch.
    roster = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"
    people = rm.read_participants(roster)
    juniors, seniors, _ = rm.split_roles(people)
    best = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people)).pairs
    rows = [(p.junior_id, p.senior_id) for p in best[:4]] + [(best[4].junior_id, "gone-77")]
    sheet = tmp_path / "last round.csv"
    sheet.write_text("Pairs, round 1\nMentor,Mentee,Notes\n" + "".join(
        f"{j},{s},ok\n" for j, s in rows), encoding="utf-8")
    assert main(["rematch", str(roster), "--previous", str(sheet)]) == 0
    captured = capsys.readouterr()
    assert "read 'Mentor' as the juniors' ids and 'Mentee' as the seniors'" in captured.err
    assert f"broke ('{rows[4][0]}', 'gone-77'): 'gone-77' left" in captured.out
    assert "kept 4 pairs, broke 1" in captured.out
    # A senior's id under the juniors: an error by row, not a leaver.
    rows[1] = (rows[1][1], rows[1][0])
    sheet.write_text("junior_id,senior_id\n" + "".join(f"{j},{s}\n" for j, s in rows),
                     encoding="utf-8")
    assert main(["rematch", str(roster), "--previous", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert f"row 3, field 'junior_id': '{rows[1][0]}' is a senior of this programme" in err
    assert f"row 3, field 'senior_id': '{rows[1][1]}' is a junior of this programme" in err


@pytest.mark.parametrize("cost", [float("nan"), float("inf"), -0.1, True, "0.1"])
def test_a_change_cost_that_is_not_a_finite_number_is_refused(cost: object) -> None:
    js, ss = [rm.Participant(id="j")], [rm.Participant(id="s")]
    with pytest.raises(rm.InputError, match="change_cost must be a finite number"):
        rm.rematch([("j", "s")], js, ss, rm.Program(), change_cost=cost,  # type: ignore[arg-type]
                   allow_changes=True)


def test_a_change_for_nobody_and_a_pair_given_twice_are_errors_naming_them() -> None:
    js = [rm.Participant(id=f"j{k}") for k in range(3)]
    ss = [rm.Participant(id=f"s{k}") for k in range(3)]
    previous = [("j0", "s0"), ("j1", "s1")]
    with pytest.raises(rm.InputError, match="change names 'j0O', who is neither"):
        rm.rematch(previous, js, ss, rm.Program(constraints=[]), change={"j0O"})
    with pytest.raises(rm.InputError, match=r"more than once: \('j0', 's0'\)"):
        rm.rematch([*previous, ("j0", "s0")], js, ss, rm.Program(constraints=[]))
    out = rm.rematch(previous, js, ss, rm.Program(constraints=[]), change={"j0"})
    assert ("j0", "s0") not in {(p.junior_id, p.senior_id) for p in out.result.pairs}


def test_an_id_in_another_case_is_named_where_it_would_read_as_a_leaver() -> None:
    js = [rm.Participant(id="j-01"), rm.Participant(id="j-02")]
    ss = [rm.Participant(id="cto"), rm.Participant(id="cfo")]
    out = rm.rematch([("J-01", "cto"), ("j-02", "CFO"), ("gone", "cfo")], js, ss,
                     rm.Program(constraints=[]))
    reasons = {(c.junior_id, c.senior_id): c.reason for c in out.broken}
    assert reasons == {
        ("J-01", "cto"): "'J-01' left (did you mean 'j-01'? ids are case-sensitive)",
        ("j-02", "CFO"): "'CFO' left (did you mean 'cfo'? ids are case-sensitive)",
        ("gone", "cfo"): "'gone' left"}
    with pytest.raises(rm.InputError, match=r"change names 'CTO' \(did you mean 'cto'\? ids "
                                            r"are case-sensitive\), who is neither"):
        rm.rematch([("j-01", "cto")], js, ss, rm.Program(constraints=[]), change={"CTO"})


def test_ids_typed_on_another_system_name_the_same_people() -> None:
    """Decomposed (NFD) ids, as a Mac may type them, match the roster's composed (NFC) ones."""
    import unicodedata

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    js = [rm.Participant(id="josé", birth_year=2000), rm.Participant(id="zoë", birth_year=2001)]
    ss = [rm.Participant(id="andré", birth_year=1970, level=3),
          rm.Participant(id="sø", birth_year=1971, level=3)]
    program = rm.Program(constraints=[rm.Forbid(pairs=[(nfd("josé"), nfd("andré"))])])
    res = rm.match(js, ss, program)
    assert ("josé", "andré") not in {(p.junior_id, p.senior_id) for p in res.pairs}
    assert res.explain(nfd("josé"), costs=False).participant_id == "josé"
    previous = [(nfd(p.junior_id), nfd(p.senior_id)) for p in res.pairs]
    out = rm.rematch(previous, js, ss, rm.Program(constraints=[]), change={nfd("zoë")})
    kept = set(out.kept)
    assert kept == {(p.junior_id, p.senior_id) for p in res.pairs if p.junior_id == "josé"}
    with pytest.raises(rm.InputError, match="previous pair 1"):
        rm.rematch([("josé",)], js, ss, rm.Program(constraints=[]))


def test_a_rematch_keeps_what_the_data_cannot_tell() -> None:
    # The service stores a re-match as a new version: its pairs page lists the gaps
    # as the first version's does.
    juniors = [rm.Participant(id=f"j{i}", level=1) for i in range(2)]
    seniors = [rm.Participant(id=f"s{i}", level=6) for i in range(2)]
    program = rm.Program(constraints=[rm.NoReportingLine()])
    out = rm.rematch([("j0", "s0"), ("j1", "s1")], juniors, seniors, program, change={"j0"})
    assert out.result.data_gaps == rm.data_gaps(juniors, seniors, program)
    assert any("no known manager" in line for line in out.result.data_gaps)
    assert out.result.explain("j1").partners  # the copy keeps its scores
