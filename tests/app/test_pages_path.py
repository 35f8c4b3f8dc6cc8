"""The whole programme year in one browser session, in order, as an HR coordinator lives it.

Sign in, create a programme, upload a messy HR export (a Workday report with a
title, a footer and a role word the reader does not know), fix its value map on
the page, match, keep one pair and forbid another, publish, download every
kick-off file and check what is inside, record check-in ratings, re-match a
leaver, open the dashboard; then the same pages at a tablet's width. Each
step's screenshot goes to the folder the test prints (not committed). Every
figure is checked against rmatch itself, called here as a library.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.app.browsing import check_page, new_programme, record_ratings, sign_in
from tests.app.conftest import ROOT, Service

import rmatch as rm

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, ViewportSize, expect

openpyxl = pytest.importorskip("openpyxl")

WORKDAY = ROOT / "examples" / "exports" / "workday_workers.xlsx"
TABLET: ViewportSize = {"width": 768, "height": 1024}


def _shown_pairs(page: Page) -> set[tuple[str, str]]:
    return {(ids[0], ids[1]) for r in page.locator("table.pairs tbody tr").all()
            if len(ids := [t.strip() for t in r.locator("td .id").all_inner_texts()]) == 2}


def _download(page: Page, link: str) -> bytes:
    with page.expect_download() as download:
        page.click(f"text={link}")
    return Path(download.value.path()).read_bytes()


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _library_people(values: dict[str, Any]) -> list[rm.Participant]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rm.read_participants(WORKDAY, columns=rm.suggest_columns(WORKDAY),
                                    values=values)


def test_the_programme_year_in_one_session(browser: Browser, site: Service,
                                           tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    print(f"screenshots in {shots}")
    site.user("ana", "admin")
    page = browser.new_page()
    sign_in(page, site, "ana")
    check_page(page, shots, "programmes")

    # A new programme with its goals, dates and rounds.
    page.click("text=New programme")
    page.fill("#name", "Reverse mentoring 2027")
    page.fill("#seniors_learn", "generative AI, social media")
    page.fill("#juniors_gain", "strategy, visibility")
    page.fill("#starts_on", "2027-01-11")
    page.fill("#ends_on", "2027-12-10")
    page.click("button:has-text('Create the programme')")
    expect(page.locator("h1")).to_have_text("Reverse mentoring 2027")
    expect(page.locator(".next")).to_contain_text("Import the people")
    check_page(page, shots, "new-programme")

    # The messy export, checked on the mapping screen: the reader stops at a role word
    # it does not know; the coordinator maps it on the page (never in the file).
    page.set_input_files("#mapfile", str(WORKDAY))
    page.click("button:has-text('Check the columns')")
    expect(page.locator(".notes")).to_contain_text("above the header")  # the report title
    check_page(page, shots, "mapping")
    proposed = json.loads(page.locator("#values").input_value())
    page.click("button:has-text('Read the file with these choices')")
    problems = page.locator("table:has(caption:text('Problems')) tbody tr")
    expect(problems).to_have_count(1)
    expect(problems).to_contain_text("Not taking part")
    check_page(page, shots, "mapping-problem")
    fixed = {"role": {**proposed["role"], "Not taking part": None}}
    page.fill("#values", json.dumps(fixed))
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("h1")).to_have_text("Reverse mentoring 2027")
    people = _library_people(fixed)
    by_id = {p.id: p for p in people}
    juniors, seniors, _ = rm.split_roles(people)
    chart = rm.OrgChart.from_participants(people)
    expect(page.locator("#people-h + p")).to_contain_text(
        f"{len(people)} people read from workday_workers.xlsx: {len(juniors)} juniors and "
        f"{len(seniors)} seniors")

    # Match: the pairs are the library's optimum for the same people and rules.
    page.click("button:has-text('Match the people')")
    page.wait_for_url(re.compile(r"/matchings/\d+$"), timeout=120_000)
    check_page(page, shots, "review")
    optimum = rm.match(juniors, seniors, org=chart)
    first = _shown_pairs(page)
    assert len(first) == len(optimum.pairs) >= 3
    assert first == {(p.junior_id, p.senior_id) for p in optimum.pairs}
    expect(page.locator("table.pairs")).to_contain_text(by_id[optimum.pairs[0].junior_id].name
                                                        or "")

    # Keep one pair, then forbid another: each a re-solve, with what changed said.
    keep, forbid = sorted(first)[0], sorted(first)[1]
    page.locator("table.pairs tbody tr").filter(has_text=keep[0]).first.locator(
        "button", has_text="Keep this pair").click()
    expect(page.locator("h1")).to_have_text("Version 2 of the pairs")
    page.locator("table.pairs tbody tr").filter(has_text=forbid[0]).first.locator(
        "button", has_text="Not this pair").click()
    expect(page.locator("h1")).to_have_text("Version 3 of the pairs")
    expect(page.locator(".change")).to_contain_text("the total score changed by")
    check_page(page, shots, "re-solved")
    ruled = rm.Program().model_copy(update={"constraints": [
        *rm.Program().constraints, rm.Require(pairs=[keep]), rm.Forbid(pairs=[forbid])]})
    oracle = rm.match(juniors, seniors, ruled, org=chart)
    pairs = _shown_pairs(page)
    assert keep in pairs
    assert forbid not in pairs
    assert pairs == {(p.junior_id, p.senior_id) for p in oracle.pairs}

    # Publish, and every kick-off file holds what it should.
    page.click("button:has-text('Publish these pairs')")
    expect(page.locator("#kick-h")).to_have_text("Kick-off")
    check_page(page, shots, "kick-off")
    table = _csv(_download(page, "Pairs (CSV)"))
    assert {(r["junior_id"], r["senior_id"]) for r in table} == pairs
    assert all(r["junior_name"] == by_id[r["junior_id"]].name for r in table)
    sheet = openpyxl.load_workbook(io.BytesIO(_download(page, "Pairs (Excel)"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(table[0])  # the same columns as the CSV
    score = rows[0].index("score")
    assert {(r[0], r[1]): r[score] for r in rows[1:]} == {
        (r["junior_id"], r["senior_id"]): float(r["score"]) for r in table}
    merge = _csv(_download(page, "Mail merge"))
    partner_of = {x: y for j, s in pairs for x, y in ((j, s), (s, j))}
    for row in merge:
        assert row["partner_ids"] == partner_of.get(row["id"], "")
        assert row["email"] == (by_id[row["id"]].email or "")
    published = rm.evaluate(sorted(pairs), juniors, seniors, ruled, org=chart)
    briefs = {(b.junior_id, b.senior_id): b for b in published.briefs()}
    for row in merge:
        if row["id"] in partner_of and by_id[row["id"]].role == "junior":
            brief = briefs[(row["id"], partner_of[row["id"]])]
            topics = [t.skill for t in [*brief.junior_teaches, *brief.senior_teaches]]
            assert row["talking_points"] == "; ".join(dict.fromkeys(topics))
    with zipfile.ZipFile(io.BytesIO(_download(page, "One brief per pair"))) as bundle:
        pages = [bundle.read(n).decode("utf-8") for n in bundle.namelist()]
    assert len(pages) == len(pairs)
    for j, s in pairs:
        assert sum((by_id[j].name or j) in p and (by_id[s].name or s) in p for p in pages) == 1
    ics = _download(page, "Kick-off invitations").decode("utf-8")
    assert ics.count("BEGIN:VEVENT") == len(pairs)
    assert ics.count("DTSTART:20270111T100000Z") == len(pairs)  # the programme's first day
    for j, s in pairs:
        for who in (j, s):
            if by_id[who].email:
                assert f"mailto:{by_id[who].email}" in ics

    # Check-in ratings, then a leaver re-matched with the pairs that work kept.
    record_ratings(page, sorted(pairs))
    check_page(page, shots, "running")
    leaver = sorted(pairs)[-1][1]
    page.fill("#leavers", leaver)
    page.click("button:has-text('Match again')")
    expect(page.locator("h1")).to_have_text("Version 4 of the pairs")
    expect(page.locator(".change")).to_contain_text("have another partner")
    check_page(page, shots, "re-matched")
    # Reasons speak HR's words, not the library's rule names.
    reasons = page.locator("main").inner_text()
    assert not re.search(r"\b(NoReportingLine|SharedLanguage|SeniorityDirection)\b", reasons)
    after = _shown_pairs(page)
    assert all(leaver not in pair for pair in after)
    assert {p for p in pairs if leaver not in p} <= after  # the pairs that work are kept
    review = page.url
    page.click("button:has-text('Publish these pairs')")  # the new pairs, from now on
    expect(page.locator("#kick-h + p")).to_contain_text("Version 4 is published")

    # The dashboard: the published pairs' figures, ratings by check-in, in plots too.
    page.click("text=Dashboard and year-end figures")
    check_page(page, shots, "dashboard")
    expect(page.locator(".headlines")).to_contain_text(
        f"{len(juniors)} juniors and {len(seniors) - 1} seniors took part")
    expect(page.locator(".headlines")).to_contain_text(f"{len(after)} pairs published")
    expect(page.locator("figure:has(figcaption:text('Mean rating by check-in')) rect")
           ).to_have_count(1)
    dashboard = page.url

    # The same pages at a tablet's width: nothing wider than the screen.
    page.set_viewport_size(TABLET)
    base = dashboard.rsplit("/dashboard", 1)[0]
    for url in (site.base + "/", base, base + "/rules", review,
                review + f"/explain/{sorted(after)[0][0]}", dashboard):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= TABLET["width"], (url, width)
        check_page(page, shots, "tablet")


def test_the_next_round_gives_everyone_someone_new(browser: Browser, site: Service) -> None:
    roster = ROOT / "examples" / "roster.csv"
    c = site.client(site.user("ana", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Two rounds", "rounds": 2}).json()["id"]
    c.post(f"/api/v1/programmes/{pid}/people",
           files={"file": ("roster.csv", roster.read_bytes())})
    first = site.wait(c, c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"])
    c.post(f"/api/v1/programmes/{pid}/matchings/{first['matching']}/publish")
    before = {(p["junior_id"], p["senior_id"]) for p in
              c.get(f"/api/v1/programmes/{pid}/matchings/{first['matching']}").json()["pairs"]}
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}")
    page.click("button:has-text('Match round 2')")
    page.wait_for_url(re.compile(r"/matchings/\d+$"), timeout=120_000)
    expect(page.locator("h1")).to_have_text("Version 2 of the pairs, round 2")
    check_page(page)
    after = _shown_pairs(page)
    assert not after & before  # no one meets their round-1 partner again
    # The library's answer for the same people, their round-1 partners recorded.
    people = rm.read_participants(roster)
    met = {p.id: {s for j, s in before if j == p.id} | {j for j, s in before if s == p.id}
           for p in people}
    again = [p.model_copy(update={"previous_partners": p.previous_partners | met[p.id]})
             for p in people]
    juniors, seniors, _ = rm.split_roles(again)
    rules = rm.Program().constraints  # the recommended rules, and no repeats in any case
    program = rm.Program(constraints=[*rules, *([] if any(
        isinstance(r, rm.NoRepeat) for r in rules) else [rm.NoRepeat()])])
    oracle = rm.match(juniors, seniors, program, org=rm.OrgChart.from_participants(again))
    assert after == {(p.junior_id, p.senior_id) for p in oracle.pairs}

    # A pair kept in round 2 keeps round 1 apart too (the earlier pairs stay with it).
    row = page.locator("table.pairs tbody tr").first
    row.locator("button", has_text="Not this pair").click()
    expect(page.locator("h1")).to_have_text("Version 3 of the pairs, round 2")
    assert not _shown_pairs(page) & before
    page.click("button:has-text('Publish these pairs')")
    expect(page.locator("button:has-text('Match round')")).to_have_count(0)  # the last one
    last = c.post(f"/api/v1/programmes/{pid}/next-round")
    assert last.status_code == 409
    assert "this was the last" in last.text


def test_the_pairs_page_says_what_the_data_cannot_tell(browser: Browser, site: Service,
                                                        tmp_path: Path) -> None:
    """A file without managers and with 'HR' beside 'Human Resources': the matching's page
    lists the gaps rm.match found (rm.data_gaps' lines, in the pages' words)."""
    people = tmp_path / "gaps.csv"
    people.write_text("id,role,department,level\nj1,junior,HR,1\nj2,junior,Sales,1\n"
                      "s1,senior,Human Resources,6\ns2,senior,Sales,6\n", "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        juniors, seniors, _ = rm.split_roles(rm.read_participants(people))
    expected = rm.data_gaps(juniors, seniors, rm.Program(constraints=rm.recommended_rules()))
    assert any("'HR' and 'Human Resources'" in line for line in expected)
    page = new_programme(browser, site, "Gaps")
    page.set_input_files("#file", str(people))
    page.click("button:has-text('Read the file')")
    page.click("button:has-text('Match the people')")
    page.click("text=Version 1")
    gaps = page.locator("section.gaps")
    expect(gaps).to_contain_text("What the data cannot tell")
    expect(gaps.locator("li")).to_have_count(len(expected))
    expect(gaps).to_contain_text("participants have no known manager: the reporting-line rule")
    expect(gaps).to_contain_text("'HR' and 'Human Resources' look like one group")
    expect(gaps).not_to_contain_text("CLI")
    check_page(page, tmp_path / "shots", "data-gaps")
    # The API's matching carries the same lines, without the command line's flags.
    pid = re.search(r"/programmes/(\d+)/matchings/(\d+)", page.url)
    assert pid is not None
    api = site.client(site.user("gaps", "admin"))
    stored = api.get(f"/api/v1/programmes/{pid[1]}/matchings/{pid[2]}").json()
    said = stored.get("result", stored)["data_gaps"]
    assert len(said) == len(expected)
    assert not any("CLI" in line for line in said)
    assert any(line.endswith('{"department": {"HR": "Human Resources"}}') for line in said)
    # A hand matching judged on the same people: no rule broken, as far as the data shows.
    hand = tmp_path / "hand.csv"
    hand.write_text("junior_id,senior_id\nj1,s2\nj2,s1\n", "utf-8")
    page.click("a:text-is('Gaps')")
    page.set_input_files("#judgefile", str(hand))
    page.click("button:has-text('Judge it against the optimum')")
    expect(page.locator("h1")).to_have_text("Your matching against the optimum")
    expect(page.locator("main")).to_contain_text("No rule broken, as far as the data shows")
    expect(page.locator("section.gaps li")).to_have_count(len(expected))
    expect(page.locator("section.gaps")).not_to_contain_text("CLI")
