"""The pages, used as a person would: a real Chromium (Playwright), the keyboard, an ugly name.

Chromium comes from ``.ci/chromium`` (Debian's package, installed when
missing and we are root, as in CI). In CI a browser that cannot start fails
the run: these tests never skip there.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import select
from tests.app.browsing import (
    check_page,
    matched_roster,
    new_programme,
    record_ratings,
    sign_in,
)
from tests.app.conftest import ROOT, Service, hand_matching

import rmatch as rm
from rmatch.app.pages import views
from rmatch.app.pages.rules import program_document
from rmatch.app.store import AuditEntry

pytest.importorskip("playwright")
from playwright.sync_api import Browser, FilePayload, Page, expect

ROSTER = ROOT / "examples" / "roster.csv"
CSS = ROOT / "src" / "rmatch" / "app" / "pages" / "static" / "app.css"


def test_a_programme_from_sign_in_to_kick_off_in_the_browser(browser: Browser,
                                                             site: Service,
                                                             tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    print(f"screenshots in {shots}")
    site.user("ana", "admin")
    page = browser.new_page()
    answer = httpx.get(f"{site.base}/sign-in")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    sign_in(page, site, "ana")
    check_page(page, shots, "programmes")
    page.click("text=New programme")
    check_page(page, shots, "new-programme")
    nasty = "Pilot <b>2027</b> '); DROP TABLE programmes;--"
    page.fill("#name", nasty)
    page.fill("#seniors_learn", "generative AI, social media")
    page.fill("#starts_on", "2027-01-11")
    page.click("button:has-text('Create the programme')")
    expect(page.locator("h1")).to_have_text(nasty)  # shown as text, never as markup
    assert page.locator("h1 b").count() == 0
    check_page(page, shots, "programme")

    # A file with problems: each shown with the row a spreadsheet shows; nothing stored.
    bad = b"id,role,birth_year\nj1,junior,1999\ns1,senior,not-a-year\ns2,senior,1960\n"
    payload: FilePayload = {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}
    page.set_input_files("#file", files=payload)
    page.click("button:has-text('Read the file')")
    problems = page.locator("table:has(caption:has-text('Problems')) tbody tr")
    expect(problems).to_have_count(1)
    assert problems.first.locator("td").first.inner_text() == "3"
    expect(page.locator("text=Nothing was stored")).to_be_visible()
    check_page(page, shots, "problems")

    page.set_input_files("#file", str(ROSTER))
    page.click("button:has-text('Read the file')")
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    expect(page.locator("#people-h + p")).to_contain_text(
        f"{len(juniors)} juniors and {len(seniors)} seniors")

    page.click("button:has-text('Match the people')")
    page.wait_for_url(re.compile(r"/matchings/\d+$"), timeout=120_000)
    check_page(page, shots, "review")
    alone = rm.match(juniors, seniors, org=rm.OrgChart.from_participants(people))
    rows = page.locator("table.pairs tbody tr")
    expect(rows).to_have_count(len(alone.pairs))
    by_id = {p.id: p for p in people}
    first = alone.pairs[0]
    expect(page.locator("table.pairs")).to_contain_text(by_id[first.junior_id].name or "")

    # "Not this pair": a new version without it, saying what changed.
    row = rows.filter(has_text=first.junior_id).first
    pair = [c.strip() for c in row.locator("td .id").all_inner_texts()]
    row.locator("button", has_text="Not this pair").click()
    expect(page.locator("h1")).to_have_text("Version 2 of the pairs")
    expect(page.locator(".change")).to_contain_text("the total score changed by")
    forbidden = rm.match(juniors, seniors, rm.Program().model_copy(update={
        "constraints": [*rm.Program().constraints, rm.Forbid(pairs=[tuple(pair)])]}),
        org=rm.OrgChart.from_participants(people))
    shown = {tuple(t.strip() for t in r.locator("td .id").all_inner_texts())
             for r in page.locator("table.pairs tbody tr").all()}
    assert shown == {(p.junior_id, p.senior_id) for p in forbidden.pairs}
    assert tuple(pair) not in shown

    page.click("button:has-text('Publish these pairs')")
    expect(page.locator("#kick-h")).to_have_text("Kick-off")
    check_page(page, shots, "kick-off")
    with page.expect_download() as download:
        page.click("text=Pairs (CSV)")
    table = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text("utf-8-sig"))))
    assert {(r["junior_id"], r["senior_id"]) for r in table} == shown
    assert {r["junior_name"] for r in table} == {by_id[j].name for j, _ in shown}


def test_a_viewer_sees_ids_and_no_buttons_and_forms_need_their_token(
        browser: Browser, site: Service) -> None:
    owner = site.client(site.user("ana", "coordinator"))
    site.user("vic", "viewer")
    pid = owner.post("/api/v1/programmes", json={"name": "Shared"}).json()["id"]
    owner.post(f"/api/v1/programmes/{pid}/people",
               files={"file": ("roster.csv", ROSTER.read_bytes())})
    job = owner.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
    mid = site.wait(owner, job)["matching"]
    owner.post(f"/api/v1/programmes/{pid}/shares", json={"user": "vic"})
    page = browser.new_page()
    sign_in(page, site, "vic")
    page.click("text=Shared")
    expect(page.locator("button:has-text('Match the people')")).to_have_count(0)
    expect(page.locator("#file")).to_have_count(0)
    page.goto(f"{site.base}/programmes/{pid}/matchings/{mid}")
    names = [p.name for p in rm.read_participants(ROSTER) if p.name]
    text = page.locator("main").inner_text()
    assert not any(n in text for n in names)
    expect(page.locator("button")).to_have_count(1)  # sign out only

    # A form posted without the page's token (another site's form) is refused.
    cookie = next(c for c in page.context.cookies() if c.get("name") == "rmatch_session")
    assert cookie.get("httpOnly")
    assert cookie.get("sameSite") == "Strict"
    session = {"rmatch_session": str(cookie.get("value"))}
    forged = httpx.post(f"{site.base}/programmes/{pid}/match", data={"csrf": "x"},
                        cookies=session)
    assert forged.status_code == 403
    # And the cookie alone opens no change through the API.
    assert httpx.post(f"{site.base}/api/v1/programmes/{pid}/matchings",
                      cookies=session).status_code == 401

    # Errors on the pages are pages, in words, with the way back; the API's stay JSON.
    for status, go in ((404, f"/programmes/{pid + 100}"), (404, "/jobs/nope"),
                       (404, f"/programmes/{pid}/matchings/{mid + 100}")):
        answer = page.goto(site.base + go)
        assert answer is not None
        assert answer.status == status
        expect(page.locator("h1")).to_have_text("Not found")
        expect(page.locator("a", has_text="Back to the programmes")).to_have_count(1)
        check_page(page)
    html = {"accept": "text/html"}
    refused = httpx.post(f"{site.base}/programmes/{pid}/match", data={"csrf": "x"},
                         cookies=session, headers=html)
    assert refused.status_code == 403
    assert "<h1>Not allowed</h1>" in refused.text
    assert "reload the page" in refused.text
    incomplete = httpx.post(f"{site.base}/programmes/{pid}/match", cookies=session,
                            headers=html)
    assert incomplete.status_code == 422
    assert "(csrf)" in incomplete.text
    api = httpx.get(f"{site.base}/api/v1/programmes/{pid + 100}", headers={
        **html, "authorization": f"Bearer {session['rmatch_session']}"})
    assert api.status_code == 404
    assert api.json() == {"detail": "no such programme"}


def test_the_review_pages_through_a_large_matching(browser: Browser, site: Service,
                                                  tmp_path: Path) -> None:
    org = rm.synth.generate(2_000, seed=3)
    org.write_csv(tmp_path / "org.csv", rm.synth.cohort_roles(
        org, 250, 250, seed=3, max_junior_level=0, min_senior_level=1))
    c = site.client(site.user("ana", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Large"}).json()["id"]
    assert c.post(f"/api/v1/programmes/{pid}/people", files={
        "file": ("org.csv", (tmp_path / "org.csv").read_bytes())}).status_code == 200
    mid = site.wait(c, c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"])["matching"]
    pairs = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["pairs"]
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}/matchings/{mid}")
    seen, pages = _paged_pairs(page, 100)
    assert seen == [(p["junior_id"], p["senior_id"]) for p in pairs]  # each pair once
    assert len(pairs) > 100
    assert pages == -(-len(pairs) // 100)

    # The same pairs judged as a matching made elsewhere: the optimum, paged the same way.
    own = "junior_id,senior_id\n" + "".join(f"{p['junior_id']},{p['senior_id']}\n"
                                             for p in pairs)
    judged = c.post(f"/api/v1/programmes/{pid}/judgements", files={
        "file": ("ours.csv", own.encode())}).json()
    page.goto(f"{site.base}/programmes/{pid}/judgements/{judged['id']}")
    expect(page.locator(".summary").nth(1)).to_contain_text("Your matching is an optimum.")
    seen, pages = _paged_pairs(page, 200)
    assert seen == [(p["junior_id"], p["senior_id"]) for p in pairs]
    assert pages == -(-len(pairs) // 200) == 2


def _paged_pairs(page: Page, size: int) -> tuple[list[tuple[str, ...]], int]:
    """Read a paged table of pairs to its end: every page's (junior, senior) ids, and pages."""
    seen: list[tuple[str, ...]] = []
    at = 1
    while True:
        rows = page.locator("table.pairs tbody tr")
        assert rows.count() <= size
        seen += [tuple(t.strip() for t in r.locator("td .id").all_inner_texts())
                 for r in rows.all()]
        following = page.locator(".pager a", has_text="Next")
        if not following.count():
            return seen, at
        following.click()
        at += 1
        # The next page itself before its rows are read: on a busy machine the click may
        # return before it loads (a run collected 200 of 250 pairs, probably so).
        expect(page.locator(".pager span")).to_contain_text(f"Pairs {size * (at - 1) + 1} to")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_colours_pass_wcag_aa() -> None:
    colours = dict(re.findall(r"--([\w-]+): (#[0-9a-fA-F]{6})", CSS.read_text("utf-8")))
    for fg, bg in (("text", "bg"), ("accent", "bg"), ("muted", "bg"), ("error", "error-bg")):
        assert _contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg)
    assert _contrast("#ffffff", colours["accent"]) >= 4.5  # button text


