"""A sign-up form and the HR export joined on the mapping screen, in the browser."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from tests.app.browsing import check_page, new_programme
from tests.app.conftest import ROOT, Service

import rmatch as rm

pytest.importorskip("playwright")
pytest.importorskip("openpyxl")
from playwright.sync_api import Browser, Page, expect

E = ROOT / "examples" / "exports"


def _json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((E / name).read_text("utf-8"))
    return loaded


def _choose(page: Page, prefix: str, path: Path, columns: dict[str, Any]) -> None:
    """Choose each column's target on the page, as a person does with the lists."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        headers = list(rm.suggest_columns(path))
    for k, header in enumerate(headers, start=1):
        page.select_option(f"#{prefix}-{k}", columns.get(header) or "")


def test_sign_ups_joined_with_the_hr_export_on_the_mapping_screen(
        browser: Browser, site: Service, tmp_path: Path) -> None:
    page = new_programme(browser, site, "Forms and Workday")
    # The example's sign-ups, and one from someone the HR export does not know (yet).
    forms, workday = tmp_path / "forms_signup.csv", E / "workday_workers.xlsx"
    forms.write_bytes((E / "forms_signup.csv").read_bytes().rstrip(b"\r\n") + (
        b"\r\n99,11/9/26 9:00:00,11/9/26 9:05:00,new.joiner@acme.com,New Joiner,"
        b"Reverse mentor (I'm early in my career),GenAI tools;,,English;,\r\n"))
    page.set_input_files("#mapfile", str(forms))
    page.set_input_files("#hrfile", str(workday))
    page.click("button:has-text('Check the columns')")
    expect(page.locator("#hr-h")).to_contain_text("workday_workers.xlsx")
    check_page(page, tmp_path / "shots", "mapping-with-hr")

    # The maps a person sets on the page (the same as the example's JSON files).
    _choose(page, "col", forms, _json("forms_columns.json"))
    _choose(page, "hcol", workday, _json("workday_for_forms_columns.json"))
    page.fill("#values", json.dumps(_json("forms_values.json")))
    page.fill("#hr_values", "")
    page.click("button:has-text('Check these choices first')")
    # A form sent twice by one person: the join waits until the duplicates are settled.
    expect(page.locator(".join")).to_contain_text("once both files read with these choices; "
                                                  "1 problem now")
    expect(page.locator(".join li")).to_contain_text("Hugo.ramos@Acme.com")
    page.select_option("#duplicates", "keep_last")
    page.click("button:has-text('Check these choices first')")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        signups = rm.read_participants(forms, columns=_json("forms_columns.json"),
                                       values=_json("forms_values.json"),
                                       duplicates="keep_last", check_managers=False)
        employees = rm.read_participants(workday,
                                         columns=_json("workday_for_forms_columns.json"))
        joined = rm.enrich(signups, employees)
    known = {p.id.casefold() for p in employees}
    found = sum(p.id.casefold() in known for p in signups)
    assert 0 < found < len(signups)  # the example has sign-ups HR does not know
    join = page.locator(".join")
    expect(join).to_contain_text(f"{found} of {len(signups)} sign-ups have an HR record")
    for p in signups:
        if p.id.casefold() not in known:
            expect(join).to_contain_text(p.id)
    expect(join).to_contain_text(f"{len(employees) - found} other people of the HR export")
    check_page(page, tmp_path / "shots", "join")
    # The choices survive the check: the page still shows them.
    assert page.locator("#duplicates").input_value() == "keep_last"

    page.click("button:has-text('Read the file with these choices')")
    expect(page.locator("h1")).to_have_text("Forms and Workday")
    signed = {p.id for p in joined}
    everyone = joined + [p for p in employees if p.id not in signed]
    juniors, seniors, _ = rm.split_roles(joined)
    expect(page.locator("#people-h + p")).to_contain_text(
        f"{len(everyone)} people read from forms_signup.csv: {len(juniors)} juniors and "
        f"{len(seniors)} seniors (the others give the reporting lines)")
