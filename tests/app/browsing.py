"""What the browser tests share: signing in by keyboard, and the checks every page passes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.app.conftest import PASSWORD, ROOT, Service

pytest.importorskip("playwright")
from playwright.sync_api import Browser, FilePayload, Page, expect


def sign_in(page: Page, site: Service, name: str) -> None:
    page.goto(site.base + "/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))  # not signed in: sent to sign in
    page.keyboard.press("Tab")  # the skip link, then the form, by keyboard alone
    page.fill("#username", name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Programmes")


def labelled(page: Page) -> list[str]:
    """The form fields of the page that have no label (none should)."""
    missing: list[str] = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), textarea, select')].filter(e =>
        !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)""")
    return missing


def check_page(page: Page, shots: Path | None = None, step: str = "") -> None:
    """Every page: a language, one heading, a label on every field, no inline script or style."""
    # The page a click led to, loaded: on a busy machine a check right after the click
    # once read a document still being replaced (documentElement null, in CI).
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").count() == 1
    assert labelled(page) == []
    # Scripts only as files of our own (the policy refuses inline ones anyway).
    inline = page.evaluate("[...document.scripts].filter(s => !s.src || s.text.trim()).length")
    assert inline == 0
    assert page.evaluate("[...document.scripts].every(s => new URL(s.src).origin === "
                         "location.origin)")
    assert " style=" not in page.content()
    # An icon of our own: without one every page asks for /favicon.ico and logs a 404.
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).headers["content-type"].startswith("image/svg+xml")
    if shots is not None:  # each step's screenshot, for a person to look at (not committed)
        shots.mkdir(exist_ok=True)
        path = shots / f"{len(list(shots.iterdir())):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)


def new_programme(browser: Browser, site: Service, name: str) -> Page:
    """Sign in as a new administrator and create a programme on the page; return the page."""
    site.user("ana", "admin")
    page = browser.new_page()
    sign_in(page, site, "ana")
    page.click("text=New programme")
    page.fill("#name", name)
    page.click("button:has-text('Create the programme')")
    expect(page.locator("h1")).to_have_text(name)
    return page


def record_ratings(page: Page, pairs: list[tuple[str, str]]) -> None:
    """Upload check-in ratings of 1 to 5 for the pairs on the programme's page; check the mean
    the page shows and that the programme is running."""
    ratings = "junior_id,senior_id,rating,checkin\n" + "".join(
        f"{j},{s},{k % 5 + 1},1\n" for k, (j, s) in enumerate(pairs))
    payload: FilePayload = {"name": "checkin.csv", "mimeType": "text/csv",
                            "buffer": ratings.encode()}
    page.set_input_files("#ratings", files=payload)
    page.click("button:has-text('Record the ratings')")
    mean = sum(k % 5 + 1 for k in range(len(pairs))) / len(pairs)
    expect(page.locator("table:has(caption:text('Check-in ratings'))")).to_contain_text(
        f"{mean:.2f}")
    expect(page.locator(".state")).to_have_text("running")


def matched_roster(site: Service, name: str) -> tuple[Any, int, int]:
    """An administrator's API client, and a programme of the example roster matched once."""
    c = site.client(site.user("ana", "admin"))
    pid = c.post("/api/v1/programmes", json={"name": name}).json()["id"]
    roster = ROOT / "examples" / "roster.csv"
    c.post(f"/api/v1/programmes/{pid}/people", files={"file": ("r.csv", roster.read_bytes())})
    mid = site.wait(c, c.post(f"/api/v1/programmes/{pid}/matchings").json()["job"])["matching"]
    return c, pid, mid