def test_an_export_read_through_the_mapping_screen(browser: Browser, site: Service,
                                                   tmp_path: Path) -> None:
    """The HRIS export with its own headers and grade words: suggested maps, a level map
    typed on the page, a column changed, and the same people as the library reads."""
    page = new_programme(browser, site, "HRIS")
    hris = ROOT / "examples" / "hris_export.csv"
    page.set_input_files("#mapfile", str(hris))
    page.click("button:has-text('Check the columns')")
    check_page(page, tmp_path / "shots", "mapping")
    suggested = rm.suggest_columns(hris)
    selects = page.locator("table.mapping select")
    assert selects.count() == len(suggested)
    for k, target in enumerate(suggested.values()):
        # An attribute is one choice ("an attribute"), named after its header.
        shown = "attributes" if target and target.startswith("attributes.") else target
        assert selects.nth(k).input_value() == (shown or "")
    expect(page.locator(".distinct")).to_contain_text("Director")  # the grade words
    # Read without a level map: the grade words are problems naming rows; nothing stored.
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("[role=alert]")).to_contain_text("Nothing was stored")
    assert page.locator("table:has(caption:text('Problems')) tbody tr").count() > 0
    levels = (ROOT / "examples" / "hris_levels.json").read_text("utf-8")
    page.fill("#level_map", levels)
    notes = next(k for k, h in enumerate(suggested) if h == "Notes")
    selects.nth(notes).select_option("attributes")  # keep the notes, as an attribute
    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("h1")).to_have_text("HRIS")
    columns = {**suggested, "Notes": "attributes.notes"}
    expected = rm.read_participants(hris, columns=columns, level_map=json.loads(levels))
    juniors, seniors, _ = rm.split_roles(expected)
    expect(page.locator("#people-h + p")).to_contain_text(
        f"{len(expected)} people read from hris_export.csv: {len(juniors)} juniors and "
        f"{len(seniors)} seniors")


def _rules_page(browser: Browser, site: Service, name: str,
                people: bytes) -> tuple[httpx.Client, int, Page]:
    """A new programme of these people, and its rules page open for an admin."""
    c = site.client(site.user("ana", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": name}).json()["id"]
    c.post(f"/api/v1/programmes/{pid}/people", files={"file": ("people.csv", people)})
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}/rules")
    check_page(page)
    return c, pid, page


def test_rules_set_on_the_page_are_the_rules_the_matching_keeps(browser: Browser,
                                                                 site: Service) -> None:
    c, pid, page = _rules_page(browser, site, "Rules", ROSTER.read_bytes())
    # The recommended rules are on by default, each said in one sentence.
    expect(page.locator("#no_reporting_line")).to_be_checked()
    expect(page.locator("label[for=shared_language]")).to_contain_text("share a working language")
    # Every box the same size: a long label squeezed its box in the flex row.
    ids: list[str] = page.eval_on_selector_all("input[type=checkbox]", "e => e.map(x => x.id)")
    sizes = [page.locator(f"#{k}").bounding_box() for k in ids]
    boxes = {(round(b["width"]), round(b["height"])) for b in sizes if b is not None}
    assert len(ids) >= 4
    assert len(boxes) == 1, boxes
    page.uncheck("#seniority_direction")
    page.fill("#tz", "9")
    page.fill("#quota_department", "75")
    page.fill("#w_skills", "2")
    page.click("button:has-text('Save the rules')")
    expect(page.locator("h1")).to_have_text("Rules")
    doc = c.get(f"/api/v1/programmes/{pid}").json()["rules"]
    program = rm.Program.model_validate(doc)
    kinds = {r.kind for r in program.constraints}
    assert kinds == {"no_reporting_line", "shared_language", "max_timezone_gap", "min_share"}
    assert program.weights.skills == 2
    job = c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{site.wait(c, job)['matching']}").json()
    people = {p.id: p for p in rm.read_participants(ROSTER)}
    crossing = sum(people[p["junior_id"]].department != people[p["senior_id"]].department
                   for p in got["pairs"])
    assert crossing >= 0.75 * len(got["pairs"])
    page.goto(f"{site.base}/programmes/{pid}/rules")  # the page reads back what it saved
    expect(page.locator("#quota_department")).to_have_value("75")
    expect(page.locator("#seniority_direction")).not_to_be_checked()


def test_a_self_match_programme_is_set_on_the_rules_page(browser: Browser, site: Service,
                                                        tmp_path: Path) -> None:
    # Mentees (the juniors) rank a few mentors, mentors rank nobody: stable pairs by wishes,
    # a pair only where the junior wished for the senior, mentors taking any junior.
    rows = list(csv.DictReader(io.StringIO(ROSTER.read_text(encoding="utf-8"))))
    seniors = [r["id"] for r in rows if r["role"] == "senior"]
    for i, r in enumerate(r for r in rows if r["role"] == "junior"):
        r["wishes"] = ";".join(seniors[(i + k) % len(seniors)] for k in range(1 + i % 3))
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0].keys(), "wishes"])
    writer.writeheader()
    writer.writerows({"wishes": "", **r} for r in rows)
    roster = tmp_path / "wishes.csv"
    roster.write_text(out.getvalue(), encoding="utf-8")
    c, pid, page = _rules_page(browser, site, "Self-match", roster.read_bytes())
    expect(page.locator("#objective")).to_have_value("max_pairs")  # the default, said so
    page.select_option("#objective", "stable")
    page.select_option("#stable_by", "wishes")
    page.select_option("#unranked", "unacceptable")
    page.select_option("#no_wishes", "accept_all")

    # A quota does not go with stable pairs: refused in words, the choices kept to mend.
    page.fill("#quota_department", "50")
    page.click("button:has-text('Save the rules')")
    expect(page.locator("[role=alert]")).to_contain_text("the quota would need pairs a "
                                                         "stable matching does not choose")
    expect(page.locator("#objective")).to_have_value("stable")
    expect(page.locator("#quota_department")).to_have_value("50")
    assert c.get(f"/api/v1/programmes/{pid}").json()["rules"] is None  # nothing saved

    # A value the page does not offer (a hand-edited form): refused, naming the field.
    page.evaluate("document.querySelector('#objective option:checked').value = 'fair'")
    page.fill("#quota_department", "0")
    page.click("button:has-text('Save the rules')")
    expect(page.locator("[role=alert]")).to_contain_text("objective: Input should be")
    for field, value in (("objective", "stable"), ("stable_by", "wishes"),
                         ("unranked", "unacceptable"), ("no_wishes", "accept_all")):
        page.select_option(f"#{field}", value)  # that page shows the saved rules again
    page.click("button:has-text('Save the rules')")
    expect(page.locator("h1")).to_have_text("Self-match")
    doc = c.get(f"/api/v1/programmes/{pid}").json()["rules"]
    program = rm.Program.model_validate(doc)
    assert (program.objective, program.stable_by, program.unranked, program.no_wishes) == (
        "stable", "wishes", "unacceptable", "accept_all")
    assert "proposing" not in doc  # the default is left out of the document
    job = c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"]
    mid = site.wait(c, job)["matching"]
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()
    pairs = {(p["junior_id"], p["senior_id"]) for p in got["pairs"]}
    # The oracle: the library on the same file and rules; each pair was wished for.
    people = rm.read_participants(roster)
    juniors, seniors_p, _ = rm.split_roles(people)
    expected = rm.match(juniors, seniors_p, program, org=rm.OrgChart.from_participants(people))
    assert pairs == {(p.junior_id, p.senior_id) for p in expected.pairs}
    wished = {j.id: set(j.wishes) for j in juniors}
    assert pairs
    assert all(s in wished[j] for j, s in pairs)
    # The review page says what the pairs are: stable, not the highest total score.
    page.goto(f"{site.base}/programmes/{pid}/matchings/{mid}")
    expect(page.locator(".summary")).to_contain_text(
        "Stable (no junior and senior would both rather be together), the best stable "
        "matching for the juniors.")
    # A stable matching keeps no chosen pair (it would not be stable): no such button.
    expect(page.locator("button:has-text('Not this pair')")).to_have_count(len(pairs))
    expect(page.locator("button:has-text('Keep this pair')")).to_have_count(0)
    # Why a pair: the alternatives by the person's own preference, each with its reason.
    junior = sorted(pairs)[0][0]
    page.click(f"a[aria-label^='Why {junior} is paired']")
    expect(page.locator("caption")).to_contain_text("in order of this person's own preference")
    why = expected.explain(junior, alternatives=3)
    for alt in why.alternatives:
        expect(page.locator("tbody")).to_contain_text(views.plain(alt.reason))
    expect(page.locator("button:has-text('Pair them instead')")).to_have_count(0)

    # A mentor leaves after kick-off: the page matches again stably (no pair can be held
    # fixed under a stable aim), as the library does with allow_changes.
    c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
    leaver = sorted(pairs)[0][1]
    page.goto(f"{site.base}/programmes/{pid}")
    page.fill("#leavers", leaver)
    page.click("button:has-text('Match again')")
    expect(page.locator("h1")).to_have_text("Version 2 of the pairs")
    left = [p for p in seniors_p if p.id != leaver]
    again = rm.rematch(expected, juniors, left, program, allow_changes=True,
                       org=rm.OrgChart.from_participants(people))
    shown = {tuple(t.strip() for t in r.locator("td .id").all_inner_texts())
             for r in page.locator("table.pairs tbody tr").all()}
    assert shown == {(p.junior_id, p.senior_id) for p in again.result.pairs}
    page.goto(f"{site.base}/programmes/{pid}/rules")  # the page reads back what it saved
    expect(page.locator("#stable_by")).to_have_value("wishes")
    expect(page.locator("#no_wishes")).to_have_value("accept_all")


def test_moving_a_weight_counts_what_changes_live(browser: Browser, site: Service,
                                                  tmp_path: Path) -> None:
    org = rm.synth.generate(600, seed=11)
    roles = rm.synth.cohort_roles(org, 40, 40, seed=11, max_junior_level=0, min_senior_level=1)
    org.write_csv(tmp_path / "org.csv", roles)
    c = site.client(site.user("ana", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Weights"}).json()["id"]
    c.post(f"/api/v1/programmes/{pid}/people", files={
        "file": ("org.csv", (tmp_path / "org.csv").read_bytes())})
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}/rules")
    check_page(page, tmp_path / "shots", "rules")
    page.focus("#w_skills")
    page.keyboard.press("End")  # the slider to its most, by keyboard
    expect(page.locator("#o_skills")).to_have_text("3")  # the value shown as it moves
    expect(page.locator("#live")).to_contain_text("With these choices", timeout=30_000)
    live = page.locator("#live").inner_text()

    # The same count, from the library: the programme's rules before, the page's after.
    form = dict(page.evaluate("[...new FormData(document.querySelector('form[data-preview]'))]"))
    after = rm.Program.model_validate(program_document(None, form))
    assert after.weights.skills == 3
    people = rm.read_participants(tmp_path / "org.csv")
    juniors, seniors, _ = rm.split_roles(people)
    chart = rm.OrgChart.from_participants(people)
    old = {(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors, org=chart).pairs}
    new = {(p.junior_id, p.senior_id)
           for p in rm.match(juniors, seniors, after, org=chart).pairs}
    assert old != new  # the weight matters on this instance
    assert f"{len(new - old)} of {len(new)} pairs change" in live
    assert f"{len({x for pair in old ^ new for x in pair})} people get another partner" in live
    assert "Skills" in live  # the skills part of the fit moves
    assert c.get(f"/api/v1/programmes/{pid}").json()["rules"] is None  # nothing saved

    # Without the script, the button gives the same count on the page.
    page.route("**/static/rules.js", lambda route: route.abort())
    page.goto(f"{site.base}/programmes/{pid}/rules")
    page.fill("#w_skills", "3")
    page.click("button:has-text('Count what changes')")
    expect(page.locator("#live")).to_have_text(live)
    expect(page.locator("#w_skills")).to_have_value("3")  # the choices stay on the page


def test_a_running_programme_ratings_and_a_leaver_in_the_browser(browser: Browser,
                                                                  site: Service) -> None:
    c, pid, mid = matched_roster(site, "Running")
    c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
    pairs = [(p["junior_id"], p["senior_id"]) for p in
             c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["pairs"]]
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}")
    check_page(page)
    record_ratings(page, pairs)
    # One rating typed on the page: a second check-in, for one pair.
    page.fill("#r_junior", pairs[0][0])
    page.fill("#r_senior", pairs[0][1])
    page.fill("#r_rating", "4")
    page.fill("#r_checkin", "2")
    page.click("button:has-text('Record this rating')")
    second = page.locator("table:has(caption:text('Check-in ratings')) tbody tr").nth(1)
    expect(second).to_have_text(re.compile(r"^\s*2\s*1\s*4\.00\s*$"))
    # A pair that is not published is refused, named, and nothing is stored.
    page.fill("#r_junior", pairs[0][0])
    page.fill("#r_senior", pairs[1][1])
    page.fill("#r_rating", "5")
    page.click("button:has-text('Record this rating')")
    expect(page.locator("[role=alert]")).to_contain_text("not a pair of the published matching")
    assert c.get(f"/api/v1/programmes/{pid}/feedback").json()["ratings"] == len(pairs) + 1
    # A check-in survey as a form exports it: the seniors' names, their mentors'
    # (the juniors), a question of 1-5, a third check-in for every pair.
    name = {p.id: p.name for p in rm.read_participants(ROSTER)}
    survey: FilePayload = {"name": "survey.csv", "mimeType": "text/csv", "buffer": (
        "Timestamp,Your name,Your mentor,How useful was it? (1-5),Check-in\n" + "".join(
            f"2026-12-01 10:00,{name[s]},{name[j]},5,3\n" for j, s in pairs)).encode()}
    page.set_input_files("#ratings", files=survey)
    page.click("button:has-text('Record the ratings')")
    third = page.locator("table:has(caption:text('Check-in ratings')) tbody tr").nth(2)
    expect(third).to_have_text(re.compile(rf"^\s*3\s*{len(pairs)}\s*5\.00\s*$"))
    # The same survey answered on a scale in words: the page names the column and
    # proposes its value map; given in the box, the answers are read as numbers.
    words: FilePayload = {"name": "survey.csv", "mimeType": "text/csv", "buffer": (
        "Your name,Your mentor,It was useful,Check-in\n" + "".join(
            f"{name[s]},{name[j]},Agree,4\n" for j, s in pairs)).encode()}
    page.set_input_files("#ratings", files=words)
    page.click("button:has-text('Record the ratings')")
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text("holds a five-point scale's answers")
    check_page(page)
    proposal = re.search(r"\(check it\): (\{.*?\})", alert.inner_text())
    assert proposal is not None
    page.fill("#answer_values", proposal.group(1))
    page.set_input_files("#ratings", files=words)
    page.click("button:has-text('Record the ratings')")
    fourth = page.locator("table:has(caption:text('Check-in ratings')) tbody tr").nth(3)
    expect(fourth).to_have_text(re.compile(rf"^\s*4\s*{len(pairs)}\s*4\.00\s*$"))
    # After the redirect the page still says what reading said, and the box holds
    # the map for the next check-in's file (it is kept with the programme).
    notes = page.locator("#feedback_notes")
    expect(notes.locator("summary")).to_contain_text("from reading the last ratings file")
    expect(notes).to_contain_text("'It was useful'")
    assert json.loads(page.input_value("#answer_values")) == json.loads(proposal.group(1))

    leaver = pairs[0][1]
    page.fill("#leavers", leaver)
    page.fill("#change", pairs[1][0])
    page.click("button:has-text('Match again')")
    expect(page.locator("h1")).to_have_text("Version 2 of the pairs")
    expect(page.locator(".change")).to_contain_text("have another partner")
    again = {tuple(t.strip() for t in r.locator("td .id").all_inner_texts())
             for r in page.locator("table.pairs tbody tr").all()}
    assert all(leaver not in pair for pair in again)
    assert pairs[1] not in again  # the one who asked to change has another partner
    kept = set(pairs[2:]) - {p for p in pairs if leaver in p}
    people = rm.read_participants(ROSTER)
    now = [p.model_copy(update={"role": None}) if p.id == leaver else p for p in people]
    juniors, seniors, _ = rm.split_roles(now)
    oracle = rm.rematch(pairs, juniors, seniors, change={pairs[1][0]},
                        org=rm.OrgChart.from_participants(now))
    assert set(oracle.kept) <= kept
    assert again == {(p.junior_id, p.senior_id) for p in oracle.result.pairs}


def test_why_a_pair_and_pairing_them_instead_or_keeping_a_pair(browser: Browser,
                                                               site: Service) -> None:
    c, pid, mid = matched_roster(site, "Why")
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}/matchings/{mid}")
    first = page.locator("table.pairs tbody tr").first
    junior = first.locator("td .id").first.inner_text().strip()
    first.locator("a", has_text="Why?").click()
    expect(page).to_have_url(re.compile(r"/explain/"))
    check_page(page)
    expected = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}/explain/{junior}").json()
    alternatives = page.locator("table tbody tr")
    expect(alternatives).to_have_count(len(expected["alternatives"]))
    feasible = next(a for a in expected["alternatives"] if a["feasible"])
    row = alternatives.filter(has_text=feasible["partner_id"]).first
    expect(row).to_contain_text(feasible["reason"])
    # The exchange that makes room, said with the names the page shows (ids in the API).
    exchange = [*feasible["pairs_dropped"], *feasible["pairs_added"]]
    if exchange:
        people = {p["id"]: p for p in c.get(f"/api/v1/programmes/{pid}/people").json()}
        mover = exchange[0][0]
        expect(row.locator(".moves")).to_contain_text(
            f"Then {(people[mover].get('name') or mover)!r}")
    row.locator("button", has_text="Pair them instead").click()
    expect(page.locator("h1")).to_have_text("Version 2 of the pairs")
    shown = {tuple(t.strip() for t in r.locator("td .id").all_inner_texts())
             for r in page.locator("table.pairs tbody tr").all()}
    assert (junior, feasible["partner_id"]) in shown
    # Forcing it costs what the explanation said (exactly, when it says so).
    before = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["objective"]
    now_url = page.url.rsplit("/", 1)[1]
    after = c.get(f"/api/v1/programmes/{pid}/matchings/{now_url}").json()
    if feasible["cost_exact"]:
        assert before - after["objective"] == pytest.approx(feasible["cost"], abs=1e-6)
    assert after["overrides"]["require"] == [[junior, feasible["partner_id"]]]
    # Keep another pair: it shows as kept, and is required from then on.
    other = page.locator("table.pairs tbody tr").filter(
        has=page.locator("button", has_text="Keep this pair")).first
    kept = tuple(t.strip() for t in other.locator("td .id").all_inner_texts())
    other.locator("button", has_text="Keep this pair").click()
    expect(page.locator("h1")).to_have_text("Version 3 of the pairs")
    latest = c.get(f"/api/v1/programmes/{pid}/matchings/{page.url.rsplit('/', 1)[1]}").json()
    assert list(kept) in latest["overrides"]["require"]
    expect(page.locator("table.pairs tbody tr").filter(has_text=kept[0]).first).to_contain_text(
        "kept")


def test_why_on_a_large_programme_is_worked_out_in_the_background(
        browser: Browser, site: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the inline size, Why? answers at once with the work under way, then the answer."""
    from rmatch.app.pages import routes

    monkeypatch.setattr(routes, "INLINE_PAIRS", 0)  # every programme counts as large
    c, pid, mid = matched_roster(site, "Large why")
    junior = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()["pairs"][0]["junior_id"]
    expected = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}/explain/{junior}").json()
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}/matchings/{mid}/explain/{junior}")
    check_page(page)
    heading = page.locator("h1")
    assert re.match(r"^(Working out why|Why) ", heading.inner_text())
    expect(heading).to_have_text(re.compile(r"^Why .* has this partner$"), timeout=60_000)
    expect(page.locator("table tbody tr")).to_have_count(len(expected["alternatives"]))
    missing = page.goto(f"{site.base}/programmes/{pid}/matchings/{mid}/explain/nobody")
    assert missing is not None
    assert missing.status == 404  # no work started for someone who is not there


def _groups_expected(people: dict[str, dict[str, Any]], pairs: list[dict[str, Any]],
                     field: str) -> tuple[dict[str, list[str]], set[str]]:
    """Each group's cells as the page should show them, and the groups to withhold."""
    members = [k for k, p in people.items() if p.get("role") in ("junior", "senior")]
    partnered = {x for p in pairs for x in (p["junior_id"], p["senior_id"])}
    by: dict[str, list[str]] = {}
    for k in members:
        value = (people[k].get(field) if field in ("department", "location")
                 else people[k].get("attributes", {}).get(field))
        by.setdefault(str(value) if value else "(not given)", []).append(k)
    cells, small = {}, {}
    for value, ids in by.items():
        mine = [p["score"] for p in pairs if p["junior_id"] in ids or p["senior_id"] in ids]
        cells[value] = [value, str(len(ids)), str(sum(x in partnered for x in ids)),
                        f"{sum(mine) / len(mine):.2f}" if mine else "", ""]
        small[value] = len(ids) < 5 or 0 < len(mine) < 5
    return cells, rm.withheld_groups({v: len(i) for v, i in by.items()}, small)


def _shown_groups(page: Page, field: str) -> dict[str, list[str]]:
    heading = page.get_by_role("heading", name=re.compile(rf"^By {field}( \(sensitive\))?$"))
    table = page.locator("section").filter(has=heading).locator("table tbody tr")
    return {r.locator("td").first.inner_text(): r.locator("td").all_inner_texts()
            for r in table.all()}


def test_the_dashboard_figures_match_the_matching_and_hide_small_groups(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    org = rm.synth.generate(1_000, seed=5)
    org.write_csv(tmp_path / "org.csv", rm.synth.cohort_roles(
        org, 60, 60, seed=5, max_junior_level=0, min_senior_level=1))
    c = site.client(site.user("ana", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": "Year"}).json()["id"]
    c.post(f"/api/v1/programmes/{pid}/people", files={
        "file": ("org.csv", (tmp_path / "org.csv").read_bytes())})
    # Gender is sensitive: no figures by gender until the programme chooses to show them.
    assert c.put(f"/api/v1/programmes/{pid}/rules",
                 json={"sensitive_attributes": ["gender"]}).status_code == 200
    mid = site.wait(c, c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"])["matching"]
    c.post(f"/api/v1/programmes/{pid}/matchings/{mid}/publish")
    got = c.get(f"/api/v1/programmes/{pid}/matchings/{mid}").json()
    people = {p["id"]: p for p in c.get(f"/api/v1/programmes/{pid}/people").json()}
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}")
    page.click("text=Dashboard and year-end figures")
    check_page(page, tmp_path / "shots", "dashboard")
    summary = page.locator(".headlines").inner_text()
    members = [k for k, p in people.items() if p.get("role") in ("junior", "senior")]
    partnered = {x for p in got["pairs"] for x in (p["junior_id"], p["senior_id"])}
    assert f"{len(got['pairs'])} pairs published" in summary
    assert f"{len(partnered)} of {len(members)} people have a partner" in summary
    mean = sum(p["score"] for p in got["pairs"]) / len(got["pairs"])
    assert f"{100 * mean:.0f}%" in summary
    # Each group shown: its people, partners and mean score, computed here again; the
    # small ones withheld (with the next smallest when one alone would be derivable).
    for field in ("department", "location", "background", "tenure"):
        cells, withheld = _groups_expected(people, got["pairs"], field)
        shown = _shown_groups(page, field)
        assert shown == {v: c for v, c in cells.items() if v not in withheld}, field
        if withheld:
            expect(page.locator(f"section:has(h2:text-is('By {field}'))")).to_contain_text(
                f"{len(withheld)} group")
    assert page.locator("h2:has-text('By gender')").count() == 0
    # A plot per table: as many bars as rows.
    bars = page.locator("section:has(h2:text-is('By department')) svg rect")
    assert bars.count() == len(_shown_groups(page, "department"))

    # Shown once the programme allows it (the rules page), and only to who sees names.
    page.goto(f"{site.base}/programmes/{pid}/rules")
    page.check("text=Show the figures by gender")
    page.click("button:has-text('Save the rules')")
    assert c.get(f"/api/v1/programmes/{pid}").json()["figures"] == {"sensitive": ["gender"]}
    page.goto(f"{site.base}/programmes/{pid}/dashboard")
    cells, withheld = _groups_expected(people, got["pairs"], "gender")
    assert _shown_groups(page, "gender") == {v: c for v, c in cells.items()
                                            if v not in withheld}
    expect(page.locator("h2:has-text('By gender')")).to_have_text("By gender (sensitive)")
    site.user("vic", "viewer")
    c.post(f"/api/v1/programmes/{pid}/shares", json={"user": "vic"})
    viewer = browser.new_page()
    sign_in(viewer, site, "vic")
    viewer.goto(f"{site.base}/programmes/{pid}/dashboard")
    expect(viewer.locator("h2:has-text('By department')")).to_have_count(1)
    assert viewer.locator("h2:has-text('By gender')").count() == 0
    # Only attributes the rules mark sensitive can be chosen.
    refused = c.put(f"/api/v1/programmes/{pid}/figures", json={"sensitive": ["tenure"]})
    assert refused.status_code == 422
    assert "not a sensitive attribute" in refused.text


def _hand_judged() -> tuple[list[rm.Participant], list[rm.Participant], list[rm.Participant],
                            rm.OrgChart, list[tuple[str, str]], rm.MatchResult]:
    """The roster's people, sides and chart, a hand matching and its judgement (the oracle)."""
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    org = rm.OrgChart.from_participants(people)
    pairs = hand_matching(juniors, seniors, org)
    return people, juniors, seniors, org, pairs, rm.evaluate(pairs, juniors, seniors, org=org)


def test_a_large_programmes_judgement_follows_its_job_in_the_browser(
        browser: Browser, site: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the inline size the upload opens the job's page, which ends on the judgement."""
    from rmatch.app import judging

    monkeypatch.setattr(judging, "INLINE_PAIRS", 0)  # every programme counts as large
    _, pid, _ = matched_roster(site, "Judged large")
    *_, pairs, alone = _hand_judged()
    assert alone.optimum is not None
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}")
    sheet: FilePayload = {"name": "hand.csv", "mimeType": "text/csv", "buffer": (
        "Mentor,Mentee\n" + "".join(f"{j},{s}\n" for j, s in pairs)).encode()}
    page.set_input_files("#judgefile", files=sheet)
    page.click("button:has-text('Judge it against the optimum')")
    # The job's page (or, on a fast machine, already the judgement it ends on).
    heading = page.locator("h1")
    assert heading.inner_text() in ("Judging a matching made elsewhere",
                                    "Your matching against the optimum")
    check_page(page)
    expect(heading).to_have_text("Your matching against the optimum", timeout=60_000)
    check_page(page)
    summary = page.locator(".summary")
    expect(summary.first).to_contain_text(f"total score {alone.objective:.3f}")
    expect(summary.nth(1)).to_contain_text(f"total score {alone.optimum.objective:.3f}")
    expect(page.locator("table.pairs tbody tr")).to_have_count(len(pairs))
    with site.db() as db:  # it went by a job: its start is in the audit
        assert db.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "started judging a matching made elsewhere")).all()


def test_a_hand_matching_judged_in_the_browser(browser: Browser, site: Service) -> None:
    c, pid, _ = matched_roster(site, "Judged")
    people, juniors, seniors, org, pairs, alone = _hand_judged()
    assert alone.optimum is not None
    assert alone.violations
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.goto(f"{site.base}/programmes/{pid}")
    check_page(page)
    # Someone not in the programme: named by row, nothing stored.
    wrong: FilePayload = {"name": "wrong.csv", "mimeType": "text/csv", "buffer": (
        f"junior_id,senior_id\n{pairs[1][0]},{pairs[1][1]}\nnobody,{pairs[2][1]}\n").encode()}
    page.set_input_files("#judgefile", files=wrong)
    page.click("button:has-text('Judge it against the optimum')")
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text("wrong.csv was not judged: 1 problem.")
    expect(alert.locator("tbody tr")).to_have_text(re.compile(r"^\s*3\s*junior_id\s*'nobody'"))
    check_page(page)
    # Headers it cannot tell apart: the hints say which column holds whose ids, and
    # are not counted as problems.
    unclear: FilePayload = {"name": "unclear.csv", "mimeType": "text/csv", "buffer": (
        "Mentor,Mentee\n" + "".join(f"{j},{s}\n" for j, s in pairs) + "Total pairs,7\n").encode()}
    page.set_input_files("#judgefile", files=unclear)
    page.click("button:has-text('Judge it against the optimum')")
    expect(alert).to_contain_text("unclear.csv was not judged: 1 problem.")
    expect(alert).to_contain_text("hint: column 'Mentor' holds juniors' ids")
    # A team's own sheet ("Mentor" is the junior here, as reverse mentoring says it).
    sheet: FilePayload = {"name": "hand.csv", "mimeType": "text/csv", "buffer": (
        "Hand matching 2026\nMentor,Mentee\n" + "".join(f"{j},{s}\n" for j, s in pairs)
    ).encode()}
    page.set_input_files("#judgefile", files=sheet)
    page.click("button:has-text('Judge it against the optimum')")
    expect(page.locator("h1")).to_have_text("Your matching against the optimum")
    check_page(page)
    summary = page.locator(".summary")
    expect(summary.first).to_contain_text(f"total score {alone.objective:.3f}")
    expect(summary.nth(1)).to_contain_text(f"total score {alone.optimum.objective:.3f}")
    rows = page.locator("table.pairs tbody tr")
    expect(rows).to_have_count(len(pairs))
    label = next(v.rule for v in alone.violations if (v.junior_id, v.senior_id) == pairs[0])
    expect(rows.first).to_contain_text(views.plain(label))  # the rule in words
    name = next(p.name for p in people if p.id == pairs[0][0])
    assert name
    expect(rows.first).to_contain_text(name)  # names shown to whom may see them
    broken = page.locator("table:has(caption:has-text('broken')) tbody tr")
    expect(broken).to_have_count(len(alone.violations))
    # Each broken rule with the fact that breaks it ("the senior is the junior's manager").
    for k, v in enumerate(alone.violations[:3]):
        assert v.detail != "rules out this pair"
        expect(broken.nth(k)).to_contain_text(views.plain(v.detail))
    page.click("a:text-is('Judged')")
    expect(page.locator("table:has(caption:text('Matchings judged')) tbody tr")).to_have_count(1)
    assert len(c.get(f"/api/v1/programmes/{pid}/analyses").json()) == 1
    # More pairs than the optimum, by giving two people a second partner: said so.
    best = [(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors, org=org).pairs]
    over = [*best, (best[0][0], best[1][1])]
    assert rm.evaluate(over, juniors, seniors, org=org).violations
    doubled: FilePayload = {"name": "doubled.csv", "mimeType": "text/csv", "buffer": (
        "junior_id,senior_id\n" + "".join(f"{j},{s}\n" for j, s in over)).encode()}
    page.set_input_files("#judgefile", files=doubled)
    page.click("button:has-text('Judge it against the optimum')")
    expect(page.locator(".summary").nth(1)).to_contain_text(
        "only by breaking the rules below")
    # More pairs than the optimum and a lower total: not "with as many pairs".
    sm = rm.score(juniors, seniors, org=org)
    lower = [*over]
    for i, (j, _) in enumerate(best):  # each junior to its worst senior until below
        if rm.evaluate(lower, juniors, seniors, org=org).objective < alone.optimum.objective:
            break
        row = sm.junior_ids.index(j)
        lower[i] = (j, sm.senior_ids[int(np.argmin(sm.total[row]))])
    worse = rm.evaluate(lower, juniors, seniors, org=org)
    assert len(lower) > alone.optimum.pairs
    assert worse.objective < alone.optimum.objective
    file: FilePayload = {"name": "lower.csv", "mimeType": "text/csv", "buffer": (
        "junior_id,senior_id\n" + "".join(f"{j},{s}\n" for j, s in lower)).encode()}
    page.click("a:text-is('Judged')")
    page.set_input_files("#judgefile", files=file)
    page.click("button:has-text('Judge it against the optimum')")
    expect(page.locator(".summary").nth(1)).to_contain_text(
        "only by breaking the rules below")
    expect(page.locator(".summary").nth(1)).not_to_contain_text("as many pairs")

